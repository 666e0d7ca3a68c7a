// DataKeyCache: see data_keys.h. KMS is called with the cache's lock held, so two writers that
// find an expired data key make one GenerateDataKey, not two.

#include "sluice/kms/data_keys.h"

namespace sluice::kms {
namespace {

constexpr size_t kDataKeyBytes = 32;  // AES_256

}  // namespace

std::string DataKeyCache::slot(const DataKeyUse& use) {
  return use.scope.account_id + "\n" + use.scope.region + "\n" + use.resource_arn;
}

common::Outcome<DataKey> DataKeyCache::key_for_writing(const DataKeyUse& use) {
  const int64_t now = keys_->clock().now_ms();
  common::MutexLock lock(mu_);
  auto it = entries_.find(slot(use));
  if (it != entries_.end() && it->second.key_ref == use.key_ref && use.reuse_period_ms > 0 &&
      now - it->second.generated_ms < use.reuse_period_ms) {
    // A restored data key is reused, once KMS has decrypted it again.
    if (it->second.key.plaintext.empty()) {
      if (common::Status ok = refresh(use, it->second, now); !ok) return ok.take_error();
    }
    return it->second.key;
  }
  auto fresh =
      keys_->generate_data_key(use.scope, use.key_ref, kDataKeyBytes, {{use.context_name, use.resource_arn}}, true);
  if (!fresh) return fresh.take_error();
  Entry& entry = entries_[slot(use)];
  entry = Entry{use.key_ref, *fresh, now, now};
  return entry.key;
}

common::Outcome<DataKey> DataKeyCache::key_for_reading(const DataKeyUse& use) {
  const int64_t now = keys_->clock().now_ms();
  {
    common::MutexLock lock(mu_);
    auto it = entries_.find(slot(use));
    if (it != entries_.end() && it->second.key_ref == use.key_ref) {
      Entry& entry = it->second;
      if (use.reuse_period_ms > 0 && now - entry.decrypted_ms < use.reuse_period_ms) return entry.key;
      if (common::Status ok = refresh(use, entry, now); !ok) return ok.take_error();
      return entry.key;
    }
  }
  return key_for_writing(use);
}

common::Outcome<std::string> DataKeyCache::open_data_key(const DataKeyUse& use, const std::string& ciphertext_blob) {
  const int64_t now = keys_->clock().now_ms();
  common::MutexLock lock(mu_);
  auto it = entries_.find(slot(use));
  const bool current = it != entries_.end() && it->second.key.ciphertext_blob == ciphertext_blob;
  if (current) {
    Entry& entry = it->second;
    if (!entry.key.plaintext.empty() && use.reuse_period_ms > 0 && now - entry.decrypted_ms < use.reuse_period_ms)
      return entry.key.plaintext;
    if (common::Status ok = refresh(use, entry, now); !ok) return ok.take_error();
    return entry.key.plaintext;
  }
  auto plain = keys_->decrypt(use.scope, ciphertext_blob, {{use.context_name, use.resource_arn}}, std::nullopt);
  if (!plain) return plain.take_error();
  return std::move(plain->plaintext);
}

void DataKeyCache::restore(const DataKeyUse& use, std::string ciphertext_blob, std::string key_arn,
                           int64_t generated_ms) {
  common::MutexLock lock(mu_);
  auto [it, added] = entries_.try_emplace(slot(use));
  if (!added) return;
  it->second.key_ref = use.key_ref;
  it->second.key.ciphertext_blob = std::move(ciphertext_blob);
  it->second.key.key_arn = std::move(key_arn);
  it->second.generated_ms = generated_ms;
  it->second.decrypted_ms = 0;  // never: the next use decrypts
}

common::Status DataKeyCache::refresh(const DataKeyUse& use, Entry& entry, int64_t now) {
  auto plain =
      keys_->decrypt(use.scope, entry.key.ciphertext_blob, {{use.context_name, use.resource_arn}}, std::nullopt);
  if (!plain) return plain.take_error();
  entry.key.plaintext = std::move(plain->plaintext);
  entry.decrypted_ms = now;
  return common::ok_status();
}

void DataKeyCache::clear() {
  common::MutexLock lock(mu_);
  entries_.clear();
}

}  // namespace sluice::kms
