// Opening the SQLite store: every way a data directory can be unusable becomes a sentence naming
// the file, and nothing is ever reset or overwritten to get past a problem.
//
// Order of checks: the directory; the file header (application_id — reading it is also what
// reports "file is not a database"); foreign or newer files; PRAGMA quick_check of what the start
// reads (the metadata and the queues: a check of the whole file would read every message and cost
// seconds per million; each queue's pages are checked by reading them when the queue first loads,
// and --recover checks the whole file); only then is anything written (WAL mode, the schema of a
// fresh file, the steps an older file is missing). The connections use SQLite's "unix-excl" VFS:
// its lock makes the process the file's only user (a second process opening the same directory is
// told the file is in use instead of corrupting the engine's view of it), WAL's index lives in
// process memory instead of a shared-memory file, and a second connection of the same process can
// still open it: the checkpointer's (checkpointer.h), which copies the log into the database while
// the writer goes on committing. A second store of the same process is refused by a FileClaim.

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <optional>
#include <string>

#include "sluice/common/sqlite_schema.h"
#include "store/file_claim.h"
#include "store/salvage.h"
#include "store/sqlite_store.h"
#include "store/store_marker.h"
#include "store/wal_batch_vfs.h"
#include "store/wal_end.h"

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
  common::sqlite::Statement s(db, sql);
  int64_t value = 0;
  if (s.step()) {
    value = s.int64(0);
    s.reset();
  }
  return value;
}

std::string query_string(sqlite3* db, const char* sql) {
  common::sqlite::Statement s(db, sql);
  std::string value;
  if (s.step()) {
    value = s.string(0);
    s.reset();
  }
  return value;
}

// A file size limit (ulimit -f) is one more way for a disk to be full: a write past it raises
// SIGXFSZ, whose default action ends the process. The store must see the failed write instead (and
// answer 503 until the limit is raised), so SIGXFSZ is ignored unless the program already chose
// what to do with it.
void ignore_sigxfsz() {
  struct sigaction current {};
  if (sigaction(SIGXFSZ, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, nullptr);
  }
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

// Version 2 clusters messages by queue (see sqlite_store.cpp): the same columns in the same order,
// keyed (queue_id, seq) without a rowid. The start no longer reads every message, so the seq mark
// must cover every stored seq by itself: files from before the mark existed get it here. A queue's
// counts are answered without reading its messages: message_counts keeps how many each queue
// stores, and messages_hidden indexes only the messages that were ever hidden (sent with a delay,
// or received), which is where the delayed and in-flight ones are.
constexpr const char* kClusterMessagesByQueue = R"sql(
INSERT OR REPLACE INTO sluice_meta(key, value)
  SELECT 'max_seq', max(coalesce((SELECT value FROM sluice_meta WHERE key = 'max_seq'), 0),
                        coalesce((SELECT max(seq) FROM messages), 0));
CREATE TABLE messages_by_queue(
  seq INTEGER NOT NULL,
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
  encrypted INTEGER NOT NULL,
  PRIMARY KEY(queue_id, seq)) WITHOUT ROWID;
INSERT INTO messages_by_queue SELECT * FROM messages ORDER BY queue_id, seq;
DROP TABLE messages;
ALTER TABLE messages_by_queue RENAME TO messages;
CREATE TABLE message_counts(queue_id INTEGER PRIMARY KEY, stored INTEGER NOT NULL);
INSERT INTO message_counts SELECT queue_id, count(*) FROM messages GROUP BY queue_id;
CREATE INDEX messages_hidden ON messages(queue_id, visible_at_ms, receive_count, sent_ms)
  WHERE visible_at_ms > sent_ms;
)sql";

// Version 3 seals SSE-KMS queues' messages with the data keys KMS generates for them: each data
// key's blob (never its plaintext) is a row of data_keys, and a message names the data key it is
// sealed with (0: the store's key file, or not encrypted).
constexpr const char* kDataKeys = R"sql(
ALTER TABLE messages ADD COLUMN data_key INTEGER NOT NULL DEFAULT 0;
CREATE TABLE data_keys(
  data_key_id INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  key_ref TEXT NOT NULL,
  key_arn TEXT NOT NULL,
  context_arn TEXT NOT NULL,
  ciphertext_blob BLOB NOT NULL,
  generated_ms INTEGER NOT NULL);
