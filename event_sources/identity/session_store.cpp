// SessionStore: see session_store.h. WAL with synchronous=NORMAL, as the other stores: a commit
// survives a killed process.

#include "session_store.h"

#include <sys/stat.h>

#include <boost/json.hpp>

#include "iam_document.h"
#include "sluice/common/sqlite_schema.h"

namespace sluice::identity::detail {
namespace {

constexpr common::sqlite::SchemaStep kSchemaSteps[] = {
    {"create the sessions table",
     "CREATE TABLE sessions(access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, token TEXT NOT NULL,"
     " expires_ms INTEGER NOT NULL, kind INTEGER NOT NULL, account_id TEXT NOT NULL, arn TEXT NOT NULL,"
     " user_id TEXT NOT NULL, name TEXT NOT NULL, session_name TEXT NOT NULL, session_policy TEXT NOT NULL,"
     " session_policy_arns TEXT NOT NULL, from_get_session_token INTEGER NOT NULL);"},
    {"create the OpenID Connect providers table",
     "CREATE TABLE oidc_providers(arn TEXT PRIMARY KEY, document TEXT NOT NULL);"},
    {"create the IAM accounts table",
     "CREATE TABLE iam_accounts(account_id TEXT PRIMARY KEY, document TEXT NOT NULL);"},
};

namespace json = boost::json;

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

std::vector<std::string> strings_of(const json::value* value) {
  std::vector<std::string> out;
  if (value == nullptr || !value->is_array()) return out;
  for (const auto& item : value->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

std::string provider_document(const OidcProvider& p) {
  json::array tags;
  for (const auto& [key, value] : p.tags) tags.push_back(json::array{json::string(key), json::string(value)});
  json::object doc{{"account_id", p.account_id},
                   {"url", p.url},
                   {"client_ids", string_array(p.client_ids)},
                   {"thumbprints", string_array(p.thumbprints)},
                   {"tags", std::move(tags)},
                   {"created_ms", p.created_ms}};
  return json::serialize(doc);
}

std::optional<OidcProvider> provider_of(const std::string& arn, const std::string& document) {
  boost::system::error_code ec;
  json::value doc = json::parse(document, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const json::object& o = doc.as_object();
  OidcProvider p;
  p.arn = arn;
  if (const auto* v = o.if_contains("account_id"); v && v->is_string()) p.account_id = std::string(v->as_string());
  if (const auto* v = o.if_contains("url"); v && v->is_string()) p.url = std::string(v->as_string());
  p.client_ids = strings_of(o.if_contains("client_ids"));
  p.thumbprints = strings_of(o.if_contains("thumbprints"));
  if (const auto* v = o.if_contains("tags"); v && v->is_array()) {
    for (const auto& pair : v->as_array()) {
      auto items = strings_of(&pair);
      if (items.size() == 2) p.tags.emplace_back(items[0], items[1]);
    }
  }
  if (const auto* v = o.if_contains("created_ms"); v && v->is_int64()) p.created_ms = v->as_int64();
  return p;
}

// Policy ARNs never contain a newline.
std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::unique_ptr<SessionStore> SessionStore::open(const std::string& path, std::string* error) {
  std::unique_ptr<SessionStore> store;
  try {
    store.reset(new SessionStore(
        common::sqlite::Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX)));
    ::chmod(path.c_str(), 0600);  // it holds secrets
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
  return store;
}

std::vector<std::pair<std::string, KeyRecord>> SessionStore::load() {
  std::vector<std::pair<std::string, KeyRecord>> out;
  common::sqlite::Statement select(
      db_.get(),
      "SELECT access_key_id, secret, token, expires_ms, kind, account_id, arn, user_id, name,"
      " session_name, session_policy, session_policy_arns, from_get_session_token FROM sessions");
  while (select.step()) {
    KeyRecord record;
    record.secret_access_key = select.string(1);
    record.session_token = select.string(2);
    record.expires_ms = select.int64(3);
    record.principal.kind = static_cast<Principal::Kind>(select.int64(4));
    record.principal.account_id = select.string(5);
    record.principal.arn = select.string(6);
    record.principal.user_id = select.string(7);
    record.principal.name = select.string(8);
    record.principal.session_name = select.string(9);
    record.principal.authenticated = true;
    record.session_policy = select.string(10);
    record.session_policy_arns = split_lines(select.string(11));
    record.from_get_session_token = select.int64(12) != 0;
    out.emplace_back(select.string(0), std::move(record));
  }
  return out;
}

void SessionStore::put(const std::string& access_key_id, const KeyRecord& record) {
  common::sqlite::Statement insert(db_.get(),
                                   "INSERT OR REPLACE INTO sessions VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const Principal& p = record.principal;
  const std::string policy_arns = join_lines(record.session_policy_arns);
  insert.bind_text(1, access_key_id)
      .bind_text(2, record.secret_access_key)
      .bind_text(3, record.session_token)
      .bind(4, record.expires_ms.value_or(0))
      .bind(5, static_cast<int64_t>(p.kind))
      .bind_text(6, p.account_id)
      .bind_text(7, p.arn)
      .bind_text(8, p.user_id)
      .bind_text(9, p.name)
      .bind_text(10, p.session_name)
      .bind_text(11, record.session_policy)
      .bind_text(12, policy_arns)
      .bind(13, int64_t{record.from_get_session_token ? 1 : 0})
      .run();
}

void SessionStore::erase_expired_before(int64_t before_ms) {
  try {
    common::sqlite::Statement erase(db_.get(), "DELETE FROM sessions WHERE expires_ms < ?");
    erase.bind(1, before_ms).run();
  } catch (const common::sqlite::Error&) {
    // Kept rows are only forgotten later; the next call tries again.
  }
}

std::vector<OidcProvider> SessionStore::load_oidc_providers() {
  std::vector<OidcProvider> out;
  common::sqlite::Statement select(db_.get(), "SELECT arn, document FROM oidc_providers");
  while (select.step()) {
    if (auto provider = provider_of(select.string(0), select.string(1))) out.push_back(std::move(*provider));
  }
  return out;
}

void SessionStore::put_oidc_provider(const OidcProvider& provider) {
  common::sqlite::Statement insert(db_.get(), "INSERT OR REPLACE INTO oidc_providers VALUES(?, ?)");
  insert.bind_text(1, provider.arn).bind_text(2, provider_document(provider)).run();
}

void SessionStore::erase_oidc_provider(const std::string& arn) {
  common::sqlite::Statement erase(db_.get(), "DELETE FROM oidc_providers WHERE arn = ?");
  erase.bind_text(1, arn).run();
}

std::vector<IamAccount> SessionStore::load_iam_accounts() {
  std::vector<IamAccount> out;
  common::sqlite::Statement select(db_.get(), "SELECT account_id, document FROM iam_accounts");
  while (select.step()) {
    if (auto account = iam_account_of(select.string(0), select.string(1))) out.push_back(std::move(*account));
  }
  return out;
}

void SessionStore::put_iam_account(const std::string& account_id, const std::string& document) {
  common::sqlite::Statement insert(db_.get(), "INSERT OR REPLACE INTO iam_accounts VALUES(?, ?)");
  insert.bind_text(1, account_id).bind_text(2, document).run();
}

}  // namespace sluice::identity::detail
