// The delivery journal: SQLite in WAL mode, synchronous=NORMAL (a committed row survives a killed
// process, as the SNS and SQS stores do). A row is written before deliver() returns and removed
// when the delivery is finished; the attempt count is kept current so a restart resumes the
// schedule where it stood.

#include <sqlite3.h>

#include "internal.h"

namespace sluice::sns::detail {

namespace {
void bind(sqlite3_stmt* st, int index, std::string_view text) {
  sqlite3_bind_text(st, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
}  // namespace

std::unique_ptr<Journal> Journal::open(const std::string& path, std::string* error) {
  std::unique_ptr<Journal> j(new Journal());
  if (sqlite3_open_v2(path.c_str(), &j->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    if (error != nullptr) *error = "cannot open " + path + ": " + sqlite3_errmsg(j->db_);
    return nullptr;
  }
  sqlite3_busy_timeout(j->db_, 5000);
  const char* setup =
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS sns_deliveries(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
      " attempts INTEGER NOT NULL, delivery TEXT NOT NULL);";
  char* msg = nullptr;
  if (sqlite3_exec(j->db_, setup, nullptr, nullptr, &msg) != SQLITE_OK) {
    if (error != nullptr)
      *error = path + " is not a usable delivery journal: " + (msg != nullptr ? msg : "unknown error");
    sqlite3_free(msg);
    return nullptr;
  }
  return j;
}

Journal::~Journal() { sqlite3_close(db_); }

int64_t Journal::insert(std::string_view kind, std::string_view delivery) {
  std::lock_guard lock(mu_);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "INSERT INTO sns_deliveries(kind, attempts, delivery) VALUES(?, 0, ?)", -1, &st,
                         nullptr) != SQLITE_OK) {
    return -1;
  }
  bind(st, 1, kind);
  bind(st, 2, delivery);
  int64_t id = sqlite3_step(st) == SQLITE_DONE ? sqlite3_last_insert_rowid(db_) : -1;
  sqlite3_finalize(st);
  return id;
}

void Journal::set_attempts(int64_t id, int attempts) {
  std::lock_guard lock(mu_);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "UPDATE sns_deliveries SET attempts = ? WHERE id = ?", -1, &st, nullptr) != SQLITE_OK) {
    return;
  }
  sqlite3_bind_int(st, 1, attempts);
  sqlite3_bind_int64(st, 2, id);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

void Journal::erase(int64_t id) {
  std::lock_guard lock(mu_);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "DELETE FROM sns_deliveries WHERE id = ?", -1, &st, nullptr) != SQLITE_OK) return;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

std::vector<Journal::Row> Journal::load(std::string_view kind) {
  std::lock_guard lock(mu_);
  std::vector<Row> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT id, attempts, delivery FROM sns_deliveries WHERE kind = ? ORDER BY id", -1, &st,
                         nullptr) != SQLITE_OK) {
    return out;
  }
  bind(st, 1, kind);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* p = sqlite3_column_text(st, 2);
    out.push_back(Row{sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
                      std::string(p != nullptr ? reinterpret_cast<const char*>(p) : "",
                                  static_cast<size_t>(sqlite3_column_bytes(st, 2)))});
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace sluice::sns::detail
