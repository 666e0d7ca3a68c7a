#pragma once
// Small RAII wrappers over the SQLite C API, used by every SQLite file sluice keeps (the SQS store,
// the SNS store, the SNS delivery journal): a connection, and a prepared statement that is reset
// after every use. Failures throw sqlite::Error carrying SQLite's message and extended result
// code; each store turns them into its own answers at its boundary.
//
// Binding uses SQLITE_STATIC: the bound bytes must stay alive until the statement is reset, which
// holds because a statement is always stepped and reset before the bound values go out of scope.

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace sluice::common::sqlite {

class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }            // extended result code
  int primary() const { return code_ & 0xff; }  // SQLITE_CORRUPT, SQLITE_NOTADB, ...

 private:
  int code_;
};

// Throws the Error for a failed call that returned rc on db (db may be null).
[[noreturn]] void throw_error(sqlite3* db, int rc);

// Whether a failed call on `db` means the file system would not let a file grow: no space left, a
// quota, or the process's file size limit, a condition that passes when space returns. Ask before
// rolling back, which may overwrite the errno SQLite kept.
bool is_disk_full(sqlite3* db, const Error& e);

class Connection {
 public:
  // sqlite3_open_v2 with `flags`. Throws Error with SQLite's message; a handle SQLite made for a
  // failed open is closed.
  static Connection open(const std::string& path, int flags);

  Connection() = default;
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection();
  Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Connection& operator=(Connection&&) = delete;
  Connection(const Connection&) = delete;

  sqlite3* get() const { return db_; }
  void exec(const char* sql);  // throws
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);  // throws
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view bytes);  // as BLOB; empty binds a zero-length blob
  Statement& bind_text(int index, std::string_view text);

  // Steps once: true when a row is available. On SQLITE_DONE or error the statement is reset
  // (the error is thrown after the reset).
  bool step();
  // Steps a statement that returns no rows, then resets it.
  void run();
  void reset();

  int64_t int64(int column) const;
  std::string string(int column) const;  // TEXT or BLOB bytes; NULL reads as ""
  bool is_null(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace sluice::common::sqlite
