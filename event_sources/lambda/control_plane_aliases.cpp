// Aliases: Create/Get/Update/Delete/ListAliases, with their routing configuration.

#include "control_plane_impl.h"

#include "alias_rules.h"
#include "sluice/common/crypto.h"

namespace sluice::lambda::detail {

common::Outcome<AliasRecord> ControlPlaneImpl::create_alias(std::string_view name_or_arn, const AliasInput& input) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (auto error = check_alias_name(input.name)) return *error;
  if (!input.function_version) {
    return common::aws_error(
        common::AwsErrorCode::Validation,
        "1 validation error detected: Value null at 'functionVersion' failed to satisfy constraint: "
        "Member must not be null");
  }
  if (auto error = check_function_version(*input.function_version)) return *error;
  if (auto error = check_description(input.description)) return *error;
  const VersionWeights routing = input.routing.value_or(VersionWeights{});
  if (auto error = check_routing(*input.function_version, routing)) return *error;
  common::MutexLock lock(mu_);
  auto latest = find({ref->name, ""});
  if (!latest) return latest.take_error();
  if (auto missing = missing_version(latest->name, *input.function_version, routing)) return *missing;
  AliasRecord alias;
  alias.function_name = latest->name;
  alias.name = input.name;
  alias.arn = latest->arn + ":" + input.name;
  if (versions_.alias(alias.function_name, alias.name)) return alias_exists(alias.arn);
  alias.function_version = *input.function_version;
  alias.description = input.description.value_or("");
  alias.routing = routing;
  alias.revision_id = common::uuid4();
  if (auto stored = versions_.put_alias(alias); !stored) return stored.take_error();
  return alias;
}

common::Outcome<AliasRecord> ControlPlaneImpl::get_alias(std::string_view name_or_arn, const std::string& name) const {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (auto error = check_alias_name(name)) return *error;
  common::MutexLock lock(mu_);
  auto latest = find({ref->name, ""});
  if (!latest) return latest.take_error();
  const AliasRecord* alias = versions_.alias(latest->name, name);
  if (!alias) return alias_not_found(latest->arn + ":" + name);
  return *alias;
}

common::Outcome<AliasRecord> ControlPlaneImpl::update_alias(std::string_view name_or_arn, const AliasInput& input) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (auto error = check_alias_name(input.name)) return *error;
  if (input.function_version)
    if (auto error = check_function_version(*input.function_version)) return *error;
  if (auto error = check_description(input.description)) return *error;
  common::MutexLock lock(mu_);
  auto latest = find({ref->name, ""});
  if (!latest) return latest.take_error();
  const AliasRecord* found = versions_.alias(latest->name, input.name);
  if (!found) return alias_not_found(latest->arn + ":" + input.name);
  if (input.revision_id && *input.revision_id != found->revision_id) return revision_mismatch();
  AliasRecord alias = *found;
  if (input.function_version) alias.function_version = *input.function_version;
  if (input.description) alias.description = *input.description;
  if (input.routing) alias.routing = *input.routing;
  if (auto error = check_routing(alias.function_version, alias.routing)) return *error;
  if (auto missing = missing_version(alias.function_name, alias.function_version, alias.routing)) return *missing;
  alias.revision_id = common::uuid4();
  if (auto stored = versions_.put_alias(alias); !stored) return stored.take_error();
  return alias;
}

common::Status ControlPlaneImpl::delete_alias(std::string_view name_or_arn, const std::string& name) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (auto error = check_alias_name(name)) return *error;
  common::MutexLock lock(mu_);
  auto latest = find({ref->name, ""});
  if (!latest) return latest.take_error();
  if (!versions_.alias(latest->name, name)) return common::ok_status();  // AWS answers 204 all the same
  if (auto forgotten = event_configs_.forget(latest->arn + ":" + name); !forgotten) return forgotten;
  return versions_.erase_alias(latest->name, name);
}

common::Outcome<AliasPage> ControlPlaneImpl::list_aliases(std::string_view name_or_arn,
                                                          std::string_view function_version, std::string_view marker,
                                                          std::optional<int64_t> max_items) const {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (!function_version.empty())
    if (auto error = check_function_version(std::string(function_version))) return *error;
  if (auto error = check_max_items(max_items)) return *error;
  const size_t limit = static_cast<size_t>(std::min<int64_t>(max_items.value_or(kDefaultMaxItems), kDefaultMaxItems));
  common::MutexLock lock(mu_);
  auto latest = find({ref->name, ""});
  if (!latest) return latest.take_error();
  AliasPage page;
  for (AliasRecord& alias : versions_.aliases_of(latest->name)) {
    if (!marker.empty() && alias.name <= marker) continue;
    if (!function_version.empty() && alias.function_version != function_version) continue;
    if (page.aliases.size() == limit) {
      page.next_marker = page.aliases.back().name;
      break;
    }
    page.aliases.push_back(std::move(alias));
  }
  return page;
}

// A version an alias would name that does not exist.
std::optional<common::AwsError> ControlPlaneImpl::missing_version(const std::string& function,
                                                                  const std::string& version,
                                                                  const VersionWeights& routing) const {
  std::vector<std::string> named{version};
  for (const auto& [other, weight] : routing) named.push_back(other);
  for (const std::string& v : named) {
    if (v != "$LATEST" && !versions_.version(function, version_number(v)))
      return function_not_found(arn_of(function) + ":" + v);
  }
  return std::nullopt;
}

}  // namespace sluice::lambda::detail
