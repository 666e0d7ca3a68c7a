// Message attribute rules: names, data types and values of user attributes, and the one system
// attribute a sender may set (AWSTraceHeader).
//
// Checks run in this order, stopping at the first failure: the attribute count, then each
// attribute in name order (name, type, value). Texts recorded against AWS or reported from AWS
// are used verbatim; the rest are marked unverified where they are defined.

#include <string>

#include "attribute_names.h"
#include "message_rules.h"
#include "text_scan.h"

namespace sluice::sqs::detail {
namespace {

constexpr size_t kMaxAttributes = 10;
constexpr size_t kMaxNameLength = 256;
constexpr size_t kMaxTypeLength = 256;
constexpr int kMaxNumberDigits = 38;
constexpr int kMaxNumberExponent = 126;   // |value| <= 10^126
constexpr int kMinNumberExponent = -128;  // |value| >= 10^-128 (or zero)

// Names are ASCII: AWS documents A-Z, a-z, 0-9, '_', '-' and '.', and refuses a letter such as
// 'ö' with the text of NameProblem::BadCharacter.
bool name_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

bool starts_with_ignore_case(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

// Data type = base ("String", "Number", "Binary") + optional ".label" with a non-empty label.
enum class BaseType { Invalid, String, Number, Binary };

BaseType base_type(std::string_view type) {
  const size_t dot = type.find('.');
  const std::string_view base = type.substr(0, dot);
  if (dot != std::string_view::npos && dot + 1 == type.size()) return BaseType::Invalid;
  if (base == "String") return BaseType::String;
  if (base == "Number") return BaseType::Number;
  if (base == "Binary") return BaseType::Binary;
  return BaseType::Invalid;
}

// A decimal number as SQS accepts it: [+-] digits [. digits] [(e|E) [+-] digits], at least one
// mantissa digit, at most 38 significant digits, magnitude within 10^-128..10^126.
bool valid_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  int64_t digits = 0;          // mantissa digits seen
  int64_t point = -1;          // mantissa digits before the '.', once seen
  int64_t first_nonzero = -1;  // index (among mantissa digits) of the first non-zero digit
  int64_t last_nonzero = -1;
  bool power_of_ten = true;  // exactly one non-zero digit, and it is '1'
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (point >= 0) return false;
      point = digits;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (c != '0') {
      if (first_nonzero < 0) {
        first_nonzero = digits;
        power_of_ten = c == '1';
      } else {
        power_of_ten = false;
      }
      last_nonzero = digits;
    }
    ++digits;
  }
  if (digits == 0) return false;
  if (point < 0) point = digits;
  int64_t exponent = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return false;
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i == s.size()) return false;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      if (exponent < 1000000) exponent = exponent * 10 + (s[i] - '0');  // saturate: far out of range anyway
    }
    if (negative) exponent = -exponent;
  }
  if (first_nonzero < 0) return true;  // zero, in any spelling
  if (last_nonzero - first_nonzero + 1 > kMaxNumberDigits) return false;
  // Decimal exponent of the first significant digit: in "123.4" the '1' stands for 10^2.
  const int64_t magnitude = point - first_nonzero - 1 + exponent;
  if (magnitude > kMaxNumberExponent || (magnitude == kMaxNumberExponent && !power_of_ten)) return false;
  return magnitude >= kMinNumberExponent;
}

common::AwsError invalid(std::string message) {
  return common::aws_error(common::AwsErrorCode::InvalidParameterValue, std::move(message));
}

std::string quoted(std::string_view prefix, std::string_view name, std::string_view suffix) {
  std::string out;
  out.reserve(prefix.size() + name.size() + suffix.size() + 2);
  out.append(prefix).append("'").append(name).append("'").append(suffix);
  return out;
}

// A String value holding a character outside the SQS set. Worded after the body's text (which
// AWS answers with InvalidMessageContents); for attribute values AWS answers InvalidParameterValue
// and the wording is unverified.
common::AwsError bad_value_character(uint32_t bad, std::string_view kind, std::string_view name) {
  std::string message = "Invalid binary character '" + xml_char_ref(bad) + "' was found in the value of ";
  message.append(kind).append(" '").append(name).append("'");
  message.append(
      ", the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | "
      "[#x10000-#x10FFFF].");
  return invalid(std::move(message));
}

std::optional<common::AwsError> name_error(NameProblem problem) {
  switch (problem) {
    case NameProblem::None:
      return std::nullopt;
    case NameProblem::Empty:
      // Answered by AWS (reported by SDK users whose requests lost the attribute name).
      return invalid("The request must contain non-empty message attribute name.");
    // The texts below are unverified against AWS.
    case NameProblem::TooLong:
      return invalid("Message (user) attribute names must be shorter than 256 Bytes");
    case NameProblem::BadCharacter:
      return invalid(
          "Message (user) attributes name can only contain upper and lower score characters, digits, periods, "
          "hyphens and underscores.");
    case NameProblem::ReservedOrDotEnd:
      return invalid(
          "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved "
          "for internal use. Additionally, they cannot start or end with '.'.");
    case NameProblem::DoublePeriod:
      return invalid("Message (user) attribute names cannot contain successive periods.");
  }
  return std::nullopt;
}

