#pragma once
// At-rest encryption of message payloads: AES-256-GCM with a 32-byte key kept in a key file in
// the data directory (mode 0600, created on first use). A sealed value is nonce (12 random bytes)
// | ciphertext | tag (16 bytes); the associated data binds it to its row, so a ciphertext copied
// into another row fails to open. Random 96-bit nonces are safe for far more records than an
// emulator writes under one key (NIST's bound is 2^32 encryptions).
//
// The key check value (an HMAC of a fixed label under the key) is stored in the database so a
// wrong or replaced key file is reported at open instead of as undecryptable rows.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_cipher_ctx_st;  // OpenSSL's EVP_CIPHER_CTX

namespace sluice::sqs::detail {

class AtRestCipher {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;

  // Reads an existing key file. Null with *missing = true when there is none; null with *error
  // (naming the file) when it cannot be read or is not a key.
  static std::unique_ptr<AtRestCipher> read_key_file(const std::string& path, bool* missing, std::string* error);
  // Creates a fresh key file (written to a temporary name, synced, renamed, directory synced).
  static std::unique_ptr<AtRestCipher> create_key_file(const std::string& path, std::string* error);
  static std::unique_ptr<AtRestCipher> from_key(std::string key);

  ~AtRestCipher();
  AtRestCipher(const AtRestCipher&) = delete;
  AtRestCipher& operator=(const AtRestCipher&) = delete;

  std::string key_check() const;
  // Each of seal() and open() keeps a cipher context keyed once (re-keying per record costs more
  // than the encryption of a small message), so each may be used by one thread at a time. The
  // store seals only in the commit leader and opens only while loading.
  // Throws std::runtime_error if OpenSSL fails (it does not for valid inputs).
  std::string seal(std::string_view plaintext, std::string_view associated_data) const;
  // nullopt when the value was not sealed under this key with this associated data.
  std::optional<std::string> open(std::string_view sealed, std::string_view associated_data) const;

 private:
  explicit AtRestCipher(std::string key);
  std::string key_;
  evp_cipher_ctx_st* seal_ctx_ = nullptr;
  evp_cipher_ctx_st* open_ctx_ = nullptr;
  // Random nonces drawn from the CSPRNG a block at a time: one RAND_bytes call per record cost
  // more than the encryption itself. Used only by seal() (one thread at a time).
  static constexpr size_t kNoncesPerDraw = 256;
  mutable std::array<unsigned char, kNonceSize * kNoncesPerDraw> nonce_pool_{};
  mutable size_t nonce_next_ = nonce_pool_.size();  // bytes of the pool already handed out
};

}  // namespace sluice::sqs::detail
