#pragma once
// Policy evaluation as the IAM User Guide's "Policy evaluation logic" pages state it, for one
// request (a principal, an action, a resource and the request's condition keys) against the
// policies that apply to it:
//
//   1. An explicit Deny in any of them (identity policies, the permissions boundary, the session
//      policies, the resource policy) decides: denied.
//   2. Same account (the principal's account owns the resource):
//      - a resource policy that names the principal itself (the user's ARN, the role session's
//        ARN) allows, whatever the identity policies, boundary and session policies say;
//      - a resource policy that names the role (for its sessions) or "*" stands in for the
//        identity policies, but the permissions boundary and session policies still limit it;
//      - a resource policy that names the account delegates to the identity policies (no effect
//        of its own);
//      - otherwise an identity policy must allow, and the boundary and session policies (when
//        there are any) must allow too.
//      The account's root user is allowed by the identity side without a policy.
//   3. Cross-account: both sides must allow — the principal's own policies (identity, boundary,
//      session) and the resource policy, which may name the account, the role, the principal or "*".
//   4. Service principals (sns.amazonaws.com) and anonymous callers have no policies of their own:
//      only the resource policy can allow them.
//   5. A KMS key policy (AuthorizationRequest::key_policy) is more than a resource policy: the KMS
//      Developer Guide's "Key policies" page says no principal, the account's root user included,
//      may use the key unless the key policy allows it. IAM policies count only when the key policy
//      allows the account (a statement naming arn:aws:iam::ACCOUNT:root, as the default key
//      policy's "Enable IAM User Permissions" does); a key policy that names the caller (its user,
//      its role) allows on its own. A key policy that allows neither denies, whatever IAM says.
//   Otherwise: denied, for want of an allow (implicit deny), and the decision says which policy
//   type lacked one.
//
// AWS Organizations service and resource control policies (SCPs, RCPs) are not evaluated: sluice
// has no organizations.
//
// Thread-safety: evaluate() reads its arguments only.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/identity/conditions.h"
#include "sluice/identity/policy.h"
#include "sluice/identity/principal.h"

namespace sluice::identity {

enum class PolicyType { Identity, PermissionsBoundary, Session, Resource };
std::string_view policy_type_name(PolicyType type);  // "identity-based policy", "permissions boundary", ...

// A compiled policy with the name the explanations give it (a policy ARN, "inline policy NAME of
// user/alice", "queue policy of arn:aws:sqs:...").
struct NamedPolicy {
  std::string name;
  PolicyPtr policy;
};

// Every policy that applies to one request.
struct PolicySet {
  std::vector<NamedPolicy> identity;    // the principal's own (user, group, role) policies
  std::optional<NamedPolicy> boundary;  // the principal's permissions boundary
  std::vector<NamedPolicy> session;     // AssumeRole's Policy and PolicyArns
  std::optional<NamedPolicy> resource;  // the resource's policy
};

// The same policies without owning them: what a caller that keeps compiled policies (the front
// door's per-principal cache) hands evaluate() for each request without copying them.
struct PolicyView {
  std::span<const NamedPolicy> identity;
  const NamedPolicy* boundary = nullptr;
  std::span<const NamedPolicy> session;
  const NamedPolicy* resource = nullptr;
};

struct AuthorizationRequest {
  const Principal* principal = nullptr;  // the signer; null or Anonymous for an unsigned request
  std::string service_principal;         // a service acting ("sns.amazonaws.com"); then principal is ignored
  std::string action;                    // "sqs:SendMessage"
  std::string resource;                  // "arn:aws:sqs:us-east-1:123456789012:orders", or "*"
  std::string resource_account;          // the resource's owner; "" = the principal's own account
  bool key_policy = false;               // the resource policy is a KMS key policy (rule 5 above)
  ConditionContext context;              // the request's condition keys (see request_context_keys)
};

// The principal's keys: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:username
// (users), aws:userid; and for services aws:PrincipalServiceName.
void add_principal_keys(ConditionContext& context, const Principal& principal);

struct Decision {
  enum class Effect { Allow, ExplicitDeny, ImplicitDeny };
  Effect effect = Effect::ImplicitDeny;
  // Allow: the policy type whose statement allowed (Identity also for the root user); ExplicitDeny:
  // the type of the denying policy; ImplicitDeny: the type that lacked an allow.
  PolicyType policy_type = PolicyType::Identity;
  std::string policy_name;  // Allow / ExplicitDeny: the deciding policy; "" for the root user
  std::string sid;          // the deciding statement's Sid, "" when it has none
  int statement = -1;       // the deciding statement's index in its policy, -1 when none decided
  bool root_user = false;   // allowed because the caller is the resource account's root user

  bool allowed() const { return effect == Effect::Allow; }
  // One line for logs and `sluice explain`: what decided and why.
  std::string explanation() const;
};

Decision evaluate(const AuthorizationRequest& request, const PolicySet& policies);
Decision evaluate(const AuthorizationRequest& request, const PolicyView& policies);

// AWS's AccessDenied message: "User: ARN is not authorized to perform: ACTION on resource: ARN
// because no identity-based policy allows the ACTION action" / "... with an explicit deny in an
// identity-based policy".
std::string access_denied_message(const AuthorizationRequest& request, const Decision& decision);

}  // namespace sluice::identity
