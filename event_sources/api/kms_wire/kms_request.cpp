// KmsRequest and the answer shapes (see kms_request.h).

#include "kms_request.h"

#include "sluice/common/crypto.h"

namespace sluice::api::kms_wire::detail {

namespace json = boost::json;

common::Outcome<KmsRequest> KmsRequest::parse(std::string_view body) {
  KmsRequest request;
  if (body.empty()) return request;  // an empty body is an empty input
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    return common::aws_error(common::AwsErrorCode::SerializationException,
                             "Start of structure or map found where not expected.");
  }
  request.body_ = std::move(doc.as_object());
  return request;
}

const json::value* KmsRequest::member(std::string_view name) {
  const json::value* v = body_.if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

void KmsRequest::type_error(std::string_view name, std::string_view expected) {
  if (type_error_) return;
  type_error_ = common::aws_error(common::AwsErrorCode::SerializationException,
                                  "Unexpected value for " + std::string(name) + ": expected " + std::string(expected));
}

std::optional<std::string> KmsRequest::string(std::string_view name) {
  const json::value* v = member(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    type_error(name, "a string");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<int64_t> KmsRequest::integer(std::string_view name) {
  const json::value* v = member(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double() && v->as_double() == static_cast<double>(static_cast<int64_t>(v->as_double()))) {
    return static_cast<int64_t>(v->as_double());
  }
  type_error(name, "an integer");
  return std::nullopt;
}

std::optional<bool> KmsRequest::boolean(std::string_view name) {
  const json::value* v = member(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    type_error(name, "a boolean");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::string> KmsRequest::blob(std::string_view name) {
  std::optional<std::string> text = string(name);
  if (!text) return std::nullopt;
  std::optional<std::string> bytes = common::base64_decode(*text);
  if (!bytes) type_error(name, "base64 data");
  return bytes;
}

std::optional<kms::EncryptionContext> KmsRequest::context(std::string_view name) {
  const json::value* v = member(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) {
    type_error(name, "a map");
    return std::nullopt;
  }
  kms::EncryptionContext out;
  for (const auto& entry : v->as_object()) {
    if (!entry.value().is_string()) {
      type_error(name, "a map of strings");
      return std::nullopt;
    }
    out.emplace(std::string(entry.key()), std::string(entry.value().as_string()));
  }
  return out;
}

std::optional<kms::Tags> KmsRequest::tags(std::string_view name) {
  const json::value* v = member(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    type_error(name, "a list");
    return std::nullopt;
  }
  kms::Tags out;
  for (const json::value& item : v->as_array()) {
    const json::object* tag = item.if_object();
    const json::value* key = tag ? tag->if_contains("TagKey") : nullptr;
    const json::value* value = tag ? tag->if_contains("TagValue") : nullptr;
    if (key == nullptr || value == nullptr || !key->is_string() || !value->is_string()) {
      type_error(name, "a list of {TagKey, TagValue}");
      return std::nullopt;
    }
    out.emplace_back(std::string(key->as_string()), std::string(value->as_string()));
  }
  return out;
}

std::optional<std::vector<std::string>> KmsRequest::strings(std::string_view name) {
  const json::value* v = member(name);
  if (v == nullptr) return std::nullopt;
  std::vector<std::string> out;
  if (v->is_array()) {
    for (const json::value& item : v->as_array()) {
      if (!item.is_string()) break;
      out.emplace_back(item.as_string());
    }
    if (out.size() == v->as_array().size()) return out;
  }
  type_error(name, "a list of strings");
  return std::nullopt;
}

std::string KmsRequest::key_id(std::string_view name) {
  std::optional<std::string> id = string(name);
  validation_.not_null(field_name(name), id.has_value());
  if (id) validation_.length(field_name(name), *id, 1, 2048);
  return id.value_or("");
}

std::optional<common::AwsError> KmsRequest::error() const {
  if (type_error_) return type_error_;
  std::optional<common::AwsError> invalid = validation_.error();
  if (invalid) invalid->code = common::AwsErrorCode::KmsValidation;
  return invalid;
}

std::string field_name(std::string_view member) {
  std::string out(member);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

json::value timestamp(int64_t epoch_ms) { return static_cast<double>(epoch_ms) / 1000.0; }

json::array tags_json(const kms::Tags& tags) {
  json::array out;
  for (const auto& [key, value] : tags) out.push_back(json::object{{"TagKey", key}, {"TagValue", value}});
  return out;
}

json::object key_metadata_json(const kms::KeyMetadata& m) {
  json::object o{{"AWSAccountId", m.account_id},
                 {"KeyId", m.key_id},
                 {"Arn", m.arn},
                 {"CreationDate", timestamp(m.creation_ms)},
                 {"Enabled", m.state == kms::KeyState::Enabled},
                 {"Description", m.description},
                 {"KeyUsage", "ENCRYPT_DECRYPT"},
                 {"KeyState", kms::key_state_name(m.state)},
                 {"Origin", "AWS_KMS"},
                 {"KeyManager", m.aws_managed ? "AWS" : "CUSTOMER"},
                 {"CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"},
                 {"KeySpec", "SYMMETRIC_DEFAULT"},
                 {"EncryptionAlgorithms", json::array{"SYMMETRIC_DEFAULT"}},
                 {"MultiRegion", false}};
  if (m.deletion_ms) o["DeletionDate"] = timestamp(*m.deletion_ms);
  if (m.pending_window_days) o["PendingDeletionWindowInDays"] = *m.pending_window_days;
  return o;
}

}  // namespace sluice::api::kms_wire::detail
