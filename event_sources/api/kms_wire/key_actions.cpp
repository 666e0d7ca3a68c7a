// KMS key actions: creation and description, states, the deletion schedule, rotation, key
// policies and tags (see kms_actions.h).

#include "kms_actions.h"

namespace sluice::api::kms_wire::detail {

namespace json = boost::json;

namespace {

Result unsupported(std::string what) {
  return common::aws_error(common::AwsErrorCode::KmsUnsupportedOperation, std::move(what));
}

// PutKeyPolicy and CreateKey: a policy document is JSON text (AWS checks much more).
std::optional<common::AwsError> check_policy(const std::string& policy) {
  boost::system::error_code ec;
  json::value doc = json::parse(policy, ec);
  if (ec || !doc.is_object()) {
    return common::aws_error(common::AwsErrorCode::KmsMalformedPolicyDocument,
                             "The new key policy will not allow you to update the "
                             "key policy in the future.");
  }
  return std::nullopt;
}

void check_key_spec(query::Validation& v, std::string_view field, const std::string& spec) {
  v.one_of(field, spec,
           {"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
            "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2"});
}

void check_tags(KmsRequest& request, const kms::Tags& tags) {
  for (const auto& [key, value] : tags) {
    request.validation().length("tags.member.tagKey", key, 1, 128);
    request.validation().length("tags.member.tagValue", value, 0, 256);
  }
}

}  // namespace

void read_paging(KmsRequest& request, std::optional<int64_t>* limit, std::optional<std::string>* marker) {
  *limit = request.integer("Limit");
  *marker = request.string("Marker");
  if (*limit) request.validation().range("limit", std::to_string(**limit), **limit, 1, 1000);
  if (*marker) request.validation().length("marker", **marker, 1, 320);
}

Result create_key(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  kms::CreateKeyRequest create;
  create.description = request.string("Description").value_or("");
  create.policy = request.string("Policy");
  std::optional<std::string> usage = request.string("KeyUsage");
  std::optional<std::string> spec = request.string("KeySpec");
  std::optional<std::string> cmk_spec = request.string("CustomerMasterKeySpec");
  std::optional<std::string> origin = request.string("Origin");
  std::optional<bool> multi_region = request.boolean("MultiRegion");
  std::optional<std::string> key_store = request.string("CustomKeyStoreId");
  create.tags = request.tags("Tags").value_or(kms::Tags{});
  (void)request.boolean("BypassPolicyLockoutSafetyCheck");
  query::Validation& v = request.validation();
  v.length("description", create.description, 0, 8192);
  if (create.policy) v.length("policy", *create.policy, 1, 131072);
  if (usage) v.one_of("keyUsage", *usage, {"SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"});
  if (spec) check_key_spec(v, "keySpec", *spec);
  if (cmk_spec) check_key_spec(v, "customerMasterKeySpec", *cmk_spec);
  if (origin) v.one_of("origin", *origin, {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"});
  check_tags(request, create.tags);
  if (auto error = request.error()) return *error;
  if (usage && *usage != "ENCRYPT_DECRYPT") return unsupported("sluice supports ENCRYPT_DECRYPT keys only");
  if ((spec && *spec != "SYMMETRIC_DEFAULT") || (cmk_spec && *cmk_spec != "SYMMETRIC_DEFAULT")) {
    return unsupported("sluice supports SYMMETRIC_DEFAULT keys only");
  }
  if (origin && *origin != "AWS_KMS") return unsupported("sluice supports the AWS_KMS origin only");
  if (multi_region.value_or(false)) return unsupported("sluice does not support multi-Region keys");
  if (key_store) return unsupported("sluice does not support custom key stores");
  if (create.policy) {
    if (auto malformed = check_policy(*create.policy)) return *malformed;
  }
  auto made = keys.create_key(scope, create);
  if (!made) return made.take_error();
  return json::object{{"KeyMetadata", key_metadata_json(*made)}};
}

Result describe_key(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  (void)request.strings("GrantTokens");
  if (auto error = request.error()) return *error;
  auto meta = keys.describe_key(scope, key_id);
  if (!meta) return meta.take_error();
  return json::object{{"KeyMetadata", key_metadata_json(*meta)}};
}

Result list_keys(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::optional<int64_t> limit;
  std::optional<std::string> marker;
  read_paging(request, &limit, &marker);
  if (auto error = request.error()) return *error;
  std::vector<kms::KeyMetadata> all = keys.list_keys(scope);
  Page page = page_of(all, marker, limit, [](const kms::KeyMetadata& m) { return m.key_id; });
  json::array listed;
  for (size_t i = page.first; i < page.last; ++i) {
    listed.push_back(json::object{{"KeyId", all[i].key_id}, {"KeyArn", all[i].arn}});
  }
  json::object out{{"Keys", std::move(listed)}, {"Truncated", page.next_marker.has_value()}};
  if (page.next_marker) out["NextMarker"] = *page.next_marker;
  return out;
}

Result enable_key(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.enable_key(scope, key_id); !done) return done.take_error();
  return json::object{};
}

Result disable_key(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.disable_key(scope, key_id); !done) return done.take_error();
  return json::object{};
}

Result schedule_key_deletion(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::optional<int64_t> window = request.integer("PendingWindowInDays");
  // The API model allows 1..365; KMS itself takes 7..30 and words it as a constraint.
  if (window) request.validation().range("pendingWindowInDays", std::to_string(*window), *window, 7, 30);
  if (auto error = request.error()) return *error;
  auto meta = keys.schedule_key_deletion(scope, key_id, window.value_or(30));
  if (!meta) return meta.take_error();
  return json::object{{"KeyId", meta->arn},
                      {"DeletionDate", timestamp(*meta->deletion_ms)},
                      {"KeyState", kms::key_state_name(meta->state)},
                      {"PendingWindowInDays", *meta->pending_window_days}};
}

Result cancel_key_deletion(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  if (auto error = request.error()) return *error;
  auto meta = keys.cancel_key_deletion(scope, key_id);
  if (!meta) return meta.take_error();
  return json::object{{"KeyId", meta->arn}};
}

Result enable_key_rotation(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::optional<int64_t> period = request.integer("RotationPeriodInDays");
  if (period) request.validation().range("rotationPeriodInDays", std::to_string(*period), *period, 90, 2560);
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.set_key_rotation(scope, key_id, true, period); !done) return done.take_error();
  return json::object{};
}

