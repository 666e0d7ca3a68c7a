// Function records in SQLite (one row of stored JSON per function, synchronous commits) or in
// memory (nothing to keep: the map in the ControlPlane is the state).

#include "function_store.h"

#include <filesystem>

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

 private:
  Mutex mu_;
  sqlite::Connection db_;
  sqlite::Statement put_ GUARDED_BY(mu_);
  sqlite::Statement erase_ GUARDED_BY(mu_);
  sqlite::Statement put_mapping_ GUARDED_BY(mu_);
  sqlite::Statement erase_mapping_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<FunctionStore> FunctionStore::open(const std::string& data_dir) {
  if (data_dir.empty()) return std::make_unique<MemoryStore>();
  std::filesystem::create_directories(data_dir);
  return std::make_unique<SqliteStore>((std::filesystem::path(data_dir) / "lambda.db").string());
}

}  // namespace sluice::lambda::detail
