// sluice's test issuer (see sluice/identity/oidc_issuer.h): an RSA-2048 key through OpenSSL's EVP
// interface, PEM on disk.

#include "sluice/identity/oidc_issuer.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sluice/common/crypto.h"
#include "sluice/identity/jwt.h"

namespace sluice::identity {
namespace {

namespace json = boost::json;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

// A big-endian unsigned parameter of an RSA key, base64url-encoded as JWKs carry it.
std::string rsa_param(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return "";
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return base64url_encode(bytes);
}

std::string read_file(const std::string& path, bool* exists) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  *exists = f != nullptr;
  if (f == nullptr) return "";
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

class RsaIssuer final : public OidcIssuer {
 public:
  explicit RsaIssuer(PkeyPtr key) : key_(std::move(key)) {
    n_ = rsa_param(key_.get(), OSSL_PKEY_PARAM_RSA_N);
    e_ = rsa_param(key_.get(), OSSL_PKEY_PARAM_RSA_E);
    // RFC 7638: the SHA-256 of the required members in lexicographic order, without spaces.
    kid_ = base64url_encode(common::sha256_raw(R"({"e":")" + e_ + R"(","kty":"RSA","n":")" + n_ + R"("})"));
  }

  const std::string& key_id() const override { return kid_; }

  std::string jwks_json() const override {
    json::object key{{"kty", "RSA"}, {"alg", "RS256"}, {"use", "sig"}, {"kid", kid_}, {"n", n_}, {"e", e_}};
    return json::serialize(json::object{{"keys", json::array{std::move(key)}}});
  }

  std::string discovery_json(std::string_view issuer_url) const override {
    const std::string issuer(issuer_url);
    json::object doc{
        {"issuer", issuer},
        {"jwks_uri", issuer + "/jwks.json"},
        {"authorization_endpoint", issuer + "/authorize"},
        {"response_types_supported", json::array{"id_token"}},
        {"subject_types_supported", json::array{"public"}},
        {"id_token_signing_alg_values_supported", json::array{"RS256"}},
        {"claims_supported", json::array{"iss", "sub", "aud", "exp", "iat", "nbf", "amr"}},
    };
    return json::serialize(doc);
  }

  std::string sign(const json::object& claims) const override {
    const json::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid_}};
    const std::string input =
        base64url_encode(json::serialize(header)) + "." + base64url_encode(json::serialize(claims));
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) != 1) {
      return "";
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
      return "";
    }
    signature.resize(length);
    return input + "." + base64url_encode(signature);
  }

  bool verify(std::string_view signing_input, std::string_view signature) const override {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  }

 private:
  PkeyPtr key_;
  std::string n_;
  std::string e_;
  std::string kid_;
};

}  // namespace

std::shared_ptr<OidcIssuer> OidcIssuer::open(const std::string& key_path, std::string* error) {
  if (!key_path.empty()) {
    bool exists = false;
    const std::string pem = read_file(key_path, &exists);
    if (exists) {
      BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
      PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
      if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        *error = key_path + " does not hold an RSA private key";
        return nullptr;
      }
      ::chmod(key_path.c_str(), 0600);
      return std::make_shared<RsaIssuer>(std::move(key));
    }
  }
  PkeyPtr key(EVP_RSA_gen(2048));
  if (!key) {
    *error = "cannot make an RSA key";
    return nullptr;
  }
  if (!key_path.empty()) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      *error = "cannot encode the RSA key";
      return nullptr;
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    const int fd = ::open(key_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      *error = "cannot create " + key_path + ": " + std::strerror(errno);
      return nullptr;
    }
    const bool written = ::write(fd, data, static_cast<size_t>(size)) == size && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
      ::unlink(key_path.c_str());
      *error = "cannot write " + key_path;
      return nullptr;
    }
  }
  return std::make_shared<RsaIssuer>(std::move(key));
}

}  // namespace sluice::identity
