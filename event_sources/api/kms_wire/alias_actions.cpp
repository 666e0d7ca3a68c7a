// KMS alias actions (see kms_actions.h).

#include "kms_actions.h"

namespace sluice::api::kms_wire::detail {

namespace json = boost::json;

namespace {

std::string alias_name(KmsRequest& request) {
  std::optional<std::string> name = request.string("AliasName");
  request.validation().not_null("aliasName", name.has_value());
  if (name) request.validation().length("aliasName", *name, 1, 256);
  return name.value_or("");
}

}  // namespace

Result create_alias(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string name = alias_name(request);
  std::string target = request.key_id("TargetKeyId");
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.create_alias(scope, name, target); !done) return done.take_error();
  return json::object{};
}

Result update_alias(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string name = alias_name(request);
  std::string target = request.key_id("TargetKeyId");
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.update_alias(scope, name, target); !done) return done.take_error();
  return json::object{};
}

Result delete_alias(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string name = alias_name(request);
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.delete_alias(scope, name); !done) return done.take_error();
  return json::object{};
}

Result list_aliases(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::optional<std::string> key_id = request.string("KeyId");
  if (key_id) request.validation().length("keyId", *key_id, 1, 2048);
  std::optional<int64_t> limit;
  std::optional<std::string> marker;
  read_paging(request, &limit, &marker);
  if (auto error = request.error()) return *error;
  auto aliases = keys.list_aliases(scope, key_id);
  if (!aliases) return aliases.take_error();
  const std::vector<kms::Alias>& all = *aliases;
  Page page = page_of(all, marker, limit, [](const kms::Alias& a) { return a.name; });
  json::array listed;
  for (size_t i = page.first; i < page.last; ++i) {
    const kms::Alias& a = all[i];
    json::object item{{"AliasName", a.name}, {"AliasArn", a.arn}};
    if (!a.target_key_id.empty()) {
      item["TargetKeyId"] = a.target_key_id;
      item["CreationDate"] = timestamp(a.creation_ms);
      item["LastUpdatedDate"] = timestamp(a.last_updated_ms);
    }
    listed.push_back(std::move(item));
  }
  json::object out{{"Aliases", std::move(listed)}, {"Truncated", page.next_marker.has_value()}};
  if (page.next_marker) out["NextMarker"] = *page.next_marker;
  return out;
}

}  // namespace sluice::api::kms_wire::detail
