// IAM's access key actions: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
// GetAccessKeyLastUsed. A key created here signs requests as soon as it is answered (the
// directory's key table follows the user's keys); an Inactive key does not. Without a UserName
// the actions act on the calling user, as IAM's do.

#include <algorithm>

#include "iam_kit.h"
#include "sluice/common/clock.h"
#include "sluice/common/crypto.h"

namespace sluice::api::iam_wire::detail {
namespace {

using namespace identity;

constexpr size_t kUserNameMax = 128;

std::string new_access_key_id() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const std::string bytes = common::random_bytes(16);
  std::string id = "AKIA";
  for (size_t i = 0; id.size() < 20; ++i) id.push_back(kAlphabet[static_cast<unsigned char>(bytes[i]) % 32]);
  return id;
}

common::AwsError no_such_key(std::string_view id) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                           "The Access Key with id " + std::string(id) + " cannot be found.");
}

// The user named by UserName, or the caller when it is an IAM user.
common::Outcome<std::string> target_user(const server::Call& call, query::Validation& validation) {
  auto name = read_name(call, validation, "UserName", kUserNameMax, false);
  if (auto error = validation.error()) return *error;
  if (name) return *name;
  if (call.ctx.principal.kind == Principal::Kind::User) return call.ctx.principal.name;
  return common::aws_error(common::AwsErrorCode::ValidationError,
                           "Must specify userName when calling with non-User credentials");
}

std::string status_of(const IamAccessKey& key) { return key.active ? "Active" : "Inactive"; }

}  // namespace

common::Outcome<std::string> create_access_key(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto user_name = target_user(call, validation);
  if (!user_name) return user_name;
  IamAccessKey key;
  key.access_key_id = new_access_key_id();
  key.secret_access_key = common::base64_encode(common::random_bytes(30));  // 40 characters, as AWS's
  key.created_ms = iam.now_ms;
  std::string shown_name;
  auto changed = change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.users.find(iam_key(*user_name));
    if (it == account.users.end()) return no_such_user(*user_name);
    if (it->second.access_keys.size() >= kAccessKeysPerUser) return quota("AccessKeysPerUser", kAccessKeysPerUser);
    it->second.access_keys.push_back(key);
    shown_name = it->second.name;
    return common::ok_status();
  });
  if (!changed) return changed;
  std::string out;
  query::XmlWriter w(out);
  w.open("AccessKey")
      .element("UserName", shown_name)
      .element("AccessKeyId", key.access_key_id)
      .raw_element("Status", "Active")
      .element("SecretAccessKey", key.secret_access_key)
      .element("CreateDate", common::format_iso8601_ms(key.created_ms))
      .close("AccessKey");
  return out;
}

common::Outcome<std::string> list_access_keys(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  auto user_name = target_user(call, validation);
  if (!user_name) return user_name;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  auto it = account.users.find(iam_key(*user_name));
  if (it == account.users.end()) return no_such_user(*user_name);
  const IamUser& user = it->second;
  auto out = paged_list(call, "AccessKeyMetadata", user.access_keys, [&](query::XmlWriter& w, const IamAccessKey& k) {
    w.element("UserName", user.name)
        .element("AccessKeyId", k.access_key_id)
        .raw_element("Status", status_of(k))
        .element("CreateDate", common::format_iso8601_ms(k.created_ms));
  });
  if (!out) return out;
  query::XmlWriter(*out).element("UserName", user.name);
  return out;
}

common::Outcome<std::string> update_access_key(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string_view* id = form_value(call, "AccessKeyId");
  const std::string_view* status = form_value(call, "Status");
  validation.not_null("accessKeyId", id != nullptr);
  if (id != nullptr) validation.length("accessKeyId", *id, 16, 128);
  validation.not_null("status", status != nullptr);
  if (status != nullptr && *status != "Active" && *status != "Inactive") {
    validation.pattern("status", *status, false, "[Active, Inactive]");
  }
  auto user_name = target_user(call, validation);
  if (!user_name) return user_name;
  const std::string key_id(*id);
  const bool active = *status == "Active";
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.users.find(iam_key(*user_name));
    if (it == account.users.end()) return no_such_user(*user_name);
    auto& keys = it->second.access_keys;
    auto key = std::find_if(keys.begin(), keys.end(), [&](const IamAccessKey& k) { return k.access_key_id == key_id; });
    if (key == keys.end()) return no_such_key(key_id);
    key->active = active;
    return common::ok_status();
  });
}

common::Outcome<std::string> delete_access_key(const server::Call& call, IamContext& iam) {
  query::Validation validation;
  const std::string_view* id = form_value(call, "AccessKeyId");
  validation.not_null("accessKeyId", id != nullptr);
  if (id != nullptr) validation.length("accessKeyId", *id, 16, 128);
  auto user_name = target_user(call, validation);
  if (!user_name) return user_name;
  const std::string key_id(*id);
  return change_account(call, iam, [&](IamAccount& account) -> common::Status {
    auto it = account.users.find(iam_key(*user_name));
    if (it == account.users.end()) return no_such_user(*user_name);
    auto& keys = it->second.access_keys;
    if (std::erase_if(keys, [&](const IamAccessKey& k) { return k.access_key_id == key_id; }) == 0) {
      return no_such_key(key_id);
    }
    return common::ok_status();
  });
}

// Use of keys is not recorded yet: every key answers as never used (ServiceName and Region
// "N/A", no LastUsedDate), which is what IAM answers for a key that has not signed a request.
common::Outcome<std::string> get_access_key_last_used(const server::Call& call, IamContext& iam) {
  const std::string_view* id = form_value(call, "AccessKeyId");
  query::Validation validation;
  validation.not_null("accessKeyId", id != nullptr);
  if (id != nullptr) validation.length("accessKeyId", *id, 16, 128);
  if (auto error = validation.error()) return *error;
  const IamAccount account = iam.directory.iam_account(call.ctx.account_id);
  for (const auto& [user_key, user] : account.users) {
    for (const IamAccessKey& key : user.access_keys) {
      if (key.access_key_id != *id) continue;
      std::string out;
      query::XmlWriter w(out);
      w.element("UserName", user.name).open("AccessKeyLastUsed");
      if (key.last_used_ms) w.element("LastUsedDate", common::format_iso8601_ms(*key.last_used_ms));
      w.element("ServiceName", key.last_used_service.empty() ? "N/A" : key.last_used_service)
          .element("Region", key.last_used_region.empty() ? "N/A" : key.last_used_region)
          .close("AccessKeyLastUsed");
      return out;
    }
  }
  return common::aws_error(common::AwsErrorCode::AccessDenied,
                           "The specified access key does not exist or belongs to another account.");
}

}  // namespace sluice::api::iam_wire::detail
