// Opening the SQLite store: every way a data directory can be unusable becomes a sentence naming
// the file, and nothing is ever reset or overwritten to get past a problem.
//
// Order of checks: the directory; the file header (application_id — reading it is also what
// reports "file is not a database"); foreign or newer files; PRAGMA quick_check; only then is
// anything written (WAL mode, the schema of a fresh file). The connection runs in exclusive
// locking mode: the process is the file's only user, WAL's index then lives in process memory
// instead of a shared-memory file, and a second process opening the same directory is told the
// file is in use instead of corrupting the engine's view of it.

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "store/sqlite_store.h"

namespace sluice::sqs::detail {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE sluice_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE queues(
  queue_id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  attributes BLOB NOT NULL,
  tags BLOB NOT NULL,
  permissions TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  last_purge_ms INTEGER NOT NULL,
  next_sequence_number INTEGER NOT NULL);
CREATE TABLE messages(
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
CREATE TABLE dedup(
  queue_id INTEGER NOT NULL,
  key BLOB NOT NULL,
  expires_ms INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  sequence_number TEXT NOT NULL,
  PRIMARY KEY(queue_id, key)) WITHOUT ROWID;
CREATE INDEX dedup_by_expiry ON dedup(expires_ms);
)sql";

int64_t query_int(sqlite3* db, const char* sql) {
  sqlite::Statement s(db, sql);
  int64_t value = 0;
  if (s.step()) {
    value = s.int64(0);
    s.reset();
  }
  return value;
}

std::string query_string(sqlite3* db, const char* sql) {
  sqlite::Statement s(db, sql);
  std::string value;
  if (s.step()) {
    value = s.string(0);
    s.reset();
  }
  return value;
}

bool make_directory(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "data directory " + dir + " cannot be created (" + ec.message() + ")";
    return false;
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    *error = "data directory " + dir + " is not a directory";
    return false;
  }
  return true;
}

void create_schema(sqlite::Connection& db) {
  db.exec("BEGIN");
  db.exec(kSchema);
  db.exec(("PRAGMA application_id = " + std::to_string(kSluiceApplicationId)).c_str());
  db.exec(("PRAGMA user_version = " + std::to_string(kSluiceSchemaVersion)).c_str());
  sqlite::Statement put(db.get(), "INSERT INTO sluice_meta(key, value) VALUES(?, ?)");
  put.bind_text(1, "application").bind_text(2, kSluiceMarker).run();
  put.bind_text(1, "schema_version").bind(2, int64_t{kSluiceSchemaVersion}).run();
  db.exec("COMMIT");
}

std::string newer_schema(const std::string& file, int64_t version) {
  return file + " was written by a newer version of sluice (schema version " + std::to_string(version) +
         ", this build reads up to " + std::to_string(kSluiceSchemaVersion) + ")";
}

