// `citadel policy ...`: the offline face of the policy engine (a stable contract; see
// docs/policy.md).
//
//   citadel policy validate [--kind KIND] FILE|-   findings as JSON; exit 1 when any ERROR
//   citadel policy eval FILE|-                      one request -> one JSON decision object
//   citadel policy eval --batch FILE|-              JSON Lines in, one result line per line out
//
// Exit codes: 0 success (whatever the decision), 1 validate found an ERROR, 2 bad usage or
// malformed input (a JSON error object is printed on stderr, or in place of the line in batch).
#pragma once

#include <iosfwd>
#include <string>

// argv[0] is "policy"; argv[1] the subcommand. Reads stdin for "-", writes std::cout/std::cerr.
int run_policy_command(int argc, char** argv);

namespace citadel::cli {

// The same with explicit streams (tests).
int run_policy_command(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

// Evaluates one request given as JSON text. Returns the result object as a JSON line and sets
// *ok to false (with an {"error": ...} object) when the request is malformed.
std::string evaluate_request_json(const std::string& request_json, bool* ok);

}  // namespace citadel::cli
