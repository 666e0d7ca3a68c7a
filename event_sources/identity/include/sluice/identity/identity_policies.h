#pragma once
// What policy evaluation reads from the directory about a principal: its identity-based policies
// and its permissions boundary, as documents (JSON text, as stored; parsing and evaluating them
// is the evaluator's part). Directory::identity_policies(principal) answers it.
//
//   IAM user      the user's inline policies, the default versions of the managed policies
//                 attached to it, and the same of every group it belongs to; the user's boundary
//   role session  (Principal::Kind::AssumedRole) the role's inline and attached managed policies;
//                 the role's boundary. Session policies are not here: they are in the KeyRecord
//                 of the session's access key (session_policy, session_policy_arns).
//   root          nothing: the account's root user is not governed by identity policies
//
// AWS managed policies (arn:aws:iam::aws:policy/...) come with their documents from the catalogue
// (aws_managed_policies.h). A managed policy ARN that names nothing (a policy deleted since, which
// IAM would not allow while attached) is left out.

#include <optional>
#include <string>
#include <vector>

namespace sluice::identity {

struct SourcedPolicy {
  // Where the document comes from, for explanations: a managed policy's ARN, or
  // "<entity ARN>#inline/<policy name>" for an inline policy (a group's for a group's).
  std::string source;
  std::string document;
};

struct PrincipalPolicies {
  bool known = false;  // false: the user or role is not (or no longer) in the directory
  std::vector<SourcedPolicy> identity_policies;
  std::optional<SourcedPolicy> permissions_boundary;
};

}  // namespace sluice::identity
