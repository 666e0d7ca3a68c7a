// HmacSha256Key (see hmac_key.h).

#include "hmac_key.h"

#include <cstring>
#include <memory>
#include <stdexcept>

#include "sluice/common/crypto.h"

namespace sluice::api::server::detail {
namespace {

constexpr size_t kBlock = 64;  // SHA-256's block size

const EVP_MD* sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}

EVP_MD_CTX* keyed_prefix(const unsigned char* key_block, unsigned char pad) {
  unsigned char block[kBlock];
  for (size_t i = 0; i < kBlock; ++i) block[i] = key_block[i] ^ pad;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, sha256(), nullptr) != 1 || EVP_DigestUpdate(ctx, block, kBlock) != 1) {
    EVP_MD_CTX_free(ctx);
    throw std::runtime_error("SHA-256 context");
  }
  return ctx;
}

}  // namespace

HmacSha256Key::HmacSha256Key(std::string_view key) {
  unsigned char key_block[kBlock] = {};
  if (key.size() > kBlock) {
    const std::string hashed = common::sha256_raw(key);
    std::memcpy(key_block, hashed.data(), hashed.size());
  } else {
    std::memcpy(key_block, key.data(), key.size());
  }
  inner_ = keyed_prefix(key_block, 0x36);
  try {
    outer_ = keyed_prefix(key_block, 0x5c);
  } catch (...) {
    EVP_MD_CTX_free(inner_);
    throw;
  }
}

HmacSha256Key::~HmacSha256Key() {
  EVP_MD_CTX_free(inner_);
  EVP_MD_CTX_free(outer_);
}

std::string HmacSha256Key::hex(std::string_view data) const {
  unsigned char inner_digest[EVP_MAX_MD_SIZE];
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0;
  unsigned int out_len = 0;
  // One working context per thread, reused: making and freeing one per call cost as much as a
  // block of hashing.
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> working(EVP_MD_CTX_new(),
                                                                                     &EVP_MD_CTX_free);
  EVP_MD_CTX* ctx = working.get();
  const bool ok = ctx != nullptr && EVP_MD_CTX_copy_ex(ctx, inner_) == 1 &&
                  EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, inner_digest, &inner_len) == 1 && EVP_MD_CTX_copy_ex(ctx, outer_) == 1 &&
                  EVP_DigestUpdate(ctx, inner_digest, inner_len) == 1 && EVP_DigestFinal_ex(ctx, out, &out_len) == 1;
  if (!ok) throw std::runtime_error("HMAC-SHA256");
  return common::to_hex(std::string_view(reinterpret_cast<const char*>(out), out_len));
}

}  // namespace sluice::api::server::detail
