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
            " was written by a newer version of sluice (schema version 7, this build reads up to 1)");
}

TEST_CASE("a corrupt data file") {
  TempDir dir;
  make_store_with_messages(dir, 400);
  std::string bytes = read_file(dir.file("sluice.db"));
  REQUIRE(bytes.size() > 4096 * 8);
  // Scribble over the b-tree page headers of the message table's pages (past the header page and
  // the schema), the kind of damage a torn or misdirected write leaves.
  for (size_t page = 4; page < 9; ++page) {
    for (size_t i = 0; i < 12; ++i) bytes[page * 4096 + i] = static_cast<char>(0xF7);
  }
  write_file(dir.file("sluice.db"), bytes);
  std::string error = open_error(dir);
  CHECK(error.find(dir.file("sluice.db") + " is corrupt") == 0);
  CHECK(read_file(dir.file("sluice.db")) == bytes);
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
