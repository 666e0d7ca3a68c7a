// Encrypt and Decrypt through real AES-256-GCM: round trips, the key named by the blob, the
// encryption context bound as associated data, tampering, data keys.

#include <doctest/doctest.h>

#include "kms_fixture.h"

using namespace sluice;
using kms_test::kScope;

TEST_CASE("a blob decrypts without a KeyId to its plaintext, and names its key") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  const std::string plaintext("secret \x00\xff bytes", 15);
  auto sealed = k.keys->encrypt(kScope, id, plaintext, {});
  REQUIRE(sealed.ok());
  CHECK(sealed->key_arn == "arn:aws:kms:us-east-1:123456789012:key/" + id);
  CHECK(sealed->ciphertext_blob.find("secret") == std::string::npos);
  CHECK(sealed->ciphertext_blob.size() > plaintext.size());

  auto opened = k.keys->decrypt(kScope, sealed->ciphertext_blob, {}, std::nullopt);
  REQUIRE(opened.ok());
  CHECK(opened->plaintext == plaintext);
  CHECK(opened->key_arn == sealed->key_arn);

  // Two encryptions of the same plaintext differ (a random nonce each).
  CHECK(k.keys->encrypt(kScope, id, plaintext, {})->ciphertext_blob != sealed->ciphertext_blob);
}

TEST_CASE("the encryption context must match exactly") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  kms::EncryptionContext context{{"purpose", "test"}, {"tenant", "a"}};
  auto sealed = k.keys->encrypt(kScope, id, "hello", context);
  REQUIRE(sealed.ok());
  CHECK(k.keys->decrypt(kScope, sealed->ciphertext_blob, context, std::nullopt)->plaintext == "hello");
  for (const kms::EncryptionContext& wrong :
       {kms::EncryptionContext{}, kms::EncryptionContext{{"purpose", "test"}},
        kms::EncryptionContext{{"purpose", "test"}, {"tenant", "b"}},
        kms::EncryptionContext{{"purpose", "test"}, {"tenant", "a"}, {"x", "y"}}}) {
    auto refused = k.keys->decrypt(kScope, sealed->ciphertext_blob, wrong, std::nullopt);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == common::AwsErrorCode::KmsInvalidCiphertext);
  }
}

TEST_CASE("a tampered or foreign blob is an InvalidCiphertextException") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  std::string blob = k.keys->encrypt(kScope, id, "hello", {})->ciphertext_blob;
  std::string flipped = blob;
  flipped[flipped.size() - 20] = static_cast<char>(flipped[flipped.size() - 20] ^ 1);
  CHECK(k.keys->decrypt(kScope, flipped, {}, std::nullopt).error().code == common::AwsErrorCode::KmsInvalidCiphertext);
  CHECK(k.keys->decrypt(kScope, "not a blob at all", {}, std::nullopt).error().code ==
        common::AwsErrorCode::KmsInvalidCiphertext);
  // Another account cannot open it.
  kms::Scope other{"210987654321", "us-east-1"};
  CHECK(k.keys->decrypt(other, blob, {}, std::nullopt).error().code == common::AwsErrorCode::KmsInvalidCiphertext);
}

TEST_CASE("Decrypt with a KeyId checks that the blob is that key's") {
  kms_test::Keys k;
  const std::string a = k.new_key("a");
  const std::string b = k.new_key("b");
  std::string blob = k.keys->encrypt(kScope, a, "hello", {})->ciphertext_blob;
  CHECK(k.keys->decrypt(kScope, blob, {}, a)->plaintext == "hello");
  auto wrong = k.keys->decrypt(kScope, blob, {}, b);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == common::AwsErrorCode::KmsIncorrectKey);
}

TEST_CASE("data keys: the blob decrypts to the plaintext key; without plaintext none is given") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  kms::EncryptionContext context{{"aws:sqs:arn", "arn:aws:sqs:us-east-1:123456789012:q"}};
  auto key = k.keys->generate_data_key(kScope, id, 32, context, true);
  REQUIRE(key.ok());
  CHECK(key->plaintext.size() == 32);
  CHECK(k.keys->decrypt(kScope, key->ciphertext_blob, context, std::nullopt)->plaintext == key->plaintext);
  auto hidden = k.keys->generate_data_key(kScope, id, 16, {}, false);
  REQUIRE(hidden.ok());
  CHECK(hidden->plaintext.empty());
  CHECK(k.keys->decrypt(kScope, hidden->ciphertext_blob, {}, std::nullopt)->plaintext.size() == 16);
}
