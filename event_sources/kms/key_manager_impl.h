#pragma once
// The KeyManager's state, shared by the files that implement its calls: key_manager.cpp (keys,
// states, deletion, rotation, policies, tags), alias_ops.cpp, crypto_ops.cpp.

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "key_store.h"
#include "sluice/common/mutex.h"
#include "sluice/kms/kms.h"

namespace sluice::kms {

struct KeyManager::Impl {
  using AliasKey = std::tuple<std::string, std::string, std::string>;  // account, region, name

  std::shared_ptr<common::Clock> clock;
  std::unique_ptr<detail::KeyStore> store;  // null in memory

  common::Mutex mu;
  std::map<std::string, detail::KeyRecord> keys GUARDED_BY(mu);  // by key id
  std::map<AliasKey, Alias> aliases GUARDED_BY(mu);

  // Forgets keys whose deletion date has passed, with their aliases.
  void sweep_deleted() REQUIRES(mu);
  // The key a KeyRef names in scope, or KMS's NotFoundException.
  common::Outcome<detail::KeyRecord*> resolve(const Scope& scope, const std::string& key_ref) REQUIRES(mu);
  // A key that may be used for cryptography: Enabled, else DisabledException or
  // KMSInvalidStateException.
  static common::Status usable(const KeyMetadata& meta);
  // Creates the AWS-managed key of a reserved alias and points the alias at it.
  common::Outcome<detail::KeyRecord*> create_managed_key(const Scope& scope, std::string_view alias_name) REQUIRES(mu);
  detail::KeyRecord& add_key(const Scope& scope, const CreateKeyRequest& request, bool aws_managed) REQUIRES(mu);

  // Write-through to the store (nothing in memory).
  void save(const detail::KeyRecord& record);
  void save_alias(const Scope& scope, const Alias& alias);
};

}  // namespace sluice::kms
