#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "services/service.h"

namespace citadel::cli {

// The authorization matrix test (tests/e2e) reads this to cover every operation automatically.
int operations_main() {
  auto registry = services::make_registry();
  // The action an operation declares does not depend on its input; ask each declaration once
  // with an empty input on behalf of a placeholder root user, touching no store.
  auth::Principal root;
  root.type = auth::PrincipalType::Root;
  root.account_id = "000000000000";
  root.arn = "arn:aws:iam::000000000000:root";
  services::RequestContext ctx;
  ctx.principal = &root;
  store::NoTx no_tx;
  boost::json::object empty;
  for (const auto& [service, op] : registry.operation_list()) {
    auto authz = op->authz(ctx, empty, no_tx);
    std::cout << boost::json::serialize(boost::json::object{{"service", service},
                                                            {"operation", op->name},
                                                            {"action", authz.action},
                                                            // the resource's own policy must allow too (a role's trust policy)
                                                            {"resourcePolicy", authz.has_resource_policy},
                                                            {"readOnly", op->read_only},
                                                            {"alwaysAllowed", op->always_allowed}})
              << "\n";
  }
  return 0;
}

}  // namespace citadel::cli
