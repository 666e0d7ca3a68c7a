// Publish validation with SNS's texts: the message (size counted together with the attributes,
// as SNS counts it), the subject, MessageStructure json, and message attributes (names, types,
// which value field each type must use).

#include <boost/json.hpp>

#include "internal.h"

namespace sluice::sns::detail {
namespace json = boost::json;

namespace {

common::AwsError value_invalid(std::string text) {
  return common::aws_error(common::AwsErrorCode::ParameterValueInvalid, std::move(text));
}

bool valid_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

common::Status validate_attribute_name(const std::string& name) {
  if (name.empty()) return value_invalid("The message attribute name must not be empty.");
  if (name.size() >= 256) return value_invalid("Length of message attribute name must be less than 256 bytes.");
  for (unsigned char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "#x%02X", c);
      return value_invalid(std::string("Invalid non-alphanumeric character '") + hex +
                           "' was found in the message attribute name. Can only include alphanumeric characters, "
                           "hyphens, underscores, or dots.");
    }
  }
  if (name.front() == '.')
    return value_invalid("Invalid message attribute name starting with character '.' was found.");
  if (name.back() == '.') return value_invalid("Invalid message attribute name ending with character '.' was found.");
  if (name.find("..") != std::string::npos)
    return value_invalid("Message attribute name can not have successive '.' character.");
  auto lower_prefix = [&](std::string_view p) {
    if (name.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != p[i]) return false;
    }
    return true;
  };
  // AWS's own per-message settings for texts and pushes (AWS.SNS.SMS.SMSType,
  // AWS.MM.SMS.OriginationNumber, AWS.SNS.MOBILE.APNS.TTL, ...) are what the prefix is kept for.
  for (std::string_view own : {"AWS.SNS.SMS.", "AWS.MM.SMS.", "AWS.SNS.MOBILE."}) {
    if (name.size() > own.size() && name.compare(0, own.size(), own) == 0) return common::ok_status();
  }
  if (lower_prefix("aws.") || lower_prefix("amazon.")) {
    return value_invalid("The message attribute name '" + name + "' is reserved for use by AWS.");
  }
  return common::ok_status();
}

common::Status validate_attribute(const std::string& name, const PublishAttribute& a, std::optional<int> entry_index) {
  if (auto st = validate_attribute_name(name); !st) return st;
  if (a.data_type.empty()) {
    std::string path = entry_index ? "publishBatchRequestEntries." + std::to_string(*entry_index) +
                                         ".member.messageAttributes." + name + ".member.dataType"
                                   : "messageAttributes." + name + ".member.dataType";
    return common::aws_error(common::AwsErrorCode::ValidationError,
                             "1 validation error detected: Value null at '" + path +
                                 "' failed to satisfy constraint: Member must not be null");
  }
  std::string_view type = a.data_type;
  std::string_view base = type.substr(0, type.find('.'));
  const std::string quoted = "The message attribute '" + name + "'";
  if (base != "String" && base != "Number" && base != "Binary") {
    return value_invalid(quoted +
                         " has an invalid message attribute type, the set of supported type prefixes is "
                         "Binary, Number, and String.");
  }
  if (base == "Binary") {
    if (!a.binary_value) return value_invalid(quoted + " with type 'Binary' must use field 'Binary'.");
    if (a.binary_value->empty()) {
      return value_invalid(quoted +
                           " must contain non-empty message attribute value for message attribute type 'Binary'.");
    }
    return common::ok_status();
  }
  if (!a.string_value) {
    return value_invalid(quoted + " with type '" + std::string(base) + "' must use field 'String'.");
  }
  if (a.string_value->empty()) {
    return value_invalid(quoted + " must contain non-empty message attribute value for message attribute type '" +
                         std::string(base) + "'.");
  }
  if (base == "Number" && !valid_number(*a.string_value)) {
    return value_invalid("Could not cast message attribute '" + name + "' value to number.");
  }
  if (type == "String.Array") {
    boost::system::error_code ec;
    json::value v = json::parse(*a.string_value, ec);
    if (ec || !v.is_array()) {
      return value_invalid(quoted + " with type 'String.Array' has an invalid value: " + *a.string_value);
    }
    for (const auto& e : v.as_array()) {
      if (e.is_array() || e.is_object()) {
        return value_invalid(quoted + " with type 'String.Array' has an invalid value: " + *a.string_value);
      }
    }
  }
  return common::ok_status();
}

}  // namespace

size_t message_size(const PublishRequest& request) {
  size_t size = request.message ? request.message->size() : 0;
  for (const auto& [name, a] : request.message_attributes) {
    size += name.size() + a.data_type.size();
    size += a.string_value ? a.string_value->size() : 0;
    size += a.binary_value ? a.binary_value->size() : 0;
  }
  return size;
}

common::Status validate_message(const PublishRequest& request, std::optional<int> entry_index,
                                std::map<std::string, std::string>* per_protocol) {
  if (!request.message || request.message->empty()) return invalid_parameter("Empty message");
  if (message_size(request) > kMaxMessageBytes) return invalid_parameter("Message too long");
  if (request.subject) {
    const std::string& s = *request.subject;
    bool bad = s.empty() || s.size() >= 100;
    for (unsigned char c : s) bad = bad || c < 0x20 || c == 0x7f;
    if (bad) return invalid_parameter("Subject");
  }
  if (request.message_structure) {
    if (*request.message_structure != "json") return invalid_parameter("MessageStructure");
    boost::system::error_code ec;
    json::value v = json::parse(*request.message, ec);
    if (ec || !v.is_object()) return invalid_parameter("Message Structure - JSON message body failed to parse");
    const json::value* dflt = v.as_object().if_contains("default");
    if (dflt == nullptr || !dflt->is_string()) {
      return invalid_parameter("Message Structure - No default entry in JSON message body");
    }
    if (per_protocol != nullptr) {
      for (const auto& [k, val] : v.as_object()) {
        if (val.is_string()) (*per_protocol)[std::string(k)] = std::string(val.as_string());
      }
    }
  }
  for (const auto& [name, a] : request.message_attributes) {
    if (auto st = validate_attribute(name, a, entry_index); !st) return st;
  }
  return common::ok_status();
}

MessageAttributeMap to_filter_attributes(const PublishAttributes& attributes) {
  MessageAttributeMap out;
  for (const auto& [name, a] : attributes) {
    bool binary = a.data_type.substr(0, 6) == "Binary";
    out[name] = AttributeValue{a.data_type, binary ? a.binary_value.value_or("") : a.string_value.value_or("")};
  }
  return out;
}

}  // namespace sluice::sns::detail