Result disable_key_rotation(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.set_key_rotation(scope, key_id, false, std::nullopt); !done) return done.take_error();
  return json::object{};
}

Result get_key_rotation_status(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  if (auto error = request.error()) return *error;
  auto meta = keys.describe_key(scope, key_id);
  if (!meta) return meta.take_error();
  if (meta->state == kms::KeyState::PendingDeletion) {
    return common::aws_error(common::AwsErrorCode::KmsKeyInvalidState, meta->arn + " is pending deletion.");
  }
  json::object out{{"KeyRotationEnabled", meta->rotation_enabled}, {"KeyId", meta->arn}};
  if (meta->rotation_enabled) {
    out["RotationPeriodInDays"] = meta->rotation_period_days;
    if (meta->next_rotation_ms) out["NextRotationDate"] = timestamp(*meta->next_rotation_ms);
  }
  return out;
}

Result get_key_policy(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::string policy_name = request.string("PolicyName").value_or("default");
  request.validation().length("policyName", policy_name, 1, 128);
  if (auto error = request.error()) return *error;
  auto meta = keys.describe_key(scope, key_id);
  if (!meta) return meta.take_error();
  if (policy_name != "default") {
    return common::aws_error(common::AwsErrorCode::KmsKeyNotFound, "No such policy exists");
  }
  return json::object{{"Policy", meta->policy}, {"PolicyName", "default"}};
}

Result put_key_policy(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::string policy_name = request.string("PolicyName").value_or("default");
  std::optional<std::string> policy = request.string("Policy");
  (void)request.boolean("BypassPolicyLockoutSafetyCheck");
  request.validation().not_null("policy", policy.has_value());
  if (policy) request.validation().length("policy", *policy, 1, 131072);
  if (auto error = request.error()) return *error;
  if (policy_name != "default") return common::aws_error(common::AwsErrorCode::KmsKeyNotFound, "No such policy exists");
  if (auto malformed = check_policy(*policy)) return *malformed;
  if (common::Status done = keys.put_key_policy(scope, key_id, *policy); !done) return done.take_error();
  return json::object{};
}

Result list_key_policies(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::optional<int64_t> limit;
  std::optional<std::string> marker;
  read_paging(request, &limit, &marker);
  if (auto error = request.error()) return *error;
  auto meta = keys.describe_key(scope, key_id);
  if (!meta) return meta.take_error();
  return json::object{{"PolicyNames", json::array{"default"}}, {"Truncated", false}};
}

Result tag_resource(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::optional<kms::Tags> tags = request.tags("Tags");
  request.validation().not_null("tags", tags.has_value());
  if (tags) check_tags(request, *tags);
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.tag_resource(scope, key_id, *tags); !done) return done.take_error();
  return json::object{};
}

Result untag_resource(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::optional<std::vector<std::string>> tag_keys = request.strings("TagKeys");
  request.validation().not_null("tagKeys", tag_keys.has_value());
  if (auto error = request.error()) return *error;
  if (common::Status done = keys.untag_resource(scope, key_id, *tag_keys); !done) return done.take_error();
  return json::object{};
}

Result list_resource_tags(KmsRequest& request, const kms::Scope& scope, kms::KeyManager& keys) {
  std::string key_id = request.key_id();
  std::optional<int64_t> limit;
  std::optional<std::string> marker;
  read_paging(request, &limit, &marker);
  if (auto error = request.error()) return *error;
  auto meta = keys.describe_key(scope, key_id);
  if (!meta) return meta.take_error();
  Page page = page_of(meta->tags, marker, limit, [](const auto& tag) { return tag.first; });
  kms::Tags listed(meta->tags.begin() + static_cast<std::ptrdiff_t>(page.first),
                   meta->tags.begin() + static_cast<std::ptrdiff_t>(page.last));
  json::object out{{"Tags", tags_json(listed)}, {"Truncated", page.next_marker.has_value()}};
  if (page.next_marker) out["NextMarker"] = *page.next_marker;
  return out;
}

}  // namespace sluice::api::kms_wire::detail
