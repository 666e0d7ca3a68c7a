#pragma once
// Internal: IAM's actions. Each reads the Query form of a call and answers the inner XML of its
// <ActionResult> element (empty for actions that answer only ResponseMetadata), or IAM's error.

#include <string>
#include <string_view>
#include <vector>

#include "sluice/api/server/server.h"
#include "sluice/identity/identity.h"

namespace sluice::api::iam_wire::detail {

struct IamContext {
  identity::Directory& directory;
  int64_t now_ms;
};

// The last value of a scalar parameter, or null.
const std::string_view* form_value(const server::Call& call, std::string_view name);
// A list parameter's members ("<name>.member.N"), in order of N.
std::vector<std::string> form_list(const server::Call& call, std::string_view name);
// A tag list ("<name>.member.N.Key/Value"), in order of N.
std::vector<std::pair<std::string, std::string>> form_tags(const server::Call& call, std::string_view name);

// Users (user_actions.cpp).
common::Outcome<std::string> create_user(const server::Call& call, IamContext& iam);
common::Outcome<std::string> get_user(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_users(const server::Call& call, IamContext& iam);
common::Outcome<std::string> update_user(const server::Call& call, IamContext& iam);
common::Outcome<std::string> delete_user(const server::Call& call, IamContext& iam);

// Access keys (access_key_actions.cpp).
common::Outcome<std::string> create_access_key(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_access_keys(const server::Call& call, IamContext& iam);
common::Outcome<std::string> update_access_key(const server::Call& call, IamContext& iam);
common::Outcome<std::string> delete_access_key(const server::Call& call, IamContext& iam);
common::Outcome<std::string> get_access_key_last_used(const server::Call& call, IamContext& iam);

// Groups and memberships (group_actions.cpp).
common::Outcome<std::string> create_group(const server::Call& call, IamContext& iam);
common::Outcome<std::string> get_group(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_groups(const server::Call& call, IamContext& iam);
common::Outcome<std::string> delete_group(const server::Call& call, IamContext& iam);
common::Outcome<std::string> add_user_to_group(const server::Call& call, IamContext& iam);
common::Outcome<std::string> remove_user_from_group(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_groups_for_user(const server::Call& call, IamContext& iam);

// Roles (role_actions.cpp).
common::Outcome<std::string> create_role(const server::Call& call, IamContext& iam);
common::Outcome<std::string> get_role(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_roles(const server::Call& call, IamContext& iam);
common::Outcome<std::string> update_role(const server::Call& call, IamContext& iam);
common::Outcome<std::string> update_assume_role_policy(const server::Call& call, IamContext& iam);
common::Outcome<std::string> delete_role(const server::Call& call, IamContext& iam);

// Instance profiles (instance_profile_actions.cpp).
common::Outcome<std::string> create_instance_profile(const server::Call& call, IamContext& iam);
common::Outcome<std::string> get_instance_profile(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_instance_profiles(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_instance_profiles_for_role(const server::Call& call, IamContext& iam);
common::Outcome<std::string> delete_instance_profile(const server::Call& call, IamContext& iam);
common::Outcome<std::string> add_role_to_instance_profile(const server::Call& call, IamContext& iam);
common::Outcome<std::string> remove_role_from_instance_profile(const server::Call& call, IamContext& iam);

// Managed policies and their versions (managed_policy_actions.cpp).
common::Outcome<std::string> create_policy(const server::Call& call, IamContext& iam);
common::Outcome<std::string> get_policy(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_policies(const server::Call& call, IamContext& iam);
common::Outcome<std::string> delete_policy(const server::Call& call, IamContext& iam);
common::Outcome<std::string> create_policy_version(const server::Call& call, IamContext& iam);
common::Outcome<std::string> get_policy_version(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_policy_versions(const server::Call& call, IamContext& iam);
common::Outcome<std::string> delete_policy_version(const server::Call& call, IamContext& iam);
common::Outcome<std::string> set_default_policy_version(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_entities_for_policy(const server::Call& call, IamContext& iam);

// What users, groups and roles hold (attachment_actions.cpp), one template per action over the
// holder: managed policies, inline policies, permissions boundaries (users and roles only).
enum class Holder { User, Group, Role };
template <Holder H>
common::Outcome<std::string> attach_policy(const server::Call& call, IamContext& iam);
template <Holder H>
common::Outcome<std::string> detach_policy(const server::Call& call, IamContext& iam);
template <Holder H>
common::Outcome<std::string> list_attached_policies(const server::Call& call, IamContext& iam);
template <Holder H>
common::Outcome<std::string> put_inline_policy(const server::Call& call, IamContext& iam);
template <Holder H>
common::Outcome<std::string> get_inline_policy(const server::Call& call, IamContext& iam);
template <Holder H>
common::Outcome<std::string> delete_inline_policy(const server::Call& call, IamContext& iam);
template <Holder H>
common::Outcome<std::string> list_inline_policies(const server::Call& call, IamContext& iam);
template <Holder H>
common::Outcome<std::string> put_permissions_boundary(const server::Call& call, IamContext& iam);
template <Holder H>
common::Outcome<std::string> delete_permissions_boundary(const server::Call& call, IamContext& iam);

// Tags of users, roles, customer managed policies and instance profiles (tag_actions.cpp).
enum class Tagged { User, Role, Policy, InstanceProfile };
template <Tagged T>
common::Outcome<std::string> tag_resource(const server::Call& call, IamContext& iam);
template <Tagged T>
common::Outcome<std::string> untag_resource(const server::Call& call, IamContext& iam);
template <Tagged T>
common::Outcome<std::string> list_resource_tags(const server::Call& call, IamContext& iam);

// OpenID Connect providers (oidc_provider_actions.cpp).
common::Outcome<std::string> create_oidc_provider(const server::Call& call, IamContext& iam);
common::Outcome<std::string> get_oidc_provider(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_oidc_providers(const server::Call& call, IamContext& iam);
common::Outcome<std::string> delete_oidc_provider(const server::Call& call, IamContext& iam);
common::Outcome<std::string> add_client_id(const server::Call& call, IamContext& iam);
common::Outcome<std::string> remove_client_id(const server::Call& call, IamContext& iam);
common::Outcome<std::string> update_thumbprint(const server::Call& call, IamContext& iam);
common::Outcome<std::string> tag_oidc_provider(const server::Call& call, IamContext& iam);
common::Outcome<std::string> untag_oidc_provider(const server::Call& call, IamContext& iam);
common::Outcome<std::string> list_oidc_provider_tags(const server::Call& call, IamContext& iam);

}  // namespace sluice::api::iam_wire::detail
