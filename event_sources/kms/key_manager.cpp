// KeyManager: opening, keys and their states, the deletion schedule, rotation status, key
// policies and tags (see kms.h). Aliases are in alias_ops.cpp, cryptography in crypto_ops.cpp.

#include <algorithm>
#include <filesystem>

#include "key_cipher.h"
#include "key_manager_impl.h"
#include "key_refs.h"
#include "sluice/common/crypto.h"

namespace sluice::kms {
namespace {

constexpr int64_t kDayMs = int64_t{24} * 60 * 60 * 1000;

std::string describe_state_error(const KeyMetadata& meta) {
  return meta.arn + (meta.state == KeyState::PendingDeletion ? " is pending deletion." : " is disabled.");
}

common::AwsError pending_deletion(const KeyMetadata& meta) {
  return common::aws_error(common::AwsErrorCode::KmsKeyInvalidState, meta.arn + " is pending deletion.");
}

}  // namespace

std::string_view key_state_name(KeyState state) {
  switch (state) {
    case KeyState::Enabled:
      return "Enabled";
    case KeyState::Disabled:
      return "Disabled";
    case KeyState::PendingDeletion:
      return "PendingDeletion";
  }
  return "Enabled";
}

// ---- Impl ----------------------------------------------------------------------------------------

void KeyManager::Impl::sweep_deleted() {
  const int64_t now = clock->now_ms();
  for (auto it = keys.begin(); it != keys.end();) {
    const KeyMetadata& meta = it->second.meta;
    if (meta.state != KeyState::PendingDeletion || !meta.deletion_ms || *meta.deletion_ms > now) {
      ++it;
      continue;
    }
    if (store) store->erase_key(meta.key_id);
    for (auto a = aliases.begin(); a != aliases.end();) {
      a = a->second.target_key_id == meta.key_id ? aliases.erase(a) : std::next(a);
    }
    it = keys.erase(it);
  }
}

common::Outcome<detail::KeyRecord*> KeyManager::Impl::resolve(const Scope& scope, const std::string& key_ref) {
  sweep_deleted();
  std::optional<detail::ParsedRef> ref = detail::parse_key_ref(scope, key_ref);
  if (!ref) return detail::invalid_key_id(key_ref);
  std::string key_id = ref->name;
  if (ref->kind == detail::ParsedRef::Kind::Alias) {
    auto alias = aliases.find({ref->scope.account_id, ref->scope.region, ref->name});
    if (alias == aliases.end() || alias->second.target_key_id.empty()) {
      if (ref->name == kSqsManagedAlias || ref->name == kSnsManagedAlias) {
        return create_managed_key(ref->scope, ref->name);
      }
      return detail::alias_not_found(ref->scope, ref->name);
    }
    key_id = alias->second.target_key_id;
  } else if (!detail::is_key_id(key_id)) {
    return detail::invalid_key_id(key_ref);
  }
  auto it = keys.find(key_id);
  if (it == keys.end() || it->second.meta.account_id != ref->scope.account_id ||
      it->second.meta.region != ref->scope.region) {
    return detail::key_not_found(ref->scope, key_id);
  }
  return &it->second;
}

common::Status KeyManager::Impl::usable(const KeyMetadata& meta) {
  if (meta.state == KeyState::Enabled) return common::ok_status();
  return common::aws_error(meta.state == KeyState::Disabled ? common::AwsErrorCode::KmsKeyDisabled
                                                            : common::AwsErrorCode::KmsKeyInvalidState,
                           describe_state_error(meta));
}

detail::KeyRecord& KeyManager::Impl::add_key(const Scope& scope, const CreateKeyRequest& request, bool aws_managed) {
  detail::KeyRecord record;
  KeyMetadata& m = record.meta;
  m.account_id = scope.account_id;
  m.region = scope.region;
  m.key_id = common::uuid4();
  m.arn = detail::key_arn(scope, m.key_id);
  m.description = request.description;
  m.creation_ms = clock->now_ms();
  m.aws_managed = aws_managed;
  m.policy = request.policy.value_or(detail::default_key_policy(scope.account_id));
  m.tags = request.tags;
  if (aws_managed) {  // AWS rotates its managed keys every year
    m.rotation_enabled = true;
    m.next_rotation_ms = m.creation_ms + m.rotation_period_days * kDayMs;
  }
  record.material = detail::new_key_material();
  save(record);
  auto [it, inserted] = keys.emplace(m.key_id, std::move(record));
  (void)inserted;
  return it->second;
}

common::Outcome<detail::KeyRecord*> KeyManager::Impl::create_managed_key(const Scope& scope,
                                                                         std::string_view alias_name) {
  const bool sqs = alias_name == kSqsManagedAlias;
  CreateKeyRequest request;
  request.description = sqs ? "Default key that protects my SQS messages when no other key is defined"
                            : "Default key that protects my SNS data when no other key is defined";
  request.policy = detail::managed_key_policy(scope.account_id, scope.region, sqs ? "sqs" : "sns");
  detail::KeyRecord& record = add_key(scope, request, true);
  Alias alias;
  alias.name = std::string(alias_name);
  alias.arn = detail::alias_arn(scope, alias_name);
  alias.target_key_id = record.meta.key_id;
  alias.creation_ms = alias.last_updated_ms = record.meta.creation_ms;
  save_alias(scope, alias);
  aliases[{scope.account_id, scope.region, alias.name}] = alias;
  return &record;
}

void KeyManager::Impl::save(const detail::KeyRecord& record) {
  if (store) store->put_key(record);
}

void KeyManager::Impl::save_alias(const Scope& scope, const Alias& alias) {
  if (store) store->put_alias(scope, alias);
}

// ---- KeyManager ----------------------------------------------------------------------------------

std::unique_ptr<KeyManager> KeyManager::open(const KmsOptions& options, std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->clock = options.clock ? options.clock : common::system_clock();
  if (!options.data_dir.empty()) {
    // The first component opened in a new data directory makes it.
    std::error_code made;
    std::filesystem::create_directories(options.data_dir, made);
    if (made) {
      *error = "cannot create " + options.data_dir + ": " + made.message();
      return nullptr;
    }
    impl->store = detail::KeyStore::open(options.data_dir + "/kms.db", error);
    if (!impl->store) return nullptr;
    try {
      common::MutexLock lock(impl->mu);
      for (auto& record : impl->store->load_keys()) {
        std::string id = record.meta.key_id;
        impl->keys.emplace(std::move(id), std::move(record));
      }
      for (auto& [scope, alias] : impl->store->load_aliases()) {
        impl->aliases[{scope.account_id, scope.region, alias.name}] = alias;
      }
    } catch (const std::exception& e) {
      *error = "cannot read " + options.data_dir + "/kms.db: " + e.what();
      return nullptr;
    }
  }
  return std::unique_ptr<KeyManager>(new KeyManager(std::move(impl)));
}

KeyManager::KeyManager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KeyManager::~KeyManager() = default;

const common::Clock& KeyManager::clock() const { return *impl_->clock; }

common::Outcome<KeyMetadata> KeyManager::create_key(const Scope& scope, const CreateKeyRequest& request) {
  common::MutexLock lock(impl_->mu);
  return impl_->add_key(scope, request, false).meta;
}

common::Outcome<KeyMetadata> KeyManager::describe_key(const Scope& scope, const std::string& key_ref) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  return (*key)->meta;
}

