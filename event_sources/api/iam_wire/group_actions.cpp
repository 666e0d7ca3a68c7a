// IAM's group actions: CreateGroup, GetGroup (with its users), ListGroups, DeleteGroup,
// AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser. A user's memberships are kept on the
// user (IamUser::group_keys), so a user's groups are read without scanning every group.

#include <algorithm>

#include "iam_kit.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

constexpr size_t kGroupNameMax = 128;
constexpr size_t kUserNameMax = 128;

bool is_member(const IamUser& user, const std::string& group_key) {
  return std::find(user.group_keys.begin(), user.group_keys.end(), group_key) != user.group_keys.end();
}

std::vector<const IamUser*> members_of(const IamAccount& account, const std::string& group_key) {
  std::vector<const IamUser*> out;
  for (const auto& [key, user] : account.users) {
    if (is_member(user, group_key)) out.push_back(&user);
  }
  return out;
}

// Reads GroupName and UserName for AddUserToGroup / RemoveUserFromGroup.
std::optional<common::AwsError> read_membership(const server::Call& call, std::string* group, std::string* user) {
  query::Validation validation;
  auto group_name = read_name(call, validation, "GroupName", kGroupNameMax);
  auto user_name = read_name(call, validation, "UserName", kUserNameMax);
  if (auto error = validation.error()) return error;
  *group = *group_name;
  *user = *user_name;
  return std::nullopt;
}

}  // namespace

common::Outcome<std::string> create_group(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "GroupName", kGroupNameMax);
  const std::string path = read_path(call, validation, "Path");
  if (auto error = validation.error()) return *error;
  IamGroup created;
  created.name = *name;
  created.path = path;
  created.created_ms = iam.now_ms;
  IamAccount after;
  auto changed = change_account(call, iam, [&](IamAccount& account) -> common::Status {
    if (account.groups.count(iam_key(created.name)) != 0) {
      return common::aws_error(common::AwsErrorCode::EntityAlreadyExists,
                               "Group with name " + created.name + " already exists.");
    }
    account.groups.emplace(iam_key(created.name), created);
    after = account;
    return common::ok_status();
  });
  if (!changed) return changed;
  std::string out;
  query::XmlWriter w(out);
  w.open("Group");
  write_group(w, after, created);
  w.close("Group");
  return out;
}

common::Outcome<std::string> get_group(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "GroupName", kGroupNameMax);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  auto it = account.groups.find(iam_key(*name));
  if (it == account.groups.end()) return no_such_group(*name);
  auto users = paged_list(call, "Users", members_of(account, it->first),
                          [&](query::XmlWriter& w, const IamUser* user) { write_user(w, account, *user, false); });
  if (!users) return users;
  std::string out;
  query::XmlWriter w(out);
  w.open("Group");
  write_group(w, account, it->second);
  w.close("Group");
  return out + *users;
}

common::Outcome<std::string> list_groups(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string prefix = read_path_prefix(call, validation);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  std::vector<const IamGroup*> groups;
  for (const auto& [key, group] : account.groups) {
    if (group.path.starts_with(prefix)) groups.push_back(&group);
  }
  return paged_list(call, "Groups", groups,
                    [&](query::XmlWriter& w, const IamGroup* group) { write_group(w, account, *group); });
}

common::Outcome<std::string> delete_group(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "GroupName", kGroupNameMax);
  if (auto error = validation.error()) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.groups.find(iam_key(*name));
    if (it == account.groups.end()) return no_such_group(*name);
    if (!members_of(account, it->first).empty()) {
      return common::aws_error(common::AwsErrorCode::DeleteConflict,
                               "Cannot delete entity, must remove users from group first.");
    }
    if (!it->second.policies.inline_policies.empty()) {
      return common::aws_error(common::AwsErrorCode::DeleteConflict,
                               "Cannot delete entity, must delete policies first.");
    }
    if (!it->second.policies.managed_policy_arns.empty()) {
      return common::aws_error(common::AwsErrorCode::DeleteConflict,
                               "Cannot delete entity, must detach all policies first.");
    }
    account.groups.erase(it);
    return common::ok_status();
  });
}

common::Outcome<std::string> add_user_to_group(const server::Call& call, IamContext& iam) {
  std::string group_name;
  std::string user_name;
  if (auto error = read_membership(call, &group_name, &user_name)) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    const std::string group_key = iam_key(group_name);
    if (account.groups.count(group_key) == 0) return no_such_group(group_name);
    auto user = account.users.find(iam_key(user_name));
    if (user == account.users.end()) return no_such_user(user_name);
    if (is_member(user->second, group_key)) return common::ok_status();
    if (user->second.group_keys.size() >= kGroupsPerUser) return quota("GroupsPerUser", kGroupsPerUser);
    user->second.group_keys.push_back(group_key);
    return common::ok_status();
  });
}

common::Outcome<std::string> remove_user_from_group(const server::Call& call, IamContext& iam) {
  std::string group_name;
  std::string user_name;
  if (auto error = read_membership(call, &group_name, &user_name)) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    const std::string group_key = iam_key(group_name);
    if (account.groups.count(group_key) == 0) return no_such_group(group_name);
    auto user = account.users.find(iam_key(user_name));
    if (user == account.users.end()) return no_such_user(user_name);
    if (std::erase(user->second.group_keys, group_key) == 0) {
      return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                               "User " + user_name + " is not in group " + group_name + ".");
    }
    return common::ok_status();
  });
}

common::Outcome<std::string> list_groups_for_user(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "UserName", kUserNameMax);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  auto user = account.users.find(iam_key(*name));
  if (user == account.users.end()) return no_such_user(*name);
  std::vector<const IamGroup*> groups;
  for (const std::string& key : user->second.group_keys) {
    if (auto group = account.groups.find(key); group != account.groups.end()) groups.push_back(&group->second);
  }
  return paged_list(call, "Groups", groups,
                    [&](query::XmlWriter& w, const IamGroup* group) { write_group(w, account, *group); });
}

}  // namespace sluice::api::iam_wire::detail
