// SQLite (WAL) store of the SNS records: one table of (kind, key) → JSON text. Every change is
// its own transaction, committed before the call that made it answers; synchronous=NORMAL, so a
// commit survives a killed process (the SQS store makes the same trade).
//
// Statements are prepared per call, not kept: the signer's records are written under a lock of
// the service's other than the one topics and subscriptions are written under, so two calls may
// run at once; the connection (SQLITE_OPEN_FULLMUTEX) serialises them.

#include "internal.h"
#include "sluice/common/sqlite_schema.h"

namespace sluice::sns::detail {
namespace {

constexpr const char* kSetup =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;";

// The schema's history (sluice/common/sqlite_schema.h). Files written before versions were kept
// are at version 0 with the table already there, hence IF NOT EXISTS in the first step.
constexpr sqlite::SchemaStep kSchemaSteps[] = {
    {"create the records table",
     "CREATE TABLE IF NOT EXISTS sns_records(kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
     " PRIMARY KEY(kind, key));"},
};

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& path, std::string* error) {
  std::unique_ptr<Store> store;
  try {
    store.reset(
        new Store(sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX)));
  } catch (const sqlite::Error& e) {
    if (error != nullptr) *error = "cannot open " + path + ": " + e.what();
    return nullptr;
  }
  sqlite3_busy_timeout(store->db_.get(), 5000);
  try {
    store->db_.exec(kSetup);
  } catch (const sqlite::Error& e) {
    if (error != nullptr) *error = path + " is not a usable SNS store: " + e.what();
    return nullptr;
  }
  std::string upgrade_error = sqlite::upgrade_schema(store->db_, path, kSchemaSteps);
  if (!upgrade_error.empty()) {
    if (error != nullptr) *error = upgrade_error;
    return nullptr;
  }
  return store;
}

bool Store::put(std::string_view kind, std::string_view key, std::string_view value) {
  try {
    sqlite::Statement put(db_.get(), "INSERT OR REPLACE INTO sns_records(kind, key, value) VALUES(?, ?, ?)");
    put.bind_text(1, kind).bind_text(2, key).bind_text(3, value).run();
    return true;
  } catch (const sqlite::Error&) {
    return false;
  }
}

bool Store::erase(std::string_view kind, std::string_view key) {
  try {
    sqlite::Statement erase(db_.get(), "DELETE FROM sns_records WHERE kind = ? AND key = ?");
    erase.bind_text(1, kind).bind_text(2, key).run();
    return true;
  } catch (const sqlite::Error&) {
    return false;
  }
}

std::vector<std::pair<std::string, std::string>> Store::load(std::string_view kind) {
  std::vector<std::pair<std::string, std::string>> out;
  try {
    sqlite::Statement select(db_.get(), "SELECT key, value FROM sns_records WHERE kind = ? ORDER BY key");
    select.bind_text(1, kind);
    while (select.step()) out.emplace_back(select.string(0), select.string(1));
  } catch (const sqlite::Error&) {
    // A read that fails part way keeps the rows read so far, as the service has always loaded.
  }
  return out;
}

}  // namespace sluice::sns::detail
