#pragma once
// A service is a folder that registers its operations. Each operation declares its authorization
// (IAM action, resource ARNs, condition keys) and a handler; the pipeline authenticates,
// authorizes, runs the handler in one store transaction, and audits. A handler never authorizes.
#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/credentials.h"
#include "auth/principal.h"
#include "base/error.h"
#include "policy/request.h"
#include "protocol/body_source.h"
#include "store/secret_box.h"
#include "store/store.h"

namespace citadel::services {

namespace json = boost::json;

// Facts about the request that handlers and authorization may need.
struct RequestContext {
  const auth::Principal* principal = nullptr;
  std::string region = "us-east-1";
  std::string request_id;
  std::string source_ip;
  std::string user_agent;
  bool secure_transport = false;  // the request came over TLS (aws:SecureTransport)
  int64_t now_ms = 0;
  // For authorization declarations that must open a sealed fact (an MFA device's seed, when a code
  // decides aws:MultiFactorAuthPresent); handlers use Env::secrets.
  const store::SecretBox* secrets = nullptr;
};

// Long-lived parts a handler may use.
struct Env {
  store::Store* store = nullptr;
  const store::SecretBox* secrets = nullptr;
  auth::CredentialResolver* credentials = nullptr;
  // Returns once every audit record written so far can be read from the store (LookupEvents
  // calls it so a caller always sees its own earlier calls).
  std::function<void()> wait_for_audit = [] {};
  std::string audit_dir;  // where the audit segment files are (services/cloudtrail/event_store.h)
  std::string data_dir;   // the data directory (S3 keeps object bytes under DATA/s3/)
};

// A request body streamed to disk as it arrives instead of read into memory, for the operations
// that declare `streamed_body` (S3's PutObject and UploadPart, up to 5 GiB). The pipeline appends
// the payload (aws-chunked framing removed) after authenticating the headers, calls finish() after
// the last byte, checks x-amz-content-sha256 against sha256_hex(), and hands the body to the
// handler (Call::body), which keeps it (makes it its stored bytes) or not. Destroyed unkept — the
// call failed, or the client went away midway — it leaves nothing on disk.
class RequestBody {
 public:
  virtual ~RequestBody() = default;
  // The most bytes it takes (EntityTooLarge beyond).
  virtual int64_t max_size() const = 0;
  virtual Status append(std::string_view bytes) = 0;
  virtual Status finish() = 0;
  virtual int64_t size() const = 0;
  // Of the bytes appended, once finished.
  virtual std::string sha256_hex() const = 0;
};

// One call of an operation, inside its store transaction.
struct Call {
  const RequestContext& ctx;
  const json::object& input;
  store::Tx& tx;
  const Env& env;
  // Work to do after the transaction commits (e.g. cache invalidation).
  std::vector<std::function<void()>> after_commit;
  // The request's streamed body, for an operation that declares `streamed_body` (else null: the
  // body is the input's payload member).
  RequestBody* body = nullptr;
  // A response body sent from a source rather than the output's payload member (GetObject).
  std::shared_ptr<protocol::BodySource> response_body;

