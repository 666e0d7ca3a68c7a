// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases (see kms.h). An alias names one key
// of its account and region; "alias/aws/" names are AWS's, made when their key is first used.

#include <algorithm>

#include "key_manager_impl.h"
#include "key_refs.h"

namespace sluice::kms {
namespace {

constexpr std::string_view kPrefix = "alias/";
constexpr std::string_view kReservedPrefix = "alias/aws/";

// AliasName: 1..256 of [a-zA-Z0-9:/_-], starting with "alias/", not in AWS's reserved space.
common::Status check_customer_alias_name(const std::string& name) {
  if (name.substr(0, kPrefix.size()) != kPrefix) {
    return common::aws_error(common::AwsErrorCode::KmsValidation,
                             "Alias must start with the prefix \"alias/\". Please see "
                             "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  }
  if (name.substr(0, kReservedPrefix.size()) == kReservedPrefix) {
    return common::aws_error(common::AwsErrorCode::KmsNotAuthorized, "");
  }
  return common::ok_status();
}

// The key an alias may point at: a customer managed key of the alias's own account and region.
common::Outcome<detail::KeyRecord*> alias_target(KeyManager::Impl& impl, const Scope& scope, const std::string& key_ref)
    REQUIRES(impl.mu) {
  if (key_ref.substr(0, kPrefix.size()) == kPrefix || key_ref.find(":alias/") != std::string::npos) {
    return common::aws_error(common::AwsErrorCode::KmsValidation, "Aliases must refer to keys. Not aliases");
  }
  auto key = impl.resolve(scope, key_ref);
  if (!key) return key;
  if ((*key)->meta.state == KeyState::PendingDeletion) {
    return common::aws_error(common::AwsErrorCode::KmsKeyInvalidState, (*key)->meta.arn + " is pending deletion.");
  }
  return key;
}

}  // namespace

common::Status KeyManager::create_alias(const Scope& scope, const std::string& name,
                                        const std::string& target_key_ref) {
  if (common::Status ok = check_customer_alias_name(name); !ok) return ok;
  common::MutexLock lock(impl_->mu);
  auto key = alias_target(*impl_, scope, target_key_ref);
  if (!key) return key.take_error();
  Impl::AliasKey id{scope.account_id, scope.region, name};
  if (impl_->aliases.count(id) != 0) {
    return common::aws_error(common::AwsErrorCode::KmsAlreadyExists,
                             "An alias with the name " + detail::alias_arn(scope, name) + " already exists");
  }
  Alias alias;
  alias.name = name;
  alias.arn = detail::alias_arn(scope, name);
  alias.target_key_id = (*key)->meta.key_id;
  alias.creation_ms = alias.last_updated_ms = impl_->clock->now_ms();
  impl_->save_alias(scope, alias);
  impl_->aliases.emplace(std::move(id), std::move(alias));
  return common::ok_status();
}

common::Status KeyManager::update_alias(const Scope& scope, const std::string& name,
                                        const std::string& target_key_ref) {
  if (common::Status ok = check_customer_alias_name(name); !ok) return ok;
  common::MutexLock lock(impl_->mu);
  impl_->sweep_deleted();
  auto it = impl_->aliases.find({scope.account_id, scope.region, name});
  if (it == impl_->aliases.end()) return detail::alias_not_found(scope, name);
  auto key = alias_target(*impl_, scope, target_key_ref);
  if (!key) return key.take_error();
  Alias updated = it->second;
  updated.target_key_id = (*key)->meta.key_id;
  updated.last_updated_ms = impl_->clock->now_ms();
  impl_->save_alias(scope, updated);
  it->second = std::move(updated);
  return common::ok_status();
}

common::Status KeyManager::delete_alias(const Scope& scope, const std::string& name) {
  if (common::Status ok = check_customer_alias_name(name); !ok) return ok;
  common::MutexLock lock(impl_->mu);
  impl_->sweep_deleted();
  auto it = impl_->aliases.find({scope.account_id, scope.region, name});
  if (it == impl_->aliases.end()) return detail::alias_not_found(scope, name);
  if (impl_->store) impl_->store->erase_alias(scope, name);
  impl_->aliases.erase(it);
  return common::ok_status();
}

common::Outcome<std::vector<Alias>> KeyManager::list_aliases(const Scope& scope,
                                                             const std::optional<std::string>& key_ref) {
  common::MutexLock lock(impl_->mu);
  impl_->sweep_deleted();
  std::optional<std::string> key_id;
  if (key_ref) {
    auto key = impl_->resolve(scope, *key_ref);
    if (!key) return key.take_error();
    key_id = (*key)->meta.key_id;
  }
  std::vector<Alias> out;
  for (const auto& [id, alias] : impl_->aliases) {
    if (std::get<0>(id) != scope.account_id || std::get<1>(id) != scope.region) continue;
    if (key_id && alias.target_key_id != *key_id) continue;
    out.push_back(alias);
  }
  if (!key_id) {
    // AWS lists the aliases of its managed keys before their key exists, without a target.
    for (std::string_view managed : {kSnsManagedAlias, kSqsManagedAlias}) {
      if (impl_->aliases.count({scope.account_id, scope.region, std::string(managed)}) != 0) continue;
      Alias alias;
      alias.name = std::string(managed);
      alias.arn = detail::alias_arn(scope, managed);
      out.push_back(std::move(alias));
    }
  }
  std::sort(out.begin(), out.end(), [](const Alias& a, const Alias& b) { return a.name < b.name; });
  return out;
}

}  // namespace sluice::kms
