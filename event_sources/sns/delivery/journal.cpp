// The delivery journal: SQLite in WAL mode, synchronous=NORMAL (a committed row survives a killed
// process, as the SNS and SQS stores do). A row is written before deliver() returns and removed
// when the delivery is finished; the attempt count is kept current so a restart resumes the
// schedule where it stood. Failed writes are held and retried ahead of the next (internal.h), as
// the SQS store's group commit retries a failed batch.

#include <atomic>
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
    {"create the deliveries table",
     "CREATE TABLE IF NOT EXISTS sns_deliveries(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
     " attempts INTEGER NOT NULL, delivery TEXT NOT NULL);"},
};

// The last id handed out by any Journal of the process (see internal.h).
std::atomic<int64_t> last_id{0};

void raise_last_id(int64_t stored) {
  int64_t current = last_id.load();
  while (current < stored && !last_id.compare_exchange_weak(current, stored)) {
  }
}

}  // namespace

std::unique_ptr<Journal> Journal::open(const std::string& path, std::string* error) {
  std::unique_ptr<common::sqlite::Connection> db;
  try {
    db = std::make_unique<common::sqlite::Connection>(
        common::sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX));
  } catch (const common::sqlite::Error& e) {
    if (error != nullptr) *error = "cannot open " + path + ": " + e.what();
    return nullptr;
  }
  sqlite3_busy_timeout(db->get(), 5000);
  try {
    db->exec(kSetup);
  } catch (const common::sqlite::Error& e) {
    if (error != nullptr) *error = path + " is not a usable delivery journal: " + e.what();
    return nullptr;
  }
  std::string upgrade_error = common::sqlite::upgrade_schema(*db, path, kSchemaSteps);
  if (!upgrade_error.empty()) {
    if (error != nullptr) *error = upgrade_error;
    return nullptr;
  }
  try {
    // Past every id the table ever handed out (AUTOINCREMENT keeps the largest in sqlite_sequence).
    common::sqlite::Statement largest(db->get(),
                                      "SELECT max(coalesce((SELECT max(id) FROM sns_deliveries), 0),"
                                      " coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'sns_deliveries'), 0))");
    if (largest.step()) {
      raise_last_id(largest.int64(0));
      largest.reset();
    }
  } catch (const common::sqlite::Error& e) {
    if (error != nullptr) *error = path + " is not a usable delivery journal: " + e.what();
    return nullptr;
  }
  return std::unique_ptr<Journal>(new Journal(std::move(*db), path));
}

void Journal::commit_held() {
  try {
    db_.exec("BEGIN IMMEDIATE");
    common::sqlite::Statement insert(db_.get(),
                                     "INSERT INTO sns_deliveries(id, kind, attempts, delivery) VALUES(?, ?, ?, ?)");
    common::sqlite::Statement update(db_.get(), "UPDATE sns_deliveries SET attempts = ? WHERE id = ?");
    common::sqlite::Statement erase(db_.get(), "DELETE FROM sns_deliveries WHERE id = ?");
    for (const Write& w : held_) {
      switch (w.what) {
        case Write::Kind::Insert:
          insert.bind(1, w.id).bind_text(2, w.kind).bind(3, int64_t{w.attempts}).bind_text(4, w.delivery).run();
          break;
        case Write::Kind::SetAttempts:
          update.bind(1, int64_t{w.attempts}).bind(2, w.id).run();
          break;
        case Write::Kind::Erase:
          erase.bind(1, w.id).run();
          break;
      }
    }
    db_.exec("COMMIT");
  } catch (const common::sqlite::Error&) {
    // COMMIT itself may fail and leave the transaction open; the retry must start from the
    // committed state.
    if (sqlite3_get_autocommit(db_.get()) == 0) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Journal::write(Write write) {
  const bool was_failing = !held_.empty();
  held_.push_back(std::move(write));
  try {
    commit_held();
  } catch (const common::sqlite::Error& e) {
    if (!was_failing)
      std::fprintf(stderr, "sluice: %s cannot be written (%s); deliveries are held in memory until it can\n",
                   path_.c_str(), e.what());
    return;
  }
  held_.clear();
  if (was_failing) std::fprintf(stderr, "sluice: %s is written again\n", path_.c_str());
}

int64_t Journal::insert(std::string_view kind, std::string_view delivery) {
  std::lock_guard lock(mu_);
  const int64_t id = ++last_id;
  write(Write{Write::Kind::Insert, id, 0, std::string(kind), std::string(delivery)});
  return id;
}

void Journal::set_attempts(int64_t id, int attempts) {
  std::lock_guard lock(mu_);
  write(Write{Write::Kind::SetAttempts, id, attempts, {}, {}});
}

void Journal::erase(int64_t id) {
  std::lock_guard lock(mu_);
  write(Write{Write::Kind::Erase, id, 0, {}, {}});
}

bool Journal::failing() {
  std::lock_guard lock(mu_);
  return !held_.empty();
}

std::vector<Journal::Row> Journal::load(std::string_view kind) {
  std::lock_guard lock(mu_);
  std::vector<Row> out;
  try {
    common::sqlite::Statement select(db_.get(),
                                     "SELECT id, attempts, delivery FROM sns_deliveries WHERE kind = ? ORDER BY id");
    select.bind_text(1, kind);
    while (select.step()) {
      out.push_back(Row{select.int64(0), static_cast<int>(select.int64(1)), select.string(2)});
    }
  } catch (const common::sqlite::Error&) {
    // A read that fails part way keeps the rows read so far.
  }
  return out;
}

}  // namespace sluice::sns::detail
