// SSE-KMS queues (EngineOptions::kms): sends and receives take the queue's data key through the
// KMS data-key cache, so a KMS key disabled meanwhile is refused once KmsDataKeyReusePeriodSeconds
// has passed, with SQS's KMS error; queues without a key never ask.

#include <doctest/doctest.h>

#include "engine_test_support.h"
#include "sluice/kms/data_keys.h"
#include "sluice/kms/kms.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {

struct KmsEngine {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>();
  std::shared_ptr<kms::KeyManager> keys;
  std::unique_ptr<Engine> engine;
  const kms::Scope scope{"123456789012", "us-east-1"};

  KmsEngine() {
    std::string error;
    kms::KmsOptions kms_options;
    kms_options.clock = clock;
    keys = kms::KeyManager::open(kms_options, &error);
    REQUIRE_MESSAGE(keys, error);
    EngineOptions options;
    options.in_memory = true;
    options.clock = clock;
    options.background_housekeeping = false;
    options.kms = std::make_shared<kms::DataKeyCache>(keys);
    engine = Engine::open(options, &error);
    REQUIRE_MESSAGE(engine, error);
  }
  Engine* operator->() { return engine.get(); }

  std::string new_key() { return keys->create_key(scope, {})->key_id; }
};

}  // namespace

TEST_CASE("a disabled key is refused at the next data-key refresh, for sends and receives") {
  KmsEngine t;
  const std::string key = t.new_key();
  REQUIRE(t->create_queue(address("q"), {{"KmsMasterKeyId", key}, {"KmsDataKeyReusePeriodSeconds", "60"}}, {}).ok());
  REQUIRE(t->send_message(address("q"), message("one")).ok());
  REQUIRE(t.keys->disable_key(t.scope, key).ok());

  // Inside the reuse period the cached data key serves both sides.
  t.clock->advance_s(59);
  REQUIRE(t->send_message(address("q"), message("two")).ok());
  REQUIRE(t->receive_message(address("q"), receive(10, 0))->messages.size() == 2);

  t.clock->advance_s(1);
  auto refused = t->send_message(address("q"), message("three"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == common::AwsErrorCode::KmsDisabled);
  CHECK(refused.error().info().query_code == "KMS.DisabledException");
  CHECK(refused.error().info().json_type == "KmsDisabled");
  CHECK(refused.error().message.rfind(
            "arn:aws:kms:us-east-1:123456789012:key/" + key + " is disabled. (Service: AWSKMS;", 0) == 0);
  SendMessageRequest entry = message("b");
  entry.id = "entry-1";
  auto batch = t->send_message_batch(address("q"), {entry});
  REQUIRE_FALSE(batch.ok());
  CHECK(batch.error().code == common::AwsErrorCode::KmsDisabled);
  auto unread = t->receive_message(address("q"), receive(10, 0));
  REQUIRE_FALSE(unread.ok());
  CHECK(unread.error().code == common::AwsErrorCode::KmsDisabled);

  // The messages are still there once the key is back.
  REQUIRE(t.keys->enable_key(t.scope, key).ok());
  CHECK(t->receive_message(address("q"), receive(10, 0))->messages.size() == 2);
}

TEST_CASE("keys pending deletion and missing keys answer SQS's codes for them") {
  KmsEngine t;
  const std::string key = t.new_key();
  REQUIRE(t->create_queue(address("pending"), {{"KmsMasterKeyId", key}}, {}).ok());
  REQUIRE(t.keys->schedule_key_deletion(t.scope, key, 7).ok());
  CHECK(t->send_message(address("pending"), message("x")).error().code == common::AwsErrorCode::KmsInvalidState);
  REQUIRE(t->create_queue(address("missing"), {{"KmsMasterKeyId", "alias/none"}}, {}).ok());
  auto missing = t->send_message(address("missing"), message("x"));
  CHECK(missing.error().code == common::AwsErrorCode::KmsNotFound);
  CHECK(missing.error().info().query_code == "KMS.NotFoundException");
}

TEST_CASE("an empty receive and queues without a key do not ask KMS") {
  KmsEngine t;
  const std::string key = t.new_key();
  REQUIRE(t->create_queue(address("enc"), {{"KmsMasterKeyId", key}}, {}).ok());
  REQUIRE(t->create_queue(address("plain"), {}, {}).ok());
  REQUIRE(t.keys->disable_key(t.scope, key).ok());
  CHECK(t->receive_message(address("enc"), receive())->messages.empty());
  REQUIRE(t->send_message(address("plain"), message("x")).ok());
  CHECK(t->receive_message(address("plain"), receive())->messages.size() == 1);
  CHECK(t.keys->list_keys(t.scope).size() == 1);  // no managed key was made either
}

TEST_CASE("alias/aws/sqs makes the AWS-managed key on the first send") {
  KmsEngine t;
  REQUIRE(t->create_queue(address("q"), {{"KmsMasterKeyId", "alias/aws/sqs"}}, {}).ok());
  CHECK(t.keys->list_keys(t.scope).empty());
  REQUIRE(t->send_message(address("q"), message("x")).ok());
  auto keys = t.keys->list_keys(t.scope);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].aws_managed);
}
