#include "cli/policy_command.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "policy/evaluate.h"
#include "policy/policy.h"
#include "policy/request_json.h"
#include "policy/text.h"
#include "policy/validate.h"

namespace citadel::cli {
namespace json = boost::json;

namespace {

constexpr std::string_view kUsage =
    "usage: citadel policy validate [--kind KIND] FILE|-\n"
    "       citadel policy eval [--batch] FILE|-\n"
    "KIND: Identity InlineUser InlineGroup InlineRole Resource TrustPolicy PermissionsBoundary Session SCP RCP\n"
    "      (default: guessed from the document)\n";

std::string error_json(std::string message, std::string path) {
  return policy::request_error_to_json(policy::RequestError{"InvalidInput", std::move(message), std::move(path)});
}

bool read_input(const std::string& file, std::istream& in, std::string* out) {
  std::ostringstream ss;
  if (file == "-") {
    ss << in.rdbuf();
  } else {
    std::ifstream f(file, std::ios::binary);
    if (!f) return false;
    ss << f.rdbuf();
  }
  *out = ss.str();
  return true;
}

// Guesses the kind of a document: with a Principal it is a resource policy, or a role trust
// policy when no statement has a Resource (trust policies may not have one); otherwise identity.
policy::PolicyKind guess_kind(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_object()) return policy::PolicyKind::Identity;
  const json::value* st = v.get_object().if_contains("Statement");
  if (!st) return policy::PolicyKind::Identity;
  std::vector<const json::object*> stmts;
  if (st->is_object()) stmts.push_back(&st->get_object());
  if (st->is_array())
    for (const auto& s : st->get_array())
      if (s.is_object()) stmts.push_back(&s.get_object());
  bool principal = false, any_resource = false;
  for (const auto* s : stmts) {
    if (s->contains("Principal") || s->contains("NotPrincipal")) principal = true;
    if (s->contains("Resource") || s->contains("NotResource")) any_resource = true;
  }
  if (!principal) return policy::PolicyKind::Identity;
  return any_resource ? policy::PolicyKind::Resource : policy::PolicyKind::TrustPolicy;
}

// Storage that outlives the Request/PolicySet views built over it.
int validate_command(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string file;
  bool have_kind = false;
  policy::PolicyKind kind = policy::PolicyKind::Identity;
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--kind" && i + 1 < argc) {
      if (!policy::kind_from_name(argv[++i], &kind)) {
        err << error_json("unknown policy kind: " + std::string(argv[i]), "--kind") << "\n";
        return 2;
      }
      have_kind = true;
    } else if (a.starts_with("--kind=")) {
      if (!policy::kind_from_name(a.substr(7), &kind)) {
        err << error_json("unknown policy kind: " + std::string(a.substr(7)), "--kind") << "\n";
        return 2;
      }
      have_kind = true;
    } else if (file.empty() && (a == "-" || !a.starts_with("-"))) {
      file = std::string(a);
    } else {
      err << kUsage;
      return 2;
    }
  }
  if (file.empty()) {
    err << kUsage;
    return 2;
  }
  std::string text;
  if (!read_input(file, in, &text)) {
    err << error_json("cannot read " + file, file) << "\n";
    return 2;
  }
  if (!have_kind) kind = guess_kind(text);
  auto findings = policy::validate(text, kind);
  out << policy::findings_to_json(findings) << "\n";
  for (const auto& f : findings)
    if (f.type == policy::FindingType::Error) return 1;
  return 0;
}

int eval_command(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  bool batch = false;
  std::string file;
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--batch") batch = true;
    else if (file.empty() && (a == "-" || !a.starts_with("-"))) file = std::string(a);
    else {
      err << kUsage;
      return 2;
    }
  }
  if (file.empty()) {
    err << kUsage;
    return 2;
  }
  std::string text;
  if (!read_input(file, in, &text)) {
    err << error_json("cannot read " + file, file) << "\n";
    return 2;
  }
  if (!batch) {
    bool ok = true;
    std::string line = evaluate_request_json(text, &ok);
    (ok ? out : err) << line << "\n";
    return ok ? 0 : 2;
  }
  int rc = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    bool ok = true;
    out << evaluate_request_json(line, &ok) << "\n";
    if (!ok) rc = 2;
  }
  return rc;
}

}  // namespace

std::string evaluate_request_json(const std::string& request_json, bool* ok) {
  policy::RequestError e;
  auto loaded = policy::LoadedRequest::load(request_json, &e);
  if (!loaded) {
    *ok = false;
    return policy::request_error_to_json(e);
  }
  *ok = true;
  return policy::decision_to_json(policy::evaluate(loaded->request(), loaded->policies()));
}

int run_policy_command(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  if (argc < 2) {
    err << kUsage;
    return 2;
  }
  std::string_view sub = argv[1];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    out << kUsage;
    return 0;
  }
  if (sub == "validate") return validate_command(argc, argv, in, out, err);
  if (sub == "eval") return eval_command(argc, argv, in, out, err);
  err << kUsage;
  return 2;
}

}  // namespace citadel::cli

int run_policy_command(int argc, char** argv) {
  return citadel::cli::run_policy_command(argc, argv, std::cin, std::cout, std::cerr);
}
