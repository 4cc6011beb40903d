#include "services/sts/sts_service.h"

namespace citadel::services::sts {

std::vector<OperationDef> StsService::operations() const {
  std::vector<OperationDef> ops;
  // GetCallerIdentity needs no permission: AWS answers it even when an explicit deny names it.
  ops.push_back(OperationDef{
      "GetCallerIdentity", true, true,
      [](const RequestContext&, const json::object&, store::Tx&) { return AuthzRequest{"sts:GetCallerIdentity", {"*"}, {}}; },
      [](Call& call) -> Result<json::value> {
        const auto& p = *call.ctx.principal;
        return json::object{{"UserId", p.principal_id}, {"Account", p.account_id}, {"Arn", p.arn}};
      },
      /*uses_store=*/false});
  return ops;
}

}  // namespace citadel::services::sts