std::optional<common::AwsError> check_string_value(std::string_view name, std::string_view value,
                                                   std::string_view kind) {
  if (value.empty()) {
    // Recorded for String (test_send_message_with_empty_string_attribute); Number and Binary use
    // the same sentence with their own type (unverified).
    return invalid(quoted("Message (user) attribute ", name,
                          " must contain a non-empty value of type '" + std::string(kind) + "'."));
  }
  return std::nullopt;
}

std::optional<common::AwsError> check_attribute(const std::string& name, const MessageAttribute& attribute) {
  if (auto error = name_error(classify_attribute_name(name))) return error;
  const std::string& type = attribute.data_type;
  if (type.empty()) {
    return invalid(quoted("Message (user) attribute ", name, " must contain a non-empty attribute type."));
  }
  const BaseType base = base_type(type);
  if (base == BaseType::Invalid) {
    // Answered by AWS (reported by users of several SDKs).
    return invalid(quoted("The type of message (user) attribute ", name,
                          " is invalid. You must use only the following supported type prefixes: Binary, Number, "
                          "String."));
  }
  if (type.size() > kMaxTypeLength) {
    return invalid("Message (user) attribute types must be shorter than 256 Bytes");  // unverified
  }
  switch (base) {
    case BaseType::Binary:
      if (attribute.binary_value.empty()) {
        return invalid(quoted("Message (user) attribute ", name, " must contain a non-empty value of type 'Binary'."));
      }
      return std::nullopt;
    case BaseType::Number:
      if (auto error = check_string_value(name, attribute.string_value, "Number")) return error;
      if (!valid_number(attribute.string_value)) {
        // Reported from AWS for a non-numeric value; also used for out-of-range ones (unverified).
        return invalid(quoted("Can't cast the value of message (user) attribute ", name, " to a number."));
      }
      return std::nullopt;
    case BaseType::String:
      if (auto error = check_string_value(name, attribute.string_value, "String")) return error;
      if (auto bad = first_disallowed_char(attribute.string_value)) {
        return bad_value_character(*bad, "message (user) attribute", name);
      }
      return std::nullopt;
    case BaseType::Invalid:
      break;
  }
  return std::nullopt;
}

}  // namespace

NameProblem classify_attribute_name(std::string_view name) {
  if (name.empty()) return NameProblem::Empty;
  for (char c : name)
    if (!name_char(static_cast<unsigned char>(c))) return NameProblem::BadCharacter;
  if (name.size() > kMaxNameLength) return NameProblem::TooLong;
  if (name.front() == '.' || name.back() == '.' || starts_with_ignore_case(name, "aws.") ||
      starts_with_ignore_case(name, "amazon.")) {
    return NameProblem::ReservedOrDotEnd;
  }
  if (name.find("..") != std::string_view::npos) return NameProblem::DoublePeriod;
  return NameProblem::None;
}

std::optional<common::AwsError> check_message_attributes(const MessageAttributes& attributes) {
  if (attributes.size() > kMaxAttributes) {
    // Widely reproduced AWS text; not among the recordings (unverified).
    return invalid("Number of message attributes [" + std::to_string(attributes.size()) +
                   "] exceeds the allowed maximum [10].");
  }
  for (const auto& [name, attribute] : attributes) {
    if (auto error = check_attribute(name, attribute)) return error;
  }
  return std::nullopt;
}

std::optional<common::AwsError> check_message_system_attributes(const MessageAttributes& attributes) {
  // The only system attribute a sender may set is AWSTraceHeader (botocore's
  // MessageSystemAttributeNameForSends enum). The texts below are unverified.
  for (const auto& [name, attribute] : attributes) {
    if (name != "AWSTraceHeader") {
      return invalid(quoted("Message system attribute name ", name, " is invalid."));
    }
    if (attribute.data_type != "String") {
      return invalid(quoted("The type of message system attribute ", name,
                            " is invalid. You must use only the following supported type: String."));
    }
    if (attribute.string_value.empty()) {
      return invalid(quoted("Message system attribute ", name, " must contain a non-empty value of type 'String'."));
    }
    if (auto bad = first_disallowed_char(attribute.string_value)) {
      return bad_value_character(*bad, "message system attribute", name);
    }
  }
  return std::nullopt;
}

}  // namespace sluice::sqs::detail
