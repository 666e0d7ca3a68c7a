// The "accounts" section of the configuration file: who may sign requests (see config.h).

#include <boost/json.hpp>

#include <cctype>

#include "config.h"
#include "config_fields.h"
#include "config_schema.h"

namespace sluice::cli {
namespace {

namespace json = boost::json;

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// IAM's name rule for users and roles: 1..64 of [\w+=,.@-].
void check_name(const std::string& name, const std::string& path) {
  if (name.size() > 64) fail(path, "at most 64 characters");
  for (char c : name) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && std::string_view("+=,.@-").find(c) == std::string_view::npos)
      fail(path, "only letters, digits and _+=,.@- are allowed");
  }
}

std::vector<identity::AccessKey> parse_keys(const json::object& owner, const char* field, const std::string& path) {
  std::vector<identity::AccessKey> keys;
  const json::value* list = owner.if_contains(field);
  if (list == nullptr) return keys;
  if (!list->is_array()) fail(path + "." + field, "must be an array");
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const std::string key_path = path + "." + field + "[" + std::to_string(i) + "]";
    const json::object& key = object_at(list->as_array()[i], key_path);
    check_fields(key, "access key", key_path);
    identity::AccessKey parsed{string_field(key, "AccessKeyId", key_path, true),
                               string_field(key, "SecretAccessKey", key_path, true)};
    // IAM's AccessKeyId: 16..128 word characters.
    if (parsed.access_key_id.size() < 16 || parsed.access_key_id.size() > 128)
      fail(key_path + ".AccessKeyId", "must be 16 to 128 characters");
    for (char c : parsed.access_key_id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
        fail(key_path + ".AccessKeyId", "only letters, digits and _ are allowed");
    }
    keys.push_back(std::move(parsed));
  }
  return keys;
}

// A policy document given as a JSON object or as its text; the text is what is kept.
std::string policy_text(const json::value& policy, const std::string& path) {
  if (policy.is_object()) return json::serialize(policy);
  if (policy.is_string()) {
    boost::system::error_code ec;
    json::value parsed = json::parse(policy.as_string(), ec);
    if (!ec && parsed.is_object()) return std::string(policy.as_string());
  }
  fail(path, "must be a JSON policy object");
  return {};
}

// "Policies": [{"PolicyName": ..., "PolicyDocument": ...}] (inline policies, as CloudFormation's
// AWS::IAM::User and AWS::IAM::Role write them) and "PermissionsBoundary": a policy document.
template <typename Declaration>
void parse_policies(const json::object& owner, const std::string& path, Declaration& declared) {
  if (const json::value* list = owner.if_contains("Policies")) {
    if (!list->is_array()) fail(path + ".Policies", "must be an array");
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      const std::string policy_path = path + ".Policies[" + std::to_string(i) + "]";
      const json::object& policy = object_at(list->as_array()[i], policy_path);
      check_fields(policy, "inline policy", policy_path);
      identity::PolicyDocument parsed;
      parsed.name = string_field(policy, "PolicyName", policy_path, true);
      const json::value* document = policy.if_contains("PolicyDocument");
      if (document == nullptr) fail(policy_path + ".PolicyDocument", "is required");
      parsed.document = policy_text(*document, policy_path + ".PolicyDocument");
      declared.policies.push_back(std::move(parsed));
    }
  }
  if (const json::value* boundary = owner.if_contains("PermissionsBoundary")) {
    declared.permissions_boundary = policy_text(*boundary, path + ".PermissionsBoundary");
  }
}

identity::RoleDeclaration parse_role(const json::value& value, const std::string& path) {
  const json::object& role = object_at(value, path);
  check_fields(role, "accounts[].Roles[]", path);
  identity::RoleDeclaration parsed;
  parsed.name = string_field(role, "RoleName", path, true);
  check_name(parsed.name, path + ".RoleName");
  if (auto max = int_field(role, "MaxSessionDuration", path)) {
    if (*max < 3600 || *max > 43200) fail(path + ".MaxSessionDuration", "must be 3600 to 43200 seconds");
    parsed.max_session_duration_s = *max;
  }
  if (const json::value* policy = role.if_contains("AssumeRolePolicyDocument")) {
    if (policy->is_string()) {
      boost::system::error_code ec;
      json::value parsed_policy = json::parse(policy->as_string(), ec);
      if (ec || !parsed_policy.is_object()) fail(path + ".AssumeRolePolicyDocument", "must be a JSON policy object");
      parsed.trust_policy = std::string(policy->as_string());
    } else if (policy->is_object()) {
      parsed.trust_policy = json::serialize(*policy);
    } else {
      fail(path + ".AssumeRolePolicyDocument", "must be a JSON policy object");
    }
  }
  parse_policies(role, path, parsed);
  return parsed;
}

identity::AccountDeclaration parse_account(const json::value& value, const std::string& path) {
  const json::object& account = object_at(value, path);
  check_fields(account, "accounts[]", path);
  identity::AccountDeclaration parsed;
  parsed.id = string_field(account, "AccountId", path, true);
  if (parsed.id.size() != 12 || !all_digits(parsed.id)) fail(path + ".AccountId", "must be 12 digits");
  parsed.root_access_keys = parse_keys(account, "RootAccessKeys", path);
  if (const json::value* users = account.if_contains("Users")) {
    if (!users->is_array()) fail(path + ".Users", "must be an array");
    for (size_t i = 0; i < users->as_array().size(); ++i) {
      const std::string user_path = path + ".Users[" + std::to_string(i) + "]";
      const json::object& user = object_at(users->as_array()[i], user_path);
      check_fields(user, "accounts[].Users[]", user_path);
      identity::UserDeclaration declared;
      declared.name = string_field(user, "UserName", user_path, true);
      check_name(declared.name, user_path + ".UserName");
      declared.access_keys = parse_keys(user, "AccessKeys", user_path);
      parse_policies(user, user_path, declared);
      parsed.users.push_back(std::move(declared));
    }
  }
  if (const json::value* roles = account.if_contains("Roles")) {
    if (!roles->is_array()) fail(path + ".Roles", "must be an array");
    for (size_t i = 0; i < roles->as_array().size(); ++i)
      parsed.roles.push_back(parse_role(roles->as_array()[i], path + ".Roles[" + std::to_string(i) + "]"));
  }
  return parsed;
}

}  // namespace

void parse_accounts(const json::value* accounts, Config* config) {
  if (accounts == nullptr) return;
  if (!accounts->is_array()) fail("accounts", "must be an array");
  for (size_t i = 0; i < accounts->as_array().size(); ++i)
    config->accounts.push_back(parse_account(accounts->as_array()[i], "accounts[" + std::to_string(i) + "]"));
}

}  // namespace sluice::cli
