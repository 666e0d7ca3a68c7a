// The IAM service on the front door (see iam_service.h): a sorted table of actions, each answered
// as a Query document in IAM's namespace, errors as IAM's <ErrorResponse>; and the test issuer's
// routes.

#include "sluice/api/iam_wire/iam_service.h"

#include "iam_actions.h"
#include "oidc_issuer_routes.h"
#include "sluice/api/query/query.h"
#include "sluice/api/server/query_actions.h"

namespace sluice::api::iam_wire {
namespace {

constexpr std::string_view kVersion = "2010-05-08";
constexpr server::Service::Routes kRoutes{"iam", "iam", "", "", kVersion};
constexpr query::Dialect kDialect{"https://iam.amazonaws.com/doc/2010-05-08/", "", false};

// Sorted by name (byte order, as lower_bound compares).
constexpr server::QueryAction<detail::IamContext> kActions[] = {
    {"AddClientIDToOpenIDConnectProvider", detail::add_client_id},
    {"AddRoleToInstanceProfile", detail::add_role_to_instance_profile},
    {"AddUserToGroup", detail::add_user_to_group},
    {"AttachGroupPolicy", detail::attach_policy<detail::Holder::Group>},
    {"AttachRolePolicy", detail::attach_policy<detail::Holder::Role>},
    {"AttachUserPolicy", detail::attach_policy<detail::Holder::User>},
    {"CreateAccessKey", detail::create_access_key},
    {"CreateGroup", detail::create_group},
    {"CreateInstanceProfile", detail::create_instance_profile},
    {"CreateOpenIDConnectProvider", detail::create_oidc_provider},
    {"CreatePolicy", detail::create_policy},
    {"CreatePolicyVersion", detail::create_policy_version},
    {"CreateRole", detail::create_role},
    {"CreateUser", detail::create_user},
    {"DeleteAccessKey", detail::delete_access_key},
    {"DeleteGroup", detail::delete_group},
    {"DeleteGroupPolicy", detail::delete_inline_policy<detail::Holder::Group>},
    {"DeleteInstanceProfile", detail::delete_instance_profile},
    {"DeleteOpenIDConnectProvider", detail::delete_oidc_provider},
    {"DeletePolicy", detail::delete_policy},
    {"DeletePolicyVersion", detail::delete_policy_version},
    {"DeleteRole", detail::delete_role},
    {"DeleteRolePermissionsBoundary", detail::delete_permissions_boundary<detail::Holder::Role>},
    {"DeleteRolePolicy", detail::delete_inline_policy<detail::Holder::Role>},
    {"DeleteUser", detail::delete_user},
    {"DeleteUserPermissionsBoundary", detail::delete_permissions_boundary<detail::Holder::User>},
    {"DeleteUserPolicy", detail::delete_inline_policy<detail::Holder::User>},
    {"DetachGroupPolicy", detail::detach_policy<detail::Holder::Group>},
    {"DetachRolePolicy", detail::detach_policy<detail::Holder::Role>},
    {"DetachUserPolicy", detail::detach_policy<detail::Holder::User>},
    {"GetAccessKeyLastUsed", detail::get_access_key_last_used},
    {"GetGroup", detail::get_group},
    {"GetGroupPolicy", detail::get_inline_policy<detail::Holder::Group>},
    {"GetInstanceProfile", detail::get_instance_profile},
    {"GetOpenIDConnectProvider", detail::get_oidc_provider},
    {"GetPolicy", detail::get_policy},
    {"GetPolicyVersion", detail::get_policy_version},
    {"GetRole", detail::get_role},
    {"GetRolePolicy", detail::get_inline_policy<detail::Holder::Role>},
    {"GetUser", detail::get_user},
    {"GetUserPolicy", detail::get_inline_policy<detail::Holder::User>},
    {"ListAccessKeys", detail::list_access_keys},
    {"ListAttachedGroupPolicies", detail::list_attached_policies<detail::Holder::Group>},
    {"ListAttachedRolePolicies", detail::list_attached_policies<detail::Holder::Role>},
    {"ListAttachedUserPolicies", detail::list_attached_policies<detail::Holder::User>},
    {"ListEntitiesForPolicy", detail::list_entities_for_policy},
    {"ListGroupPolicies", detail::list_inline_policies<detail::Holder::Group>},
    {"ListGroups", detail::list_groups},
    {"ListGroupsForUser", detail::list_groups_for_user},
    {"ListInstanceProfileTags", detail::list_resource_tags<detail::Tagged::InstanceProfile>},
    {"ListInstanceProfiles", detail::list_instance_profiles},
    {"ListInstanceProfilesForRole", detail::list_instance_profiles_for_role},
    {"ListOpenIDConnectProviderTags", detail::list_oidc_provider_tags},
    {"ListOpenIDConnectProviders", detail::list_oidc_providers},
    {"ListPolicies", detail::list_policies},
    {"ListPolicyTags", detail::list_resource_tags<detail::Tagged::Policy>},
    {"ListPolicyVersions", detail::list_policy_versions},
    {"ListRolePolicies", detail::list_inline_policies<detail::Holder::Role>},
    {"ListRoleTags", detail::list_resource_tags<detail::Tagged::Role>},
    {"ListRoles", detail::list_roles},
    {"ListUserPolicies", detail::list_inline_policies<detail::Holder::User>},
    {"ListUserTags", detail::list_resource_tags<detail::Tagged::User>},
    {"ListUsers", detail::list_users},
    {"PutGroupPolicy", detail::put_inline_policy<detail::Holder::Group>},
    {"PutRolePermissionsBoundary", detail::put_permissions_boundary<detail::Holder::Role>},
    {"PutRolePolicy", detail::put_inline_policy<detail::Holder::Role>},
    {"PutUserPermissionsBoundary", detail::put_permissions_boundary<detail::Holder::User>},
    {"PutUserPolicy", detail::put_inline_policy<detail::Holder::User>},
    {"RemoveClientIDFromOpenIDConnectProvider", detail::remove_client_id},
    {"RemoveRoleFromInstanceProfile", detail::remove_role_from_instance_profile},
    {"RemoveUserFromGroup", detail::remove_user_from_group},
    {"SetDefaultPolicyVersion", detail::set_default_policy_version},
    {"TagInstanceProfile", detail::tag_resource<detail::Tagged::InstanceProfile>},
    {"TagOpenIDConnectProvider", detail::tag_oidc_provider},
    {"TagPolicy", detail::tag_resource<detail::Tagged::Policy>},
    {"TagRole", detail::tag_resource<detail::Tagged::Role>},
    {"TagUser", detail::tag_resource<detail::Tagged::User>},
    {"UntagInstanceProfile", detail::untag_resource<detail::Tagged::InstanceProfile>},
    {"UntagOpenIDConnectProvider", detail::untag_oidc_provider},
    {"UntagPolicy", detail::untag_resource<detail::Tagged::Policy>},
    {"UntagRole", detail::untag_resource<detail::Tagged::Role>},
    {"UntagUser", detail::untag_resource<detail::Tagged::User>},
    {"UpdateAccessKey", detail::update_access_key},
    {"UpdateAssumeRolePolicy", detail::update_assume_role_policy},
    {"UpdateOpenIDConnectProviderThumbprint", detail::update_thumbprint},
    {"UpdateRole", detail::update_role},
    {"UpdateUser", detail::update_user},
};

static_assert(server::query_actions_sorted<detail::IamContext>(kActions));

const server::QueryAction<detail::IamContext>* find_action(std::string_view name) {
  return server::find_query_action<detail::IamContext>(kActions, name);
}

class IamService final : public server::Service {
 public:
  explicit IamService(IamOptions options) : options_(std::move(options)) {}

