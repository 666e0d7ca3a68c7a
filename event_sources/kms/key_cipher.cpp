// AES-256-GCM seal and open of ciphertext blobs (see key_cipher.h), through OpenSSL's EVP API.

#include "key_cipher.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "sluice/common/crypto.h"
#include "sluice/kms/ciphertext.h"

namespace sluice::kms::detail {
namespace {

constexpr std::string_view kMagic = "SKM1";
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kHeaderSize = kMagic.size() + kKeyIdSize + kNonceSize;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

void append_length_prefixed(std::string& out, std::string_view s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(s);
}

std::string associated_data(std::string_view key_id, const EncryptionContext& context) {
  std::string aad;
  append_length_prefixed(aad, key_id);
  for (const auto& [name, value] : context) {  // std::map: sorted by name
    append_length_prefixed(aad, name);
    append_length_prefixed(aad, value);
  }
  return aad;
}

}  // namespace

std::string new_key_material() { return common::random_bytes(kKeyMaterialSize); }

std::string seal_blob(std::string_view key_id, std::string_view material, std::string_view plaintext,
                      const EncryptionContext& context) {
  const std::string nonce = common::random_bytes(kNonceSize);
  const std::string aad = associated_data(key_id, context);
  std::string out;
  out.reserve(kHeaderSize + plaintext.size() + kTagSize);
  out.append(kMagic).append(key_id).append(nonce);
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  out.resize(kHeaderSize + plaintext.size());
  auto* ct = reinterpret_cast<unsigned char*>(out.data() + kHeaderSize);
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(material), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &len, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed");
  }
  unsigned char tag[kTagSize];
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag) != 1) {
    throw std::runtime_error("AES-256-GCM tag failed");
  }
  out.append(reinterpret_cast<const char*>(tag), kTagSize);
  return out;
}

std::optional<std::string> blob_key_id(std::string_view blob) {
  if (blob.size() < kHeaderSize + kTagSize || blob.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  return std::string(blob.substr(kMagic.size(), kKeyIdSize));
}

std::optional<std::string> open_blob(std::string_view material, std::string_view blob,
                                     const EncryptionContext& context) {
  std::optional<std::string> key_id = blob_key_id(blob);
  if (!key_id || material.size() != kKeyMaterialSize) return std::nullopt;
  const std::string_view nonce = blob.substr(kMagic.size() + kKeyIdSize, kNonceSize);
  const std::string_view ciphertext = blob.substr(kHeaderSize, blob.size() - kHeaderSize - kTagSize);
  std::string tag(blob.substr(blob.size() - kTagSize));
  const std::string aad = associated_data(*key_id, context);
  std::string plaintext(ciphertext.size(), '\0');
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* pt = reinterpret_cast<unsigned char*>(plaintext.data());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(material), bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), pt, &len, bytes(ciphertext), static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), pt + len, &len) != 1) {
    return std::nullopt;
  }
  return plaintext;
}

}  // namespace sluice::kms::detail

namespace sluice::kms {

std::optional<std::string> ciphertext_key_id(std::string_view blob) { return detail::blob_key_id(blob); }

}  // namespace sluice::kms
