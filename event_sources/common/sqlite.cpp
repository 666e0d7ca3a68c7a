// See sluice/common/sqlite.h.

#include "sluice/common/sqlite.h"

#include <cerrno>
#include <utility>

namespace sluice::common::sqlite {

void throw_error(sqlite3* db, int rc) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int code = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  if ((code & 0xff) == SQLITE_OK) code = rc;  // errmsg may describe a later call; keep rc's class
  throw Error(code, message);
}

// SQLite reports a short write as SQLITE_FULL and a refused one as SQLITE_IOERR_WRITE; the errno
// behind the latter is not reliably kept (later calls of the failed transaction reset it), so a
// refused write counts as a full disk: the one cause of it that passes by itself, and the one
// whose answer (503, retried by clients) fits the others too.
bool is_disk_full(sqlite3* db, const Error& e) {
  if (e.primary() == SQLITE_FULL || e.code() == SQLITE_IOERR_WRITE) return true;
  if (e.primary() != SQLITE_IOERR) return false;
  int err = sqlite3_system_errno(db);
  return err == ENOSPC || err == EDQUOT || err == EFBIG;
}

Connection Connection::open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);  // owns the handle SQLite makes even when the open fails
  if (rc != SQLITE_OK) throw_error(raw, rc);
  return db;
}

Connection::~Connection() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Connection::exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_error(db_, rc);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_error(db, rc);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) throw_error(db_, rc);
  return *this;
}

Statement& Statement::bind(int index, std::string_view bytes) {
  // A null pointer would bind SQL NULL; a zero-length blob keeps NOT NULL columns happy.
  const char* data = bytes.data() != nullptr ? bytes.data() : "";
  int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) throw_error(db_, rc);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view text) {
  const char* data = text.data() != nullptr ? text.data() : "";
  int rc = sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) throw_error(db_, rc);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  sqlite3_reset(stmt_);
  if (rc != SQLITE_DONE) throw_error(db_, rc);
  return false;
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() { sqlite3_reset(stmt_); }

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::string(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

}  // namespace sluice::common::sqlite
