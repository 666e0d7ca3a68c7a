// The delivery journal: SQLite in WAL mode, synchronous=NORMAL (a committed row survives a killed
// process, as the SNS and SQS stores do). A row is written before deliver() returns and removed
// when the delivery is finished; the attempt count is kept current so a restart resumes the
// schedule where it stood.

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
    {"create the deliveries table",
     "CREATE TABLE IF NOT EXISTS sns_deliveries(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
     " attempts INTEGER NOT NULL, delivery TEXT NOT NULL);"},
};

}  // namespace

std::unique_ptr<Journal> Journal::open(const std::string& path, std::string* error) {
  std::unique_ptr<Journal> j;
  try {
    j.reset(new Journal(
        sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX)));
  } catch (const sqlite::Error& e) {
    if (error != nullptr) *error = "cannot open " + path + ": " + e.what();
    return nullptr;
  }
  sqlite3_busy_timeout(j->db_.get(), 5000);
  try {
    j->db_.exec(kSetup);
  } catch (const sqlite::Error& e) {
    if (error != nullptr) *error = path + " is not a usable delivery journal: " + e.what();
    return nullptr;
  }
  std::string upgrade_error = sqlite::upgrade_schema(j->db_, path, kSchemaSteps);
  if (!upgrade_error.empty()) {
    if (error != nullptr) *error = upgrade_error;
    return nullptr;
  }
  return j;
}

int64_t Journal::insert(std::string_view kind, std::string_view delivery) {
  std::lock_guard lock(mu_);
  try {
    sqlite::Statement insert(db_.get(), "INSERT INTO sns_deliveries(kind, attempts, delivery) VALUES(?, 0, ?)");
    insert.bind_text(1, kind).bind_text(2, delivery).run();
    return db_.last_insert_rowid();
  } catch (const sqlite::Error&) {
    return -1;
  }
}

void Journal::set_attempts(int64_t id, int attempts) {
  std::lock_guard lock(mu_);
  try {
    sqlite::Statement update(db_.get(), "UPDATE sns_deliveries SET attempts = ? WHERE id = ?");
    update.bind(1, int64_t{attempts}).bind(2, id).run();
  } catch (const sqlite::Error&) {
    // The row keeps its older count: a restart then retries a little early, never loses it.
  }
}

void Journal::erase(int64_t id) {
  std::lock_guard lock(mu_);
  try {
    sqlite::Statement erase(db_.get(), "DELETE FROM sns_deliveries WHERE id = ?");
    erase.bind(1, id).run();
  } catch (const sqlite::Error&) {
    // The row stays and is delivered again after a restart: at least once, as SNS promises.
  }
}

std::vector<Journal::Row> Journal::load(std::string_view kind) {
  std::lock_guard lock(mu_);
  std::vector<Row> out;
  try {
    sqlite::Statement select(db_.get(), "SELECT id, attempts, delivery FROM sns_deliveries WHERE kind = ? ORDER BY id");
    select.bind_text(1, kind);
    while (select.step()) {
      out.push_back(Row{select.int64(0), static_cast<int>(select.int64(1)), select.string(2)});
    }
  } catch (const sqlite::Error&) {
    // A read that fails part way keeps the rows read so far.
  }
  return out;
}

}  // namespace sluice::sns::detail
