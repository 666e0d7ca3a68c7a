// SQLite (WAL) store of the SNS records: one table of (kind, key) → JSON text. Every change of a
// call is one transaction, committed before the call changes memory and answers; synchronous=
// NORMAL, so a commit survives a killed process (the SQS store makes the same trade).
//
// A failed commit (a full disk, most often) is rolled back and reported to the caller, which then
// leaves memory as it was and answers the AWS error: nothing is half-applied, and the next write
// starts again from the committed state, so the service recovers by itself once space returns.
// (The SQS store holds memory's changes and retries them; here the change is refused instead,
// since it has not been made anywhere yet.)
//
// Statements are prepared per call, not kept: the signer's records are written under a lock of
// the service's other than the one topics and subscriptions are written under, so two calls may
// run at once; write_mu_ keeps each transaction whole and the connection (SQLITE_OPEN_FULLMUTEX)
// serialises the reads.

#include <cstdio>

#include "internal.h"
#include "sluice/common/sqlite_schema.h"

namespace sluice::sns::detail {
namespace {

constexpr const char* kSetup =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;";

// The schema's history (sluice/common/sqlite_schema.h). Files written before versions were kept
// are at version 0 with the table already there, hence IF NOT EXISTS in the first step.
constexpr common::sqlite::SchemaStep kSchemaSteps[] = {
    {"create the records table",
     "CREATE TABLE IF NOT EXISTS sns_records(kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
     " PRIMARY KEY(kind, key));"},
};

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& path, std::string* error) {
  std::unique_ptr<Store> store;
  try {
    store.reset(new Store(
        common::sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX),
        path));
  } catch (const common::sqlite::Error& e) {
    if (error != nullptr) *error = "cannot open " + path + ": " + e.what();
    return nullptr;
  }
  sqlite3_busy_timeout(store->db_.get(), 5000);
  try {
    store->db_.exec(kSetup);
  } catch (const common::sqlite::Error& e) {
    if (error != nullptr) *error = path + " is not a usable SNS store: " + e.what();
    return nullptr;
  }
  std::string upgrade_error = common::sqlite::upgrade_schema(store->db_, path, kSchemaSteps);
  if (!upgrade_error.empty()) {
    if (error != nullptr) *error = upgrade_error;
    return nullptr;
  }
  return store;
}

std::optional<Store::Failure> Store::run_transaction(const std::vector<RecordWrite>& writes) {
  try {
    db_.exec("BEGIN IMMEDIATE");
    common::sqlite::Statement put(db_.get(), "INSERT OR REPLACE INTO sns_records(kind, key, value) VALUES(?, ?, ?)");
    common::sqlite::Statement erase(db_.get(), "DELETE FROM sns_records WHERE kind = ? AND key = ?");
    for (const RecordWrite& w : writes) {
      if (w.value) {
        put.bind_text(1, w.kind).bind_text(2, w.key).bind_text(3, *w.value).run();
      } else {
        erase.bind_text(1, w.kind).bind_text(2, w.key).run();
      }
    }
    db_.exec("COMMIT");
    return std::nullopt;
  } catch (const common::sqlite::Error& e) {
    // Classified before the rollback, which may overwrite the errno SQLite kept. COMMIT itself may
    // fail and leave the transaction open: rolled back, so the next write starts from the
    // committed state instead of inside a transaction that can never commit.
    Failure failure{e.what(), common::sqlite::is_disk_full(db_.get(), e)};
    if (sqlite3_get_autocommit(db_.get()) == 0) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    return failure;
  }
}

common::Status Store::write(const std::vector<RecordWrite>& writes) {
  if (writes.empty()) return common::ok_status();
  common::MutexLock lock(write_mu_);
  if (auto failure = run_transaction(writes)) {
    if (!failing_) {
      std::fprintf(stderr, "sluice: %s cannot be written (%s); SNS changes are refused until a write succeeds\n",
                   path_.c_str(), failure->reason.c_str());
      failing_ = true;
    }
    if (failure->disk_full)
      return common::aws_error(common::AwsErrorCode::ServiceUnavailable,
                               "The request has failed due to a temporary failure of the server.");
    return common::aws_error(common::AwsErrorCode::InternalError, "Indicates an internal service error.");
  }
  if (failing_) {
    std::fprintf(stderr, "sluice: %s is written again\n", path_.c_str());
    failing_ = false;
  }
  return common::ok_status();
}

std::vector<std::pair<std::string, std::string>> Store::load(std::string_view kind) {
  std::vector<std::pair<std::string, std::string>> out;
  try {
    common::sqlite::Statement select(db_.get(), "SELECT key, value FROM sns_records WHERE kind = ? ORDER BY key");
    select.bind_text(1, kind);
    while (select.step()) out.emplace_back(select.string(0), select.string(1));
  } catch (const common::sqlite::Error&) {
    // A read that fails part way keeps the rows read so far, as the service has always loaded.
  }
  return out;
}

}  // namespace sluice::sns::detail
