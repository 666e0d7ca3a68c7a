// IamAccount <-> JSON (see iam_document.h). The one translation unit of the IAM store that uses
// Boost.JSON.

#include "iam_document.h"

#include <boost/json.hpp>

namespace sluice::identity::detail {
namespace {

namespace json = boost::json;

// ---- writing --------------------------------------------------------------------------------

json::array tags_json(const IamTags& tags) {
  json::array out;
  for (const auto& [key, value] : tags) out.push_back(json::array{json::string(key), json::string(value)});
  return out;
}

json::array strings_json(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& item : items) out.emplace_back(item);
  return out;
}

json::object attachments_json(const IamAttachments& a) {
  json::object inline_policies;
  for (const auto& [name, document] : a.inline_policies) inline_policies[name] = document;
  return {{"inline", std::move(inline_policies)}, {"managed", strings_json(a.managed_policy_arns)}};
}

json::object user_json(const IamUser& u) {
  json::array keys;
  for (const IamAccessKey& k : u.access_keys) {
    json::object key{{"id", k.access_key_id},
                     {"secret", k.secret_access_key},
                     {"active", k.active},
                     {"created_ms", k.created_ms},
                     {"last_used_service", k.last_used_service},
                     {"last_used_region", k.last_used_region}};
    if (k.last_used_ms) key["last_used_ms"] = *k.last_used_ms;
    keys.push_back(std::move(key));
  }
  return {{"name", u.name},
          {"path", u.path},
          {"created_ms", u.created_ms},
          {"policies", attachments_json(u.policies)},
          {"boundary", u.permissions_boundary_arn},
          {"tags", tags_json(u.tags)},
          {"access_keys", std::move(keys)},
          {"groups", strings_json(u.group_keys)}};
}

json::object group_json(const IamGroup& g) {
  return {{"name", g.name}, {"path", g.path}, {"created_ms", g.created_ms}, {"policies", attachments_json(g.policies)}};
}

json::object role_json(const IamRole& r) {
  return {{"name", r.name},
          {"path", r.path},
          {"created_ms", r.created_ms},
          {"trust_policy", r.trust_policy},
          {"description", r.description},
          {"max_session_duration_s", r.max_session_duration_s},
          {"policies", attachments_json(r.policies)},
          {"boundary", r.permissions_boundary_arn},
          {"tags", tags_json(r.tags)}};
}

json::object policy_json(const IamManagedPolicy& p) {
  json::array versions;
  for (const IamPolicyVersion& v : p.versions) {
    versions.push_back(json::object{{"id", v.version_id}, {"document", v.document}, {"created_ms", v.created_ms}});
  }
  return {{"name", p.name},
          {"path", p.path},
          {"description", p.description},
          {"created_ms", p.created_ms},
          {"updated_ms", p.updated_ms},
          {"versions", std::move(versions)},
          {"default_version", p.default_version_id},
          {"next_version", p.next_version},
          {"tags", tags_json(p.tags)}};
}

json::object profile_json(const IamInstanceProfile& p) {
  return {{"name", p.name},
          {"path", p.path},
          {"created_ms", p.created_ms},
          {"roles", strings_json(p.role_keys)},
          {"tags", tags_json(p.tags)}};
}

template <typename T, typename Write>
json::array all(const std::map<std::string, T>& entities, Write write) {
  json::array out;
  for (const auto& entry : entities) out.push_back(write(entry.second));
  return out;
}

// ---- reading --------------------------------------------------------------------------------

std::string text(const json::object& o, std::string_view key, std::string fallback = {}) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : fallback;
}

int64_t number(const json::object& o, std::string_view key, int64_t fallback = 0) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

const json::array& array(const json::object& o, std::string_view key) {
  static const json::array kEmpty;
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? v->as_array() : kEmpty;
}

std::vector<std::string> strings(const json::array& a) {
  std::vector<std::string> out;
  for (const json::value& v : a) {
    if (v.is_string()) out.emplace_back(v.as_string());
  }
  return out;
}

IamTags tags(const json::object& o) {
  IamTags out;
  for (const json::value& pair : array(o, "tags")) {
    if (!pair.is_array()) continue;
    std::vector<std::string> items = strings(pair.as_array());
    if (items.size() == 2) out.emplace_back(std::move(items[0]), std::move(items[1]));
  }
  return out;
}

IamAttachments attachments(const json::object& o) {
  IamAttachments out;
  const json::value* v = o.if_contains("policies");
  if (v == nullptr || !v->is_object()) return out;
  if (const json::value* in = v->as_object().if_contains("inline"); in != nullptr && in->is_object()) {
    for (const auto& entry : in->as_object()) {
      if (entry.value().is_string()) out.inline_policies[std::string(entry.key())] = entry.value().as_string();
    }
  }
  out.managed_policy_arns = strings(array(v->as_object(), "managed"));
  return out;
}

