// Encrypt, Decrypt and data keys (see kms.h; the blob format is in key_cipher.h). ReEncrypt is a
// Decrypt followed by an Encrypt, composed by the wire layer.

#include "key_cipher.h"
#include "key_manager_impl.h"
#include "key_refs.h"
#include "sluice/common/crypto.h"

namespace sluice::kms {

common::Outcome<Encrypted> KeyManager::encrypt(const Scope& scope, const std::string& key_ref,
                                               const std::string& plaintext, const EncryptionContext& context) {
  common::MutexLock lock(impl_->mu);
  auto key = impl_->resolve(scope, key_ref);
  if (!key) return key.take_error();
  const detail::KeyRecord& record = **key;
  if (common::Status ok = Impl::usable(record.meta); !ok) return ok.take_error();
  return Encrypted{detail::seal_blob(record.meta.key_id, record.material, plaintext, context), record.meta.arn};
}

common::Outcome<Decrypted> KeyManager::decrypt(const Scope& scope, const std::string& ciphertext_blob,
                                               const EncryptionContext& context,
                                               const std::optional<std::string>& key_ref) {
  const common::AwsError invalid = common::aws_error(common::AwsErrorCode::KmsInvalidCiphertext, "");
  std::optional<std::string> key_id = detail::blob_key_id(ciphertext_blob);
  common::MutexLock lock(impl_->mu);
  if (key_ref) {
    auto named = impl_->resolve(scope, *key_ref);
    if (!named) return named.take_error();
    if (!key_id || (*named)->meta.key_id != *key_id) {
      return common::aws_error(common::AwsErrorCode::KmsIncorrectKey,
                               "The key ID in the request does not identify a CMK that can perform this operation.");
    }
  }
  if (!key_id) return invalid;
  impl_->sweep_deleted();
  auto it = impl_->keys.find(*key_id);
  // A blob of another account's key, or of a deleted one, is one this caller cannot open.
  if (it == impl_->keys.end() || it->second.meta.account_id != scope.account_id) return invalid;
  const detail::KeyRecord& record = it->second;
  if (common::Status ok = Impl::usable(record.meta); !ok) return ok.take_error();
  std::optional<std::string> plaintext = detail::open_blob(record.material, ciphertext_blob, context);
  if (!plaintext) return invalid;
  return Decrypted{std::move(*plaintext), record.meta.arn};
}

common::Outcome<DataKey> KeyManager::generate_data_key(const Scope& scope, const std::string& key_ref, size_t bytes,
                                                       const EncryptionContext& context, bool with_plaintext) {
  std::string data_key = common::random_bytes(bytes);
  auto sealed = encrypt(scope, key_ref, data_key, context);
  if (!sealed) return sealed.take_error();
  DataKey out;
  out.ciphertext_blob = std::move(sealed->ciphertext_blob);
  out.key_arn = std::move(sealed->key_arn);
  if (with_plaintext) out.plaintext = std::move(data_key);
  return out;
}

}  // namespace sluice::kms