std::vector<KeyMetadata> KeyManager::list_keys(const Scope& scope) {
  common::MutexLock lock(impl_->mu);
  impl_->sweep_deleted();
  std::vector<KeyMetadata> out;
  for (const auto& [id, record] : impl_->keys) {
    if (record.meta.account_id == scope.account_id && record.meta.region == scope.region) out.push_back(record.meta);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const KeyMetadata& a, const KeyMetadata& b) { return a.creation_ms < b.creation_ms; });
  return out;
}

common::Status KeyManager::enable_key(const Scope& scope, const std::string& key_ref) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  KeyMetadata& m = (*key)->meta;
  if (m.state == KeyState::PendingDeletion) return pending_deletion(m);
  if (m.state != KeyState::Enabled) {
    m.state = KeyState::Enabled;
    impl_->save(**key);
  }
  return common::ok_status();
}

common::Status KeyManager::disable_key(const Scope& scope, const std::string& key_ref) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  KeyMetadata& m = (*key)->meta;
  if (m.state == KeyState::PendingDeletion) return pending_deletion(m);
  if (m.state != KeyState::Disabled) {
    m.state = KeyState::Disabled;
    impl_->save(**key);
  }
  return common::ok_status();
}

common::Outcome<KeyMetadata> KeyManager::schedule_key_deletion(const Scope& scope, const std::string& key_ref,
                                                               int64_t window_days) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  KeyMetadata& m = (*key)->meta;
  if (m.state == KeyState::PendingDeletion) return pending_deletion(m);
  m.state = KeyState::PendingDeletion;
  m.pending_window_days = window_days;
  m.deletion_ms = impl_->clock->now_ms() + window_days * kDayMs;
  impl_->save(**key);
  return m;
}

