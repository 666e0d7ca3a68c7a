#pragma once
// Verifies an SNS message as a subscriber does: AWS's string to sign rebuilt from the JSON
// document (notification or subscription confirmation keys, in byte order), checked with the
// public key of the served certificate (SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2).
// Shared by the SNS core and delivery test suites.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "sluice/common/crypto.h"

namespace sluice::sns::testing {

inline bool verify_sns_signature(const boost::json::object& m, const std::string& cert_pem) {
  auto text_of = [&m](const char* key) {
    const auto* v = m.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const bool notification = text_of("Type") == "Notification";
  const std::vector<const char*> keys =
      notification
          ? std::vector<const char*>{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
          : std::vector<const char*>{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"};
  std::string text;
  for (const char* k : keys) {
    if (!m.contains(k)) continue;
    text += std::string(k) + "\n" + text_of(k) + "\n";
  }
  auto sig = common::base64_decode(text_of("Signature"));
  if (!sig) return false;
  BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = text_of("SignatureVersion") == "2" ? EVP_sha256() : EVP_sha1();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

}  // namespace sluice::sns::testing
