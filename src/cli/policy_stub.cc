// Used only while the policy engine's command is absent from the tree.
#include <iostream>

#include "cli/commands.h"

namespace citadel::cli {

int policy_main(int, char**) {
  std::cerr << "citadel policy: not built in this tree\n";
  return 2;
}

}  // namespace citadel::cli