// Reads each object of o[key] with `read` into a map by iam_key(name).
template <typename T, typename Read>
void read_all(const json::object& o, std::string_view key, std::map<std::string, T>& into, Read read) {
  for (const json::value& v : array(o, key)) {
    if (!v.is_object()) continue;
    T entity = read(v.as_object());
    if (entity.name.empty()) continue;
    std::string map_key = iam_key(entity.name);
    into.insert_or_assign(std::move(map_key), std::move(entity));
  }
}

IamUser user_of(const json::object& o) {
  IamUser u;
  u.name = text(o, "name");
  u.path = text(o, "path", "/");
  u.created_ms = number(o, "created_ms");
  u.policies = attachments(o);
  u.permissions_boundary_arn = text(o, "boundary");
  u.tags = tags(o);
  u.group_keys = strings(array(o, "groups"));
  for (const json::value& v : array(o, "access_keys")) {
    if (!v.is_object()) continue;
    const json::object& k = v.as_object();
    IamAccessKey key;
    key.access_key_id = text(k, "id");
    key.secret_access_key = text(k, "secret");
    const json::value* active = k.if_contains("active");
    key.active = active == nullptr || !active->is_bool() || active->as_bool();
    key.created_ms = number(k, "created_ms");
    if (k.contains("last_used_ms")) key.last_used_ms = number(k, "last_used_ms");
    key.last_used_service = text(k, "last_used_service");
    key.last_used_region = text(k, "last_used_region");
    if (!key.access_key_id.empty()) u.access_keys.push_back(std::move(key));
  }
  return u;
}

IamGroup group_of(const json::object& o) {
  IamGroup g;
  g.name = text(o, "name");
  g.path = text(o, "path", "/");
  g.created_ms = number(o, "created_ms");
  g.policies = attachments(o);
  return g;
}

IamRole role_of(const json::object& o) {
  IamRole r;
  r.name = text(o, "name");
  r.path = text(o, "path", "/");
  r.created_ms = number(o, "created_ms");
  r.trust_policy = text(o, "trust_policy");
  r.description = text(o, "description");
  r.max_session_duration_s = number(o, "max_session_duration_s", 3600);
  r.policies = attachments(o);
  r.permissions_boundary_arn = text(o, "boundary");
  r.tags = tags(o);
  return r;
}

IamManagedPolicy policy_of(const json::object& o) {
  IamManagedPolicy p;
  p.name = text(o, "name");
  p.path = text(o, "path", "/");
  p.description = text(o, "description");
  p.created_ms = number(o, "created_ms");
  p.updated_ms = number(o, "updated_ms");
  for (const json::value& v : array(o, "versions")) {
    if (!v.is_object()) continue;
    const json::object& version = v.as_object();
    p.versions.push_back({text(version, "id"), text(version, "document"), number(version, "created_ms")});
  }
  p.default_version_id = text(o, "default_version");
  p.next_version = static_cast<int>(number(o, "next_version", static_cast<int64_t>(p.versions.size()) + 1));
  p.tags = tags(o);
  return p;
}

IamInstanceProfile profile_of(const json::object& o) {
  IamInstanceProfile p;
  p.name = text(o, "name");
  p.path = text(o, "path", "/");
  p.created_ms = number(o, "created_ms");
  p.role_keys = strings(array(o, "roles"));
  p.tags = tags(o);
  return p;
}

}  // namespace

std::string iam_account_document(const IamAccount& account) {
  json::object doc{{"users", all(account.users, user_json)},
                   {"groups", all(account.groups, group_json)},
                   {"roles", all(account.roles, role_json)},
                   {"policies", all(account.policies, policy_json)},
                   {"instance_profiles", all(account.instance_profiles, profile_json)}};
  return json::serialize(doc);
}

std::optional<IamAccount> iam_account_of(const std::string& account_id, const std::string& document) {
  boost::system::error_code ec;
  json::value doc = json::parse(document, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const json::object& o = doc.as_object();
  IamAccount account;
  account.account_id = account_id;
  read_all(o, "users", account.users, user_of);
  read_all(o, "groups", account.groups, group_of);
  read_all(o, "roles", account.roles, role_of);
  read_all(o, "policies", account.policies, policy_of);
  read_all(o, "instance_profiles", account.instance_profiles, profile_of);
  return account;
}

}  // namespace sluice::identity::detail
