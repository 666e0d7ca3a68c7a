// Function records in SQLite (one row of stored JSON per function, synchronous commits) or in
// memory (nothing to keep: the map in the ControlPlane is the state).

#include "function_store.h"

#include <filesystem>

#include "async_invocations.h"
#include "event_invoke_configs.h"
#include "function_codec.h"
#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"
#include "versions.h"

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
  std::vector<FunctionRecord> load_versions() override { return {}; }
  void put_version(const FunctionRecord&) override {}
  void erase_version(const std::string&, int64_t) override {}
  std::vector<AliasRecord> load_aliases() override { return {}; }
  void put_alias(const AliasRecord&) override {}
  void erase_alias(const std::string&, const std::string&) override {}
  std::map<std::string, PolicyDocument> load_policies() override { return {}; }
  void put_policy(const std::string&, const PolicyDocument&) override {}
  void erase_policy(const std::string&) override {}
  std::vector<AsyncEvent> load_events() override { return {}; }
  void put_event(const AsyncEvent&) override {}
  void erase_event(const std::string&) override {}
  std::vector<EventInvokeConfig> load_event_invoke_configs() override { return {}; }
  void put_event_invoke_config(const EventInvokeConfig&) override {}
  void erase_event_invoke_config(const std::string&) override {}
};

class SqliteStore final : public FunctionStore {
 public:
  explicit SqliteStore(const std::string& path)
      : db_(common::sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("CREATE TABLE IF NOT EXISTS functions (name TEXT PRIMARY KEY, record TEXT NOT NULL)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS mappings (uuid TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, record TEXT NOT "
        "NULL)");
    put_mapping_ = common::sqlite::Statement(
        db_.get(), "INSERT OR REPLACE INTO mappings (uuid, created_ms, record) VALUES (?1, ?2, ?3)");
    erase_mapping_ = common::sqlite::Statement(db_.get(), "DELETE FROM mappings WHERE uuid = ?1");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS async_events (request_id TEXT PRIMARY KEY, function_name TEXT NOT NULL, "
        "payload BLOB NOT NULL, attempts INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL, next_attempt_ms INTEGER "
        "NOT NULL)");
    add_invoked_arn_column();
    put_event_ =
        common::sqlite::Statement(db_.get(),
                                  "INSERT OR REPLACE INTO async_events (request_id, function_name, payload, attempts, "
                                  "enqueued_ms, next_attempt_ms, invoked_arn) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    erase_event_ = common::sqlite::Statement(db_.get(), "DELETE FROM async_events WHERE request_id = ?1");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS versions (name TEXT NOT NULL, number INTEGER NOT NULL, record TEXT NOT NULL, "
        "PRIMARY KEY (name, number))");
    put_version_ = common::sqlite::Statement(
        db_.get(), "INSERT OR REPLACE INTO versions (name, number, record) VALUES (?1, ?2, ?3)");
    erase_version_ = common::sqlite::Statement(db_.get(), "DELETE FROM versions WHERE name = ?1 AND number = ?2");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS aliases (name TEXT NOT NULL, alias TEXT NOT NULL, record TEXT NOT NULL, "
        "PRIMARY KEY (name, alias))");
    put_alias_ = common::sqlite::Statement(db_.get(),
                                           "INSERT OR REPLACE INTO aliases (name, alias, record) VALUES (?1, ?2, ?3)");
    erase_alias_ = common::sqlite::Statement(db_.get(), "DELETE FROM aliases WHERE name = ?1 AND alias = ?2");
    db_.exec("CREATE TABLE IF NOT EXISTS event_invoke_configs (arn TEXT PRIMARY KEY, record TEXT NOT NULL)");
    put_config_ = common::sqlite::Statement(
        db_.get(), "INSERT OR REPLACE INTO event_invoke_configs (arn, record) VALUES (?1, ?2)");
    erase_config_ = common::sqlite::Statement(db_.get(), "DELETE FROM event_invoke_configs WHERE arn = ?1");
    db_.exec("CREATE TABLE IF NOT EXISTS policies (resource TEXT PRIMARY KEY, record TEXT NOT NULL)");
    put_policy_ =
        common::sqlite::Statement(db_.get(), "INSERT OR REPLACE INTO policies (resource, record) VALUES (?1, ?2)");
    erase_policy_ = common::sqlite::Statement(db_.get(), "DELETE FROM policies WHERE resource = ?1");
    put_ = common::sqlite::Statement(db_.get(), "INSERT OR REPLACE INTO functions (name, record) VALUES (?1, ?2)");
    erase_ = common::sqlite::Statement(db_.get(), "DELETE FROM functions WHERE name = ?1");
  }

