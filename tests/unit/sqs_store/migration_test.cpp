// Schema migrations of the SQS store: a file in the layout of schema version 1 (messages keyed by
// seq alone, in a rowid table) opens, is moved to the current layout (messages clustered by queue)
// with every row intact, and its seq mark then covers every stored seq, even in a file from before
// the mark was kept.

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  INFO(text);
  REQUIRE(rc == SQLITE_OK);
}

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

// The messages table exactly as schema version 1 created it (and nothing version 2 added).
constexpr const char* kVersion1Messages = R"sql(
CREATE TABLE messages_v1(
  seq INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  body BLOB NOT NULL,
  attributes BLOB NOT NULL,
  aws_trace_header TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  message_group_id TEXT NOT NULL,
  message_deduplication_id TEXT NOT NULL,
  sequence_number TEXT NOT NULL,
  dead_letter_source_arn TEXT NOT NULL,
  sent_ms INTEGER NOT NULL,
  visible_at_ms INTEGER NOT NULL,
  first_receive_ms INTEGER NOT NULL,
  receive_count INTEGER NOT NULL,
  encrypted INTEGER NOT NULL);
INSERT INTO messages_v1 SELECT seq, queue_id, message_id, body, attributes, aws_trace_header, sender_id,
  message_group_id, message_deduplication_id, sequence_number, dead_letter_source_arn, sent_ms, visible_at_ms,
  first_receive_ms, receive_count, encrypted FROM messages;
DROP TABLE messages;
DROP TABLE message_counts;
DROP TABLE data_keys;
ALTER TABLE messages_v1 RENAME TO messages;
PRAGMA user_version = 1;
UPDATE sluice_meta SET value = 1 WHERE key = 'schema_version';
)sql";

}  // namespace

TEST_CASE("a store in the layout of schema version 1 is migrated with every row") {
  TempDir dir;
  // Two queues whose messages interleave in seq order, one of them encrypted.
  std::vector<MessageRecord> written;
  for (int64_t seq = 1; seq <= 40; ++seq) written.push_back(sample_message(1 + seq % 2, seq, seq % 5 == 0));
  {
    std::string error;
    auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
    REQUIRE_MESSAGE(store, error);
    store->load();
    std::vector<Mutation> batch{mutation::PutQueue{sample_queue(1)}, mutation::PutQueue{sample_queue(2, "other")}};
    for (const auto& m : written) batch.emplace_back(mutation::InsertMessage{m});
    store->wait_durable(store->append(std::move(batch)));
  }
  const std::string db = dir.file("sluice.db");
  raw_exec(db, kVersion1Messages);
  SUBCASE("with its seq mark") {}
  SUBCASE("from before the seq mark was kept") {
    // The highest stored seq is then known only from the rows: the migration must record it.
    raw_exec(db, "DELETE FROM sluice_meta WHERE key = 'max_seq'");
  }
  REQUIRE(raw_text(db, "PRAGMA user_version") == "1");
  REQUIRE(raw_text(db, "SELECT sql FROM sqlite_master WHERE name = 'messages'").find("WITHOUT ROWID") ==
          std::string::npos);

  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(store, error);
  LoadedState catalog = store->load_catalog();
  CHECK(catalog.queues.size() == 2);
  CHECK(catalog.messages.empty());  // the catalog holds no messages
  CHECK(catalog.max_seq >= 40);
  for (int64_t queue_id : {1, 2}) {
    QueueContents contents;
    REQUIRE_MESSAGE(store->load_queue(queue_id, &contents, &error), error);
    std::vector<const MessageRecord*> expected;
    for (const auto& m : written)
      if (m.queue_id == queue_id) expected.push_back(&m);
    REQUIRE(contents.messages.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) CHECK(same_message(contents.messages[i], *expected[i]));
  }
  StoredCounts counts;
  REQUIRE_MESSAGE(store->count_queue(1, 0, &counts, &error), error);  // counted by the migration
  CHECK(counts.visible + counts.delayed + counts.in_flight == 20);
  // Changes after the migration land in the new layout (an update and a delete by seq).
  store->wait_durable(store->append(
      std::vector<Mutation>{mutation::UpdateMessage{3, 1800000000000, 1700000001000, 2}, mutation::DeleteMessage{4}}));
  store.reset();

  CHECK(raw_text(db, "PRAGMA user_version") == "4");
  CHECK(raw_text(db, "SELECT value FROM sluice_meta WHERE key = 'schema_version'") == "4");
  CHECK(raw_text(db, "SELECT sql FROM sqlite_master WHERE name = 'messages'").find("WITHOUT ROWID") !=
        std::string::npos);
  CHECK(raw_text(db, "SELECT receive_count FROM messages WHERE seq = 3") == "2");
  CHECK(raw_text(db, "SELECT count(*) FROM messages WHERE seq = 4") == "0");
  CHECK(raw_text(db, "SELECT count(*) FROM messages") == "39");
}
