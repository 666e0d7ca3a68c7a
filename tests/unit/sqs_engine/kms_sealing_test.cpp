// SSE-KMS queues in a data directory: their messages are sealed with the data key KMS generated
// for the queue (never with its plaintext, nor the body, in the file), the data key is reused
// across a restart for the rest of its reuse period, and a key disabled while the engine was down
// fails the receives (and peeks) with SQS's KMS error until it is enabled again, while deletes,
// visibility changes and purges go on without it.

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "engine_test_support.h"
#include "sluice/common/crypto.h"
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

// On AWS only SendMessage and ReceiveMessage consult KMS: deleting a message, changing its
// visibility, purging or deleting the queue need no data key. The stored rows of a queue whose key
// was disabled while the engine was down are therefore loaded still sealed, and opened only when a
// receive (or a peek) reads them.
TEST_CASE("a key disabled while the engine was down blocks only the reads of its queue's messages") {
  SealingEngine t;
  const std::string key = t.keys->create_key(t.scope, {})->key_id;
  REQUIRE(t->create_queue(address("q"), {{"KmsMasterKeyId", key}}, {}).ok());
  REQUIRE(t->create_queue(address("gone"), {{"KmsMasterKeyId", key}}, {}).ok());
  REQUIRE(t->send_message(address("gone"), message(kBody)).ok());
  SendMessageRequest with_attributes = message(kBody);
  with_attributes.message_attributes["colour"] = MessageAttribute{"String", "blue", ""};
  auto sent = t->send_message(address("q"), with_attributes);
  REQUIRE(sent.ok());
  for (const char* body : {"two", "three", "four", "five"}) REQUIRE(t->send_message(address("q"), message(body)).ok());
  auto first = t->receive_message(address("q"), receive(3, 30));
  REQUIRE(first.ok());
  REQUIRE(first->messages.size() == 3);
  std::map<std::string, std::string> body_of;  // receipt handle -> body
  for (const auto& m : first->messages) body_of[m.receipt_handle] = m.body;
  t.engine.reset();
  REQUIRE(t.keys->disable_key(t.scope, key).ok());
  t.restart();

  // Deletes and visibility changes need no data key, before anything of the queue was read.
  REQUIRE(t->delete_message(address("q"), first->messages[0].receipt_handle).ok());
  auto batch = t->delete_message_batch(address("q"), {{"one", first->messages[1].receipt_handle}});
  REQUIRE(batch.ok());
  CHECK(batch->failed.empty());
  REQUIRE(t->change_message_visibility(address("q"), first->messages[2].receipt_handle, 0).ok());
  REQUIRE(t->delete_queue(address("gone")).ok());
  // Reads refuse with SQS's KMS error, and change nothing.
  auto refused = t->receive_message(address("q"), receive(10, 30));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == common::AwsErrorCode::KmsDisabled);
  auto peeked = t->peek_messages(address("q"), 10);
  REQUIRE_FALSE(peeked.ok());
  CHECK(peeked.error().code == common::AwsErrorCode::KmsDisabled);

  // Enabled again: the three messages left come back whole, attributes and digests included.
  REQUIRE(t.keys->enable_key(t.scope, key).ok());
  auto got = t->receive_message(address("q"), receive(10, 30));
  REQUIRE(got.ok());
  REQUIRE(got->messages.size() == 3);
  std::set<std::string> bodies;
  for (const auto& m : got->messages) {
    bodies.insert(m.body);
    CHECK(m.md5_of_body == common::md5_hex(m.body));
  }
  std::set<std::string> expected{"four", "five", body_of[first->messages[2].receipt_handle]};
  CHECK(bodies == expected);
  for (const auto& m : got->messages) {
    if (m.body != kBody) continue;
    CHECK(m.message_attributes.at("colour").string_value == "blue");
    CHECK(m.md5_of_message_attributes == sent->md5_of_message_attributes);
  }

  // A purge after another restart with the key disabled needs no data key either.
  t.engine.reset();
  REQUIRE(t.keys->disable_key(t.scope, key).ok());
  t.restart();
  REQUIRE(t->purge_queue(address("q")).ok());
  REQUIRE(t.keys->enable_key(t.scope, key).ok());
  auto empty = t->receive_message(address("q"), receive(10, 0));
  REQUIRE(empty.ok());
  CHECK(empty->messages.empty());
  CHECK(t.column("SELECT seq FROM messages").empty());
}

TEST_CASE("messages loaded sealed are opened before a dead-letter move or a move task takes them") {
  SealingEngine t;
  const std::string key = t.keys->create_key(t.scope, {})->key_id;
  const std::string dlq_arn = "arn:aws:sqs:us-east-1:123456789012:dlq";
  REQUIRE(t->create_queue(address("dlq"), {{"KmsMasterKeyId", key}}, {}).ok());
  REQUIRE(t->create_queue(address("src"),
                          {{"KmsMasterKeyId", key},
                           {"VisibilityTimeout", "1"},
                           {"RedrivePolicy", R"({"deadLetterTargetArn":")" + dlq_arn + R"(","maxReceiveCount":1})"}},
                          {})
              .ok());
  REQUIRE(t->send_message(address("src"), message(kBody)).ok());
  REQUIRE(t->receive_message(address("src"), receive(10))->messages.size() == 1);
  t.restart();
  t.clock->advance_s(2);
  // Moved to the dead-letter queue at this receive: opened first, sealed again for the target.
  auto moved = t->receive_message(address("src"), receive(10));
  REQUIRE(moved.ok());
  CHECK(moved->messages.empty());

  // With the key disabled a move task fails with KMS's error, having moved and lost nothing.
  t.engine.reset();
  REQUIRE(t.keys->disable_key(t.scope, key).ok());
  t.restart();
  REQUIRE(t->start_message_move_task(dlq_arn, std::nullopt, 10).ok());
  t.clock->advance_s(1);
  t->run_housekeeping();
  auto refused = t->list_message_move_tasks(dlq_arn, 10);
  REQUIRE(refused.ok());
  REQUIRE(refused->size() == 1);
  CHECK((*refused)[0].status == "FAILED");
  CHECK((*refused)[0].failure_reason == "KMS.DisabledException");
  CHECK((*refused)[0].approximate_number_of_messages_moved == 0);
  CHECK(t->get_queue_attributes(address("dlq"), {"ApproximateNumberOfMessages"})->at("ApproximateNumberOfMessages") ==
        "1");

  // Enabled again, after a restart: the task takes the message back to its source, whole.
  REQUIRE(t.keys->enable_key(t.scope, key).ok());
  t.restart();
  REQUIRE(t->start_message_move_task(dlq_arn, std::nullopt, 10).ok());
  t.clock->advance_s(1);
  t->run_housekeeping();
  auto tasks = t->list_message_move_tasks(dlq_arn, 10);
  REQUIRE(tasks.ok());
  REQUIRE_FALSE(tasks->empty());
  CHECK((*tasks)[0].status == "COMPLETED");
  CHECK((*tasks)[0].approximate_number_of_messages_moved == 1);
  auto back = t->receive_message(address("src"), receive(10));
  REQUIRE(back.ok());
  REQUIRE(back->messages.size() == 1);
  CHECK(back->messages[0].body == kBody);
  CHECK(back->messages[0].md5_of_body == common::md5_hex(kBody));
}
