#pragma once
// Internal seam between opening the SQLite store (sqlite_open.cpp: directory, file checks,
// schema, key file) and running it (sqlite_store.cpp: statements, group commit, loading).

#include <memory>
#include <string>

#include "sluice/common/sqlite.h"
#include "store/at_rest_cipher.h"
#include "store/file_claim.h"
#include "store/store.h"
#include "store/wal_end.h"

namespace sluice::sqs::detail {

inline constexpr int32_t kSluiceApplicationId = 0x534c5153;  // "SLQS" in the file header
inline constexpr int32_t kSluiceSchemaVersion = 4;
inline constexpr const char* kSluiceMarker = "sluice-sqs-store";
inline constexpr const char* kDatabaseFileName = "sluice.db";
inline constexpr const char* kKeyFileName = "sluice.key";
inline constexpr int kCheckpointFrames = 1000;  // WAL frames (pages) that trigger a checkpoint
// WAL frames past which the checkpointer holds commits off for a moment so the log can restart
// (checkpointer.h): the log file stays under ~64 MiB, journal_size_limit. Each forced restart is a
// pause of the commits (a copy of the last checkpoint's frames and two syncs): at 2,000 frames
// bench/run engine-cycle's durable case took ~40 % more CPU per message and doubled its call p99;
// 8,000 and 16,000 measured alike, and 16,000 pauses half as often.
inline constexpr int kRestartFrames = 16 * kCheckpointFrames;
// The VFS under the store's connections: one process holds the file, its connections share it
// (sqlite_open.cpp). The connections open it through wal_batch_vfs.h, which writes each commit's
// log frames with one call.
inline constexpr const char* kStoreVfs = "unix-excl";

struct StoreFiles {
  std::string database;  // <data_dir>/sluice.db
  std::string key;       // <data_dir>/sluice.key
  std::string marker;    // <data_dir>/sluice.state (store_marker.h)
  std::string wal_end;   // <data_dir>/sluice.wal-end (wal_end.h)
};

// Opens a connection to the store's database file with the store's VFS, read-write (and created
// when `create`), without SQLite's per-connection mutex and without waiting on a busy file. Throws
// sqlite::Error.
common::sqlite::Connection open_store_connection(const std::string& path, bool create);
// The settings every connection of the store runs with: the sync mode, the page cache, temporary
// tables in memory, the WAL's size after a restart. Throws sqlite::Error. (bench/run
// commit-ceiling uses them too, so its figure is the store's.)
void apply_connection_settings(common::sqlite::Connection& db, SyncMode sync);

// What a running store holds of its file: the claim (file_claim.h), the writer's connection, the
// checkpointer's, and the writer's WAL hook (kept until the connections close).
struct StoreConnections {
  std::unique_ptr<FileClaim> claim;
  common::sqlite::Connection writer;
  common::sqlite::Connection checkpointer;
  std::unique_ptr<WalEndMark> wal_end;
};

// Prepares the statements and reads the catalog (the id marks and every queue). Null + *error when
// a queue cannot be read back (messages are read, and decrypted, when their queue first loads). `cipher` may be null:
// the key file is then created on the first encrypted insert. `key_check_stored` says whether the database already
// holds the key's check value (otherwise the first encrypted insert stores it). `session` is the one this open started
// (store_marker.h): a clean close marks it closed. `wal_end` is the connection's WAL hook, kept
// until the connection closes. The store starts its checkpointer on `connections.checkpointer`.
std::unique_ptr<Store> start_sqlite_store(StoreConnections connections, StoreFiles files,
                                          std::unique_ptr<AtRestCipher> cipher, bool key_check_stored, int64_t session,
                                          std::string* error);

// "<file> is corrupt (...)", "<file> is in use by another process", ... for a SQLite failure.
std::string describe_sqlite_failure(const std::string& file, const common::sqlite::Error& e);

}  // namespace sluice::sqs::detail
