// Every way open_sqlite_store refuses a data directory: an error naming the file and the reason,
// and the file left exactly as it was.

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::string open_error(const TempDir& dir) {
  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  CHECK_FALSE(store);
  CHECK_FALSE(error.empty());
  return error;
}

void make_store_with_messages(const TempDir& dir, int count) {
  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE(store);
  store->load();
  std::vector<Mutation> batch{mutation::PutQueue{sample_queue(1)}};
  for (int i = 1; i <= count; ++i) batch.emplace_back(mutation::InsertMessage{sample_message(1, i)});
  store->wait_durable(store->append(std::move(batch)));
}

}  // namespace

TEST_CASE("a data directory that cannot be created") {
  TempDir dir;
  write_file(dir.file("plain-file"), "x");
  std::string error;
  std::string wanted = dir.file("plain-file") + "/data";
  CHECK_FALSE(open_sqlite_store(wanted, SyncMode::Normal, &error));
  CHECK(error.find("data directory " + wanted + " cannot be created") == 0);

  CHECK_FALSE(open_sqlite_store(dir.file("plain-file"), SyncMode::Normal, &error));
  CHECK(error.find("data directory " + dir.file("plain-file")) == 0);
}

TEST_CASE("missing directories are created") {
  TempDir dir;
  std::string error;
  auto store = open_sqlite_store(dir.file("a/b/c"), SyncMode::Normal, &error);
  CHECK(store);
  CHECK(std::filesystem::exists(dir.file("a/b/c/sluice.db")));
}

TEST_CASE("a file that is not a SQLite database") {
  TempDir dir;
  std::string garbage;
  for (int i = 0; i < 8192; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) % 251));
  write_file(dir.file("sluice.db"), garbage);
  CHECK(open_error(dir) == dir.file("sluice.db") + " is not a sluice data file (file is not a database)");
  CHECK(read_file(dir.file("sluice.db")) == garbage);  // never reset
}

TEST_CASE("a SQLite database of another application") {
  TempDir dir;
  SUBCASE("no application id, own tables") {
    raw_exec(dir.file("sluice.db"), "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
  }
  SUBCASE("another application id") {
    raw_exec(dir.file("sluice.db"), "PRAGMA application_id = 1234; CREATE TABLE t(x)");
  }
  SUBCASE("our application id without the marker table") {
    raw_exec(dir.file("sluice.db"), "PRAGMA application_id = 1397510483; CREATE TABLE t(x)");
  }
  std::string error = open_error(dir);
  CHECK(error.find(dir.file("sluice.db") + " belongs to another application") == 0);
  // Untouched: still the other application's table.
  raw_exec(dir.file("sluice.db"), "SELECT count(*) FROM t");
}

TEST_CASE("a data file written by a newer schema") {
  TempDir dir;
  make_store_with_messages(dir, 1);
  SUBCASE("user_version") { raw_exec(dir.file("sluice.db"), "PRAGMA user_version = 7"); }
  SUBCASE("stored schema version") {
    raw_exec(dir.file("sluice.db"), "UPDATE sluice_meta SET value = 7 WHERE key = 'schema_version'");
  }
  CHECK(open_error(dir) ==
        dir.file("sluice.db") +
            " was written by a newer version of sluice (schema version 7, this build reads up to 4)");
}

int64_t root_page(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_master WHERE name = ?", -1, &s, nullptr) == SQLITE_OK);
  sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  int64_t page = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
  sqlite3_finalize(s);
  sqlite3_close(db);
  REQUIRE(page > 1);
  return page;
}

// Scribbles over the b-tree page header of a table's root page, the kind of damage a torn or
// misdirected write leaves.
std::string scribble_root(const TempDir& dir, const std::string& table) {
  const int64_t page = root_page(dir.file("sluice.db"), table);
  std::string bytes = read_file(dir.file("sluice.db"));
  REQUIRE(bytes.size() >= static_cast<size_t>(page) * 4096);
  for (size_t i = 0; i < 12; ++i) bytes[static_cast<size_t>(page - 1) * 4096 + i] = static_cast<char>(0xF7);
  write_file(dir.file("sluice.db"), bytes);
  return bytes;
}

// The start checks what it reads (the metadata and the queues) and refuses damage there; a queue's
// messages are read, and their damage found, when the queue is first loaded.
TEST_CASE("a corrupt data file") {
  TempDir dir;
  make_store_with_messages(dir, 400);
  SUBCASE("damage in what the start reads is refused") {
    std::string bytes = scribble_root(dir, "queues");
    std::string error = open_error(dir);
    CHECK(error.find(dir.file("sluice.db") + " is corrupt") == 0);
    CHECK(read_file(dir.file("sluice.db")) == bytes);
  }
  SUBCASE("damage among a queue's messages fails that queue's load") {
    scribble_root(dir, "messages");
    std::string error;
    auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
    REQUIRE_MESSAGE(store, error);
    CHECK(store->load_catalog().queues.size() == 1);
    QueueContents contents;
    CHECK_FALSE(store->load_queue(1, &contents, &error));
    CHECK(error.find(dir.file("sluice.db") + " is corrupt") == 0);
  }
  SUBCASE("--recover checks the whole file") {
    scribble_root(dir, "messages");
    StoreOpenOptions options;
    options.recover = true;
    std::vector<std::string> reports;
    options.report = [&reports](const std::string& sentence) { reports.push_back(sentence); };
    std::string error;
    auto store = open_sqlite_store(dir.path(), options, &error);
    REQUIRE_MESSAGE(store, error);
    REQUIRE_FALSE(reports.empty());
    CHECK(reports[0].find(dir.file("sluice.db") + " is corrupt") == 0);
    CHECK(std::filesystem::exists(dir.file("sluice.db.damaged")));
  }
}

TEST_CASE("a data directory already open elsewhere") {
  TempDir dir;
  std::string error;
  auto first = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE(first);
  first->load();
  CHECK_FALSE(open_sqlite_store(dir.path(), SyncMode::Normal, &error));
  CHECK(error.find(dir.file("sluice.db") + " is in use by another process") == 0);
}

TEST_CASE("an empty file is a fresh store") {
  TempDir dir;
  write_file(dir.file("sluice.db"), "");
  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  CHECK(store);
  CHECK(error.empty());
}
