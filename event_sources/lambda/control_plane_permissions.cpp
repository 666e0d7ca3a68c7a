// Resource policies: AddPermission, GetPolicy, RemovePermission on a function, version or alias.

#include "control_plane_impl.h"

namespace sluice::lambda::detail {

common::Outcome<std::string> ControlPlaneImpl::add_permission(std::string_view name_or_arn, std::string_view qualifier,
                                                              const AddPermissionInput& input) {
  common::MutexLock lock(mu_);
  auto resource = policy_resource(name_or_arn, qualifier);
  if (!resource) return resource.take_error();
  return policies_.add(*resource, input);
}

common::Outcome<PolicyDocument> ControlPlaneImpl::get_policy(std::string_view name_or_arn,
                                                             std::string_view qualifier) const {
  common::MutexLock lock(mu_);
  auto resource = policy_resource(name_or_arn, qualifier);
  if (!resource) return resource.take_error();
  return policies_.get(*resource);
}

common::Status ControlPlaneImpl::remove_permission(std::string_view name_or_arn, std::string_view qualifier,
                                                   const std::string& statement_id,
                                                   const std::optional<std::string>& revision_id) {
  common::MutexLock lock(mu_);
  auto resource = policy_resource(name_or_arn, qualifier);
  if (!resource) return resource.take_error();
  return policies_.remove(*resource, statement_id, revision_id);
}

// The ARN whose policy a call names: the function's, or with the version or alias qualifier.
common::Outcome<std::string> ControlPlaneImpl::policy_resource(std::string_view name_or_arn,
                                                               std::string_view qualifier) const {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (!qualifier.empty()) ref->qualifier = std::string(qualifier);
  auto found = find_qualified(*ref, false);
  if (!found) return found.take_error();
  return arn_of(ref->name) + (ref->qualifier.empty() ? "" : ":" + ref->qualifier);
}

}  // namespace sluice::lambda::detail
