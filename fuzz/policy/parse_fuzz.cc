// libFuzzer target: the policy parser, compiler, validator and one evaluation of whatever
// parses. The first byte picks the policy kind; the rest is the document.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/compiled.h"
#include "policy/evaluate.h"
#include "policy/policy.h"
#include "policy/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto kind = static_cast<policy::PolicyKind>(data[0] % 10);
  std::string_view doc(reinterpret_cast<const char*>(data + 1), size - 1);
  auto parsed = policy::parse(doc, kind);
  (void)policy::validate(doc, kind, nullptr);
  if (!parsed) return 0;
  auto compiled = policy::compile(parsed.value());

  std::string_view ip[] = {"10.1.2.3"};
  std::string_view tags[] = {"a", "b"};
  std::string_view now[] = {"2026-01-01T00:00:00Z"};
  policy::ContextEntry ctx[] = {{"aws:SourceIp", ip}, {"aws:TagKeys", tags}, {"aws:CurrentTime", now}};
  policy::Request req;
  req.principal = policy::principal_from_arn("arn:aws:sts::111122223333:assumed-role/app/s1");
  req.action = "s3:GetObject";
  req.resource = "arn:aws:s3:::bucket/key";
  req.context = ctx;
  policy::PolicyRef ref{compiled.get(), "fuzz"};
  policy::PolicyLevel level{std::span<const policy::PolicyRef>(&ref, 1)};
  policy::PolicySet set;
  switch (kind) {
    case policy::PolicyKind::Resource:
    case policy::PolicyKind::TrustPolicy: set.resource = ref; break;
    case policy::PolicyKind::PermissionsBoundary: set.permissions_boundary = ref; break;
    case policy::PolicyKind::Session: set.session = std::span<const policy::PolicyRef>(&ref, 1); break;
    case policy::PolicyKind::SCP: set.scps = std::span<const policy::PolicyLevel>(&level, 1); break;
    case policy::PolicyKind::RCP: set.rcps = std::span<const policy::PolicyLevel>(&level, 1); break;
    default: set.identity = std::span<const policy::PolicyRef>(&ref, 1);
  }
  (void)policy::evaluate(req, set);
  for (std::size_t i = 0; i < compiled->statement_count(); ++i) (void)policy::statement_applies(*compiled, i, req);
  return 0;
}