CREATE INDEX data_keys_by_queue ON data_keys(queue_id, data_key_id);
)sql";

// Version 4 indexes the messages sealed with a data key by that key, so that the sweep of data
// keys no stored message names any more (data_key_ciphers.h) looks each one up instead of reading
// its queue. Partial: only SSE-KMS messages are in it, so other queues pay nothing for it.
constexpr const char* kMessagesByDataKey = R"sql(
CREATE INDEX messages_by_data_key ON messages(data_key) WHERE data_key != 0;
)sql";

// The schema's history (sluice/common/sqlite_schema.h): step i takes a file from version i to
// i + 1. Append steps; never change one that has shipped.
constexpr common::sqlite::SchemaStep kSchemaSteps[] = {
    {"create the queue store", kSchema},
    {"cluster messages by queue", kClusterMessagesByQueue},
    {"seal SSE-KMS messages with KMS data keys", kDataKeys},
    {"index sealed messages by data key", kMessagesByDataKey},
};
static_assert(std::size(kSchemaSteps) == static_cast<size_t>(kSluiceSchemaVersion),
              "kSluiceSchemaVersion is the number of steps");

// Creates the schema of a fresh file, or runs the steps an older file is missing. False + *error
// when a step fails (the file is then as it was).
bool upgrade(common::sqlite::Connection& db, const StoreFiles& files, bool fresh, std::string* error) {
  if (fresh) db.exec(("PRAGMA application_id = " + std::to_string(kSluiceApplicationId)).c_str());
  *error = common::sqlite::upgrade_schema(db, files.database, kSchemaSteps);
  if (!error->empty()) return false;
  // A file of ours (application_id) whose schema committed but whose marker did not: the first
  // open was cut between the two commits (a crash, or a WAL cut short), so it holds nothing else.
  const bool marker_missing =
      !fresh && query_int(db.get(), "SELECT count(*) FROM sluice_meta WHERE key = 'application'") == 0;
  db.exec("BEGIN");
  if (fresh || marker_missing) {
    common::sqlite::Statement put(db.get(), "INSERT OR REPLACE INTO sluice_meta(key, value) VALUES(?, ?)");
    put.bind_text(1, "application").bind_text(2, kSluiceMarker).run();
    put.bind_text(1, "schema_version").bind(2, int64_t{kSluiceSchemaVersion}).run();
  } else {
    // Only ever raised: a higher stored version is a newer release's, refused by the caller.
    common::sqlite::Statement raise(db.get(),
                                    "UPDATE sluice_meta SET value = ?1 WHERE key = 'schema_version' AND value < ?1");
    raise.bind(1, int64_t{kSluiceSchemaVersion}).run();
  }
  db.exec("COMMIT");
  return true;
}

std::string newer_schema(const std::string& file, int64_t version) {
  return file + " was written by a newer version of sluice (schema version " + std::to_string(version) +
         ", this build reads up to " + std::to_string(kSluiceSchemaVersion) + ")";
}

