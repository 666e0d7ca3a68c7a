// Function records in SQLite (one row of stored JSON per function, synchronous commits) or in
// memory (nothing to keep: the map in the ControlPlane is the state).

#include "function_store.h"

#include <filesystem>

#include "async_invocations.h"
#include "function_codec.h"
#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"

namespace sluice::lambda::detail {
namespace {

class MemoryStore final : public FunctionStore {
 public:
  std::vector<FunctionRecord> load_all() override { return {}; }
  void put(const FunctionRecord&) override {}
  void erase(const std::string&) override {}
  std::vector<MappingRecord> load_mappings() override { return {}; }
  void put_mapping(const MappingRecord&) override {}
  void erase_mapping(const std::string&) override {}
  std::vector<AsyncEvent> load_events() override { return {}; }
  void put_event(const AsyncEvent&) override {}
  void erase_event(const std::string&) override {}
};

class SqliteStore final : public FunctionStore {
 public:
  explicit SqliteStore(const std::string& path)
      : db_(sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("CREATE TABLE IF NOT EXISTS functions (name TEXT PRIMARY KEY, record TEXT NOT NULL)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS mappings (uuid TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, record TEXT NOT "
        "NULL)");
    put_mapping_ =
        sqlite::Statement(db_.get(), "INSERT OR REPLACE INTO mappings (uuid, created_ms, record) VALUES (?1, ?2, ?3)");
    erase_mapping_ = sqlite::Statement(db_.get(), "DELETE FROM mappings WHERE uuid = ?1");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS async_events (request_id TEXT PRIMARY KEY, function_name TEXT NOT NULL, "
        "payload BLOB NOT NULL, attempts INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL, next_attempt_ms INTEGER "
        "NOT NULL)");
    put_event_ = sqlite::Statement(db_.get(),
                                   "INSERT OR REPLACE INTO async_events (request_id, function_name, payload, attempts, "
                                   "enqueued_ms, next_attempt_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    erase_event_ = sqlite::Statement(db_.get(), "DELETE FROM async_events WHERE request_id = ?1");
    put_ = sqlite::Statement(db_.get(), "INSERT OR REPLACE INTO functions (name, record) VALUES (?1, ?2)");
    erase_ = sqlite::Statement(db_.get(), "DELETE FROM functions WHERE name = ?1");
  }

  std::vector<FunctionRecord> load_all() override {
    MutexLock lock(mu_);
    std::vector<FunctionRecord> functions;
    sqlite::Statement all(db_.get(), "SELECT record FROM functions ORDER BY name");
    while (all.step()) {
      if (auto record = record_from_store_json(all.string(0))) functions.push_back(std::move(*record));
    }
    return functions;
  }

  void put(const FunctionRecord& function) override {
    const std::string record = store_json(function);
    MutexLock lock(mu_);
    put_.bind_text(1, function.name).bind_text(2, record).run();
  }

  void erase(const std::string& name) override {
    MutexLock lock(mu_);
    erase_.bind_text(1, name).run();
  }

  std::vector<MappingRecord> load_mappings() override {
    MutexLock lock(mu_);
    std::vector<MappingRecord> mappings;
    sqlite::Statement all(db_.get(), "SELECT record FROM mappings ORDER BY created_ms, uuid");
    while (all.step()) {
      if (auto record = mapping_from_store_json(all.string(0))) mappings.push_back(std::move(*record));
    }
    return mappings;
  }

  void put_mapping(const MappingRecord& mapping) override {
    const std::string record = mapping_store_json(mapping);
    MutexLock lock(mu_);
    put_mapping_.bind_text(1, mapping.uuid).bind(2, mapping.created_ms).bind_text(3, record).run();
  }

  void erase_mapping(const std::string& uuid) override {
    MutexLock lock(mu_);
    erase_mapping_.bind_text(1, uuid).run();
  }

  std::vector<AsyncEvent> load_events() override {
    MutexLock lock(mu_);
    std::vector<AsyncEvent> events;
    sqlite::Statement all(db_.get(),
                          "SELECT request_id, function_name, payload, attempts, enqueued_ms, next_attempt_ms FROM "
                          "async_events ORDER BY next_attempt_ms");
    while (all.step()) {
      events.push_back(
          {all.string(0), all.string(1), all.string(2), static_cast<int>(all.int64(3)), all.int64(4), all.int64(5)});
    }
    return events;
  }

  void put_event(const AsyncEvent& e) override {
    MutexLock lock(mu_);
    put_event_.bind_text(1, e.request_id)
        .bind_text(2, e.function_name)
        .bind(3, std::string_view(e.payload))
        .bind(4, static_cast<int64_t>(e.attempts))
        .bind(5, e.enqueued_ms)
        .bind(6, e.next_attempt_ms)
        .run();
  }

  void erase_event(const std::string& request_id) override {
    MutexLock lock(mu_);
    erase_event_.bind_text(1, request_id).run();
  }

 private:
  Mutex mu_;
  sqlite::Connection db_;
  sqlite::Statement put_ GUARDED_BY(mu_);
  sqlite::Statement erase_ GUARDED_BY(mu_);
  sqlite::Statement put_mapping_ GUARDED_BY(mu_);
  sqlite::Statement erase_mapping_ GUARDED_BY(mu_);
  sqlite::Statement put_event_ GUARDED_BY(mu_);
  sqlite::Statement erase_event_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<FunctionStore> FunctionStore::open(const std::string& data_dir) {
  if (data_dir.empty()) return std::make_unique<MemoryStore>();
  std::filesystem::create_directories(data_dir);
  return std::make_unique<SqliteStore>((std::filesystem::path(data_dir) / "lambda.db").string());
}

}  // namespace sluice::lambda::detail