  std::vector<FunctionRecord> load_all() override {
    common::MutexLock lock(mu_);
    std::vector<FunctionRecord> functions;
    common::sqlite::Statement all(db_.get(), "SELECT record FROM functions ORDER BY name");
    while (all.step()) {
      if (auto record = record_from_store_json(all.string(0))) functions.push_back(std::move(*record));
    }
    return functions;
  }

  void put(const FunctionRecord& function) override {
    const std::string record = store_json(function);
    common::MutexLock lock(mu_);
    put_.bind_text(1, function.name).bind_text(2, record).run();
  }

  void erase(const std::string& name) override {
    common::MutexLock lock(mu_);
    erase_.bind_text(1, name).run();
  }

  std::vector<MappingRecord> load_mappings() override {
    common::MutexLock lock(mu_);
    std::vector<MappingRecord> mappings;
    common::sqlite::Statement all(db_.get(), "SELECT record FROM mappings ORDER BY created_ms, uuid");
    while (all.step()) {
      if (auto record = mapping_from_store_json(all.string(0))) mappings.push_back(std::move(*record));
    }
    return mappings;
  }

  void put_mapping(const MappingRecord& mapping) override {
    const std::string record = mapping_store_json(mapping);
    common::MutexLock lock(mu_);
    put_mapping_.bind_text(1, mapping.uuid).bind(2, mapping.created_ms).bind_text(3, record).run();
  }

  void erase_mapping(const std::string& uuid) override {
    common::MutexLock lock(mu_);
    erase_mapping_.bind_text(1, uuid).run();
  }

  std::vector<FunctionRecord> load_versions() override {
    common::MutexLock lock(mu_);
    std::vector<FunctionRecord> versions;
    common::sqlite::Statement all(db_.get(), "SELECT record FROM versions ORDER BY name, number");
    while (all.step()) {
      if (auto record = record_from_store_json(all.string(0))) versions.push_back(std::move(*record));
    }
    return versions;
  }

  void put_version(const FunctionRecord& version) override {
    const std::string record = store_json(version);
    common::MutexLock lock(mu_);
    put_version_.bind_text(1, version.name).bind(2, version_number(version.version)).bind_text(3, record).run();
  }

  void erase_version(const std::string& function, int64_t number) override {
    common::MutexLock lock(mu_);
    erase_version_.bind_text(1, function).bind(2, number).run();
  }

  std::vector<AliasRecord> load_aliases() override {
    common::MutexLock lock(mu_);
    std::vector<AliasRecord> aliases;
    common::sqlite::Statement all(db_.get(), "SELECT record FROM aliases ORDER BY name, alias");
    while (all.step()) {
      if (auto record = alias_from_store_json(all.string(0))) aliases.push_back(std::move(*record));
    }
    return aliases;
  }

  void put_alias(const AliasRecord& alias) override {
    const std::string record = alias_store_json(alias);
    common::MutexLock lock(mu_);
    put_alias_.bind_text(1, alias.function_name).bind_text(2, alias.name).bind_text(3, record).run();
  }

  void erase_alias(const std::string& function, const std::string& name) override {
    common::MutexLock lock(mu_);
    erase_alias_.bind_text(1, function).bind_text(2, name).run();
  }

  std::map<std::string, PolicyDocument> load_policies() override {
    common::MutexLock lock(mu_);
    std::map<std::string, PolicyDocument> policies;
    common::sqlite::Statement all(db_.get(), "SELECT resource, record FROM policies");
    while (all.step()) {
      if (auto policy = policy_from_store_json(all.string(1))) policies.emplace(all.string(0), std::move(*policy));
    }
    return policies;
  }

  void put_policy(const std::string& resource_arn, const PolicyDocument& policy) override {
    const std::string record = policy_store_json(policy);
    common::MutexLock lock(mu_);
    put_policy_.bind_text(1, resource_arn).bind_text(2, record).run();
  }

