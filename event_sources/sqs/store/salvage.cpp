// See salvage.h.

#include "store/salvage.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace sluice::sqs::detail {
namespace {

constexpr int64_t kFarMargin = int64_t{1} << 32;  // past every id a lost high-water mark may have covered
constexpr int kMaxJumps = 80;                     // doubling jumps cover the whole key space in 63

// Errors that come from reading the damaged file. Anything else (the new store cannot be written)
// is not the damaged file's fault and is thrown on.
bool unreadable(const common::sqlite::Error& e) {
  return e.primary() == SQLITE_CORRUPT || e.primary() == SQLITE_NOTADB || e.code() == SQLITE_IOERR_SHORT_READ ||
         e.primary() == SQLITE_ERROR;  // "no such table" when the schema page itself is damaged
}

// Copies single rows from the damaged file to the new one, value by value. (An INSERT ... SELECT
// across the two files would be shorter, but once it has met a damaged page every later one fails
// too, while plain reads go on.) Uses the C API directly: the values of a read row are bound to the
// insert as they are, whatever their type.
class RowCopier {
 public:
  // `scope`: "" or a condition on ?2 ("queue_id = ?2") that every copied row meets.
  RowCopier(sqlite3* db, const std::string& table, const std::string& key, const std::string& scope) : db_(db) {
    prepare("SELECT * FROM damaged." + table + " WHERE " + (scope.empty() ? "" : scope + " AND ") + key + " = ?1",
            &read_);
    // By column name: a damaged file of an older schema lacks the columns added since, which
    // then take their defaults.
    const int columns = sqlite3_column_count(read_);
    std::string names;
    std::string values;
    for (int i = 0; i < columns; ++i) {
      names += std::string(i == 0 ? "" : ",") + "\"" + sqlite3_column_name(read_, i) + "\"";
      values += i == 0 ? "?" : ",?";
    }
    prepare("INSERT OR IGNORE INTO main." + table + "(" + names + ") VALUES(" + values + ")", &write_);
  }
  ~RowCopier() {
    sqlite3_finalize(read_);
    sqlite3_finalize(write_);
  }
  RowCopier(const RowCopier&) = delete;
  RowCopier& operator=(const RowCopier&) = delete;

  // False when the row cannot be read (or is gone); throws when the new file cannot be written.
  bool copy(int64_t key_value, int64_t scope_value) {
    sqlite3_bind_int64(read_, 1, key_value);
    if (sqlite3_bind_parameter_count(read_) > 1) sqlite3_bind_int64(read_, 2, scope_value);
    const int rc = sqlite3_step(read_);
    bool copied = false;
    if (rc == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(read_); ++i)
        sqlite3_bind_value(write_, i + 1, sqlite3_column_value(read_, i));
      const int written = sqlite3_step(write_);
      sqlite3_reset(write_);
      sqlite3_clear_bindings(write_);
      if (written != SQLITE_DONE) {
        sqlite3_reset(read_);
        common::sqlite::throw_error(db_, written);
      }
      copied = true;
    }
    sqlite3_reset(read_);
    return copied;
  }

 private:
  void prepare(const std::string& sql, sqlite3_stmt** stmt) {
    const int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), stmt, nullptr);
    if (rc != SQLITE_OK) common::sqlite::throw_error(db_, rc);
  }

  sqlite3* db_;
  sqlite3_stmt* read_ = nullptr;
  sqlite3_stmt* write_ = nullptr;
};

// Copies the rows of `table` (integer key `key`, within `scope` as RowCopier) one by one, in key
// order. Returns the number copied; *max_key is the largest copied key; *lost counts unreadable
// rows and stretches.
int64_t copy_by_key(common::sqlite::Connection& db, const std::string& table, const std::string& key, int64_t* max_key,
                    int64_t* lost, const std::string& scope = "", int64_t scope_value = 0) {
  common::sqlite::Statement next(db.get(), "SELECT " + key + " FROM damaged." + table + " WHERE " +
                                               (scope.empty() ? "" : scope + " AND ") + key + " >= ?1 ORDER BY " + key +
                                               " LIMIT 1");
  RowCopier copier(db.get(), table, key, scope);
  int64_t from = 0;  // sluice's ids start at 1
  int64_t step = 1;
  int jumps = 0;
  int64_t copied = 0;
  for (;;) {
    int64_t found = 0;
    try {
      next.bind(1, from);
      if (!scope.empty()) next.bind(2, scope_value);
      if (!next.step()) break;
      found = next.int64(0);
      next.reset();
    } catch (const common::sqlite::Error& e) {
      if (!unreadable(e)) throw;
      // The walk cannot pass this point: jump ahead, further each time, until it reads again.
      if (jumps == 0) ++*lost;
      if (++jumps > kMaxJumps || from > std::numeric_limits<int64_t>::max() - step) break;
      from += step;
      step = step > std::numeric_limits<int64_t>::max() / 2 ? std::numeric_limits<int64_t>::max() : step * 2;
      continue;
    }
    jumps = 0;
    step = 1;
    if (copier.copy(found, scope_value)) {
      ++copied;
      *max_key = std::max(*max_key, found);
    } else {
      ++*lost;
    }
    if (found == std::numeric_limits<int64_t>::max()) break;
    from = found + 1;
  }
  return copied;
}

std::optional<std::string> read_meta(common::sqlite::Connection& db, const char* key) {
  try {
    common::sqlite::Statement s(db.get(), "SELECT value FROM damaged.sluice_meta WHERE key = ?");
    s.bind_text(1, key);
    if (!s.step()) return std::nullopt;
    std::string value = s.string(0);
    s.reset();
    return value;
  } catch (const common::sqlite::Error& e) {
    if (!unreadable(e)) throw;
    return std::nullopt;
  }
}

