// Body, size, FIFO token and batch-id rules. Attribute rules live in attribute_rules.cpp, digests
// and ReceiveMessage selection in digests_and_selection.cpp.
//
// Every check answers nullopt on success without touching the heap; an AwsError (with its message
// string) is only built on the failure path.

#include <string>

#include "message_rules.h"
#include "text_scan.h"

namespace sluice::sqs::detail {
namespace {

constexpr size_t kMaxBatchEntries = 10;
constexpr size_t kMaxBatchIdLength = 80;
constexpr size_t kMaxFifoTokenLength = 128;

bool batch_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool valid_batch_id(const std::string& id) {
  if (id.empty() || id.size() > kMaxBatchIdLength) return false;
  for (char c : id) {
    if (!batch_id_char(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<common::AwsError> check_message_body(std::string_view body) {
  // AWS answers an empty MessageBody exactly like a missing one (recorded: test_send_empty_message).
  if (body.empty()) {
    return common::aws_error(common::AwsErrorCode::MissingParameter,
                             "The request must contain the parameter MessageBody.");
  }
  if (auto bad = first_disallowed_char(body)) {
    // Text as AWS answers in production (reported by users for '#x7' and '#xFFFF'). For bytes that
    // are not UTF-8 at all the byte value is reported; what AWS shows there is unverified.
    return common::aws_error(common::AwsErrorCode::InvalidMessageContents,
                             "Invalid binary character '" + xml_char_ref(*bad) +
                                 "' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | "
                                 "[#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].");
  }
  return std::nullopt;
}

int64_t message_size(std::string_view body, const MessageAttributes& attributes) {
  size_t size = body.size();
  for (const auto& [name, attribute] : attributes) {
    // Only one of the two values is set; adding both keeps this branch-free.
    size += name.size() + attribute.data_type.size() + attribute.string_value.size() + attribute.binary_value.size();
  }
  return static_cast<int64_t>(size);
}

std::optional<common::AwsError> check_message_size(int64_t size, int64_t max_size) {
  if (size <= max_size) return std::nullopt;
  return common::aws_error(common::AwsErrorCode::InvalidParameterValue,
                           "One or more parameters are invalid. Reason: Message must be shorter than " +
                               std::to_string(max_size) + " bytes.");
}

std::optional<common::AwsError> check_fifo_token(std::string_view value, std::string_view parameter) {
  bool ok = !value.empty() && value.size() <= kMaxFifoTokenLength;
  for (size_t i = 0; ok && i < value.size(); ++i) {
    // Alphanumeric and punctuation = printable ASCII without the space (recorded: "group 123"
    // is rejected).
    const auto c = static_cast<unsigned char>(value[i]);
    ok = c >= 0x21 && c <= 0x7E;
  }
  if (ok) return std::nullopt;
  std::string message;
  message.reserve(value.size() + 2 * parameter.size() + 110);
  message.append("Value ").append(value).append(" for parameter ").append(parameter);
  message.append(" is invalid. Reason: ").append(parameter);
  message.append(" can only include alphanumeric and punctuation characters. 1 to 128 in length.");
  return common::aws_error(common::AwsErrorCode::InvalidParameterValue, std::move(message));
}

std::optional<common::AwsError> check_batch_ids(const std::vector<std::string>& ids) {
  return check_batch_ids(ids, "SendMessageBatchRequestEntry");
}

std::optional<common::AwsError> check_batch_ids(const std::vector<std::string>& ids, std::string_view entry_type) {
  if (ids.empty()) {
    // Text answered by AWS for SendMessageBatch; the Delete/ChangeVisibility variants follow the
    // same pattern with their own entry type (unverified).
    return common::aws_error(common::AwsErrorCode::EmptyBatchRequest,
                             "There should be at least one " + std::string(entry_type) + " in the request.");
  }
  if (ids.size() > kMaxBatchEntries) {
    return common::aws_error(
        common::AwsErrorCode::TooManyEntriesInBatchRequest,
        "Maximum number of entries per request are 10. You have sent " + std::to_string(ids.size()) + ".");
  }
  // At most 10 ids: comparing each with the earlier ones beats building a set.
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!valid_batch_id(ids[i])) {
      return common::aws_error(common::AwsErrorCode::InvalidBatchEntryId,
                               "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                               "It can be at most 80 letters long.");
    }
    for (size_t j = 0; j < i; ++j) {
      if (ids[j] == ids[i])
        return common::aws_error(common::AwsErrorCode::BatchEntryIdsNotDistinct, "Id " + ids[i] + " repeated.");
    }
  }
  return std::nullopt;
}

}  // namespace sluice::sqs::detail