  void erase_policy(const std::string& resource_arn) override {
    common::MutexLock lock(mu_);
    erase_policy_.bind_text(1, resource_arn).run();
  }

  std::vector<AsyncEvent> load_events() override {
    common::MutexLock lock(mu_);
    std::vector<AsyncEvent> events;
    common::sqlite::Statement all(
        db_.get(),
        "SELECT request_id, function_name, payload, attempts, enqueued_ms, next_attempt_ms, invoked_arn "
        "FROM "
        "async_events ORDER BY next_attempt_ms");
    while (all.step()) {
      events.push_back({all.string(0), all.string(1), all.string(2), static_cast<int>(all.int64(3)), all.int64(4),
                        all.int64(5), all.string(6)});
    }
    return events;
  }

  void put_event(const AsyncEvent& e) override {
    common::MutexLock lock(mu_);
    put_event_.bind_text(1, e.request_id)
        .bind_text(2, e.function_name)
        .bind(3, std::string_view(e.payload))
        .bind(4, static_cast<int64_t>(e.attempts))
        .bind(5, e.enqueued_ms)
        .bind(6, e.next_attempt_ms)
        .bind_text(7, e.invoked_arn)
        .run();
  }

  void erase_event(const std::string& request_id) override {
    common::MutexLock lock(mu_);
    erase_event_.bind_text(1, request_id).run();
  }

  std::vector<EventInvokeConfig> load_event_invoke_configs() override {
    common::MutexLock lock(mu_);
    std::vector<EventInvokeConfig> configs;
    common::sqlite::Statement all(db_.get(), "SELECT record FROM event_invoke_configs ORDER BY arn");
    while (all.step()) {
      if (auto config = event_invoke_config_from_store_json(all.string(0))) configs.push_back(std::move(*config));
    }
    return configs;
  }

  void put_event_invoke_config(const EventInvokeConfig& config) override {
    const std::string record = event_invoke_config_store_json(config);
    common::MutexLock lock(mu_);
    put_config_.bind_text(1, config.function_arn).bind_text(2, record).run();
  }

  void erase_event_invoke_config(const std::string& function_arn) override {
    common::MutexLock lock(mu_);
    erase_config_.bind_text(1, function_arn).run();
  }

 private:
  // Stores written before Event invocations remembered what they were invoked through lack the
  // column; their events run under the defaults.
  void add_invoked_arn_column() {
    common::sqlite::Statement columns(db_.get(), "PRAGMA table_info(async_events)");
    while (columns.step())
      if (columns.string(1) == "invoked_arn") return;
    db_.exec("ALTER TABLE async_events ADD COLUMN invoked_arn TEXT NOT NULL DEFAULT ''");
  }

  common::Mutex mu_;
  common::sqlite::Connection db_;
  common::sqlite::Statement put_ GUARDED_BY(mu_);
  common::sqlite::Statement erase_ GUARDED_BY(mu_);
  common::sqlite::Statement put_mapping_ GUARDED_BY(mu_);
  common::sqlite::Statement erase_mapping_ GUARDED_BY(mu_);
  common::sqlite::Statement put_version_ GUARDED_BY(mu_);
  common::sqlite::Statement erase_version_ GUARDED_BY(mu_);
  common::sqlite::Statement put_alias_ GUARDED_BY(mu_);
  common::sqlite::Statement erase_alias_ GUARDED_BY(mu_);
  common::sqlite::Statement put_policy_ GUARDED_BY(mu_);
  common::sqlite::Statement erase_policy_ GUARDED_BY(mu_);
  common::sqlite::Statement put_event_ GUARDED_BY(mu_);
  common::sqlite::Statement erase_event_ GUARDED_BY(mu_);
  common::sqlite::Statement put_config_ GUARDED_BY(mu_);
  common::sqlite::Statement erase_config_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<FunctionStore> FunctionStore::open(const std::string& data_dir) {
  if (data_dir.empty()) return std::make_unique<MemoryStore>();
  std::filesystem::create_directories(data_dir);
  return std::make_unique<SqliteStore>((std::filesystem::path(data_dir) / "lambda.db").string());
}

}  // namespace sluice::lambda::detail
