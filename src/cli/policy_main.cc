#include "cli/commands.h"
#include "cli/policy_command.h"

namespace citadel::cli {

int policy_main(int argc, char** argv) { return ::run_policy_command(argc, argv); }

}  // namespace citadel::cli
