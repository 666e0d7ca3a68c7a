// The decision for one request (see sluice/identity/evaluation.h for the rules): every policy is
// scanned once for its first applicable Deny and its best applicable Allow, then the rules for
// same-account and cross-account requests combine what the policy types said.

#include <algorithm>

#include "policy_statement.h"
#include "sluice/identity/evaluation.h"

namespace sluice::identity {
namespace {

using detail::PrincipalMatch;

struct Hit {
  const NamedPolicy* policy = nullptr;
  int statement = -1;
  PrincipalMatch principal = PrincipalMatch::None;  // resource policies only
  explicit operator bool() const { return policy != nullptr; }
};

struct Scan {
  Hit deny;
  Hit allow;
};

// The first applicable Deny and the Allow that names the caller most directly. Resource policies
// apply only where their Principal names the caller.
Scan scan(const NamedPolicy& named, const AuthorizationRequest& request, bool resource_policy) {
  Scan out;
  if (!named.policy) return out;
  const CompiledPolicy& policy = *named.policy;
  for (size_t i = 0; i < policy.statements.size(); ++i) {
    const detail::CompiledStatement& statement = policy.statements[i];
    if (statement.allow && out.allow.principal == PrincipalMatch::Direct) continue;
    if (statement.allow && out.allow && !resource_policy) continue;
    PrincipalMatch principal = PrincipalMatch::None;
    if (resource_policy) {
      principal = detail::match_principal(statement, request);
      if (principal == PrincipalMatch::None) continue;
    }
    if (!detail::statement_applies(policy, statement, request)) continue;
    Hit hit{&named, static_cast<int>(i), principal};
    if (!statement.allow) {
      out.deny = hit;
      return out;
    }
    if (!out.allow || principal > out.allow.principal) out.allow = hit;
  }
  return out;
}

Decision decided(Decision::Effect effect, PolicyType type, const Hit& hit) {
  Decision decision;
  decision.effect = effect;
  decision.policy_type = type;
  if (hit) {
    decision.policy_name = hit.policy->name;
    decision.statement = hit.statement;
    decision.sid = hit.policy->policy->statements[static_cast<size_t>(hit.statement)].sid;
  }
  return decision;
}

Decision implicit_deny(PolicyType type) {
  Decision decision;
  decision.effect = Decision::Effect::ImplicitDeny;
  decision.policy_type = type;
  return decision;
}

// The first allowing statement among several policies of one type.
Hit first_allow(const std::vector<Scan>& scans) {
  for (const Scan& s : scans) {
    if (s.allow) return s.allow;
  }
  return {};
}

std::string_view with_article(PolicyType type) {
  switch (type) {
    case PolicyType::Identity:
      return "an identity-based policy";
    case PolicyType::PermissionsBoundary:
      return "a permissions boundary";
    case PolicyType::Session:
      return "a session policy";
    case PolicyType::Resource:
      return "a resource-based policy";
  }
  return "a policy";
}

}  // namespace

std::string_view policy_type_name(PolicyType type) {
  switch (type) {
    case PolicyType::Identity:
      return "identity-based policy";
    case PolicyType::PermissionsBoundary:
      return "permissions boundary";
    case PolicyType::Session:
      return "session policy";
    case PolicyType::Resource:
      return "resource-based policy";
  }
  return "policy";
}

void add_principal_keys(ConditionContext& context, const Principal& principal) {
  if (principal.kind == Principal::Kind::Anonymous) return;
  context.set("aws:PrincipalArn", principal.kind == Principal::Kind::AssumedRole
                                      ? role_arn(principal.account_id, principal.name)
                                      : principal.arn);
  context.set("aws:PrincipalAccount", principal.account_id);
  context.set("aws:userid", principal.user_id);
  switch (principal.kind) {
    case Principal::Kind::Root:
      context.set("aws:PrincipalType", "Account");
      break;
    case Principal::Kind::User:
      context.set("aws:PrincipalType", "User");
      context.set("aws:username", principal.name);
      break;
    case Principal::Kind::AssumedRole:
      context.set("aws:PrincipalType", "AssumedRole");
      break;
    case Principal::Kind::Anonymous:
      break;
  }
}

Decision evaluate(const AuthorizationRequest& request, const PolicySet& policies) {
  PolicyView view;
  view.identity = policies.identity;
  view.boundary = policies.boundary ? &*policies.boundary : nullptr;
  view.session = policies.session;
  view.resource = policies.resource ? &*policies.resource : nullptr;
  return evaluate(request, view);
}

Decision evaluate(const AuthorizationRequest& request, const PolicyView& policies) {
  // 1. An explicit deny anywhere decides.
  std::vector<Scan> identity;
  identity.reserve(policies.identity.size());
  for (const NamedPolicy& p : policies.identity) identity.push_back(scan(p, request, false));
  std::vector<Scan> session;
  for (const NamedPolicy& p : policies.session) session.push_back(scan(p, request, false));
  const Scan boundary = policies.boundary ? scan(*policies.boundary, request, false) : Scan{};
  const Scan resource = policies.resource ? scan(*policies.resource, request, true) : Scan{};
  if (resource.deny) return decided(Decision::Effect::ExplicitDeny, PolicyType::Resource, resource.deny);
  for (const Scan& s : identity) {
    if (s.deny) return decided(Decision::Effect::ExplicitDeny, PolicyType::Identity, s.deny);
  }
  if (boundary.deny) return decided(Decision::Effect::ExplicitDeny, PolicyType::PermissionsBoundary, boundary.deny);
  for (const Scan& s : session) {
    if (s.deny) return decided(Decision::Effect::ExplicitDeny, PolicyType::Session, s.deny);
  }

  // 2. Services and anonymous callers: only the resource policy can allow.
  const Principal* caller = request.principal;
  if (!request.service_principal.empty() || caller == nullptr || caller->kind == Principal::Kind::Anonymous) {
    if (resource.allow) return decided(Decision::Effect::Allow, PolicyType::Resource, resource.allow);
    return implicit_deny(PolicyType::Resource);
  }

  // 5. A key policy that allows the caller neither directly nor through its account leaves IAM
  // policies no say (and the root user no exception).
  if (request.key_policy && !resource.allow) return implicit_deny(PolicyType::Resource);

  const bool same_account = request.resource_account.empty() || request.resource_account == caller->account_id;
  const bool root = caller->kind == Principal::Kind::Root;
  const Hit identity_allow = first_allow(identity);
  const Hit session_allow = first_allow(session);
  const bool boundary_ok = policies.boundary == nullptr || boundary.allow;
  const bool session_ok = policies.session.empty() || session_allow;
  // The type that lacks an allow when the principal's own side does not allow.
  auto own_side_gap = [&]() -> std::optional<PolicyType> {
    if (!root && !identity_allow) return PolicyType::Identity;
    if (!boundary_ok) return PolicyType::PermissionsBoundary;
    if (!session_ok) return PolicyType::Session;
    return std::nullopt;
  };
  auto own_side_allow = [&]() {
    Decision decision;
    if (identity_allow) {
      decision = decided(Decision::Effect::Allow, PolicyType::Identity, identity_allow);
    } else {
      decision.effect = Decision::Effect::Allow;
      decision.root_user = true;
    }
    return decision;
  };

  if (same_account) {
    if (resource.allow.principal == PrincipalMatch::Direct) {
      return decided(Decision::Effect::Allow, PolicyType::Resource, resource.allow);
    }
    const bool stands_in =
        resource.allow.principal == PrincipalMatch::Role || resource.allow.principal == PrincipalMatch::Everyone;
    if (stands_in && !root && !identity_allow) {
      if (!boundary_ok) return implicit_deny(PolicyType::PermissionsBoundary);
      if (!session_ok) return implicit_deny(PolicyType::Session);
      return decided(Decision::Effect::Allow, PolicyType::Resource, resource.allow);
    }
    if (auto gap = own_side_gap()) return implicit_deny(*gap);
    return own_side_allow();
  }

  // 3. Cross-account: both sides.
  if (auto gap = own_side_gap()) return implicit_deny(*gap);
  if (!resource.allow) return implicit_deny(PolicyType::Resource);
  return own_side_allow();
}

std::string Decision::explanation() const {
  std::string out;
  switch (effect) {
    case Effect::Allow:
      if (root_user) return "allowed: the caller is the account's root user";
      out = "allowed by statement ";
      break;
    case Effect::ExplicitDeny:
      out = "denied explicitly by statement ";
      break;
    case Effect::ImplicitDeny:
      return "denied implicitly: no " + std::string(policy_type_name(policy_type)) + " allows the action";
  }
  out += sid.empty() ? "#" + std::to_string(statement) : "\"" + sid + "\"";
  out += " of ";
  out += policy_type_name(policy_type);
  out += " ";
  out += policy_name;
  return out;
}

std::string access_denied_message(const AuthorizationRequest& request, const Decision& decision) {
  std::string who = "anonymous";
  if (!request.service_principal.empty()) who = request.service_principal;
  else if (request.principal != nullptr && request.principal->kind != Principal::Kind::Anonymous)
    who = request.principal->arn;
  std::string out =
      "User: " + who + " is not authorized to perform: " + request.action + " on resource: " + request.resource;
  if (decision.effect == Decision::Effect::ExplicitDeny) {
    out += " with an explicit deny in ";
    out += with_article(decision.policy_type);
  } else {
    out += " because no ";
    out += policy_type_name(decision.policy_type);
    out += " allows the " + request.action + " action";
  }
  return out;
}

}  // namespace sluice::identity
