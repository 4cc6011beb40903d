// Topics: CreateTopic (idempotent by name), DeleteTopic, ListTopics, Get/SetTopicAttributes, tags.
#include <set>

#include "services/sns/sns_operations.h"
#include "services/sns/topic_attributes.h"

namespace citadel::services::sns {

namespace {

constexpr size_t kMaxTags = 50;

using Tags = std::vector<std::pair<std::string, std::string>>;

Result<Tags> load_tags(store::Tx& tx, const TopicRef& t) {
  auto rows = tx.query("SELECT tag_key, tag_value FROM sns_topic_tags WHERE account_id = ? AND region = ? AND topic_name = ? ORDER BY tag_key",
                       {t.account, t.region, t.name});
  if (!rows) return rows.error();
  Tags out;
  for (const auto& r : *rows) out.emplace_back(r.str(0), r.str(1));
  return out;
}

// Tags of a request ([{"Key", "Value"}]), checked as SNS checks them.
Result<Tags> requested_tags(const json::object& input) {
  Tags out;
  const auto* v = input.if_contains("Tags");
  if (!v || !v->is_array()) return out;
  for (const auto& t : v->as_array()) {
    if (!t.is_object()) continue;
    std::string key = input_str(t.as_object(), "Key"), value = input_str(t.as_object(), "Value");
    if (key.empty() || key.size() > 128) return invalid_parameter("Tags Reason: a tag key must be 1 to 128 characters");
    if (value.size() > 256) return invalid_parameter("Tags Reason: a tag value must be at most 256 characters");
    if (key.rfind("aws:", 0) == 0) return invalid_parameter("Tags Reason: the aws: prefix is reserved for AWS");
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

AwsError tag_limit() {
  return AwsError::sender("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded", 400);
}

Status put_tags(store::Tx& tx, const TopicRef& t, const Tags& tags) {
  for (const auto& [k, v] : tags) {
    auto w = tx.exec("INSERT INTO sns_topic_tags (account_id, region, topic_name, tag_key, tag_value) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (account_id, region, topic_name, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
                     {t.account, t.region, t.name, k, v});
    if (!w) return w.error();
  }
  auto n = tx.query("SELECT COUNT(*) FROM sns_topic_tags WHERE account_id = ? AND region = ? AND topic_name = ?",
                    {t.account, t.region, t.name});
  if (!n) return n.error();
  if (static_cast<size_t>(n->front().i64(0)) > kMaxTags) return tag_limit();
  return Ok{};
}

Result<json::object> requested_attributes(const Call& call) {
  json::object out;
  const auto* v = call.input.if_contains("Attributes");
  if (!v || !v->is_object()) return out;
  for (const auto& [k, value] : v->as_object()) {
    std::string text = value.is_string() ? std::string(value.as_string()) : "";
    if (auto s = check_topic_attribute(std::string(k), text); !s) return s.error();
    if (k != "FifoTopic") out[k] = text;
  }
  return out;
}

// CreateTopic on a name that exists answers its ARN, unless the request asks for other
// attributes or other tags than the topic has.
Status same_as_existing(store::Tx& tx, const TopicRef& ref, const json::object& attributes, const Tags& tags, const std::string& region) {
  auto topic = load_topic(tx, ref.arn(), region);
  if (!topic) return topic.error();
  for (const auto& [k, v] : attributes)
    if (topic->attributes.if_contains(k) == nullptr || topic->attributes.at(k) != v)
      return invalid_parameter("Attributes Reason: Topic already exists with different attributes");
  if (tags.empty()) return Ok{};
  auto current = load_tags(tx, ref);
  if (!current) return current.error();
  Tags wanted = tags;
  std::sort(wanted.begin(), wanted.end());
  if (wanted != *current) return invalid_parameter("Tags Reason: Topic already exists with different tags");
  return Ok{};
}

Result<json::value> create_topic(Call& call) {
  std::string name = call.str("Name");
  if (name.size() > 5 && name.ends_with(".fifo")) return invalid_parameter("Name Reason: FIFO topics are not built in Citadel");
  if (!valid_topic_name(name))
    return invalid_parameter("Topic Name");
  auto attributes = requested_attributes(call);
  if (!attributes) return attributes.error();
  auto tags = requested_tags(call.input);
  if (!tags) return tags.error();
  if (call.has("DataProtectionPolicy")) return AwsError::not_implemented("sns: data protection policies");
  TopicRef ref{call.ctx.region, call.account(), name};
  auto exists = call.tx.query("SELECT 1 FROM sns_topics WHERE account_id = ? AND region = ? AND name = ?",
                              {ref.account, ref.region, ref.name});
  if (!exists) return exists.error();
  if (!exists->empty()) {
    if (auto s = same_as_existing(call.tx, ref, *attributes, *tags, call.ctx.region); !s) return s.error();
    return json::object{{"TopicArn", ref.arn()}};
  }
  if (!attributes->contains("Policy")) (*attributes)["Policy"] = default_topic_policy(ref);
  if (attributes->contains("DeliveryPolicy") && (*attributes)["DeliveryPolicy"].as_string().empty()) attributes->erase("DeliveryPolicy");
  auto w = call.tx.exec("INSERT INTO sns_topics (account_id, region, name, attributes, created_ms) VALUES (?, ?, ?, ?, ?)",
                        {ref.account, ref.region, ref.name, json::serialize(*attributes), call.ctx.now_ms});
  if (!w) return w.error();
  if (tags->size() > kMaxTags) return tag_limit();
  if (auto s = put_tags(call.tx, ref, *tags); !s) return s.error();
  return json::object{{"TopicArn", ref.arn()}};
}

Result<json::value> delete_topic(Call& call) {
  auto topic = load_topic(call.tx, call.str("TopicArn"), call.ctx.region);
  // Deleting a topic that does not exist is not an error (DeleteTopic is idempotent).
  if (!topic) return topic.error().code == "NotFound" ? Result<json::value>(json::object{}) : topic.error();
  const TopicRef& t = topic->ref;
  // Deliveries still queued for the topic's subscriptions go with it.
  if (auto d = call.tx.exec("DELETE FROM sns_deliveries WHERE topic_arn = ?", {t.arn()}); !d) return d.error();
  for (const char* sql : {"DELETE FROM sns_subscriptions WHERE account_id = ? AND region = ? AND topic_name = ?",
                          "DELETE FROM sns_topic_tags WHERE account_id = ? AND region = ? AND topic_name = ?",
                          "DELETE FROM sns_topics WHERE account_id = ? AND region = ? AND name = ?"}) {
    auto d = call.tx.exec(sql, {t.account, t.region, t.name});
    if (!d) return d.error();
  }
  return json::object{};
}

Result<json::value> list_topics(Call& call) {
  auto after = page_after(call);
  if (!after) return after.error();
  auto rows = call.tx.query("SELECT name FROM sns_topics WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?",
                            {call.account(), call.ctx.region, *after, kPageSize + 1});
  if (!rows) return rows.error();
  json::array topics;
  json::object out;
  for (const auto& r : *rows) {
    if (static_cast<int64_t>(topics.size()) == kPageSize) {
      out["NextToken"] = page_token((*rows)[topics.size() - 1].str(0));
      break;
    }
    topics.push_back(json::object{{"TopicArn", TopicRef{call.ctx.region, call.account(), r.str(0)}.arn()}});
  }
  out["Topics"] = std::move(topics);
  return out;
}

Result<json::value> get_topic_attributes(Call& call) {
  auto topic = load_topic(call.tx, call.str("TopicArn"), call.ctx.region);
  if (!topic) return topic.error();
  auto attrs = topic_attributes_view(call.tx, *topic);
  if (!attrs) return attrs.error();
  return json::object{{"Attributes", std::move(*attrs)}};
}

Result<json::value> set_topic_attributes(Call& call) {
  auto topic = load_topic(call.tx, call.str("TopicArn"), call.ctx.region);
  if (!topic) return topic.error();
  std::string name = call.str("AttributeName"), value = call.str("AttributeValue");
  if (name == "FifoTopic") return invalid_parameter("AttributeName");  // fixed at creation
  if (auto s = check_topic_attribute(name, value); !s) return s.error();
  if (name == "DeliveryPolicy" && value.empty()) topic->attributes.erase("DeliveryPolicy");
  else topic->attributes[name] = value;
  if (auto s = save_topic_attributes(call.tx, *topic); !s) return s.error();
  return json::object{};
}

// The topic a tagging call names by ResourceArn: ResourceNotFound when there is none.
Result<Topic> tagged_topic(Call& call) {
  auto topic = load_topic(call.tx, call.str("ResourceArn"), call.ctx.region, "ResourceArn");
  if (!topic && topic.error().code == "NotFound") return AwsError::sender("ResourceNotFound", "Resource does not exist", 404);
  return topic;
}

Result<json::value> tag_resource(Call& call) {
  auto topic = tagged_topic(call);
  if (!topic) return topic.error();
  auto tags = requested_tags(call.input);
  if (!tags) return tags.error();
  if (auto s = put_tags(call.tx, topic->ref, *tags); !s) return s.error();
  return json::object{};
}

Result<json::value> untag_resource(Call& call) {
  auto topic = tagged_topic(call);
  if (!topic) return topic.error();
  if (const auto* keys = call.input.if_contains("TagKeys"); keys && keys->is_array())
    for (const auto& k : keys->as_array()) {
      if (!k.is_string()) continue;
      auto d = call.tx.exec("DELETE FROM sns_topic_tags WHERE account_id = ? AND region = ? AND topic_name = ? AND tag_key = ?",
                            {topic->ref.account, topic->ref.region, topic->ref.name, std::string(k.as_string())});
      if (!d) return d.error();
    }
  return json::object{};
}

Result<json::value> list_tags_for_resource(Call& call) {
  auto topic = tagged_topic(call);
  if (!topic) return topic.error();
  auto tags = load_tags(call.tx, topic->ref);
  if (!tags) return tags.error();
  json::array out;
  for (const auto& [k, v] : *tags) out.push_back(json::object{{"Key", k}, {"Value", v}});
  return json::object{{"Tags", std::move(out)}};
}

AuthzRequest create_topic_authz(const RequestContext& ctx, const json::object& in, store::Tx&) {
  std::string name = input_str(in, "Name");
  std::string arn = name.empty() ? "*" : TopicRef{ctx.region, ctx.principal->account_id, name}.arn();
  AuthzRequest a{"sns:CreateTopic", {arn}, tag_condition_keys(in, "Tags")};
  // Tagging on creation needs sns:TagResource too (the CreateTopic API reference says so).
  if (const auto* tags = in.if_contains("Tags"); tags && tags->is_array() && !tags->as_array().empty())
    a.also.push_back(AuthzRequest{"sns:TagResource", {arn}, a.condition_keys});
  return a;
}

OperationDef tagging_op(const char* name, bool read_only, Handler h) {
  return OperationDef{name, read_only, false,
                      [name](const RequestContext&, const json::object& in, store::Tx& tx) {
                        auto a = topic_authz(name, input_str(in, "ResourceArn"), tx);
                        if (std::string_view(name) != "ListTagsForResource")
                          a.condition_keys = tag_condition_keys(in, std::string_view(name) == "TagResource" ? "Tags" : "TagKeys");
                        return a;
                      },
                      std::move(h)};
}

}  // namespace

void add_topic_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"CreateTopic", false, false, create_topic_authz, create_topic});
  ops.push_back(topic_op("DeleteTopic", false, "TopicArn", delete_topic));
  ops.push_back(account_op("ListTopics", true, list_topics));
  ops.push_back(topic_op("GetTopicAttributes", true, "TopicArn", get_topic_attributes));
  ops.push_back(topic_op("SetTopicAttributes", false, "TopicArn", set_topic_attributes));
  ops.push_back(tagging_op("TagResource", false, tag_resource));
  ops.push_back(tagging_op("UntagResource", false, untag_resource));
  ops.push_back(tagging_op("ListTagsForResource", true, list_tags_for_resource));
}

}  // namespace citadel::services::sns
