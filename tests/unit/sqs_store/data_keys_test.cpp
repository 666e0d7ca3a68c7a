// Rows sealed with KMS data keys (SSE-KMS queues): PutDataKey stores the data key's blob, never its
// plaintext, and the commit path seals the rows that name it. A reopened store hands a queue's rows
// over still sealed, with the queue's data keys, without asking KMS (the engine opens them when it
// reads them); its whole-store load() opens them with the plaintext its DataKeyOpener gets from
// KMS, and fails when there is none. A file of schema version 2 (before data keys) is upgraded with
// its rows intact.

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>

#include "sluice/common/clock.h"
#include "sluice/kms/kms.h"
#include "store/sealed_payload.h"
#include "store_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

const kms::Scope kScope{"123456789012", "eu-west-1"};
constexpr const char* kQueueArn = "arn:aws:sqs:eu-west-1:123456789012:orders";

std::string raw_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string value;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr)
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  INFO(text);
  REQUIRE(rc == SQLITE_OK);
}

// A KMS key and a data key generated under it for the queue, as SQS asks for one.
struct Kms {
  std::shared_ptr<kms::KeyManager> keys;
  std::string key_id;
  kms::DataKey data_key;

  Kms() {
    kms::KmsOptions options;
    options.clock = std::make_shared<common::ManualClock>();
    std::string error;
    keys = kms::KeyManager::open(options, &error);
    REQUIRE_MESSAGE(keys, error);
    key_id = keys->create_key(kScope, {})->key_id;
    data_key = *keys->generate_data_key(kScope, key_id, 32, {{"aws:sqs:arn", kQueueArn}}, true);
  }

  DataKeyRecord record(int64_t id, int64_t queue_id) const {
    DataKeyRecord r;
    r.data_key_id = id;
    r.queue_id = queue_id;
    r.account_id = kScope.account_id;
    r.region = kScope.region;
    r.key_ref = key_id;
    r.key_arn = data_key.key_arn;
    r.context_arn = kQueueArn;
    r.ciphertext_blob = data_key.ciphertext_blob;
    r.generated_ms = 1700000000000;
    return r;
  }

  // The opener the engine gives the store: KMS decrypts the blob under the queue's context.
  DataKeyOpener opener() const {
    return [keys = keys](const DataKeyRecord& key) -> common::Outcome<std::string> {
      auto plain = keys->decrypt(kms::Scope{key.account_id, key.region}, key.ciphertext_blob,
                                 {{"aws:sqs:arn", key.context_arn}}, std::nullopt);
      if (!plain) return plain.take_error();
      return std::move(plain->plaintext);
    };
  }
};

// A row load_queue handed over sealed, opened as the engine opens it (with the data key's plaintext).
MessageRecord opened(MessageRecord r, const Kms& kms) {
  if (!r.sealed) return r;
  auto cipher = AtRestCipher::from_key(kms.data_key.plaintext);
  REQUIRE(cipher);
  CHECK(r.message_attributes.empty());
  auto payload = open_payload(*cipher, r.body, r.seq, r.queue_id);
  REQUIRE(payload);
  r.body = std::move(payload->body);
  r.message_attributes = std::move(payload->attributes);
  r.sealed = false;
  return r;
}

std::unique_ptr<Store> open_store(const TempDir& dir) {
  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(store, error);
  return store;
}

MessageRecord sealed_message(int64_t queue_id, int64_t seq, int64_t data_key_id) {
  MessageRecord m = sample_message(queue_id, seq, true);
  m.data_key_id = data_key_id;
  return m;
}

}  // namespace

