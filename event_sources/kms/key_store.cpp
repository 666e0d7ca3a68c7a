// KeyStore: see key_store.h.

#include "key_store.h"

#include <sys/stat.h>

#include <boost/json.hpp>

#include "sluice/common/sqlite_schema.h"

namespace sluice::kms::detail {
namespace {

namespace json = boost::json;

constexpr common::sqlite::SchemaStep kSchemaSteps[] = {
    {"create the keys and aliases tables",
     "CREATE TABLE keys(key_id TEXT PRIMARY KEY, document TEXT NOT NULL, material BLOB NOT NULL);"
     "CREATE TABLE aliases(account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
     " target_key_id TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
     " PRIMARY KEY(account_id, region, name));"},
};

std::string key_document(const KeyMetadata& m) {
  json::array tags;
  for (const auto& [key, value] : m.tags) tags.push_back(json::array{json::string(key), json::string(value)});
  json::object doc{{"account_id", m.account_id},
                   {"region", m.region},
                   {"arn", m.arn},
                   {"description", m.description},
                   {"creation_ms", m.creation_ms},
                   {"state", static_cast<int64_t>(m.state)},
                   {"aws_managed", m.aws_managed},
                   {"rotation_enabled", m.rotation_enabled},
                   {"rotation_period_days", m.rotation_period_days},
                   {"policy", m.policy},
                   {"tags", std::move(tags)}};
  if (m.deletion_ms) doc["deletion_ms"] = *m.deletion_ms;
  if (m.pending_window_days) doc["pending_window_days"] = *m.pending_window_days;
  if (m.next_rotation_ms) doc["next_rotation_ms"] = *m.next_rotation_ms;
  return json::serialize(doc);
}

std::string text_of(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int64_t> int_of(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_int64() ? std::optional<int64_t>(v->as_int64()) : std::nullopt;
}

bool bool_of(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_bool() && v->as_bool();
}

std::optional<KeyMetadata> metadata_of(const std::string& key_id, const std::string& document) {
  boost::system::error_code ec;
  json::value doc = json::parse(document, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const json::object& o = doc.as_object();
  KeyMetadata m;
  m.key_id = key_id;
  m.account_id = text_of(o, "account_id");
  m.region = text_of(o, "region");
  m.arn = text_of(o, "arn");
  m.description = text_of(o, "description");
  m.creation_ms = int_of(o, "creation_ms").value_or(0);
  m.state = static_cast<KeyState>(int_of(o, "state").value_or(0));
  m.aws_managed = bool_of(o, "aws_managed");
  m.rotation_enabled = bool_of(o, "rotation_enabled");
  m.rotation_period_days = int_of(o, "rotation_period_days").value_or(365);
  m.policy = text_of(o, "policy");
  m.deletion_ms = int_of(o, "deletion_ms");
  m.pending_window_days = int_of(o, "pending_window_days");
  m.next_rotation_ms = int_of(o, "next_rotation_ms");
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const json::value& pair : tags->as_array()) {
      if (!pair.is_array() || pair.as_array().size() != 2) continue;
      const json::array& kv = pair.as_array();
      if (kv[0].is_string() && kv[1].is_string()) m.tags.emplace_back(kv[0].as_string(), kv[1].as_string());
    }
  }
  return m;
}

}  // namespace

std::unique_ptr<KeyStore> KeyStore::open(const std::string& path, std::string* error) {
  std::unique_ptr<KeyStore> store;
  try {
    store.reset(new KeyStore(
        common::sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX)));
    ::chmod(path.c_str(), 0600);  // it holds key material
    sqlite3_busy_timeout(store->db_.get(), 5000);
    store->db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  } catch (const common::sqlite::Error& e) {
    *error = "cannot open " + path + ": " + e.what();
    return nullptr;
  }
  std::string upgrade_error = common::sqlite::upgrade_schema(store->db_, path, kSchemaSteps);
  if (!upgrade_error.empty()) {
    *error = upgrade_error;
    return nullptr;
  }
  // The WAL and shared-memory files hold key material too.
  ::chmod((path + "-wal").c_str(), 0600);
  ::chmod((path + "-shm").c_str(), 0600);
  return store;
}

std::vector<KeyRecord> KeyStore::load_keys() {
  std::vector<KeyRecord> out;
  common::sqlite::Statement select(db_.get(), "SELECT key_id, document, material FROM keys");
  while (select.step()) {
    if (auto meta = metadata_of(select.string(0), select.string(1))) {
      out.push_back(KeyRecord{std::move(*meta), select.string(2)});
    }
  }
  return out;
}

std::vector<AliasRecord> KeyStore::load_aliases() {
  std::vector<AliasRecord> out;
  common::sqlite::Statement select(
      db_.get(), "SELECT account_id, region, name, target_key_id, created_ms, updated_ms FROM aliases");
  while (select.step()) {
    AliasRecord r;
    r.scope = Scope{select.string(0), select.string(1)};
    r.alias.name = select.string(2);
    r.alias.target_key_id = select.string(3);
    r.alias.creation_ms = select.int64(4);
    r.alias.last_updated_ms = select.int64(5);
    r.alias.arn = "arn:aws:kms:" + r.scope.region + ":" + r.scope.account_id + ":" + r.alias.name;
    out.push_back(std::move(r));
  }
  return out;
}

void KeyStore::put_key(const KeyRecord& record) {
  common::sqlite::Statement insert(db_.get(), "INSERT OR REPLACE INTO keys VALUES(?, ?, ?)");
  const std::string document = key_document(record.meta);
  insert.bind_text(1, record.meta.key_id).bind_text(2, document).bind(3, record.material).run();
}

void KeyStore::erase_key(const std::string& key_id) {
  db_.exec("BEGIN IMMEDIATE");
  try {
    common::sqlite::Statement(db_.get(), "DELETE FROM aliases WHERE target_key_id = ?").bind_text(1, key_id).run();
    common::sqlite::Statement(db_.get(), "DELETE FROM keys WHERE key_id = ?").bind_text(1, key_id).run();
    db_.exec("COMMIT");
  } catch (const common::sqlite::Error&) {
    db_.exec("ROLLBACK");
    throw;
  }
}

void KeyStore::put_alias(const Scope& scope, const Alias& alias) {
  common::sqlite::Statement insert(db_.get(), "INSERT OR REPLACE INTO aliases VALUES(?, ?, ?, ?, ?, ?)");
  insert.bind_text(1, scope.account_id)
      .bind_text(2, scope.region)
      .bind_text(3, alias.name)
      .bind_text(4, alias.target_key_id)
      .bind(5, alias.creation_ms)
      .bind(6, alias.last_updated_ms)
      .run();
}

void KeyStore::erase_alias(const Scope& scope, const std::string& name) {
  common::sqlite::Statement erase(db_.get(), "DELETE FROM aliases WHERE account_id = ? AND region = ? AND name = ?");
  erase.bind_text(1, scope.account_id).bind_text(2, scope.region).bind_text(3, name).run();
}

}  // namespace sluice::kms::detail
