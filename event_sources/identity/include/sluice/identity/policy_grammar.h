#pragma once
// IAM's checks of a policy document's JSON and grammar, the ones that make IAM answer
// MalformedPolicyDocument when a policy is stored (CreatePolicy, PutUserPolicy, CreateRole's trust
// policy, ...): well-formed JSON, the known top-level and statement members, an Effect of Allow
// or Deny, actions prefixed by a service, resources in ARN form, no principal in an identity
// policy, a principal and no resource in a trust policy. The texts are IAM's. What a policy
// means is the evaluator's business; these checks only decide whether IAM would store it.

#include <optional>
#include <string>
#include <string_view>

namespace sluice::identity {

enum class PolicyKind {
  Identity,  // attached to users, groups and roles: inline or managed
  Trust,     // a role's AssumeRolePolicyDocument
};

// nullopt when IAM accepts the document; else the MalformedPolicyDocument message.
std::optional<std::string> policy_grammar_problem(std::string_view document, PolicyKind kind);

// The length IAM's policy size quotas count: the document without its whitespace.
size_t policy_size(std::string_view document);

}  // namespace sluice::identity