  const Routes& routes() const override { return kRoutes; }
  bool has_action(std::string_view action) const override { return find_action(action) != nullptr; }
  void attach(server::ServiceHost& host) override { clock_ = host.clock(); }

  bool claims_rest(const http::Request& request) const override {
    return options_.issuer && request.method == "POST" && detail::is_issuer_path(request.path);
  }

  std::optional<http::Response> get(const http::Request& request) override {
    if (!options_.issuer || !detail::is_issuer_path(request.path)) return std::nullopt;
    std::string base_url = options_.public_base_url;
    if (base_url.empty()) {
      const std::string* host = request.header("host");
      base_url = std::string(request.secure ? "https://" : "http://") + (host != nullptr ? *host : "127.0.0.1");
    }
    return detail::issuer_get(*options_.issuer, request, base_url);
  }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const std::string& request_id = call.ctx.request_id;
    if (options_.issuer && detail::is_issuer_path(call.request.path)) {
      responder->respond(detail::mint_token(*options_.issuer, call, options_.mode));
      return;
    }
    const auto* action = find_action(call.action);
    if (!server::admit_query_call(call, action != nullptr, kVersion, kDialect, *responder)) return;
    detail::IamContext iam{*options_.directory, clock_ ? clock_->now_ms() : common::system_clock()->now_ms()};
    common::Outcome<std::string> result = action->run(call, iam);
    // An action whose output shape has no members still answers its (empty) Result element.
    const bool with_result = !result || !result->empty() || action->name == "UpdateRole";
    server::respond_query_outcome(*responder, action->name, result, request_id, kDialect, with_result);
  }

  http::Response error_response(server::Protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    return query::error_response(error, request_id, kDialect);  // IAM speaks only Query
  }

 private:
  IamOptions options_;
  std::shared_ptr<common::Clock> clock_;
};

}  // namespace

std::shared_ptr<server::Service> make_iam_service(IamOptions options) {
  return std::make_shared<IamService>(std::move(options));
}

}  // namespace sluice::api::iam_wire
