// The data-key cache of SSE-KMS: KMS consulted only when the reuse period has passed, so a key
// disabled in between takes effect at the next refresh, for writers and readers alike.

#include <doctest/doctest.h>

#include "kms_fixture.h"
#include "sluice/kms/data_keys.h"

using namespace sluice;
using kms_test::kScope;

namespace {

kms::DataKeyUse queue_use(const std::string& key_ref, int64_t reuse_s) {
  kms::DataKeyUse use;
  use.scope = kScope;
  use.key_ref = key_ref;
  use.context_name = "aws:sqs:arn";
  use.resource_arn = "arn:aws:sqs:us-east-1:123456789012:orders";
  use.reuse_period_ms = reuse_s * 1000;
  return use;
}

}  // namespace

TEST_CASE("a writer reuses its data key for the reuse period, then asks KMS again") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  kms::DataKeyCache cache(k.keys);
  const kms::DataKeyUse use = queue_use(id, 300);
  auto first = cache.key_for_writing(use);
  REQUIRE(first.ok());
  CHECK(first->plaintext.size() == 32);
  // The data key is bound to the queue's ARN.
  CHECK(k.keys->decrypt(kScope, first->ciphertext_blob, {{"aws:sqs:arn", use.resource_arn}}, std::nullopt)->plaintext ==
        first->plaintext);

  REQUIRE(k.keys->disable_key(kScope, id).ok());
  k.clock->advance_s(299);
  auto reused = cache.key_for_writing(use);
  REQUIRE(reused.ok());  // within the period: KMS is not asked
  CHECK(reused->ciphertext_blob == first->ciphertext_blob);
  k.clock->advance_s(1);
  auto refreshed = cache.key_for_writing(use);
  REQUIRE_FALSE(refreshed.ok());  // the refresh meets the disabled key
  CHECK(refreshed.error().code == common::AwsErrorCode::KmsKeyDisabled);

  REQUIRE(k.keys->enable_key(kScope, id).ok());
  auto renewed = cache.key_for_writing(use);
  REQUIRE(renewed.ok());
  CHECK(renewed->ciphertext_blob != first->ciphertext_blob);
}

TEST_CASE("a reader decrypts the data key once per reuse period") {
  kms_test::Keys k;
  const std::string id = k.new_key();
  kms::DataKeyCache cache(k.keys);
  const kms::DataKeyUse use = queue_use(id, 60);
  auto written = cache.key_for_writing(use);
  REQUIRE(written.ok());
  REQUIRE(k.keys->schedule_key_deletion(kScope, id, 7).ok());
  k.clock->advance_s(59);
  CHECK(cache.key_for_reading(use).ok());
  k.clock->advance_s(1);
  auto refused = cache.key_for_reading(use);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == common::AwsErrorCode::KmsKeyInvalidState);
}

TEST_CASE("a changed KmsMasterKeyId, or a reuse period of 0, asks KMS at once") {
  kms_test::Keys k;
  const std::string a = k.new_key("a");
  const std::string b = k.new_key("b");
  kms::DataKeyCache cache(k.keys);
  REQUIRE(cache.key_for_writing(queue_use(a, 300)).ok());
  REQUIRE(k.keys->disable_key(kScope, b).ok());
  CHECK(cache.key_for_writing(queue_use(b, 300)).error().code == common::AwsErrorCode::KmsKeyDisabled);

  REQUIRE(cache.key_for_writing(queue_use(a, 0)).ok());
  REQUIRE(k.keys->disable_key(kScope, a).ok());
  CHECK(cache.key_for_writing(queue_use(a, 0)).error().code == common::AwsErrorCode::KmsKeyDisabled);
}

TEST_CASE("a queue whose key does not exist cannot get a data key") {
  kms_test::Keys k;
  kms::DataKeyCache cache(k.keys);
  CHECK(cache.key_for_writing(queue_use("alias/missing", 300)).error().code == common::AwsErrorCode::KmsKeyNotFound);
  // alias/aws/sqs is made on first use.
  CHECK(cache.key_for_writing(queue_use("alias/aws/sqs", 300)).ok());
}
