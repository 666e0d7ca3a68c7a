// Versioned schemas (sluice/common/sqlite_schema.h): a new file gets every step, an older one the
// steps it misses, in one transaction; a failing step leaves the file as it was; a newer file is
// refused with a sentence.

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "sluice/common/sqlite_schema.h"

namespace common = sluice::common;

using namespace sluice::common::sqlite;

namespace {

struct TempFile {
  TempFile() {
    char pattern[] = "/tmp/sluice-schema-test-XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    dir = pattern;
    path = dir + "/file.db";
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Connection open() const { return Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE); }
  std::string dir, path;
};

int64_t count(Connection& db, const char* sql) {
  Statement s(db.get(), sql);
  REQUIRE(s.step());
  int64_t n = s.int64(0);
  s.reset();
  return n;
}

const common::sqlite::SchemaStep kV1[] = {{"create t", "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"}};
const common::sqlite::SchemaStep kV3[] = {
    {"create t", "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"},
    {"add t.size", "ALTER TABLE t ADD COLUMN size INTEGER NOT NULL DEFAULT 0;"},
    {"index t by name", "CREATE INDEX t_by_name ON t(name);"},
};

}  // namespace

TEST_CASE("a new file gets every step and the last version") {
  TempFile file;
  Connection db = file.open();
  CHECK(common::sqlite::upgrade_schema(db, file.path, kV3) == "");
  CHECK(common::sqlite::schema_version(db) == 3);
  db.exec("INSERT INTO t(id, name, size) VALUES(1, 'a', 5)");
  CHECK(common::sqlite::upgrade_schema(db, file.path, kV3) == "");  // already there: nothing runs
  CHECK(count(db, "SELECT count(*) FROM t") == 1);
}

TEST_CASE("a file of an earlier version gets the steps it misses and keeps its rows") {
  TempFile file;
  {
    Connection db = file.open();
    REQUIRE(common::sqlite::upgrade_schema(db, file.path, kV1) == "");
    db.exec("INSERT INTO t(id, name) VALUES(1, 'kept')");
  }
  Connection db = file.open();
  CHECK(common::sqlite::upgrade_schema(db, file.path, kV3) == "");
  CHECK(common::sqlite::schema_version(db) == 3);
  CHECK(count(db, "SELECT size FROM t WHERE name = 'kept'") == 0);
  CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 't_by_name'") == 1);
}

TEST_CASE("a failing step leaves the file at its version, unchanged") {
  TempFile file;
  {
    Connection db = file.open();
    REQUIRE(common::sqlite::upgrade_schema(db, file.path, kV1) == "");
    db.exec("INSERT INTO t(id, name) VALUES(1, 'kept')");
  }
  const common::sqlite::SchemaStep broken[] = {kV3[0], kV3[1], {"a step that fails", "CREATE TABLE t(x);"}};
  Connection db = file.open();
  std::string error = common::sqlite::upgrade_schema(db, file.path, broken);
  CHECK(error.find(file.path + " cannot be upgraded from schema version 1 to 3 (a step that fails: ") == 0);
  CHECK(common::sqlite::schema_version(db) == 1);
  CHECK(count(db, "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'size'") == 0);  // step 2 undone
  CHECK(count(db, "SELECT count(*) FROM t") == 1);
}

TEST_CASE("a file from a newer release is refused with a sentence") {
  TempFile file;
  {
    Connection db = file.open();
    REQUIRE(common::sqlite::upgrade_schema(db, file.path, kV3) == "");
  }
  Connection db = file.open();
  CHECK(common::sqlite::upgrade_schema(db, file.path, kV1) ==
        file.path + " was written by a newer version of sluice (schema version 3, this build reads up to 1)");
  CHECK(common::sqlite::schema_version(db) == 3);
}
