// The message signer: an RSA-2048 key and a self-signed X.509 certificate of sluice's own, made
// once and then loaded from the store, so subscribers can verify messages exactly as they would
// verify AWS's (download SigningCertURL, check the signature over the string to sign).

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "internal.h"
#include "sluice/common/crypto.h"

namespace sluice::sns::detail {

namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

EVP_PKEY* load_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

std::string make_certificate(EVP_PKEY* key) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sns.amazonaws.com"), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  std::string pem;
  if (X509_sign(cert, key, EVP_sha256()) > 0) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    pem = bio_text(bio);
    BIO_free(bio);
  }
  X509_free(cert);
  return pem;
}

}  // namespace

std::unique_ptr<Signer> Signer::create(const std::string& key_pem, const std::string& cert_pem, std::string* error) {
  std::unique_ptr<Signer> signer(new Signer());
  EVP_PKEY* key = nullptr;
  if (!key_pem.empty() && !cert_pem.empty()) {
    key = load_key(key_pem);
    if (key == nullptr) {
      if (error != nullptr) *error = "the stored SNS signing key cannot be read";
      return nullptr;
    }
    signer->key_pem_ = key_pem;
    signer->cert_pem_ = cert_pem;
  } else {
    key = EVP_RSA_gen(2048);
    if (key == nullptr) {
      if (error != nullptr) *error = "cannot generate the SNS signing key";
      return nullptr;
    }
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    signer->key_pem_ = bio_text(bio);
    BIO_free(bio);
    signer->cert_pem_ = make_certificate(key);
  }
  signer->key_ = key;
  return signer;
}

Signer::~Signer() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

size_t Signer::signature_size() const {
  const auto bytes = static_cast<size_t>(EVP_PKEY_size(static_cast<EVP_PKEY*>(key_)));
  return (bytes + 2) / 3 * 4;
}

std::string Signer::sign(std::string_view text, std::string_view version) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = version == "2" ? EVP_sha256() : EVP_sha1();
  std::string sig;
  size_t len = 0;
  if (EVP_DigestSignInit(ctx, nullptr, md, nullptr, static_cast<EVP_PKEY*>(key_)) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1) {
    sig.resize(len);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1) {
      sig.resize(len);
    } else {
      sig.clear();
    }
  }
  EVP_MD_CTX_free(ctx);
  return common::base64_encode(sig);
}

}  // namespace sluice::sns::detail