  const std::string& account() const { return ctx.principal->account_id; }
  // Input member as text, "" when absent.
  std::string str(std::string_view member) const;
  bool has(std::string_view member) const;
};

using Handler = std::function<Result<json::value>(Call&)>;

// What authorization needs to know about one call, computed before the handler runs.
struct AuthzRequest {
  std::string action;                  // "iam:CreateUser"
  std::vector<std::string> resources;  // ARNs; "*" when the action has no resource type
  json::object condition_keys;         // service-specific keys, e.g. "iam:PermissionsBoundary"
  // The resource's own policy, when it has one (a role's trust policy, later bucket and key
  // policies), fetched by the service and evaluated by the pipeline with the caller's policies.
  bool has_resource_policy = false;
  std::string resource_policy;         // JSON text ("" = the resource has none: nothing it allows)
  std::string resource_policy_id;      // how decisions name it (the resource's ARN)
  bool trust_policy = false;           // true: parse as a role trust policy
  // The resource's owner when its ARN does not name one (S3 buckets); "" = from the ARN.
  std::string resource_account;
  // Further decisions the call needs, each with its own action, resources and resource policy;
  // all must allow (kms:ReEncrypt needs kms:ReEncryptFrom on one key and kms:ReEncryptTo on
  // another; sts:TagSession for an AssumeRole that passes session tags; s3:GetObject on
  // CopyObject's source).
  std::vector<AuthzRequest> also;
};

struct OperationDef {
  std::string name;     // the AWS operation name, e.g. "CreateUser"
  bool read_only = false;
  // Some calls need no permission at all (sts:GetCallerIdentity): AWS allows them even when denied.
  bool always_allowed = false;
  // Runs inside the call's transaction, before the handler, so resource ARNs can name stored
  // facts (a user's path) consistently with what the handler will see.
  std::function<AuthzRequest(const RequestContext&, const json::object& input, store::Tx& tx)> authz;
  Handler handler;
  // False for calls that touch no stored state (sts:GetCallerIdentity): they skip the transaction.
  bool uses_store = true;
  // True for calls that read the audit trail (cloudtrail:LookupEvents): the pipeline waits for
  // every earlier audit record to be indexed before it opens the call's transaction, so the
  // snapshot the call reads includes them.
  bool reads_audit_trail = false;
  // True for read-only calls that still change stored state (an STS call that consumes an MFA code):
  // they run in a write transaction, and are audited as reads.
  bool writes_store = false;
  // True for calls AWS takes without a signature because their input carries its own proof (SNS's
  // ConfirmSubscription token from a SubscriptionConfirmation, the UnsubscribeURL's subscription
  // ARN): an unsigned request reaches the handler as the anonymous principal, which must check
  // that proof. Signed callers are authorized as usual. Audited either way.
  bool anonymous_allowed = false;
  // Set for calls whose body streams to disk as it arrives (RequestBody) instead of being read
  // into memory under --max-body-bytes: the headers are authenticated first, the body is read
  // into what this makes, then the call runs.
  std::function<std::unique_ptr<RequestBody>(const Env&)> streamed_body;
};

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string id() const = 0;            // botocore id: "iam", "sts", "cloudtrail"
  virtual std::string event_source() const = 0;  // CloudTrail's eventSource: "iam.amazonaws.com"
  virtual std::vector<OperationDef> operations() const = 0;
  virtual std::vector<store::Migration> migrations() const { return {}; }
  // The error a denied caller gets, from the pipeline's AccessDenied; a service whose API words
  // denials its own way (SNS: AuthorizationError) restates it.
  virtual AwsError denied(AwsError e) const { return e; }
};

class Registry {
 public:
  void add(std::unique_ptr<Service> service);
  const Service* service(std::string_view id) const;
  const OperationDef* operation(std::string_view service_id, std::string_view op) const;
  std::vector<store::Migration> migrations() const;
  std::vector<std::string> service_ids() const;
  // Every operation, as (service id, definition), sorted.
  std::vector<std::pair<std::string, const OperationDef*>> operation_list() const;

 private:
  std::vector<std::unique_ptr<Service>> services_;
  std::unordered_map<std::string, OperationDef> ops_;  // "service/Operation"
};

// Input member as text ("" when absent or not text), for authorization declarations, which run
// before the handler (handlers use Call::str).
std::string input_str(const json::object& input, std::string_view member);

// aws:RequestTag/KEY and aws:TagKeys of a request that carries tags in `member` (a list of
// {"Key", "Value"} objects, or of key strings for untag calls), for the operation's authorization.
json::object tag_condition_keys(const json::object& input, std::string_view member);

// The policy engine's view of a principal (views into `p`, which must outlive it).
policy::Principal policy_principal(const auth::Principal& p);

// Every service Citadel has; the server and tools build their registry from this.
Registry make_registry();

}  // namespace citadel::services