common::Outcome<KeyMetadata> KeyManager::cancel_key_deletion(const Scope& scope, const std::string& key_ref) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  KeyMetadata& m = (*key)->meta;
  if (m.state != KeyState::PendingDeletion) {
    return common::aws_error(common::AwsErrorCode::KmsKeyInvalidState, m.arn + " is not pending deletion.");
  }
  // AWS leaves a key whose deletion was cancelled disabled.
  m.state = KeyState::Disabled;
  m.deletion_ms.reset();
  m.pending_window_days.reset();
  impl_->save(**key);
  return m;
}

common::Status KeyManager::set_key_rotation(const Scope& scope, const std::string& key_ref, bool enabled,
                                            std::optional<int64_t> period_days) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  KeyMetadata& m = (*key)->meta;
  if (m.aws_managed) {
    return common::aws_error(common::AwsErrorCode::KmsUnsupportedOperation,
                             m.arn + " is an AWS managed key. You cannot change its automatic rotation.");
  }
  if (common::Status ok = Impl::usable(m); !ok) return ok;
  if (period_days) m.rotation_period_days = *period_days;
  m.rotation_enabled = enabled;
  if (enabled) {
    m.next_rotation_ms = impl_->clock->now_ms() + m.rotation_period_days * kDayMs;
  } else {
    m.next_rotation_ms.reset();
  }
  impl_->save(**key);
  return common::ok_status();
}

common::Status KeyManager::put_key_policy(const Scope& scope, const std::string& key_ref, const std::string& policy) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  KeyMetadata& m = (*key)->meta;
  if (m.state == KeyState::PendingDeletion) return pending_deletion(m);
  m.policy = policy;
  impl_->save(**key);
  return common::ok_status();
}

common::Status KeyManager::tag_resource(const Scope& scope, const std::string& key_ref, const Tags& tags) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  KeyMetadata& m = (*key)->meta;
  if (m.state == KeyState::PendingDeletion) return pending_deletion(m);
  for (const auto& tag : tags) {
    auto same = std::find_if(m.tags.begin(), m.tags.end(), [&](const auto& t) { return t.first == tag.first; });
    if (same != m.tags.end()) {
      same->second = tag.second;
    } else {
      m.tags.push_back(tag);
    }
  }
  impl_->save(**key);
  return common::ok_status();
}

common::Status KeyManager::untag_resource(const Scope& scope, const std::string& key_ref,
                                          const std::vector<std::string>& tag_keys) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  KeyMetadata& m = (*key)->meta;
  if (m.state == KeyState::PendingDeletion) return pending_deletion(m);
  std::erase_if(m.tags,
                [&](const auto& t) { return std::find(tag_keys.begin(), tag_keys.end(), t.first) != tag_keys.end(); });
  impl_->save(**key);
  return common::ok_status();
}

common::Outcome<KeyMetadata> KeyManager::managed_key(const Scope& scope, std::string_view alias_name) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, std::string(alias_name));
  if (!key) return key.take_error();
  return (*key)->meta;
}

size_t KeyManager::reset(const Scope& scope) {
  Impl& m = *impl_;
  common::MutexLock lock(m.mu);
  size_t removed = 0;
  for (auto it = m.keys.begin(); it != m.keys.end();) {
    const KeyMetadata& meta = it->second.meta;
    if (meta.account_id != scope.account_id || meta.region != scope.region) {
      ++it;
      continue;
    }
    if (m.store) m.store->erase_key(meta.key_id);  // with the aliases that point at it
    it = m.keys.erase(it);
    ++removed;
  }
  for (auto it = m.aliases.begin(); it != m.aliases.end();) {
    const auto& [account_id, region, name] = it->first;
    if (account_id != scope.account_id || region != scope.region) {
      ++it;
      continue;
    }
    if (m.store) m.store->erase_alias(scope, name);
    it = m.aliases.erase(it);
  }
  return removed;
}

}  // namespace sluice::kms
