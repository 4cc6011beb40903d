#pragma once
// Amazon SNS (awsQuery, 2010-03-31): standard topics, HTTP/HTTPS subscriptions confirmed as AWS
// confirms them, Publish delivered by a background worker with AWS's retry policy and signed
// messages. See docs/sns.md.
#include "services/service.h"

namespace citadel::services::sns {

class SnsService final : public Service {
 public:
  std::string id() const override { return "sns"; }
  std::string event_source() const override { return "sns.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
  // SNS answers a denied call with AuthorizationError (403), naming the action "SNS:<Operation>".
  AwsError denied(AwsError e) const override;
};

}  // namespace citadel::services::sns
