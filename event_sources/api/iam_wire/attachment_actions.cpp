// What IAM attaches to users, groups and roles, written once for the three: managed policies
// (Attach/Detach/ListAttached<X>Policies), inline policies (Put/Get/Delete/List<X>Policy) and
// permissions boundaries (Put/Delete<X>PermissionsBoundary, users and roles). Each action is a
// template over the holder kind; the table in iam_service.cpp names its instantiations.
//
// Quotas are IAM's defaults: 10 managed policies per user, group or role; inline policies of one
// holder together 2,048 (user), 5,120 (group) or 10,240 (role) characters without whitespace.

#include <algorithm>

#include "iam_kit.h"
#include "sluice/identity/policy_grammar.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

struct HolderTraits {
  std::string_view name_param;  // UserName, GroupName, RoleName
  size_t name_max;
  std::string_view noun;  // user, group, role
  size_t inline_size_limit;
  std::string_view policies_quota;  // PoliciesPerUser, ...
};

constexpr HolderTraits traits(Holder holder) {
  switch (holder) {
    case Holder::User:
      return {"UserName", 128, "user", 2048, "PoliciesPerUser"};
    case Holder::Group:
      return {"GroupName", 128, "group", 5120, "PoliciesPerGroup"};
    case Holder::Role:
      return {"RoleName", 64, "role", 10240, "PoliciesPerRole"};
  }
  return {"UserName", 128, "user", 2048, "PoliciesPerUser"};
}

// A holder found in an account: its name as kept, what is attached to it, its boundary (null
// for groups, which have none).
struct HolderRef {
  std::string name;
  IamAttachments* policies = nullptr;
  std::string* boundary = nullptr;
};

template <typename Map>
auto* find_in(Map& map, const std::string& name) {
  auto it = map.find(iam_key(name));
  return it == map.end() ? nullptr : &it->second;
}

common::Outcome<HolderRef> find_holder(IamAccount& account, Holder holder, const std::string& name) {
  switch (holder) {
    case Holder::User:
      if (IamUser* user = find_in(account.users, name))
        return HolderRef{user->name, &user->policies, &user->permissions_boundary_arn};
      return no_such_user(name);
    case Holder::Group:
      if (IamGroup* group = find_in(account.groups, name)) return HolderRef{group->name, &group->policies, nullptr};
      return no_such_group(name);
    case Holder::Role:
      if (IamRole* role = find_in(account.roles, name))
        return HolderRef{role->name, &role->policies, &role->permissions_boundary_arn};
      return no_such_role(name);
  }
  return no_such_user(name);
}

// Reads the holder's name (and nothing else) with IAM's checks.
common::Outcome<std::string> read_holder_name(const server::Call& call, query::Validation& validation, Holder holder) {
  const HolderTraits t = traits(holder);
  auto name = read_name(call, validation, t.name_param, t.name_max);
  if (auto error = validation.error()) return *error;
  return *name;
}

common::Outcome<std::string> read_policy_arn_param(const server::Call& call, query::Validation& validation,
                                                   std::string_view param) {
  const std::string_view* arn = form_value(call, param);
  const std::string field = field_name(param);
  validation.not_null(field, arn != nullptr);
  if (arn != nullptr) validation.length(field, *arn, 20, 2048);
  if (auto error = validation.error()) return *error;
  if (!arn->starts_with("arn:aws:iam::") || arn->find(":policy/") == std::string_view::npos) {
    return common::aws_error(common::AwsErrorCode::InvalidInput, "ARN " + std::string(*arn) + " is not valid.");
  }
  return std::string(*arn);
}

// Changes the holder named in the call under the account's lock.
common::Outcome<std::string> change_holder(const server::Call& call, IamContext& iam, Holder holder,
                                           const std::string& name,
                                           const std::function<common::Status(IamAccount&, HolderRef&)>& change) {
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto ref = find_holder(account, holder, name);
    if (!ref) return ref.take_error();
    return change(account, *ref);
  });
}