// PRAGMA quick_check of the tables the start reads: "ok", or the first problem found. (A table
// the file does not have yet, in an older schema, is left to the upgrade.)
std::string check_start_reads(sqlite3* db) {
  for (const char* table : {"sluice_meta", "queues"}) {
    common::sqlite::Statement exists(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    exists.bind_text(1, table);
    const bool present = exists.step() && exists.int64(0) > 0;
    exists.reset();
    if (!present) continue;
    std::string check = query_string(db, (std::string("PRAGMA quick_check(") + table + ")").c_str());
    if (check != "ok") return check;
  }
  return "ok";
}

// False + *error when the file must not be used (*damaged when SQLite finds it corrupt); true once
// it is checked, in WAL mode and has the schema. Throws sqlite::Error.
bool check_and_prepare(common::sqlite::Connection& db, const StoreFiles& files, SyncMode sync, bool check_everything,
                       bool* damaged, std::string* error) {
  sqlite3* h = db.get();
  int64_t application_id = query_int(h, "PRAGMA application_id");
  int64_t tables = query_int(h, "SELECT count(*) FROM sqlite_master");
  // Ours without tables: a first open that stopped before its schema was committed.
  bool fresh = tables == 0 && (application_id == 0 || application_id == kSluiceApplicationId);
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
    std::string check = check_everything ? query_string(h, "PRAGMA quick_check(1)") : check_start_reads(h);
    if (check != "ok") {
      std::replace(check.begin(), check.end(), '\n', ' ');  // one-line error for logs
      *error = files.database + " is corrupt (integrity check: " + check + ")";
      *damaged = true;
      return false;
    }
  }
  std::string mode = query_string(h, "PRAGMA journal_mode = WAL");
  if (mode != "wal") {
    *error = files.database + " cannot be switched to write-ahead logging (journal mode " + mode + ")";
    return false;
  }
  apply_connection_settings(db, sync);
  // Checkpoint after ~4 MiB of WAL: the rewritten pages stay in the OS cache and the WAL file
  // restarts from its beginning instead of growing. (Until the WAL's end mark takes the WAL hook
  // over, with the same count: see open_checked; and once the store runs, its checkpointer.)
  db.exec(("PRAGMA wal_autocheckpoint = " + std::to_string(kCheckpointFrames)).c_str());
  if (!upgrade(db, files, fresh, error)) return false;

  common::sqlite::Statement meta(h, "SELECT value FROM sluice_meta WHERE key = ?");
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
bool open_key(common::sqlite::Connection& db, const StoreFiles& files, std::unique_ptr<AtRestCipher>* cipher,
              bool* check_stored, std::string* error) {
  common::sqlite::Statement meta(db.get(), "SELECT value FROM sluice_meta WHERE key = 'key_check'");
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

// Renames a damaged or orphaned file out of the way, never over another: "<path>.damaged", or
// "<path>.damaged.N" when that exists. Returns the new name ("" when there was no file).
std::string set_aside(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "";
  std::string target = path + ".damaged";
  for (int n = 1; std::filesystem::exists(target, ec); ++n) target = path + ".damaged." + std::to_string(n);
  std::filesystem::rename(path, target, ec);
  return ec ? "" : target;
}

using Report = std::function<void(const std::string&)>;

// Checks the files SQLite cannot vouch for against the store marker (store_marker.h) before SQLite
// opens them: a database file that is missing or empty although the marker shows a store lived
// here, and a WAL missing after a session that never closed. False + *error when one is lost,
// unless `recover`: then the problem is reported and the open goes on. *marker is what the session
// check after opening should compare against (nullopt when there is nothing left to compare).
bool check_files_against_marker(const StoreFiles& files, bool recover, const Report& report,
                                std::optional<StoreMarker>* marker, std::string* error) {
  std::string marker_error;
  *marker = read_store_marker(files.marker, &marker_error);
  if (!marker_error.empty()) {
    if (!recover) {
      *error = marker_error + " (start with --recover to open the store without it)";
      return false;
    }
    report(marker_error + "; it is written anew");
    return true;
  }
  if (!*marker) return true;  // a new directory, or one from before the marker existed
  std::error_code ec;
  const bool database_exists = std::filesystem::exists(files.database, ec);
  const uintmax_t database_size = database_exists ? std::filesystem::file_size(files.database, ec) : 0;
  const std::string wal = files.database + "-wal";
  const bool wal_exists = std::filesystem::exists(wal, ec);
  if (database_size == 0) {
    std::string lost = files.database + (database_exists ? " is empty" : " is missing") + ", but " + files.marker +
                       " shows that this directory held a sluice store: its queues and messages are gone";
    if (!recover) {
      *error = lost + " (restore the file, or start with --recover to begin again with an empty store)";
      return false;
    }
    std::string aside = set_aside(wal);  // a WAL cannot be applied to another database
    report(lost + "; the store starts empty" + (aside.empty() ? "" : " (the orphaned WAL is kept as " + aside + ")"));
    marker->reset();
    return true;
  }
  if ((*marker)->open && !wal_exists) {
    std::string lost =
        wal + " is missing, and the last run did not close the store: the changes it had not yet copied into " +
        files.database + " were in that file";
    if (!recover) {
      *error = lost + " (restore it, or start with --recover to go on with what " + files.database + " holds)";
      return false;
    }
    report(lost + " and are lost; going on with what " + files.database + " holds");
    marker->reset();  // the session check would say the same again
    return true;
  }
  if ((*marker)->open) {
    if (auto cut = find_truncated_wal(wal, files.wal_end)) {
      std::string lost = *cut +
                         ", and the last run did not close the store: the changes in its missing end were not "
                         "yet copied into " +
                         files.database;
      if (!recover) {
        *error = lost + " (restore it, or start with --recover to go on with what " + files.database +
                 " and the rest of the log hold)";
        return false;
      }
      report(lost + " and are lost; going on with what " + files.database + " and the rest of the log hold");
      marker->reset();  // the session check may say the same again
    }
  }
  return true;
}

int64_t stored_session(common::sqlite::Connection& db) {
  common::sqlite::Statement s(db.get(), "SELECT value FROM sluice_meta WHERE key = 'session'");
  int64_t session = 0;
  if (s.step()) {
    session = s.int64(0);
    s.reset();
  }
  return session;
}

// Opens and checks the database, starts a new session (in the database, then in the marker) and
// starts the store. *damaged when the failure is a database SQLite cannot read. With
// `salvage_from` (a damaged database kept aside) the new, empty database first receives what can
// still be read of it.
std::unique_ptr<Store> open_checked(const StoreFiles& files, SyncMode sync, const std::optional<StoreMarker>& marker,
                                    bool recover, const Report& report, const std::string& salvage_from, bool* damaged,
                                    std::string* error) {
  // Declared before the connection: its WAL hook may run until the connection closes.
  auto wal_end = std::make_unique<WalEndMark>(files.database + "-wal", files.wal_end, kCheckpointFrames);
  try {
    common::sqlite::Connection db = open_store_connection(files.database, true);
    // Refused like a file another process holds (whose lock the first read below would meet).
    auto claim = FileClaim::take(files.database);
    if (!claim) throw common::sqlite::Error(SQLITE_BUSY, "database is locked");
    if (!check_and_prepare(db, files, sync, recover, damaged, error)) return nullptr;
    wal_end->attach(db.get());  // before the session's commit, which then marks the log's end
    if (!salvage_from.empty()) report(describe_salvage(salvage_rows(db, salvage_from), salvage_from));
    std::unique_ptr<AtRestCipher> cipher;
    bool check_stored = false;
    if (!open_key(db, files, &cipher, &check_stored, error)) return nullptr;
    const int64_t database_session = stored_session(db);
    if (marker && database_session < marker->session) {
      std::string older =
          files.database + " is older than the store last used here (it was written by session " +
          std::to_string(database_session) + ", " + files.marker + " names session " + std::to_string(marker->session) +
          "): it was restored from a copy or lost its write-ahead log, and the changes since are missing";
      if (!recover) {
        *error = older + " (start with --recover to go on with what it holds)";
        return nullptr;
      }
      report(older + "; going on with what it holds");
    }
    // The session is committed (which also creates the WAL) before the marker says "open", so a
    // marker never names a session the database has not seen.
    const int64_t session = std::max(database_session, marker ? marker->session : 0) + 1;
    {
      db.exec("BEGIN");
      common::sqlite::Statement put(db.get(), "INSERT OR REPLACE INTO sluice_meta(key, value) VALUES('session', ?)");
      put.bind(1, session).run();
      db.exec("COMMIT");
    }
    if (!write_store_marker(files.marker, StoreMarker{session, true}, error)) return nullptr;
    common::sqlite::Connection checkpoint_db = open_store_connection(files.database, false);
    apply_connection_settings(checkpoint_db, sync);  // its sync mode is what checkpoints sync
    StoreConnections connections{std::move(claim), std::move(db), std::move(checkpoint_db), std::move(wal_end)};
    return start_sqlite_store(std::move(connections), files, std::move(cipher), check_stored, session, error);
  } catch (const common::sqlite::Error& e) {
    *damaged = e.primary() == SQLITE_NOTADB || e.primary() == SQLITE_CORRUPT;
    *error = describe_sqlite_failure(files.database, e);
    return nullptr;
  } catch (const std::exception& e) {
    *error = files.database + " cannot be used (" + e.what() + ")";
    return nullptr;
  }
}

}  // namespace

common::sqlite::Connection open_store_connection(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  const int flags =
      SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  // The store's VFS is unix-excl with each commit's log writes gathered into one (wal_batch_vfs.h).
  const char* vfs = wal_batch_vfs_name();
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, vfs != nullptr ? vfs : kStoreVfs);
  common::sqlite::Connection db(raw);  // owns the handle SQLite makes even when the open fails
  if (rc != SQLITE_OK) common::sqlite::throw_error(raw, rc);
  sqlite3_busy_timeout(raw, 0);  // a file held by another process is reported, not waited for
  return db;
}

