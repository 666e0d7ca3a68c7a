// SSE-KMS queues in a data directory: their messages are sealed with the data key KMS generated
// for the queue (never with its plaintext, nor the body, in the file), the data key is reused
// across a restart for the rest of its reuse period, and a key disabled while the engine was down
// fails the load (so the receive) with SQS's KMS error until it is enabled again.

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "engine_test_support.h"
#include "sluice/kms/data_keys.h"
#include "sluice/kms/kms.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {

constexpr const char* kBody = "the quarterly numbers, before anyone else sees them";

// A durable engine over a data directory, with a KMS whose keys outlive the engine's restarts.
// Each restart starts with an empty data-key cache, as a new process does.
struct SealingEngine {
  TempDir dir;
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>();
  std::shared_ptr<kms::KeyManager> keys;
  std::unique_ptr<Engine> engine;
  const kms::Scope scope{"123456789012", "us-east-1"};

  SealingEngine() {
    std::string error;
    kms::KmsOptions kms_options;
    kms_options.clock = clock;
    keys = kms::KeyManager::open(kms_options, &error);
    REQUIRE_MESSAGE(keys, error);
    restart();
  }
  void restart() {
    engine.reset();
    EngineOptions options;
    options.data_dir = dir.path;
    options.clock = clock;
    options.background_housekeeping = false;
    options.kms = std::make_shared<kms::DataKeyCache>(keys);
    std::string error;
    engine = Engine::open(options, &error);
    REQUIRE_MESSAGE(engine, error);
  }
  Engine* operator->() { return engine.get(); }

  // One column of the stored rows, read with SQLite directly (the engine closed first).
  std::vector<std::string> column(const std::string& sql) {
    engine.reset();
    std::vector<std::string> out;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir.path + "/sluice.db").c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, 0));
      out.emplace_back(bytes ? std::string(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt, 0))) : "");
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    restart();
    return out;
  }
};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every file of the data directory, concatenated.
std::string directory_bytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file()) all += file_bytes(entry.path().string());
  return all;
}

}  // namespace

TEST_CASE("an SSE-KMS queue's messages are sealed with its data key, which outlives a restart") {
  SealingEngine t;
  const std::string key = t.keys->create_key(t.scope, {})->key_id;
  REQUIRE(t->create_queue(address("q"), {{"KmsMasterKeyId", key}, {"KmsDataKeyReusePeriodSeconds", "300"}}, {}).ok());
  REQUIRE(t->send_message(address("q"), message(kBody)).ok());

  const auto ids = t.column("SELECT data_key_id FROM data_keys");
  REQUIRE(ids.size() == 1);
  CHECK(t.column("SELECT data_key FROM messages") == ids);
  // The blob is KMS's, under the queue's encryption context; neither its plaintext nor the body is
  // in any file of the data directory.
  const std::string blob = t.column("SELECT ciphertext_blob FROM data_keys").at(0);
  auto plain = t.keys->decrypt(t.scope, blob, {{"aws:sqs:arn", "arn:aws:sqs:us-east-1:123456789012:q"}}, std::nullopt);
  REQUIRE(plain.ok());
  CHECK(plain->plaintext.size() == 32);
  t.engine.reset();
  const std::string stored = directory_bytes(t.dir.path);
  CHECK(stored.find(kBody) == std::string::npos);
  CHECK(stored.find(plain->plaintext) == std::string::npos);
  t.restart();

  // After the restart the message opens, and the data key is reused for the rest of its period.
  auto got = t->receive_message(address("q"), receive(10, 0));
  REQUIRE(got.ok());
  REQUIRE(got->messages.size() == 1);
  CHECK(got->messages[0].body == kBody);
  t.clock->advance_s(200);
  REQUIRE(t->send_message(address("q"), message("second")).ok());
  CHECK(t.column("SELECT data_key_id FROM data_keys").size() == 1);
  // Past the period a send generates the next data key; both kinds of rows still open.
  t.clock->advance_s(101);
  REQUIRE(t->send_message(address("q"), message("third")).ok());
  CHECK(t.column("SELECT data_key_id FROM data_keys").size() == 2);
  auto all = t->receive_message(address("q"), receive(10, 30));
  REQUIRE(all.ok());
  CHECK(all->messages.size() == 3);
}

TEST_CASE("a key disabled while the engine was down fails the receive with KMS.DisabledException") {
  SealingEngine t;
  const std::string key = t.keys->create_key(t.scope, {})->key_id;
  REQUIRE(t->create_queue(address("q"), {{"KmsMasterKeyId", key}}, {}).ok());
  REQUIRE(t->send_message(address("q"), message(kBody)).ok());
  t.engine.reset();
  REQUIRE(t.keys->disable_key(t.scope, key).ok());
  t.restart();

  auto refused = t->receive_message(address("q"), receive(10, 0));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == common::AwsErrorCode::KmsDisabled);
  CHECK(refused.error().info().query_code == "KMS.DisabledException");
  // Pending deletion: KMS.InvalidStateException, asked again on every call.
  REQUIRE(t.keys->enable_key(t.scope, key).ok());
  REQUIRE(t.keys->schedule_key_deletion(t.scope, key, 7).ok());
  auto pending = t->receive_message(address("q"), receive(10, 0));
  REQUIRE_FALSE(pending.ok());
  CHECK(pending.error().code == common::AwsErrorCode::KmsInvalidState);

  REQUIRE(t.keys->cancel_key_deletion(t.scope, key).ok());
  REQUIRE(t.keys->enable_key(t.scope, key).ok());
  auto got = t->receive_message(address("q"), receive(10, 0));
  REQUIRE(got.ok());
  REQUIRE(got->messages.size() == 1);
  CHECK(got->messages[0].body == kBody);
}

TEST_CASE("a message dead-lettered into an SSE-KMS queue is sealed with that queue's data key") {
  SealingEngine t;
  const std::string key = t.keys->create_key(t.scope, {})->key_id;
  REQUIRE(t->create_queue(address("dlq"), {{"KmsMasterKeyId", key}}, {}).ok());
  REQUIRE(t->create_queue(address("src"),
                          {{"RedrivePolicy",
                            R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":1})"}},
                          {})
              .ok());
  REQUIRE(t->send_message(address("src"), message(kBody)).ok());
  REQUIRE(t->receive_message(address("src"), receive(10, 0))->messages.size() == 1);
  REQUIRE(t->receive_message(address("src"), receive(10, 0))->messages.empty());  // moved

  const auto ids = t.column("SELECT data_key_id FROM data_keys");
  REQUIRE(ids.size() == 1);
  CHECK(t.column("SELECT data_key FROM messages") == ids);
  t.engine.reset();
  CHECK(directory_bytes(t.dir.path).find(kBody) == std::string::npos);
  t.restart();
  auto got = t->receive_message(address("dlq"), receive(10, 0));
  REQUIRE(got.ok());
  REQUIRE(got->messages.size() == 1);
  CHECK(got->messages[0].body == kBody);
}
