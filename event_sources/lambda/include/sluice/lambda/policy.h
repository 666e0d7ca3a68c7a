#pragma once
// A function's resource-based policy (AddPermission, GetPolicy, RemovePermission): statements
// stored and answered as AWS writes them; whether a caller may invoke is the identity layer's
// business, not decided here. The function itself and each version or alias have a policy of
// their own.

#include <optional>
#include <string>
#include <vector>

namespace sluice::lambda {

struct AddPermissionInput {
  std::string statement_id;
  std::string action;     // lambda:InvokeFunction, lambda:*, ...
  std::string principal;  // a service (s3.amazonaws.com), an account id, an ARN, or *
  std::string source_arn;
  std::string source_account;
  std::string event_source_token;
  std::string principal_org_id;
  std::string function_url_auth_type;
  std::optional<std::string> revision_id;  // only if the policy's RevisionId is still this
};

struct PolicyDocument {
  std::vector<std::string> statements;  // each a JSON object, in the order added
  std::vector<std::string> statement_ids;
  std::string revision_id;
};

// The policy text GetPolicy answers: {"Version":"2012-10-17","Id":"default","Statement":[...]}.
std::string policy_json(const PolicyDocument& policy);

}  // namespace sluice::lambda