std::optional<int64_t> read_meta_int(common::sqlite::Connection& db, const char* key) {
  try {
    common::sqlite::Statement s(db.get(), "SELECT value FROM damaged.sluice_meta WHERE key = ?");
    s.bind_text(1, key);
    if (!s.step()) return std::nullopt;
    int64_t value = s.int64(0);
    s.reset();
    return value;
  } catch (const common::sqlite::Error& e) {
    if (!unreadable(e)) throw;
    return std::nullopt;
  }
}

// Ids must never be reused: the stored mark when it can be read, else far past every copied id.
void put_mark(common::sqlite::Connection& db, const char* key, std::optional<int64_t> stored, int64_t max_copied) {
  int64_t mark = stored ? std::max(*stored, max_copied) : max_copied + kFarMargin;
  common::sqlite::Statement put(db.get(), "INSERT OR REPLACE INTO main.sluice_meta(key, value) VALUES(?, ?)");
  put.bind_text(1, key).bind(2, mark).run();
}

}  // namespace

SalvageResult salvage_rows(common::sqlite::Connection& db, const std::string& damaged_file) {
  SalvageResult result;
  try {
    common::sqlite::Statement attach(db.get(), "ATTACH DATABASE ? AS damaged");
    attach.bind_text(1, damaged_file).run();
  } catch (const common::sqlite::Error& e) {
    if (!unreadable(e)) throw;
    return result;  // SQLite does not take it for a database at all
  }
  try {
    common::sqlite::Statement probe(db.get(), "SELECT count(*) FROM damaged.sqlite_master");
    probe.step();
    probe.reset();
    result.readable_at_all = true;
  } catch (const common::sqlite::Error& e) {
    if (!unreadable(e)) throw;
  }
  if (result.readable_at_all) {
    // No transaction around the copy: a read that meets a damaged page inside one ends it.
    int64_t max_queue_id = 0;
    int64_t max_seq = 0;
    result.queues = copy_by_key(db, "queues", "queue_id", &max_queue_id, &result.unreadable);
    // Messages queue by queue: the table is keyed (queue_id, seq) since schema version 2, so each
    // walk is one range of it (and in older files a walk along seq). Messages of a queue whose
    // row was lost could not be served, so they are not looked for.
    std::vector<int64_t> queue_ids;
    {
      common::sqlite::Statement ids(db.get(), "SELECT queue_id FROM main.queues ORDER BY queue_id");
      while (ids.step()) queue_ids.push_back(ids.int64(0));
    }
    for (int64_t queue_id : queue_ids)
      result.messages += copy_by_key(db, "messages", "seq", &max_seq, &result.unreadable, "queue_id = ?2", queue_id);
    // Messages whose queue was lost cannot be served (the engine skips them); drop and count them.
    {
      common::sqlite::Statement orphans(
          db.get(), "DELETE FROM main.messages WHERE queue_id NOT IN (SELECT queue_id FROM main.queues)");
      orphans.run();
      const int64_t dropped = sqlite3_changes(db.get());
      result.messages -= dropped;
      result.unreadable += dropped;
    }
    // The counts the store keeps per queue (sqlite_store.cpp), for what was salvaged.
    db.exec(
        "INSERT OR REPLACE INTO main.message_counts(queue_id, stored) "
        "SELECT queue_id, count(*) FROM main.messages GROUP BY queue_id");
    try {
      db.exec("INSERT OR IGNORE INTO main.dedup SELECT * FROM damaged.dedup");  // one statement: all or nothing
      result.dedup_copied = true;
    } catch (const common::sqlite::Error& e) {
      if (!unreadable(e)) throw;
    }
    // The data keys SSE-KMS messages are sealed with (a file from before them has none).
    int64_t max_data_key_id = 0;
    try {
      common::sqlite::Statement present(
          db.get(), "SELECT count(*) FROM damaged.sqlite_master WHERE type = 'table' AND name = 'data_keys'");
      const bool has_data_keys = present.step() && present.int64(0) > 0;
      present.reset();
      if (has_data_keys) copy_by_key(db, "data_keys", "data_key_id", &max_data_key_id, &result.unreadable);
    } catch (const common::sqlite::Error& e) {
      if (!unreadable(e)) throw;
    }
    if (max_data_key_id > 0) put_mark(db, "max_data_key_id", read_meta_int(db, "max_data_key_id"), max_data_key_id);
    put_mark(db, "max_queue_id", read_meta_int(db, "max_queue_id"), max_queue_id);
    put_mark(db, "max_seq", read_meta_int(db, "max_seq"), max_seq);
    if (auto key_check = read_meta(db, "key_check")) {
      common::sqlite::Statement put(db.get(),
                                    "INSERT OR REPLACE INTO main.sluice_meta(key, value) VALUES('key_check', ?)");
      put.bind(1, *key_check).run();
    }
  }
  db.exec("DETACH DATABASE damaged");
  return result;
}

std::string describe_salvage(const SalvageResult& result, const std::string& damaged_file) {
  if (!result.readable_at_all)
    return "nothing of " + damaged_file + " can be read: every queue and message it held is lost";
  std::string out = "salvaged " + std::to_string(result.queues) + " queue(s) and " + std::to_string(result.messages) +
                    " message(s) from " + damaged_file;
  if (result.unreadable > 0) {
    out += "; " + std::to_string(result.unreadable) + " unreadable row(s) or stretch(es) of rows are lost";
  } else {
    out += "; every row could be read";
  }
  if (!result.dedup_copied)
    out += "; FIFO deduplication entries are lost (a resent FIFO message may be accepted twice)";
  return out;
}

}  // namespace sluice::sqs::detail
