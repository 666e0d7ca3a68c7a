#pragma once
// Internal: does one compiled statement apply to a request (see policy_statement.cpp)?

#include "policy_model.h"
#include "sluice/identity/evaluation.h"

namespace sluice::identity::detail {

// How a resource policy's Principal element names the caller; what a match is worth depends on
// it (see evaluation.h).
enum class PrincipalMatch {
  None,
  Account,   // the caller's account (12 digits or arn:aws:iam::ACCOUNT:root)
  Everyone,  // "*", {"AWS": "*"}, or a NotPrincipal that leaves the caller out
  Role,      // the role behind the caller's role session
  Direct,    // the caller itself: the user ARN, the role session ARN, the service principal
};

PrincipalMatch match_principal(const CompiledStatement& statement, const AuthorizationRequest& request);

// Action, Resource and Condition (not Principal) of the statement hold for the request.
bool statement_applies(const CompiledPolicy& policy, const CompiledStatement& statement,
                       const AuthorizationRequest& request);

}  // namespace sluice::identity::detail
