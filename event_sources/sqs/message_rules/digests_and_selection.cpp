// The MD5 digests SQS returns with a message, and the ReceiveMessage attribute selection.
//
// MD5OfMessageAttributes layout (AWS developer guide; the Java SDK's checksum interceptor checks
// it client-side): attributes sorted by name; for each, uint32 big-endian length + name, uint32
// length + full DataType (custom ".label" included), one transport byte (1 = String/Number,
// 2 = Binary), uint32 length + value bytes (decoded bytes for Binary). One MD5 over the whole
// buffer, lowercase hex. The buffer is built in one thread-local string whose capacity is reused,
// so a digest costs one MD5 pass and no buffer allocation in steady state.
//
// Sorting: MessageAttributes is a std::map<std::string, ...>, ordered by unsigned byte value. AWS
// sorts Java Strings (UTF-16 code units); the two agree for every name except ones mixing
// characters above U+FFFF with characters in U+E000..U+FFFF, which attribute names cannot hold
// in practice.

#include <array>
#include <bit>
#include <string>

#include "attribute_names.h"
#include "message_rules.h"
#include "sluice/common/crypto.h"

namespace sluice::sqs::detail {
namespace {

constexpr unsigned char kTransportString = 1;  // String and Number (and their ".label" subtypes)
constexpr unsigned char kTransportBinary = 2;

void append_length(std::string& out, size_t n) {
  const auto v = static_cast<uint32_t>(n);
  const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                         static_cast<char>(v)};
  out.append(bytes, 4);
}

void append_field(std::string& out, std::string_view field) {
  append_length(out, field.size());
  out.append(field);
}

bool is_binary_type(std::string_view data_type) { return data_type.substr(0, data_type.find('.')) == "Binary"; }

constexpr std::array<std::string_view, 9> kSystemAttributeNames = {
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
};

}  // namespace

std::string md5_of_body(std::string_view body) { return common::md5_hex(body); }

std::optional<std::string> md5_of_message_attributes(const MessageAttributes& attributes) {
  if (attributes.empty()) return std::nullopt;
  size_t total = 0;
  for (const auto& [name, attribute] : attributes) {
    const bool binary = is_binary_type(attribute.data_type);
    total += 13 + name.size() + attribute.data_type.size() +
             (binary ? attribute.binary_value.size() : attribute.string_value.size());
  }
  thread_local std::string buffer;
  buffer.clear();
  buffer.reserve(total);
  for (const auto& [name, attribute] : attributes) {
    const bool binary = is_binary_type(attribute.data_type);
    append_field(buffer, name);
    append_field(buffer, attribute.data_type);
    buffer.push_back(static_cast<char>(binary ? kTransportBinary : kTransportString));
    append_field(buffer, binary ? attribute.binary_value : attribute.string_value);
  }
  return common::md5_hex(buffer);
}

MessageAttributes select_message_attributes(const MessageAttributes& attributes,
                                            const std::vector<std::string>& selectors) {
  MessageAttributes selected;
  if (attributes.empty() || selectors.empty()) return selected;
  for (const std::string& selector : selectors) {
    if (selector == "All" || selector == "*" || selector == ".*") return attributes;
  }
  for (const auto& entry : attributes) {
    const std::string& name = entry.first;
    for (const std::string& selector : selectors) {
      const std::string_view s = selector;
      bool match = false;
      if (s.size() > 2 && s.ends_with(".*")) {
        const std::string_view prefix = s.substr(0, s.size() - 2);
        match = name.starts_with(prefix) && classify_attribute_name(prefix) == NameProblem::None;
      } else {
        match = name == s && classify_attribute_name(s) == NameProblem::None;
      }
      if (match) {
        selected.emplace_hint(selected.end(), entry);
        break;
      }
    }
  }
  return selected;
}

common::Outcome<std::vector<std::string>> select_system_attribute_names(const std::vector<std::string>& names) {
  uint32_t mask = 0;
  constexpr uint32_t kAll = (1u << kSystemAttributeNames.size()) - 1;
  for (const std::string& name : names) {
    if (name == "All") {
      mask = kAll;
      continue;
    }
    size_t k = 0;
    while (k < kSystemAttributeNames.size() && kSystemAttributeNames[k] != name) ++k;
    if (k == kSystemAttributeNames.size()) {
      // The GetQueueAttributes wording (recorded); that ReceiveMessage rejects an unknown name the
      // same way is unverified.
      return common::aws_error(common::AwsErrorCode::InvalidAttributeName, "Unknown Attribute " + name + ".");
    }
    mask |= 1u << k;
  }
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(std::popcount(mask)));
  for (size_t k = 0; k < kSystemAttributeNames.size(); ++k) {
    if (mask & (1u << k)) out.emplace_back(kSystemAttributeNames[k]);
  }
  return out;
}

}  // namespace sluice::sqs::detail
