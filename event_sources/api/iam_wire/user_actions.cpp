// IAM's user actions: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser. Names are unique
// in an account without regard to case; a user that still has access keys, policies or group
// memberships cannot be deleted (DeleteConflict, as IAM answers).

#include "iam_kit.h"
#include "sluice/common/clock.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

constexpr size_t kUserNameMax = 64;

common::AwsError user_exists(std::string_view name) {
  return common::aws_error(common::AwsErrorCode::EntityAlreadyExists,
                           "User with name " + std::string(name) + " already exists.");
}

common::AwsError delete_conflict(std::string_view what) {
  return common::aws_error(common::AwsErrorCode::DeleteConflict,
                           "Cannot delete entity, must " + std::string(what) + " first.");
}

}  // namespace

common::Outcome<std::string> create_user(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "UserName", kUserNameMax);
  const std::string path = read_path(call, validation, "Path");
  const std::string_view* boundary = form_value(call, "PermissionsBoundary");
  if (boundary != nullptr) validation.length("permissionsBoundary", *boundary, 20, 2048);
  const IamTags tags = read_tags(call, validation);
  if (auto error = validation.error()) return *error;
  if (tags.size() > kTagsPerResource) return quota("TagsPerUser", kTagsPerResource);

  IamUser created;
  created.name = *name;
  created.path = path;
  created.created_ms = iam.now_ms;
  created.tags = tags;
  if (boundary != nullptr) created.permissions_boundary_arn = std::string(*boundary);
  IamAccount after;
  auto result = change_account(call, iam, [&](IamAccount& account) -> common::Status {
    if (account.users.count(iam_key(created.name)) != 0) return user_exists(created.name);
    if (!created.permissions_boundary_arn.empty() && !policy_exists(account, created.permissions_boundary_arn)) {
      return not_attachable(created.permissions_boundary_arn);
    }
    account.users.emplace(iam_key(created.name), created);
    after = account;
    return common::ok_status();
  });
  if (!result) return result;
  std::string out;
  query::XmlWriter w(out);
  w.open("User");
  write_user(w, after, created, true);
  w.close("User");
  return out;
}

common::Outcome<std::string> get_user(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto name = read_name(call, validation, "UserName", kUserNameMax, false);
  if (auto error = validation.error()) return *error;
  const identity::Principal& caller = call.ctx.principal;
  std::string out;
  query::XmlWriter w(out);
  if (!name && caller.kind == Principal::Kind::Root) {
    // The root user, as GetUser without a name answers it for root credentials.
    w.open("User")
        .element("UserId", caller.account_id)
        .element("Arn", caller.arn)
        .element("CreateDate", common::format_iso8601_ms(0))
        .close("User");
    return out;
  }
  if (!name) {
    if (caller.kind != Principal::Kind::User) {
      return common::aws_error(common::AwsErrorCode::ValidationError,
                               "Must specify userName when calling with non-User credentials");
    }
    name = caller.name;
  }
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  auto it = account.users.find(iam_key(*name));
  if (it == account.users.end()) return no_such_user(*name);
  w.open("User");
  write_user(w, account, it->second, true);
  w.close("User");
  return out;
}

common::Outcome<std::string> list_users(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string prefix = read_path_prefix(call, validation);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  std::vector<const IamUser*> users;
  for (const auto& [key, user] : account.users) {
    if (user.path.starts_with(prefix)) users.push_back(&user);
  }
  return paged_list(call, "Users", users,
                    [&](query::XmlWriter& w, const IamUser* user) { write_user(w, account, *user, false); });
}

common::Outcome<std::string> update_user(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "UserName", kUserNameMax);
  const auto new_name = read_name(call, validation, "NewUserName", kUserNameMax, false);
  const bool new_path_given = form_value(call, "NewPath") != nullptr;
  const std::string new_path = read_path(call, validation, "NewPath");
  if (auto error = validation.error()) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.users.find(iam_key(*name));
    if (it == account.users.end()) return no_such_user(*name);
    IamUser user = it->second;
    if (new_path_given) user.path = new_path;
    if (new_name && iam_key(*new_name) != it->first) {
      if (account.users.count(iam_key(*new_name)) != 0) return user_exists(*new_name);
      user.name = *new_name;
      account.users.erase(it);
      account.users.emplace(iam_key(user.name), std::move(user));
      return common::ok_status();
    }
    if (new_name) user.name = *new_name;
    it->second = std::move(user);
    return common::ok_status();
  });
}

common::Outcome<std::string> delete_user(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const auto name = read_name(call, validation, "UserName", kUserNameMax);
  if (auto error = validation.error()) return *error;
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.users.find(iam_key(*name));
    if (it == account.users.end()) return no_such_user(*name);
    const IamUser& user = it->second;
    if (!user.access_keys.empty()) return delete_conflict("delete access keys");
    if (!user.policies.inline_policies.empty()) return delete_conflict("delete policies");
    if (!user.policies.managed_policy_arns.empty()) return delete_conflict("detach all policies");
    if (!user.group_keys.empty()) return delete_conflict("remove users from group");
    account.users.erase(it);
    return common::ok_status();
  });
}

}  // namespace sluice::api::iam_wire::detail
