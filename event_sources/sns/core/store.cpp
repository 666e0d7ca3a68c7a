// SQLite (WAL) store of the SNS records: one table of (kind, key) → JSON text. Every change is
// its own transaction, committed before the call that made it answers; synchronous=NORMAL, so a
// commit survives a killed process (the SQS store makes the same trade).

#include <sqlite3.h>

#include "internal.h"

namespace sluice::sns::detail {

std::unique_ptr<Store> Store::open(const std::string& path, std::string* error) {
  std::unique_ptr<Store> store(new Store());
  if (sqlite3_open_v2(path.c_str(), &store->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    if (error != nullptr) *error = "cannot open " + path + ": " + sqlite3_errmsg(store->db_);
    return nullptr;
  }
  sqlite3_busy_timeout(store->db_, 5000);
  const char* setup =
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS sns_records(kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
      " PRIMARY KEY(kind, key));";
  char* msg = nullptr;
  if (sqlite3_exec(store->db_, setup, nullptr, nullptr, &msg) != SQLITE_OK) {
    if (error != nullptr) *error = path + " is not a usable SNS store: " + (msg != nullptr ? msg : "unknown error");
    sqlite3_free(msg);
    return nullptr;
  }
  return store;
}

Store::~Store() { sqlite3_close(db_); }

bool Store::put(std::string_view kind, std::string_view key, std::string_view value) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO sns_records(kind, key, value) VALUES(?, ?, ?)", -1, &st,
                         nullptr) != SQLITE_OK) {
    return false;
  }
  sqlite3_bind_text(st, 1, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  bool ok = sqlite3_step(st) == SQLITE_DONE;
  sqlite3_finalize(st);
  return ok;
}

bool Store::erase(std::string_view kind, std::string_view key) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "DELETE FROM sns_records WHERE kind = ? AND key = ?", -1, &st, nullptr) != SQLITE_OK) {
    return false;
  }
  sqlite3_bind_text(st, 1, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  bool ok = sqlite3_step(st) == SQLITE_DONE;
  sqlite3_finalize(st);
  return ok;
}

std::vector<std::pair<std::string, std::string>> Store::load(std::string_view kind) {
  std::vector<std::pair<std::string, std::string>> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT key, value FROM sns_records WHERE kind = ? ORDER BY key", -1, &st, nullptr) !=
      SQLITE_OK) {
    return out;
  }
  sqlite3_bind_text(st, 1, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto text = [&](int col) {
      const unsigned char* p = sqlite3_column_text(st, col);
      return std::string(p != nullptr ? reinterpret_cast<const char*>(p) : "",
                         static_cast<size_t>(sqlite3_column_bytes(st, col)));
    };
    out.emplace_back(text(0), text(1));
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace sluice::sns::detail
