// IAM's role actions: CreateRole, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy,
// DeleteRole. The trust policy passes IAM's grammar checks (a principal, no resource) before it
// is stored; STS evaluates it for AssumeRole from then on.

#include "iam_kit.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

constexpr size_t kRoleNameMax = 64;

common::AwsError delete_conflict(std::string_view what) {
  return common::aws_error(common::AwsErrorCode::DeleteConflict,
                           "Cannot delete entity, must " + std::string(what) + " first.");
}

// Description (0..1000) and MaxSessionDuration (3600..43200 s), as CreateRole and UpdateRole take them.
struct RoleSettings {
  std::optional<std::string> description;
  std::optional<int64_t> max_session_duration_s;
};

std::optional<common::AwsError> read_settings(const server::Call& call, query::Validation& validation,
                                              RoleSettings* out) {
  if (const std::string_view* description = form_value(call, "Description")) {
    validation.length("description", *description, 0, 1000);
    out->description = std::string(*description);
  }
  if (const std::string_view* text = form_value(call, "MaxSessionDuration")) {
    int64_t seconds = 0;
    if (!query::parse_form_integer(*text, &seconds)) return query::form_integer_error("MaxSessionDuration", *text);
    validation.range("maxSessionDuration", *text, seconds, 3600, 43200);
    out->max_session_duration_s = seconds;
  }
  return std::nullopt;
}

}  // namespace

common::Outcome<std::string> create_role(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "RoleName", kRoleNameMax);
  const std::string path = read_path(call, validation, "Path");
  const auto trust = read_document(call, validation, "AssumeRolePolicyDocument");
  RoleSettings settings;
  if (auto error = read_settings(call, validation, &settings)) return *error;
  const std::string_view* boundary = form_value(call, "PermissionsBoundary");
  if (boundary != nullptr) validation.length("permissionsBoundary", *boundary, 20, 2048);
  const IamTags tags = read_tags(call, validation);
  if (auto error = validation.error()) return *error;
  if (auto error = check_trust_policy(*trust)) return *error;
  if (tags.size() > kTagsPerResource) return quota("TagsPerRole", kTagsPerResource);

  IamRole created;
  created.name = *name;
  created.path = path;
  created.created_ms = iam.now_ms;
  created.trust_policy = *trust;
  created.description = settings.description.value_or("");
  created.max_session_duration_s = settings.max_session_duration_s.value_or(3600);
  created.tags = tags;
  if (boundary != nullptr) created.permissions_boundary_arn = std::string(*boundary);
  IamAccount after;
  auto changed = change_account(call, iam, [&](IamAccount& account) -> common::Status {
    if (account.roles.count(iam_key(created.name)) != 0) {
      return common::aws_error(common::AwsErrorCode::EntityAlreadyExists,
                               "Role with name " + created.name + " already exists.");
    }
    if (!created.permissions_boundary_arn.empty() && !policy_exists(account, created.permissions_boundary_arn)) {
      return not_attachable(created.permissions_boundary_arn);
    }
    account.roles.emplace(iam_key(created.name), created);
    after = account;
    return common::ok_status();
  });
  if (!changed) return changed;
  std::string out;
  query::XmlWriter w(out);
  w.open("Role");
  write_role(w, after, created, false);
  write_boundary(w, created.permissions_boundary_arn);
  if (!created.tags.empty()) write_tags(w, created.tags);
  w.close("Role");
  return out;
}

common::Outcome<std::string> get_role(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "RoleName", kRoleNameMax);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  auto it = account.roles.find(iam_key(*name));
  if (it == account.roles.end()) return no_such_role(*name);
  std::string out;
  query::XmlWriter w(out);
  w.open("Role");
  write_role(w, account, it->second, true);
  w.close("Role");
  return out;
}

common::Outcome<std::string> list_roles(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string prefix = read_path_prefix(call, validation);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  std::vector<const IamRole*> roles;
  for (const auto& [key, role] : account.roles) {
    if (role.path.starts_with(prefix)) roles.push_back(&role);
  }
  return paged_list(call, "Roles", roles,
                    [&](query::XmlWriter& w, const IamRole* role) { write_role(w, account, *role, false); });
}

common::Outcome<std::string> update_role(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "RoleName", kRoleNameMax);
  RoleSettings settings;
  if (auto error = read_settings(call, validation, &settings)) return *error;
  if (auto error = validation.error()) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.roles.find(iam_key(*name));
    if (it == account.roles.end()) return no_such_role(*name);
    if (settings.description) it->second.description = *settings.description;
    if (settings.max_session_duration_s) it->second.max_session_duration_s = *settings.max_session_duration_s;
    return common::ok_status();
  });
}

common::Outcome<std::string> update_assume_role_policy(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "RoleName", kRoleNameMax);
  const auto trust = read_document(call, validation, "PolicyDocument");
  if (auto error = validation.error()) return *error;
  if (auto error = check_trust_policy(*trust)) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.roles.find(iam_key(*name));
    if (it == account.roles.end()) return no_such_role(*name);
    it->second.trust_policy = *trust;
    return common::ok_status();
  });
}

common::Outcome<std::string> delete_role(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "RoleName", kRoleNameMax);
  if (auto error = validation.error()) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.roles.find(iam_key(*name));
    if (it == account.roles.end()) return no_such_role(*name);
    for (const auto& [key, profile] : account.instance_profiles) {
      for (const std::string& role_key : profile.role_keys) {
        if (role_key == it->first) return delete_conflict("remove roles from instance profile");
      }
    }
    if (!it->second.policies.inline_policies.empty()) return delete_conflict("delete policies");
    if (!it->second.policies.managed_policy_arns.empty()) return delete_conflict("detach all policies");
    account.roles.erase(it);
    return common::ok_status();
  });
}

}  // namespace sluice::api::iam_wire::detail
