// The SQLite store: round trips, every mutation kind, id high-water marks, at-rest encryption.

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

std::unique_ptr<Store> open_ok(const TempDir& dir, SyncMode sync = SyncMode::Normal) {
  std::string error;
  auto store = open_sqlite_store(dir.path(), sync, &error);
  INFO(error);
  REQUIRE(store);
  return store;
}

void commit(Store& store, std::vector<Mutation> mutations) { store.wait_durable(store.append(std::move(mutations))); }

// Raw access to the file while no store holds it.
struct RawDb {
  explicit RawDb(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
  ~RawDb() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    INFO(text);
    REQUIRE(rc == SQLITE_OK);
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_blob(stmt, 0) != nullptr) {
      value.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                   static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    return value;
  }
  sqlite3* db = nullptr;
};

const MessageRecord* find_message(const LoadedState& state, int64_t seq) {
  for (const auto& m : state.messages) {
    if (m.seq == seq) return &m;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a fresh store is empty, in WAL mode and marked as sluice's") {
  TempDir dir;
  {
    auto store = open_ok(dir);
    LoadedState state = store->load();
    CHECK(state.queues.empty());
    CHECK(state.messages.empty());
    CHECK(state.dedup.empty());
    CHECK(state.max_seq == 0);
    CHECK(state.max_queue_id == 0);
  }
  CHECK_FALSE(std::filesystem::exists(dir.file("sluice.key")));  // no encrypted message yet
  RawDb raw(dir.file("sluice.db"));
  CHECK(raw.text("PRAGMA journal_mode") == "wal");
  CHECK(raw.text("PRAGMA application_id") == std::to_string(0x534c5153));
  CHECK(raw.text("PRAGMA user_version") == "4");
  CHECK(raw.text("SELECT value FROM sluice_meta WHERE key = 'application'") == "sluice-sqs-store");
}

TEST_CASE("the store's connection syncs as its SyncMode asks, as SQLite itself reports it") {
  TempDir dir;
  {
    auto store = open_ok(dir, SyncMode::Normal);
    CHECK(store->sync_mode() == SyncMode::Normal);
  }
  {
    auto store = open_ok(dir, SyncMode::PowerLoss);
    CHECK(store->sync_mode() == SyncMode::PowerLoss);
  }
  CHECK_FALSE(open_memory_store()->sync_mode().has_value());
  CHECK_FALSE(open_memory_store()->commit_stats().has_value());
}

TEST_CASE("every field of queues, messages and dedup entries survives a reopen") {
  TempDir dir;
  QueueRecord queue = sample_queue(7);
  std::vector<MessageRecord> messages = {sample_message(7, 15, false), sample_message(7, 3, true),
                                         sample_message(7, 9, false)};
  messages[0].receive_count = 4;
  messages[0].first_receive_ms = 1700000009999;
  messages[2].message_attributes.clear();
  messages[2].body = "";
  DedupRecord dedup{7, "group-1\ndedup-1", 1700000300000, "msg-3", "18849496460467696128"};
  {
    auto store = open_ok(dir);
    store->load();
    std::vector<Mutation> batch{mutation::PutQueue{queue}};
    for (const auto& m : messages) batch.emplace_back(mutation::InsertMessage{m});
    batch.emplace_back(mutation::PutDedup{dedup});
    commit(*store, std::move(batch));
  }
  for (SyncMode sync : {SyncMode::Normal, SyncMode::PowerLoss}) {
    auto store = open_ok(dir, sync);
    LoadedState state = store->load();
    REQUIRE(state.queues.size() == 1);
    CHECK(same_queue(state.queues[0], queue));
    REQUIRE(state.messages.size() == 3);
    CHECK(state.messages[0].seq == 3);  // ordered by seq, not by insertion
    CHECK(state.messages[1].seq == 9);
    CHECK(state.messages[2].seq == 15);
    CHECK(same_message(state.messages[0], messages[1]));
    CHECK(same_message(state.messages[1], messages[2]));
    CHECK(same_message(state.messages[2], messages[0]));
    REQUIRE(state.dedup.size() == 1);
    CHECK(state.dedup[0].queue_id == dedup.queue_id);
    CHECK(state.dedup[0].key == dedup.key);
    CHECK(state.dedup[0].expires_ms == dedup.expires_ms);
    CHECK(state.dedup[0].message_id == dedup.message_id);
    CHECK(state.dedup[0].sequence_number == dedup.sequence_number);
    CHECK(state.max_seq >= 15);
    CHECK(state.max_queue_id >= 7);
  }
}

TEST_CASE("each mutation kind changes exactly what it names") {
  TempDir dir;
  {
    auto store = open_ok(dir);
    store->load();
    commit(*store, {mutation::PutQueue{sample_queue(1, "a")}, mutation::PutQueue{sample_queue(2, "b")},
                    mutation::InsertMessage{sample_message(1, 1)}, mutation::InsertMessage{sample_message(1, 2)},
                    mutation::InsertMessage{sample_message(2, 3)}, mutation::InsertMessage{sample_message(2, 4)},
                    mutation::InsertMessage{sample_message(1, 5, true)},
                    mutation::PutDedup{DedupRecord{1, "\nd1", 100, "m1", ""}},
                    mutation::PutDedup{DedupRecord{1, "\nd2", 200, "m2", ""}},
                    mutation::PutDedup{DedupRecord{2, "\nd1", 300, "m3", ""}},
                    mutation::PutDedup{DedupRecord{2, "\nd9", 50, "m9", ""}}});

    QueueRecord changed = sample_queue(1, "a");
    changed.attributes["VisibilityTimeout"] = "90";
    changed.tags.clear();
    changed.last_purge_ms = 42;
    changed.next_sequence_number = 77;
    commit(*store, {mutation::PutQueue{changed},                                  // replace
                    mutation::UpdateMessage{2, 1800000000000, 1700000005000, 3},  // receive
                    mutation::UpdateMessage{5, 1800000000001, 1700000006000, 1},  // encrypted row
                    mutation::DeleteMessage{4},
                    mutation::PutDedup{DedupRecord{1, "\nd1", 150, "m1b", "seq"}},  // replace by key
                    mutation::ExpireDedup{200}});                                   // drops expires < 200
  }
  {
    auto store = open_ok(dir);
    LoadedState state = store->load();
    REQUIRE(state.queues.size() == 2);
    CHECK(state.queues[0].attributes.at("VisibilityTimeout") == "90");
    CHECK(state.queues[0].tags.empty());
    CHECK(state.queues[0].last_purge_ms == 42);
    CHECK(state.queues[0].next_sequence_number == 77);
    CHECK(same_queue(state.queues[1], sample_queue(2, "b")));

    REQUIRE(state.messages.size() == 4);
    CHECK(find_message(state, 4) == nullptr);
    const MessageRecord* received = find_message(state, 2);
    REQUIRE(received);
    CHECK(received->visible_at_ms == 1800000000000);
    CHECK(received->first_receive_ms == 1700000005000);
    CHECK(received->receive_count == 3);
    CHECK(received->body == sample_message(1, 2).body);
    const MessageRecord* encrypted = find_message(state, 5);
    REQUIRE(encrypted);
    CHECK(encrypted->receive_count == 1);
    CHECK(encrypted->body == sample_message(1, 5).body);  // update kept the ciphertext valid
    CHECK(encrypted->message_attributes == sample_message(1, 5).message_attributes);

    // ExpireDedup(200) kept only entries with expires_ms >= 200.
    REQUIRE(state.dedup.size() == 2);
    CHECK(state.dedup[0].queue_id == 1);
    CHECK(state.dedup[0].key == "\nd2");
    CHECK(state.dedup[1].queue_id == 2);
    CHECK(state.dedup[1].key == "\nd1");

    commit(*store, {mutation::PutDedup{DedupRecord{1, "\nd7", 900, "m7", ""}}, mutation::PurgeQueue{1}});
    commit(*store, {mutation::DeleteQueue{2}});
  }
  auto store = open_ok(dir);
  LoadedState state = store->load();
  REQUIRE(state.queues.size() == 1);
  CHECK(state.queues[0].queue_id == 1);
  CHECK(state.messages.empty());  // queue 1 purged, queue 2's messages went with it
  // A purge drops the queue's dedup entries too (AWS forgets the window), DeleteQueue queue 2's.
  CHECK(state.dedup.empty());
}

TEST_CASE("ids are never handed out twice, even after their rows are deleted") {
  TempDir dir;
  {
    auto store = open_ok(dir);
    store->load();
    commit(*store, {mutation::PutQueue{sample_queue(3)}, mutation::InsertMessage{sample_message(3, 500)},
                    mutation::PutQueue{sample_queue(9)}});
    commit(*store, {mutation::DeleteMessage{500}, mutation::DeleteQueue{9}});
  }
  {
    auto store = open_ok(dir);
    LoadedState state = store->load();
    CHECK(state.messages.empty());
    CHECK(state.max_seq >= 500);
    CHECK(state.max_queue_id >= 9);
    // Continue far past the reserved block: the mark must follow.
    int64_t next = state.max_seq + 1;
    commit(*store, {mutation::InsertMessage{sample_message(3, next + 200000)}});
    commit(*store, {mutation::PurgeQueue{3}});
    store.reset();
    auto again = open_ok(dir);
    CHECK(again->load().max_seq >= next + 200000);
  }
}

TEST_CASE("encrypted bodies and attributes are not on disk in clear") {
  TempDir dir;
  MessageRecord secret = sample_message(1, 1, true);
  secret.body = "TOP-SECRET-BODY-0123456789";
  secret.message_attributes["Hidden"] = MessageAttribute{"String", "HIDDEN-ATTRIBUTE-VALUE", ""};
  MessageRecord plain = sample_message(1, 2, false);
  plain.body = "PLAIN-BODY-VISIBLE";
  {
    auto store = open_ok(dir);
    store->load();
    commit(*store,
           {mutation::PutQueue{sample_queue(1)}, mutation::InsertMessage{secret}, mutation::InsertMessage{plain}});
  }
  struct stat st {};
  REQUIRE(::stat(dir.file("sluice.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  std::string bytes = read_file(dir.file("sluice.db")) + read_file(dir.file("sluice.db-wal"));
  CHECK(bytes.find("PLAIN-BODY-VISIBLE") != std::string::npos);  // the scan does see plain rows
  CHECK(bytes.find("TOP-SECRET-BODY") == std::string::npos);
  CHECK(bytes.find("HIDDEN-ATTRIBUTE-VALUE") == std::string::npos);
  {
    RawDb raw(dir.file("sluice.db"));
    std::string column = raw.text("SELECT body FROM messages WHERE seq = 1");
    CHECK(column.size() > secret.body.size());
    CHECK(column.find("TOP-SECRET") == std::string::npos);
    CHECK(raw.text("SELECT length(attributes) FROM messages WHERE seq = 1") == "0");
    CHECK(raw.text("SELECT encrypted FROM messages WHERE seq = 1") == "1");
  }
  auto store = open_ok(dir);
  LoadedState state = store->load();
  REQUIRE(state.messages.size() == 2);
  CHECK(same_message(state.messages[0], secret));
  CHECK(same_message(state.messages[1], plain));
}

TEST_CASE("a wrong, missing or damaged key makes open or the queue's load fail with a clear error") {
  TempDir dir;
  {
    auto store = open_ok(dir);
    store->load();
    commit(*store, {mutation::PutQueue{sample_queue(1)}, mutation::InsertMessage{sample_message(1, 1, true)}});
  }
  std::string good_key = read_file(dir.file("sluice.key"));
  std::string error;

  SUBCASE("another key") {
    write_file(dir.file("sluice.key"), std::string(32, 'x'));
    CHECK_FALSE(open_sqlite_store(dir.path(), SyncMode::Normal, &error));
    CHECK(error == dir.file("sluice.key") + " is not the key " + dir.file("sluice.db") + " was encrypted with");
  }
  SUBCASE("no key") {
    std::filesystem::remove(dir.file("sluice.key"));
    CHECK_FALSE(open_sqlite_store(dir.path(), SyncMode::Normal, &error));
    CHECK(error.find(dir.file("sluice.key") + " is missing") == 0);
  }
  SUBCASE("a truncated key file") {
    write_file(dir.file("sluice.key"), good_key.substr(0, 16));
    CHECK_FALSE(open_sqlite_store(dir.path(), SyncMode::Normal, &error));
    CHECK(error.find("not a sluice key file") != std::string::npos);
  }
  SUBCASE("a tampered ciphertext") {
    {
      RawDb raw(dir.file("sluice.db"));
      raw.exec("UPDATE messages SET body = substr(body, 1, 20) || x'00' || substr(body, 22) WHERE seq = 1");
    }
    // Messages are read when their queue first loads: that is where the damage shows.
    auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
    REQUIRE_MESSAGE(store, error);
    store->load_catalog();
    QueueContents contents;
    CHECK_FALSE(store->load_queue(1, &contents, &error));
    CHECK(error.find("message 1 cannot be decrypted") != std::string::npos);
  }
  SUBCASE("the right key still works") {
    auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
    REQUIRE(store);
    CHECK(store->load().messages.at(0).body == sample_message(1, 1).body);
  }
}

TEST_CASE("a commit that cannot succeed keeps failing, and is never reported durable") {
  TempDir dir;
  auto store = open_ok(dir);
  store->load();
  commit(*store, {mutation::InsertMessage{sample_message(1, 1)}});
  uint64_t ticket = store->append(mutation::InsertMessage{sample_message(1, 1)});  // same seq
  try {
    store->wait_durable(ticket);
    FAIL("a duplicate seq must not report success");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("UNIQUE constraint failed") != std::string::npos);
  }
  CHECK(store->failing());
  // The failed batch is retried ahead of every later one, so they fail with it.
  uint64_t later = store->append(mutation::InsertMessage{sample_message(1, 2)});
  CHECK_THROWS_AS(store->wait_durable(later), StoreFailure);
  CHECK(store->failing());
}

TEST_CASE("closing the store commits what was appended but not waited for") {
  TempDir dir;
  {
    auto store = open_ok(dir);
    store->load();
    store->append(mutation::PutQueue{sample_queue(1)});
    store->append(std::vector<Mutation>{mutation::InsertMessage{sample_message(1, 1)}});
  }
  auto store = open_ok(dir);
  LoadedState state = store->load();
  CHECK(state.queues.size() == 1);
  CHECK(state.messages.size() == 1);
}

TEST_CASE("the memory store keeps nothing and never blocks") {
  auto store = open_memory_store();
  CHECK(store->load().messages.empty());
  uint64_t a = store->append(mutation::InsertMessage{sample_message(1, 1)});
  uint64_t b = store->append(std::vector<Mutation>{mutation::DeleteMessage{1}, mutation::PurgeQueue{1}});
  uint64_t c = store->append(mutation::ExpireDedup{5});
  CHECK(a < b);
  CHECK(b < c);
  store->wait_durable(c);
  store->wait_durable(c + 100);
  CHECK(store->load().queues.empty());
}

TEST_CASE("purge and queue deletion remove rows written in the same session, and only those") {
  TempDir dir;
  {
    auto store = open_ok(dir);
    store->load();
    commit(*store, {mutation::PutQueue{sample_queue(1, "a")}, mutation::PutQueue{sample_queue(2, "b")},
                    mutation::PutQueue{sample_queue(3, "c")}});
    std::vector<Mutation> batch;
    for (int64_t seq = 1; seq <= 30; ++seq)
      batch.emplace_back(mutation::InsertMessage{sample_message(1 + seq % 3, seq)});
    commit(*store, std::move(batch));
    commit(*store, {mutation::DeleteMessage{3}, mutation::PurgeQueue{1},  // queue 1 holds seqs 3, 6, ...
                    mutation::InsertMessage{sample_message(1, 31)}});     // after the purge: stays
    commit(*store, {mutation::DeleteQueue{3}, mutation::PurgeQueue{1}, mutation::InsertMessage{sample_message(1, 32)}});
  }
  auto store = open_ok(dir);
  LoadedState state = store->load();
  std::vector<int64_t> seqs;
  for (const auto& m : state.messages) seqs.push_back(m.seq);
  // Queue 2 (seq % 3 == 1) is untouched; queue 1 keeps only what came after its last purge.
  CHECK(seqs == std::vector<int64_t>{1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 32});
  REQUIRE(state.queues.size() == 2);
  CHECK(state.queues[1].queue_id == 2);
}