TEST_CASE("rows sealed with a data key load sealed, without KMS; the files hold neither body nor key") {
  TempDir dir;
  Kms kms;
  const std::vector<MessageRecord> written = {sealed_message(1, 1, 7), sample_message(1, 2, true),
                                              sealed_message(1, 3, 7)};
  {
    auto store = open_store(dir);
    store->load_catalog();
    std::vector<Mutation> batch{mutation::PutQueue{sample_queue(1)},
                                mutation::PutDataKey{kms.record(7, 1), kms.data_key.plaintext}};
    for (const auto& m : written) batch.emplace_back(mutation::InsertMessage{m});
    store->wait_durable(store->append(std::move(batch)));
    // Not closed yet: the rows are in the write-ahead log, which must not hold them in clear either.
    const std::string on_disk = read_file(dir.file("sluice.db")) + read_file(dir.file("sluice.db-wal"));
    CHECK(on_disk.find(written[0].body) == std::string::npos);
    CHECK(on_disk.find(kms.data_key.plaintext) == std::string::npos);
  }
  const std::string on_disk = read_file(dir.file("sluice.db"));
  CHECK(on_disk.find(written[0].body) == std::string::npos);
  CHECK(on_disk.find(kms.data_key.plaintext) == std::string::npos);
  CHECK(raw_text(dir.file("sluice.db"), "SELECT group_concat(data_key) FROM messages") == "7,0,7");

  auto store = open_store(dir);
  LoadedState catalog = store->load_catalog();
  REQUIRE(catalog.data_keys.size() == 1);
  CHECK(catalog.data_keys[0].ciphertext_blob == kms.data_key.ciphertext_blob);
  CHECK(catalog.data_keys[0].context_arn == kQueueArn);
  CHECK(catalog.data_keys[0].key_ref == kms.key_id);
  CHECK(catalog.max_data_key_id == 7);

  // The queue's load asks no KMS (the key is disabled, and the store has no opener): the rows sealed
  // with the data key come back sealed, with the data key they need; the others open as before.
  REQUIRE(kms.keys->disable_key(kScope, kms.key_id).ok());
  std::string error;
  QueueContents contents;
  REQUIRE_MESSAGE(store->load_queue(1, &contents, &error), error);
  REQUIRE(contents.messages.size() == written.size());
  REQUIRE(contents.data_keys.size() == 1);
  CHECK(contents.data_keys[0].data_key_id == 7);
  CHECK(contents.data_keys[0].ciphertext_blob == kms.data_key.ciphertext_blob);
  for (size_t i = 0; i < written.size(); ++i) {
    CHECK(contents.messages[i].sealed == (written[i].data_key_id != 0));
    if (contents.messages[i].sealed) CHECK(contents.messages[i].body.find(written[i].body) == std::string::npos);
    CHECK(same_message(opened(contents.messages[i], kms), written[i]));
  }
  store.reset();

  // The whole store's load opens them through KMS: refused while the key is disabled, or without KMS.
  store = open_store(dir);
  store->set_data_key_opener(kms.opener());
  CHECK_THROWS_AS(store->load(), StoreFailure);
  store.reset();
  REQUIRE(kms.keys->enable_key(kScope, kms.key_id).ok());
  store = open_store(dir);
  CHECK_THROWS_AS(store->load(), StoreFailure);
  store.reset();
  store = open_store(dir);
  store->set_data_key_opener(kms.opener());
  LoadedState all = store->load();
  REQUIRE(all.messages.size() == written.size());
  for (size_t i = 0; i < written.size(); ++i) CHECK(same_message(all.messages[i], written[i]));
}

TEST_CASE("a purge keeps only the queue's newest data key; deleting the queue drops them all") {
  TempDir dir;
  Kms kms;
  auto store = open_store(dir);
  store->load_catalog();
  store->wait_durable(store->append(std::vector<Mutation>{
      mutation::PutQueue{sample_queue(1)}, mutation::PutQueue{sample_queue(2, "other")},
      mutation::PutDataKey{kms.record(1, 1), kms.data_key.plaintext},
      mutation::PutDataKey{kms.record(2, 1), kms.data_key.plaintext},
      mutation::PutDataKey{kms.record(3, 2), kms.data_key.plaintext}, mutation::InsertMessage{sealed_message(1, 1, 1)},
      mutation::InsertMessage{sealed_message(1, 2, 2)}}));
  store->wait_durable(
      store->append(std::vector<Mutation>{mutation::PurgeQueue{1}, mutation::InsertMessage{sealed_message(1, 3, 2)}}));
  store.reset();
  const std::string db = dir.file("sluice.db");
  CHECK(raw_text(db, "SELECT group_concat(data_key_id) FROM data_keys") == "2,3");
  store = open_store(dir);
  store->load_catalog();
  store->set_data_key_opener(kms.opener());
  std::string error;
  QueueContents contents;
  REQUIRE_MESSAGE(store->load_queue(1, &contents, &error), error);
  REQUIRE(contents.messages.size() == 1);
  CHECK(same_message(opened(contents.messages[0], kms), sealed_message(1, 3, 2)));
  store->wait_durable(store->append(mutation::DeleteQueue{1}));
  store.reset();
  CHECK(raw_text(db, "SELECT group_concat(data_key_id) FROM data_keys") == "3");
  CHECK(raw_text(db, "SELECT value FROM sluice_meta WHERE key = 'max_data_key_id'") == "3");
}

