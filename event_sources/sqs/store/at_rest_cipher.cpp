// AES-256-GCM through OpenSSL's EVP interface. The two contexts are initialized with cipher and
// key once; each record then only sets its nonce.

#include "store/at_rest_cipher.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sluice/common/crypto.h"
#include "store/durable_file.h"

namespace sluice::sqs::detail {
namespace {

constexpr std::string_view kKeyCheckLabel = "sluice at-rest key check v1";

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

std::string errno_text() { return std::strerror(errno); }

}  // namespace

AtRestCipher::AtRestCipher(std::string key)
    : key_(std::move(key)), seal_ctx_(EVP_CIPHER_CTX_new()), open_ctx_(EVP_CIPHER_CTX_new()) {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  bool ok = cipher != nullptr && seal_ctx_ != nullptr && open_ctx_ != nullptr &&
            EVP_EncryptInit_ex2(seal_ctx_, cipher, bytes(key_), nullptr, nullptr) == 1 &&
            EVP_DecryptInit_ex2(open_ctx_, cipher, bytes(key_), nullptr, nullptr) == 1;
  EVP_CIPHER_free(cipher);  // the contexts hold their own references
  if (!ok) {
    EVP_CIPHER_CTX_free(seal_ctx_);
    EVP_CIPHER_CTX_free(open_ctx_);
    throw std::runtime_error("OpenSSL cannot set up AES-256-GCM");
  }
}

AtRestCipher::~AtRestCipher() {
  EVP_CIPHER_CTX_free(seal_ctx_);
  EVP_CIPHER_CTX_free(open_ctx_);
  OPENSSL_cleanse(key_.data(), key_.size());
}

std::unique_ptr<AtRestCipher> AtRestCipher::from_key(std::string key) {
  if (key.size() != kKeySize) return nullptr;
  return std::unique_ptr<AtRestCipher>(new AtRestCipher(std::move(key)));
}

std::unique_ptr<AtRestCipher> AtRestCipher::read_key_file(const std::string& path, bool* missing, std::string* error) {
  *missing = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      *missing = true;
    } else {
      *error = path + " cannot be read (" + errno_text() + ")";
    }
    return nullptr;
  }
  std::string key(kKeySize + 1, '\0');  // one spare byte detects a file that is too long
  size_t got = 0;
  while (got < key.size()) {
    ssize_t n = ::read(fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = path + " cannot be read (" + errno_text() + ")";
      ::close(fd);
      return nullptr;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got != kKeySize) {
    *error = path + " is not a sluice key file (expected " + std::to_string(kKeySize) + " bytes)";
    return nullptr;
  }
  key.resize(kKeySize);
  return from_key(std::move(key));
}

std::unique_ptr<AtRestCipher> AtRestCipher::create_key_file(const std::string& path, std::string* error) {
  std::string key = common::random_bytes(kKeySize);
  if (!write_file_durably(path, key, 0600, error)) return nullptr;
  // Rows encrypted under this key are committed only after the key file is durable.
  return from_key(std::move(key));
}

std::string AtRestCipher::key_check() const { return common::hmac_sha256_raw(key_, kKeyCheckLabel); }

std::string AtRestCipher::seal(std::string_view plaintext, std::string_view associated_data) const {
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  unsigned char* nonce = bytes(out);
  unsigned char* body = nonce + kNonceSize;
  if (nonce_next_ == nonce_pool_.size()) {
    if (RAND_bytes(nonce_pool_.data(), static_cast<int>(nonce_pool_.size())) != 1)
      throw std::runtime_error("RAND_bytes failed");
    nonce_next_ = 0;
  }
  std::memcpy(nonce, nonce_pool_.data() + nonce_next_, kNonceSize);
  std::memset(nonce_pool_.data() + nonce_next_, 0, kNonceSize);  // a nonce is handed out once
  nonce_next_ += kNonceSize;
  EVP_CIPHER_CTX* ctx = seal_ctx_;
  int len = 0;
  int final_len = 0;
  if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, nonce, nullptr) != 1 ||
      EVP_EncryptUpdate(ctx, nullptr, &len, bytes(associated_data), static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx, body, &len, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, body + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), body + plaintext.size()) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed");
  }
  return out;
}

std::optional<std::string> AtRestCipher::open(std::string_view sealed, std::string_view associated_data) const {
  if (sealed.size() < kNonceSize + kTagSize) return std::nullopt;
  const unsigned char* nonce = bytes(sealed);
  size_t text_size = sealed.size() - kNonceSize - kTagSize;
  std::string tag(sealed.substr(kNonceSize + text_size));
  std::string out(text_size, '\0');
  EVP_CIPHER_CTX* ctx = open_ctx_;
  int len = 0;
  int final_len = 0;
  if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, nonce, nullptr) != 1 ||
      EVP_DecryptUpdate(ctx, nullptr, &len, bytes(associated_data), static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx, bytes(out), &len, nonce + kNonceSize, static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx, bytes(out) + len, &final_len) != 1) {
    return std::nullopt;
  }
  return out;
}

}  // namespace sluice::sqs::detail
