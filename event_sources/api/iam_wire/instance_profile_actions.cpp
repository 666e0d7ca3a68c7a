// IAM's instance profile actions: CreateInstanceProfile, GetInstanceProfile,
// ListInstanceProfiles, ListInstanceProfilesForRole, DeleteInstanceProfile,
// AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile. A profile holds at most one role.

#include <algorithm>

#include "iam_kit.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

constexpr size_t kProfileNameMax = 128;
constexpr size_t kRoleNameMax = 64;

common::AwsError no_such_profile(std::string_view name) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                           "Instance Profile " + std::string(name) + " cannot be found.");
}

// Reads InstanceProfileName and RoleName.
std::optional<common::AwsError> read_profile_and_role(const server::Call& call, std::string* profile,
                                                      std::string* role) {
  query::Validation validation;
  auto profile_name = read_name(call, validation, "InstanceProfileName", kProfileNameMax);
  auto role_name = read_name(call, validation, "RoleName", kRoleNameMax);
  if (auto error = validation.error()) return error;
  *profile = *profile_name;
  *role = *role_name;
  return std::nullopt;
}

std::string profile_answer(const IamAccount& account, const IamInstanceProfile& profile) {
  std::string out;
  query::XmlWriter w(out);
  w.open("InstanceProfile");
  write_instance_profile(w, account, profile);
  w.close("InstanceProfile");
  return out;
}

}  // namespace

common::Outcome<std::string> create_instance_profile(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "InstanceProfileName", kProfileNameMax);
  const std::string path = read_path(call, validation, "Path");
  const IamTags tags = read_tags(call, validation);
  if (auto error = validation.error()) return *error;
  if (tags.size() > kTagsPerResource) return quota("TagsPerInstanceProfile", kTagsPerResource);
  IamInstanceProfile created;
  created.name = *name;
  created.path = path;
  created.created_ms = iam.now_ms;
  created.tags = tags;
  IamAccount after;
  auto changed = change_account(call, iam, [&](IamAccount& account) -> common::Status {
    if (account.instance_profiles.count(iam_key(created.name)) != 0) {
      return common::aws_error(common::AwsErrorCode::EntityAlreadyExists,
                               "Instance Profile " + created.name + " already exists.");
    }
    account.instance_profiles.emplace(iam_key(created.name), created);
    after = account;
    return common::ok_status();
  });
  if (!changed) return changed;
  return profile_answer(after, created);
}

common::Outcome<std::string> get_instance_profile(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "InstanceProfileName", kProfileNameMax);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  auto it = account.instance_profiles.find(iam_key(*name));
  if (it == account.instance_profiles.end()) return no_such_profile(*name);
  return profile_answer(account, it->second);
}

common::Outcome<std::string> list_instance_profiles(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string prefix = read_path_prefix(call, validation);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  std::vector<const IamInstanceProfile*> profiles;
  for (const auto& [key, profile] : account.instance_profiles) {
    if (profile.path.starts_with(prefix)) profiles.push_back(&profile);
  }
  return paged_list(call, "InstanceProfiles", profiles, [&](query::XmlWriter& w, const IamInstanceProfile* profile) {
    write_instance_profile(w, account, *profile);
  });
}

common::Outcome<std::string> list_instance_profiles_for_role(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "RoleName", kRoleNameMax);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  const std::string role_key = iam_key(*name);
  if (account.roles.count(role_key) == 0) return no_such_role(*name);
  std::vector<const IamInstanceProfile*> profiles;
  for (const auto& [key, profile] : account.instance_profiles) {
    if (std::find(profile.role_keys.begin(), profile.role_keys.end(), role_key) != profile.role_keys.end()) {
      profiles.push_back(&profile);
    }
  }
  return paged_list(call, "InstanceProfiles", profiles, [&](query::XmlWriter& w, const IamInstanceProfile* profile) {
    write_instance_profile(w, account, *profile);
  });
}

common::Outcome<std::string> delete_instance_profile(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "InstanceProfileName", kProfileNameMax);
  if (auto error = validation.error()) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.instance_profiles.find(iam_key(*name));
    if (it == account.instance_profiles.end()) return no_such_profile(*name);
    if (!it->second.role_keys.empty()) {
      return common::aws_error(common::AwsErrorCode::DeleteConflict,
                               "Cannot delete entity, must remove roles from instance profile first.");
    }
    account.instance_profiles.erase(it);
    return common::ok_status();
  });
}

common::Outcome<std::string> add_role_to_instance_profile(const server::Call& call, IamContext& iam) {
  std::string profile_name;
  std::string role_name;
  if (auto error = read_profile_and_role(call, &profile_name, &role_name)) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto profile = account.instance_profiles.find(iam_key(profile_name));
    if (profile == account.instance_profiles.end()) return no_such_profile(profile_name);
    const std::string role_key = iam_key(role_name);
    if (account.roles.count(role_key) == 0) return no_such_role(role_name);
    auto& roles = profile->second.role_keys;
    if (std::find(roles.begin(), roles.end(), role_key) != roles.end() || roles.size() >= kRolesPerInstanceProfile) {
      return quota("InstanceSessionsPerInstanceProfile", kRolesPerInstanceProfile);
    }
    roles.push_back(role_key);
    return common::ok_status();
  });
}

common::Outcome<std::string> remove_role_from_instance_profile(const server::Call& call, IamContext& iam) {
  std::string profile_name;
  std::string role_name;
  if (auto error = read_profile_and_role(call, &profile_name, &role_name)) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto profile = account.instance_profiles.find(iam_key(profile_name));
    if (profile == account.instance_profiles.end()) return no_such_profile(profile_name);
    if (account.roles.count(iam_key(role_name)) == 0) return no_such_role(role_name);
    if (std::erase(profile->second.role_keys, iam_key(role_name)) == 0) {
      return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                               "Role " + role_name + " in Instance Profile " + profile_name + " cannot be found.");
    }
    return common::ok_status();
  });
}

}  // namespace sluice::api::iam_wire::detail