// A copy of the holder's attachments and its name as kept, for the read actions.
common::Outcome<std::pair<std::string, IamAttachments>> read_holder(const server::Call& call, IamContext& iam,
                                                                    Holder holder, const std::string& name) {
  IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  auto ref = find_holder(account, holder, name);
  if (!ref) return ref.take_error();
  return std::make_pair(ref->name, *ref->policies);
}

}  // namespace

template <Holder H>
common::Outcome<std::string> attach_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto name = read_holder_name(call, validation, H);
  if (!name) return name;
  auto arn = read_policy_arn_param(call, validation, "PolicyArn");
  if (!arn) return arn;
  return change_holder(call, iam, H, *name, [&](IamAccount& account, HolderRef& ref) -> common::Status {
    if (!policy_exists(account, *arn)) return not_attachable(*arn);
    auto& arns = ref.policies->managed_policy_arns;
    if (std::find(arns.begin(), arns.end(), *arn) != arns.end()) return common::ok_status();
    if (arns.size() >= kManagedPoliciesPerEntity) return quota(traits(H).policies_quota, kManagedPoliciesPerEntity);
    arns.push_back(*arn);
    return common::ok_status();
  });
}

template <Holder H>
common::Outcome<std::string> detach_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto name = read_holder_name(call, validation, H);
  if (!name) return name;
  auto arn = read_policy_arn_param(call, validation, "PolicyArn");
  if (!arn) return arn;
  return change_holder(call, iam, H, *name, [&](IamAccount&, HolderRef& ref) -> common::Status {
    if (std::erase(ref.policies->managed_policy_arns, *arn) == 0) return no_such_policy(*arn);
    return common::ok_status();
  });
}

template <Holder H>
common::Outcome<std::string> list_attached_policies(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string prefix = read_path_prefix(call, validation);
  auto name = read_holder_name(call, validation, H);
  if (!name) return name;
  auto holder = read_holder(call, iam, H, *name);
  if (!holder) return holder.take_error();
  // arn:aws:iam::ACCOUNT:policy/PATH/NAME: the path is what lies between "policy" and the name.
  std::vector<std::string> arns;
  for (const std::string& arn : holder->second.managed_policy_arns) {
    const size_t start = arn.find(":policy/") + 7;
    const std::string path = arn.substr(start, arn.rfind('/') + 1 - start);
    if (path.starts_with(prefix)) arns.push_back(arn);
  }
  return paged_list(call, "AttachedPolicies", arns, [](query::XmlWriter& w, const std::string& arn) {
    w.element("PolicyName", arn.substr(arn.rfind('/') + 1)).element("PolicyArn", arn);
  });
}

template <Holder H>
common::Outcome<std::string> put_inline_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const HolderTraits t = traits(H);
  const auto holder_name = read_name(call, validation, t.name_param, t.name_max);
  const auto policy_name = read_name(call, validation, "PolicyName", 128);
  const auto document = read_document(call, validation, "PolicyDocument");
  if (auto error = validation.error()) return *error;
  if (auto error = check_identity_policy(*document)) return *error;
  return change_holder(call, iam, H, *holder_name, [&](IamAccount&, HolderRef& ref) -> common::Status {
    auto& policies = ref.policies->inline_policies;
    size_t total = policy_size(*document);
    for (const auto& [name, kept] : policies) {
      if (name != *policy_name) total += policy_size(kept);
    }
    if (total > t.inline_size_limit) {
      return common::aws_error(common::AwsErrorCode::IamLimitExceeded,
                               "Maximum policy size of " + std::to_string(t.inline_size_limit) +
                                   " bytes exceeded for " + std::string(t.noun) + " " + ref.name);
    }
    policies[*policy_name] = *document;
    return common::ok_status();
  });
}

template <Holder H>
common::Outcome<std::string> get_inline_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const HolderTraits t = traits(H);
  const auto holder_name = read_name(call, validation, t.name_param, t.name_max);
  const auto policy_name = read_name(call, validation, "PolicyName", 128);
  if (auto error = validation.error()) return *error;
  auto holder = read_holder(call, iam, H, *holder_name);
  if (!holder) return holder.take_error();
  auto it = holder->second.inline_policies.find(*policy_name);
  if (it == holder->second.inline_policies.end()) {
    return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                             "The " + std::string(t.noun) + " policy with name " + *policy_name + " cannot be found.");
  }
  std::string out;
  query::XmlWriter w(out);
  w.element(t.name_param, holder->first)
      .element("PolicyName", it->first)
      .element("PolicyDocument", url_encode(it->second));
  return out;
}

