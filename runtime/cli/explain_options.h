#pragma once
// `sluice explain`: would a principal be allowed an action on a resource, and why (see
// explain_flags.cpp for the command line, command_explain.cpp for the evaluation).

#include <string>
#include <vector>

namespace sluice::cli {

struct ExplainOptions {
  std::string config_path;      // CONFIG: its accounts declare users, roles and their policies
  std::string principal;        // arn:aws:iam::A:user/N, arn:aws:iam::A:role/N, ...:assumed-role/R/S, ...:root
  std::string action;           // "sqs:SendMessage"
  std::string resource;         // an ARN, or "*"
  std::string resource_policy;  // a policy document, or @FILE
  std::string session_policy;   // a policy document, or @FILE
  std::vector<std::string> context_keys;  // KEY=VALUE
};

// Prints the decision and its reason; 0 when allowed, 1 when denied, 2 on bad input.
int run_explain(const ExplainOptions& options);

}  // namespace sluice::cli
