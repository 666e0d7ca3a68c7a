// Body characters, message size, FIFO tokens and batch ids, with AWS's texts.

#include <string>
#include <vector>

#include "test_helpers.h"

namespace common = sluice::common;

using namespace sluice::sqs::detail;
using namespace rules_test;

namespace {
const std::string kCharsetTail =
    "' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | "
    "[#xE000-#xFFFD] | [#x10000-#x10FFFF].";
}

TEST_CASE("body: empty is MissingParameter, as AWS answers an empty MessageBody") {
  expect_error(check_message_body(""), common::AwsErrorCode::MissingParameter,
               "The request must contain the parameter MessageBody.");
}

TEST_CASE("body: allowed characters pass") {
  CHECK_FALSE(check_message_body("msg"));
  CHECK_FALSE(check_message_body("tab\there\nnew line\r\n"));
  CHECK_FALSE(check_message_body(std::string(1000, 'x') + "\x7f"));              // DEL is in #x20-#xD7FF
  CHECK_FALSE(check_message_body("\xc2\x80 C1 control is allowed"));             // U+0080
  CHECK_FALSE(check_message_body("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));  // é € 😀
  CHECK_FALSE(check_message_body("\xed\x9f\xbf"));                               // U+D7FF
  CHECK_FALSE(check_message_body("\xee\x80\x80"));                               // U+E000
  CHECK_FALSE(check_message_body("\xef\xbf\xbd"));                               // U+FFFD
  CHECK_FALSE(check_message_body("\xf4\x8f\xbf\xbf"));                           // U+10FFFF
  CHECK_FALSE(check_message_body("{\"json\": [1, 2, 3], \"k\": \"<xml/>\"}"));
}

TEST_CASE("body: a forbidden character is InvalidMessageContents naming it") {
  expect_error(check_message_body(std::string("abc\x07", 4)), common::AwsErrorCode::InvalidMessageContents,
               "Invalid binary character '#x7" + kCharsetTail);
  expect_error(check_message_body(std::string("Invalid-\0-x", 11)), common::AwsErrorCode::InvalidMessageContents,
               "Invalid binary character '#x0" + kCharsetTail);
  expect_error(check_message_body("a\x0b"), common::AwsErrorCode::InvalidMessageContents,
               "Invalid binary character '#xB" + kCharsetTail);
  expect_error(check_message_body("x\x1f"), common::AwsErrorCode::InvalidMessageContents,
               "Invalid binary character '#x1F" + kCharsetTail);
  expect_error(check_message_body("\xef\xbf\xbf"), common::AwsErrorCode::InvalidMessageContents,  // U+FFFF
               "Invalid binary character '#xFFFF" + kCharsetTail);
  expect_error(check_message_body("\xef\xbf\xbe"), common::AwsErrorCode::InvalidMessageContents,  // U+FFFE
               "Invalid binary character '#xFFFE" + kCharsetTail);
}

TEST_CASE("body: the forbidden character is found past the 8-byte fast path and in any position") {
  std::string body(64, 'a');
  for (size_t pos : {size_t{0}, size_t{7}, size_t{8}, size_t{31}, size_t{63}}) {
    std::string b = body;
    b[pos] = '\x01';
    CAPTURE(pos);
    REQUIRE(check_message_body(b));
    CHECK(check_message_body(b)->message.find("'#x1'") != std::string::npos);
  }
  CHECK_FALSE(check_message_body(body));
}

TEST_CASE("body: malformed UTF-8 is rejected") {
  for (std::string bad : {std::string("\xc3"),              // truncated 2-byte sequence
                          std::string("ab\xe2\x82"),        // truncated 3-byte sequence
                          std::string("\x80"),              // stray continuation byte
                          std::string("\xc0\xaf"),          // overlong '/'
                          std::string("\xe0\x80\xaf"),      // overlong, 3 bytes
                          std::string("\xed\xa0\x80"),      // surrogate U+D800
                          std::string("\xf4\x90\x80\x80"),  // U+110000
                          std::string("\xff"), std::string("12345678\xfe")}) {
    CAPTURE(bad);
    auto error = check_message_body(bad);
    REQUIRE(error);
    CHECK(error->code == common::AwsErrorCode::InvalidMessageContents);
  }
}

TEST_CASE("message size counts body plus each attribute's name, type and value") {
  MessageAttributes attrs{{"Author", str("John Grisham")}, {"Data", bin(std::string("\x00\x01\x02", 3))}};
  // body 3 + (6 + 6 + 12) + (4 + 6 + 3)
  CHECK(message_size("msg", attrs) == 3 + 24 + 13);
  CHECK(message_size("msg", {}) == 3);
  CHECK(message_size("\xc3\xa9", {}) == 2);  // bytes, not characters
}

TEST_CASE("message size check uses the queue's maximum in AWS's text") {
  CHECK_FALSE(check_message_size(1024, 1024));
  CHECK_FALSE(check_message_size(0, 1024));
  expect_error(check_message_size(1025, 1024), common::AwsErrorCode::InvalidParameterValue,
               "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.");
  expect_error(check_message_size(1048577, 1048576), common::AwsErrorCode::InvalidParameterValue,
               "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.");
}

TEST_CASE("FIFO tokens: 1..128 printable non-space ASCII") {
  CHECK_FALSE(check_fifo_token("group-1", "MessageGroupId"));
  CHECK_FALSE(check_fifo_token("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "MessageGroupId"));
  CHECK_FALSE(check_fifo_token(std::string(128, 'a'), "MessageDeduplicationId"));
  CHECK_FALSE(check_fifo_token("a", "MessageGroupId"));
}

TEST_CASE("FIFO tokens: recorded error texts for empty, too long and spaces") {
  const std::string reason = " can only include alphanumeric and punctuation characters. 1 to 128 in length.";
  expect_error(check_fifo_token("", "MessageGroupId"), common::AwsErrorCode::InvalidParameterValue,
               "Value  for parameter MessageGroupId is invalid. Reason: MessageGroupId" + reason);
  expect_error(check_fifo_token("group 123", "MessageGroupId"), common::AwsErrorCode::InvalidParameterValue,
               "Value group 123 for parameter MessageGroupId is invalid. Reason: MessageGroupId" + reason);
  const std::string long_value(129, 'a');
  expect_error(check_fifo_token(long_value, "MessageGroupId"), common::AwsErrorCode::InvalidParameterValue,
               "Value " + long_value + " for parameter MessageGroupId is invalid. Reason: MessageGroupId" + reason);
  expect_error(check_fifo_token("", "MessageDeduplicationId"), common::AwsErrorCode::InvalidParameterValue,
               "Value  for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId" + reason);
  CHECK(check_fifo_token("tab\there", "MessageGroupId"));
  CHECK(check_fifo_token("caf\xc3\xa9", "MessageGroupId"));
  CHECK(check_fifo_token(std::string("a\x7f", 2), "MessageGroupId"));
}

TEST_CASE("batch ids: valid batches pass") {
  CHECK_FALSE(check_batch_ids({"1"}));
  CHECK_FALSE(check_batch_ids({"a-b_C9", std::string(80, 'x'), "Z"}));
  std::vector<std::string> ten;
  for (int i = 0; i < 10; ++i) ten.push_back("id" + std::to_string(i));
  CHECK_FALSE(check_batch_ids(ten));
}

TEST_CASE("batch ids: empty batch names the entry type") {
  expect_error(check_batch_ids({}), common::AwsErrorCode::EmptyBatchRequest,
               "There should be at least one SendMessageBatchRequestEntry in the request.");
  expect_error(check_batch_ids({}, "DeleteMessageBatchRequestEntry"), common::AwsErrorCode::EmptyBatchRequest,
               "There should be at least one DeleteMessageBatchRequestEntry in the request.");
}

TEST_CASE("batch ids: more than 10 entries, checked before the ids themselves") {
  std::vector<std::string> twenty(20, "same!bad");
  expect_error(check_batch_ids(twenty), common::AwsErrorCode::TooManyEntriesInBatchRequest,
               "Maximum number of entries per request are 10. You have sent 20.");
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(std::to_string(i));
  expect_error(check_batch_ids(eleven), common::AwsErrorCode::TooManyEntriesInBatchRequest,
               "Maximum number of entries per request are 10. You have sent 11.");
}

TEST_CASE("batch ids: malformed ids") {
  const std::string text =
      "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 "
      "letters long.";
  expect_error(check_batch_ids({""}), common::AwsErrorCode::InvalidBatchEntryId, text);
  expect_error(check_batch_ids({"invalid:id"}), common::AwsErrorCode::InvalidBatchEntryId, text);
  expect_error(check_batch_ids({std::string(81, 'a')}), common::AwsErrorCode::InvalidBatchEntryId, text);
  expect_error(check_batch_ids({"ok", "has space"}), common::AwsErrorCode::InvalidBatchEntryId, text);
  expect_error(check_batch_ids({"dot.ted"}), common::AwsErrorCode::InvalidBatchEntryId, text);
}

TEST_CASE("batch ids: repeated id") {
  expect_error(check_batch_ids({"id1", "id1"}), common::AwsErrorCode::BatchEntryIdsNotDistinct, "Id id1 repeated.");
  expect_error(check_batch_ids({"a", "b", "c", "b"}), common::AwsErrorCode::BatchEntryIdsNotDistinct, "Id b repeated.");
  // Entries are checked in order: the repeat at index 1 comes before the bad id at index 2.
  expect_error(check_batch_ids({"a", "a", "bad!"}), common::AwsErrorCode::BatchEntryIdsNotDistinct, "Id a repeated.");
  CHECK(check_batch_ids({"a", "bad!", "a"})->code == common::AwsErrorCode::InvalidBatchEntryId);
  CHECK_FALSE(check_batch_ids({"a", "A"}));  // ids are case-sensitive
}