template <Holder H>
common::Outcome<std::string> delete_inline_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const HolderTraits t = traits(H);
  const auto holder_name = read_name(call, validation, t.name_param, t.name_max);
  const auto policy_name = read_name(call, validation, "PolicyName", 128);
  if (auto error = validation.error()) return *error;
  return change_holder(call, iam, H, *holder_name, [&](IamAccount&, HolderRef& ref) -> common::Status {
    if (ref.policies->inline_policies.erase(*policy_name) == 0) {
      return common::aws_error(common::AwsErrorCode::NoSuchEntity, "The " + std::string(t.noun) + " policy with name " +
                                                                       *policy_name + " cannot be found.");
    }
    return common::ok_status();
  });
}

template <Holder H>
common::Outcome<std::string> list_inline_policies(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto name = read_holder_name(call, validation, H);
  if (!name) return name;
  auto holder = read_holder(call, iam, H, *name);
  if (!holder) return holder.take_error();
  std::vector<std::string> names;
  for (const auto& [policy_name, document] : holder->second.inline_policies) names.push_back(policy_name);
  auto page = read_page(call, names.size());
  if (!page) return page.take_error();
  std::string out;
  query::XmlWriter w(out);
  w.open("PolicyNames");
  for (size_t i = page->begin; i < page->end; ++i) w.element("member", names[i]);
  w.close("PolicyNames");
  write_page_end(w, *page);
  return out;
}

template <Holder H>
common::Outcome<std::string> put_permissions_boundary(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto name = read_holder_name(call, validation, H);
  if (!name) return name;
  auto arn = read_policy_arn_param(call, validation, "PermissionsBoundary");
  if (!arn) return arn;
  return change_holder(call, iam, H, *name, [&](IamAccount& account, HolderRef& ref) -> common::Status {
    if (!policy_exists(account, *arn)) {
      return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                               "Scope ARN: " + *arn + " does not exist or is not attachable.");
    }
    *ref.boundary = *arn;
    return common::ok_status();
  });
}

template <Holder H>
common::Outcome<std::string> delete_permissions_boundary(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto name = read_holder_name(call, validation, H);
  if (!name) return name;
  return change_holder(call, iam, H, *name, [&](IamAccount&, HolderRef& ref) -> common::Status {
    ref.boundary->clear();
    return common::ok_status();
  });
}

#define SLUICE_IAM_HOLDER_ACTIONS(H)                                                                 \
  template common::Outcome<std::string> attach_policy<H>(const server::Call&, IamContext&);          \
  template common::Outcome<std::string> detach_policy<H>(const server::Call&, IamContext&);          \
  template common::Outcome<std::string> list_attached_policies<H>(const server::Call&, IamContext&); \
  template common::Outcome<std::string> put_inline_policy<H>(const server::Call&, IamContext&);      \
  template common::Outcome<std::string> get_inline_policy<H>(const server::Call&, IamContext&);      \
  template common::Outcome<std::string> delete_inline_policy<H>(const server::Call&, IamContext&);   \
  template common::Outcome<std::string> list_inline_policies<H>(const server::Call&, IamContext&);
SLUICE_IAM_HOLDER_ACTIONS(Holder::User)
SLUICE_IAM_HOLDER_ACTIONS(Holder::Group)
SLUICE_IAM_HOLDER_ACTIONS(Holder::Role)
#undef SLUICE_IAM_HOLDER_ACTIONS
template common::Outcome<std::string> put_permissions_boundary<Holder::User>(const server::Call&, IamContext&);
template common::Outcome<std::string> put_permissions_boundary<Holder::Role>(const server::Call&, IamContext&);
template common::Outcome<std::string> delete_permissions_boundary<Holder::User>(const server::Call&, IamContext&);
template common::Outcome<std::string> delete_permissions_boundary<Holder::Role>(const server::Call&, IamContext&);

}  // namespace sluice::api::iam_wire::detail
