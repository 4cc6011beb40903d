// `citadel policy validate|eval` (the stable contract in docs/policy.md), driven through
// run_policy_command with files and streams.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "cli/policy_command.h"

namespace {

struct CliRun {
  int rc;
  std::string out, err;
};

CliRun run(std::vector<std::string> args, const std::string& stdin_text = "") {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  int rc = citadel::cli::run_policy_command(static_cast<int>(argv.size()), argv.data(), in, out, err);
  return {rc, out.str(), err.str()};
}

std::string temp_file(const std::string& content) {
  char name[] = "/tmp/citadel_policy_cli_XXXXXX";
  int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  FILE* f = fdopen(fd, "w");
  fwrite(content.data(), 1, content.size(), f);
  fclose(f);
  return name;
}

const char* kRequest = R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject",
  "resource":"arn:aws:s3:::bucket/key","context":{"aws:SourceIp":"203.0.113.5","aws:TagKeys":["a","b"]},
  "identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
    "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}]})";

TEST(PolicyCli, EvalFilePrintsOneDecisionObject) {
  std::string path = temp_file(kRequest);
  CliRun r = run({"policy", "eval", path});
  std::remove(path.c_str());
  EXPECT_EQ(r.rc, 0) << r.err;
  auto v = boost::json::parse(r.out);
  EXPECT_EQ(v.at("decision").as_string(), "Allowed");
  EXPECT_EQ(r.out.back(), '\n');
}

TEST(PolicyCli, EvalReadsStdinWithDash) {
  CliRun r = run({"policy", "eval", "-"}, R"({"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"})");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out).at("decision").as_string(), "ImplicitlyDenied");
}

TEST(PolicyCli, EvalBatchOneLinePerInputLine) {
  std::string lines = std::string(R"({"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*","identityPolicies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]})") +
                      "\n\n" +
                      R"({"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*","identityPolicies":[{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}]})" +
                      "\n" + R"({"principal":"*","action":"s3:GetObject","resource":"*"})" + "\n";
  CliRun r = run({"policy", "eval", "--batch", "-"}, lines);
  EXPECT_EQ(r.rc, 0) << r.err;
  std::istringstream out(r.out);
  std::string l;
  std::vector<std::string> decisions;
  while (std::getline(out, l)) decisions.emplace_back(boost::json::parse(l).at("decision").as_string());
  EXPECT_EQ(decisions, (std::vector<std::string>{"Allowed", "ExplicitlyDenied", "ImplicitlyDenied"}));
}

TEST(PolicyCli, MalformedInputExitsTwoWithAClearError) {
  CliRun r = run({"policy", "eval", "-"}, "{not json");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("\"error\""), std::string::npos);
  CliRun missing = run({"policy", "eval", "-"}, R"({"resource":"*"})");
  EXPECT_EQ(missing.rc, 2);
  EXPECT_NE(missing.err.find("action"), std::string::npos);
  CliRun badpol = run({"policy", "eval", "-"}, R"({"action":"s3:GetObject","resource":"*","identityPolicies":[{"Statement":[{"Effect":"Allow","Resource":"*"}]}]})");
  EXPECT_EQ(badpol.rc, 2);
  EXPECT_NE(badpol.err.find("Policy statement must contain actions."), std::string::npos) << badpol.err;
  EXPECT_NE(badpol.err.find("identityPolicies[0]"), std::string::npos) << badpol.err;
  CliRun batch = run({"policy", "eval", "--batch", "-"}, "{\"action\":\"s3:GetObject\",\"resource\":\"*\"}\nnope\n");
  EXPECT_EQ(batch.rc, 2);
  EXPECT_EQ(std::count(batch.out.begin(), batch.out.end(), '\n'), 2);
  EXPECT_EQ(run({"policy", "eval", "/nonexistent/file.json"}).rc, 2);
  EXPECT_EQ(run({"policy", "frobnicate"}).rc, 2);
  EXPECT_EQ(run({"policy"}).rc, 2);
}

TEST(PolicyCli, ValidatePrintsFindingsAndExitsOneOnError) {
  std::string good = temp_file(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]})");
  CliRun r = run({"policy", "validate", good});
  EXPECT_EQ(r.rc, 0) << r.err;
  auto arr = boost::json::parse(r.out).as_array();
  ASSERT_EQ(arr.size(), 1u);
  EXPECT_EQ(arr[0].at("issueCode").as_string(), "PASS_ROLE_WITH_STAR_IN_RESOURCE");
  std::string bad = temp_file(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]})");
  CliRun e = run({"policy", "validate", bad});
  EXPECT_EQ(e.rc, 1);
  EXPECT_EQ(boost::json::parse(e.out).as_array()[0].at("findingType").as_string(), "ERROR");
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

TEST(PolicyCli, ValidateGuessesOrTakesTheKind) {
  const std::string trust = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
  EXPECT_EQ(run({"policy", "validate", "-"}, trust).rc, 0);
  CliRun as_identity = run({"policy", "validate", "--kind", "Identity", "-"}, trust);
  EXPECT_EQ(as_identity.rc, 1);
  EXPECT_NE(as_identity.out.find("Has prohibited field Principal"), std::string::npos);
  EXPECT_EQ(run({"policy", "validate", "--kind", "Bogus", "-"}, trust).rc, 2);
}

}  // namespace
