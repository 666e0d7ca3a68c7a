// `sluice explain --principal ARN --action ACTION --resource ARN [CONFIG]`: the flags.

#include <memory>

#include "command_line.h"
#include "explain_options.h"

namespace sluice::cli {

Subcommand add_explain_command(CLI::App& sluice) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* explain = sluice.add_subcommand(
      "explain",
      "Would PRINCIPAL be allowed ACTION on RESOURCE, and why: evaluates the principal's policies from CONFIG's "
      "accounts (inline Policies, PermissionsBoundary), a session policy and a resource policy as AWS does, and "
      "prints the decision with the deciding statement and AWS's AccessDenied text. Exit status 0: allowed, "
      "1: denied.");
  explain->add_option("CONFIG", options->config_path, "Configuration file whose accounts declare users and roles")
      ->check(CLI::ExistingFile);
  explain
      ->add_option("--principal", options->principal,
                   "Who asks: a user, role, role session (assumed-role) or account root ARN")
      ->type_name("ARN")
      ->required();
  explain->add_option("--action", options->action, "The action, e.g. sqs:SendMessage")->required();
  explain->add_option("--resource", options->resource, "The resource's ARN (or *)")->type_name("ARN")->required();
  explain
      ->add_option("--resource-policy", options->resource_policy,
                   "The resource's policy (a queue's or topic's Policy), as JSON or @FILE")
      ->type_name("POLICY");
  explain->add_option("--session-policy", options->session_policy, "A session policy, as JSON or @FILE")
      ->type_name("POLICY");
  explain
      ->add_option("--context", options->context_keys,
                   "A condition key of the request, e.g. aws:SourceIp=192.0.2.1 (repeatable)")
      ->type_name("KEY=VALUE");
  return {explain, [options] { return run_explain(*options); }};
}

}  // namespace sluice::cli
