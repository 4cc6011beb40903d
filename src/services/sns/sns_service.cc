#include "services/sns/sns_service.h"

#include "services/sns/delivery_queue.h"
#include "services/sns/signing_key.h"
#include "services/sns/sns_operations.h"

namespace citadel::services::sns {

std::vector<OperationDef> SnsService::operations() const {
  std::vector<OperationDef> ops;
  add_topic_operations(ops);
  add_subscription_operations(ops);
  add_publish_operations(ops);
  return ops;
}

AwsError SnsService::denied(AwsError e) const {
  e.code = "AuthorizationError";
  // The action, not the ARN ("arn:aws:sns:..."): it follows a space.
  for (size_t at = e.message.find(" sns:"); at != std::string::npos; at = e.message.find(" sns:", at + 5)) e.message.replace(at, 5, " SNS:");
  return e;
}

std::vector<store::Migration> SnsService::migrations() const {
  std::vector<store::Migration> out{{"sns/001_topics_subscriptions", R"sql(
CREATE TABLE sns_topics (
  account_id            TEXT NOT NULL,
  region                TEXT NOT NULL,
  name                  TEXT NOT NULL,
  attributes            TEXT NOT NULL,
  subscriptions_deleted INTEGER NOT NULL DEFAULT 0,
  created_ms            INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, name)
);
CREATE TABLE sns_topic_tags (
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  topic_name TEXT NOT NULL,
  tag_key    TEXT NOT NULL,
  tag_value  TEXT NOT NULL,
  PRIMARY KEY (account_id, region, topic_name, tag_key)
);
CREATE TABLE sns_subscriptions (
  arn                    TEXT PRIMARY KEY,
  account_id             TEXT NOT NULL,
  region                 TEXT NOT NULL,
  topic_name             TEXT NOT NULL,
  owner                  TEXT NOT NULL,
  principal_arn          TEXT NOT NULL,
  protocol               TEXT NOT NULL,
  endpoint               TEXT NOT NULL,
  token                  TEXT NOT NULL,
  token_expires_ms       INTEGER NOT NULL,
  confirmed              INTEGER NOT NULL DEFAULT 0,
  authenticated          INTEGER NOT NULL DEFAULT 0,
  unsubscribe_needs_auth INTEGER NOT NULL DEFAULT 0,
  attributes             TEXT NOT NULL DEFAULT '{}',
  created_ms             INTEGER NOT NULL
);
CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions(account_id, region, topic_name, arn);
CREATE INDEX sns_subscriptions_by_owner ON sns_subscriptions(owner, region, arn);
)sql"}};
  for (auto& m : signing_key_migrations()) out.push_back(std::move(m));
  for (auto& m : delivery_queue_migrations()) out.push_back(std::move(m));
  return out;
}

}  // namespace citadel::services::sns
