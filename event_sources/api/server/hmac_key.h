#pragma once
// Internal: an HMAC-SHA256 key prepared once. HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); the
// two keyed prefixes are hashed when the key is made, so signing a text costs two digest copies
// and the text's own blocks, with no algorithm lookup or key schedule per call. The front door
// keeps one per derived SigV4 signing key.

#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace sluice::api::server::detail {

class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // Lowercase hex of HMAC-SHA256(key, data). Thread-safe (the prepared contexts are only read).
  std::string hex(std::string_view data) const;

 private:
  EVP_MD_CTX* inner_;
  EVP_MD_CTX* outer_;
};

}  // namespace sluice::api::server::detail