// False + *error when the file must not be used; true once it is checked, in WAL mode and has
// the schema. Throws sqlite::Error.
bool check_and_prepare(sqlite::Connection& db, const StoreFiles& files, SyncMode sync, std::string* error) {
  sqlite3* h = db.get();
  db.exec("PRAGMA locking_mode = EXCLUSIVE");
  int64_t application_id = query_int(h, "PRAGMA application_id");
  int64_t tables = query_int(h, "SELECT count(*) FROM sqlite_master");
  bool fresh = application_id == 0 && tables == 0;
  if (!fresh) {
    if (application_id != kSluiceApplicationId) {
      *error = files.database + " belongs to another application (it is not a sluice data file)";
      return false;
    }
    if (query_int(h, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sluice_meta'") == 0) {
      *error = files.database + " belongs to another application (it has no sluice marker)";
      return false;
    }
    int64_t user_version = query_int(h, "PRAGMA user_version");
    if (user_version > kSluiceSchemaVersion) {
      *error = newer_schema(files.database, user_version);
      return false;
    }
    std::string check = query_string(h, "PRAGMA quick_check(1)");
    if (check != "ok") {
      std::replace(check.begin(), check.end(), '\n', ' ');  // one-line error for logs
      *error = files.database + " is corrupt (integrity check: " + check + ")";
      return false;
    }
  }
  std::string mode = query_string(h, "PRAGMA journal_mode = WAL");
  if (mode != "wal") {
    *error = files.database + " cannot be switched to write-ahead logging (journal mode " + mode + ")";
    return false;
  }
  // NORMAL in WAL mode: a commit is a write() to the WAL, which survives the process being killed;
  // FULL adds an fsync per commit for power loss.
  db.exec(sync == SyncMode::PowerLoss ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  // 4 MiB of page cache. The engine holds every message in memory and reads the store only when
  // it opens, so the cache only serves the b-tree pages that inserts and deletes touch, mostly at
  // the two ends of the sequence order. (64 MiB cost 22 MiB more resident memory with 100,000
  // queued messages and gained nothing in bench/run engine-cycle.)
  db.exec("PRAGMA cache_size = -4096");
  db.exec("PRAGMA temp_store = MEMORY");
  // Checkpoint after ~4 MiB of WAL: the rewritten pages stay in the OS cache and the WAL file
  // restarts from its beginning instead of growing.
  db.exec("PRAGMA wal_autocheckpoint = 1000");
  db.exec("PRAGMA journal_size_limit = 67108864");
  if (fresh) create_schema(db);

  sqlite::Statement meta(h, "SELECT value FROM sluice_meta WHERE key = ?");
  meta.bind_text(1, "application");
  std::string marker = meta.step() ? meta.string(0) : "";
  meta.reset();
  if (marker != kSluiceMarker) {
    *error = files.database + " belongs to another application (it has no sluice marker)";
    return false;
  }
  meta.bind_text(1, "schema_version");
  int64_t version = meta.step() ? meta.int64(0) : 0;
  meta.reset();
  if (version > kSluiceSchemaVersion) {
    *error = newer_schema(files.database, version);
    return false;
  }
  if (version < 1) {
    *error = files.database + " is corrupt (its schema version is missing)";
    return false;
  }
  return true;
}

// Loads the key file and checks it against the database's key check value. *cipher stays null
// when neither exists yet (the key is created with the first encrypted message).
bool open_key(sqlite::Connection& db, const StoreFiles& files, std::unique_ptr<AtRestCipher>* cipher,
              bool* check_stored, std::string* error) {
  sqlite::Statement meta(db.get(), "SELECT value FROM sluice_meta WHERE key = 'key_check'");
  std::string stored_check;
  *check_stored = meta.step();
  if (*check_stored) {
    stored_check = meta.string(0);
    meta.reset();
  }
  bool missing = false;
  *cipher = AtRestCipher::read_key_file(files.key, &missing, error);
  if (!*cipher && !missing) return false;
  if (missing) {
    if (*check_stored) {
      *error =
          files.key + " is missing, but " + files.database + " holds messages encrypted with it (restore the key file)";
      return false;
    }
    return true;
  }
  if (*check_stored && (*cipher)->key_check() != stored_check) {
    *error = files.key + " is not the key " + files.database + " was encrypted with";
    return false;
  }
  return true;
}

}  // namespace

std::string describe_sqlite_failure(const std::string& file, const sqlite::Error& e) {
  switch (e.primary()) {
    case SQLITE_NOTADB:
      return file + " is not a sluice data file (" + e.what() + ")";
    case SQLITE_CORRUPT:
      return file + " is corrupt (" + e.what() + ")";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return file + " is in use by another process (" + e.what() + ")";
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return file + " cannot be opened for writing (" + e.what() + ")";
    default:
      return file + " cannot be used (" + e.what() + ")";
  }
}

std::unique_ptr<Store> open_sqlite_store(const std::string& data_dir, SyncMode sync, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  if (!make_directory(data_dir, error)) return nullptr;
  std::string prefix = data_dir.empty() || data_dir.back() == '/' ? data_dir : data_dir + "/";
  StoreFiles files{prefix + kDatabaseFileName, prefix + kKeyFileName};

  try {
    sqlite::Connection db = sqlite::Connection::open(
        files.database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE);
    sqlite3_busy_timeout(db.get(), 0);  // a file held by another process is reported, not waited for
    if (!check_and_prepare(db, files, sync, error)) return nullptr;
    std::unique_ptr<AtRestCipher> cipher;
    bool check_stored = false;
    if (!open_key(db, files, &cipher, &check_stored, error)) return nullptr;
    return start_sqlite_store(std::move(db), files, std::move(cipher), check_stored, error);
  } catch (const sqlite::Error& e) {
    *error = describe_sqlite_failure(files.database, e);
    return nullptr;
  } catch (const std::exception& e) {
    *error = files.database + " cannot be used (" + e.what() + ")";
    return nullptr;
  }
}

}  // namespace sluice::sqs::detail