TEST_CASE("a data key goes once no stored message names it and a newer one has been current a minute") {
  TempDir dir;
  Kms kms;
  constexpr int64_t kT0 = 1700000000000;
  auto key = [&](int64_t id, int64_t queue_id, int64_t generated_ms) {
    DataKeyRecord record = kms.record(id, queue_id);
    record.generated_ms = generated_ms;
    return mutation::PutDataKey{record, kms.data_key.plaintext};
  };
  const std::string db = dir.file("sluice.db");
  auto store = open_store(dir);
  store->load_catalog();
  auto commit = [&](std::vector<Mutation> batch) { store->wait_durable(store->append(std::move(batch))); };
  auto keys = [&] { return raw_text(db, "SELECT group_concat(data_key_id) FROM data_keys"); };
  commit({mutation::PutQueue{sample_queue(1)}, mutation::PutQueue{sample_queue(2, "other")}, key(1, 1, kT0),
          key(2, 1, kT0 + 1'000), key(3, 2, kT0), mutation::InsertMessage{sealed_message(1, 1, 1)},
          mutation::InsertMessage{sealed_message(1, 2, 2)}, mutation::InsertMessage{sealed_message(2, 3, 3)}});

  commit({mutation::ExpireDedup{kT0 + 120'000}});  // the housekeeping's sweep
  CHECK(keys() == "1,2,3");                        // 1 still seals message 1; 2 and 3 are their queues' newest
  commit({mutation::DeleteMessage{1}, mutation::ExpireDedup{kT0 + 150'000}});
  CHECK(keys() == "1,2,3");  // no sweep within a minute of the last one
  commit({mutation::ExpireDedup{kT0 + 180'000}});
  CHECK(keys() == "2,3");  // its last message gone: data key 1 is needed by nothing
  commit({mutation::DeleteMessage{2}, mutation::ExpireDedup{kT0 + 240'000}});
  CHECK(keys() == "2,3");  // the queue's newest data key stays, message or not

  commit({key(4, 2, kT0 + 260'000), mutation::DeleteMessage{3}, mutation::ExpireDedup{kT0 + 300'000}});
  CHECK(keys() == "2,3,4");  // 4 replaced 3 less than a minute before the sweep
  commit({mutation::ExpireDedup{kT0 + 360'000}});
  CHECK(keys() == "2,4");
  commit({mutation::InsertMessage{sealed_message(2, 5, 4)}});
  store.reset();

  store = open_store(dir);
  store->load_catalog();
  store->set_data_key_opener(kms.opener());
  std::string error;
  QueueContents contents;
  REQUIRE_MESSAGE(store->load_queue(2, &contents, &error), error);
  REQUIRE(contents.messages.size() == 1);
  CHECK(same_message(opened(contents.messages[0], kms), sealed_message(2, 5, 4)));
}

TEST_CASE("a store of schema version 2 is upgraded: its rows open, and data keys can be added") {
  TempDir dir;
  Kms kms;
  const std::vector<MessageRecord> old_rows = {sample_message(1, 1, false), sample_message(1, 2, true)};
  {
    auto store = open_store(dir);
    store->load_catalog();
    std::vector<Mutation> batch{mutation::PutQueue{sample_queue(1)}};
    for (const auto& m : old_rows) batch.emplace_back(mutation::InsertMessage{m});
    store->wait_durable(store->append(std::move(batch)));
  }
  // Back to the layout version 2 wrote: no data_keys table, no data_key column.
  const std::string db = dir.file("sluice.db");
  raw_exec(db,
           "DROP INDEX messages_by_data_key; DROP TABLE data_keys; ALTER TABLE messages DROP COLUMN data_key; "
           "PRAGMA user_version = 2; "
           "UPDATE sluice_meta SET value = 2 WHERE key = 'schema_version';");
  REQUIRE(raw_text(db, "SELECT count(*) FROM sqlite_master WHERE name = 'data_keys'") == "0");

  {
    auto store = open_store(dir);
    store->load_catalog();
    store->set_data_key_opener(kms.opener());
    std::string error;
    QueueContents contents;
    REQUIRE_MESSAGE(store->load_queue(1, &contents, &error), error);
    REQUIRE(contents.messages.size() == 2);
    for (size_t i = 0; i < old_rows.size(); ++i) CHECK(same_message(contents.messages[i], old_rows[i]));
    store->wait_durable(
        store->append(std::vector<Mutation>{mutation::PutDataKey{kms.record(1, 1), kms.data_key.plaintext},
                                            mutation::InsertMessage{sealed_message(1, 3, 1)}}));
  }
  CHECK(raw_text(db, "PRAGMA user_version") == "4");
  CHECK(raw_text(db, "SELECT group_concat(data_key) FROM messages") == "0,0,1");
  auto store = open_store(dir);
  store->load_catalog();
  store->set_data_key_opener(kms.opener());
  std::string error;
  QueueContents contents;
  REQUIRE_MESSAGE(store->load_queue(1, &contents, &error), error);
  REQUIRE(contents.messages.size() == 3);
  CHECK(same_message(opened(contents.messages[2], kms), sealed_message(1, 3, 1)));
}
