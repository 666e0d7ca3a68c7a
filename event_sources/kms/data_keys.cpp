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
      auto plain =
          keys_->decrypt(use.scope, entry.key.ciphertext_blob, {{use.context_name, use.resource_arn}}, std::nullopt);
      if (!plain) return plain.take_error();
      entry.key.plaintext = std::move(plain->plaintext);
      entry.decrypted_ms = now;
      return entry.key;
    }
  }
  return key_for_writing(use);
}

void DataKeyCache::clear() {
  common::MutexLock lock(mu_);
  entries_.clear();
}

}  // namespace sluice::kms