void apply_connection_settings(common::sqlite::Connection& db, SyncMode sync) {
  // NORMAL in WAL mode: a commit is a write() to the WAL, which survives the process being killed;
  // FULL adds an fsync per commit for power loss.
  db.exec(sync == SyncMode::PowerLoss ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  // 4 MiB of page cache. The engine holds every loaded message in memory and reads a queue's rows
  // once, when the queue first loads, so the cache only serves the b-tree pages that inserts and
  // deletes touch, mostly at the two ends of each queue's range. (64 MiB cost 22 MiB more resident
  // memory with 100,000 queued messages and gained nothing in bench/run engine-cycle.)
  db.exec("PRAGMA cache_size = -4096");
  db.exec("PRAGMA temp_store = MEMORY");
  db.exec("PRAGMA journal_size_limit = 67108864");
}

std::string describe_sqlite_failure(const std::string& file, const common::sqlite::Error& e) {
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
  StoreOpenOptions options;
  options.sync = sync;
  return open_sqlite_store(data_dir, options, error);
}

std::unique_ptr<Store> open_sqlite_store(const std::string& data_dir, const StoreOpenOptions& options,
                                         std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  ignore_sigxfsz();
  if (!make_directory(data_dir, error)) return nullptr;
  std::string prefix = data_dir.empty() || data_dir.back() == '/' ? data_dir : data_dir + "/";
  StoreFiles files{prefix + kDatabaseFileName, prefix + kKeyFileName, prefix + kMarkerFileName,
                   prefix + kWalEndFileName};
  auto report = [&](const std::string& sentence) {
    if (options.report) options.report(sentence);
  };

  std::optional<StoreMarker> marker;
  if (!check_files_against_marker(files, options.recover, report, &marker, error)) return nullptr;
  bool damaged = false;
  auto store = open_checked(files, options.sync, marker, options.recover, report, "", &damaged, error);
  if (store || !damaged || !options.recover) return store;
  // --recover and a database file SQLite cannot read: keep it aside, start a new one and copy into
  // it what can still be read. (Its WAL, if any, belongs to the damaged file and stays with it.)
  std::string aside = set_aside(files.database);
  std::string wal_aside = set_aside(files.database + "-wal");
  std::error_code ec;
  if (!wal_aside.empty()) std::filesystem::rename(wal_aside, aside + "-wal", ec);
  report(*error + "; it is kept as " + aside + " and a new store is started with what can be read of it");
  damaged = false;
  return open_checked(files, options.sync, std::nullopt, false, report, aside, &damaged, error);
}

}  // namespace sluice::sqs::detail
