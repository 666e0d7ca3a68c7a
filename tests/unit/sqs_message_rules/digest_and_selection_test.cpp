// MD5 digests against values recorded from AWS, and ReceiveMessage attribute selection.

#include <string>
#include <vector>

#include "test_helpers.h"

namespace common = sluice::common;

using namespace sluice::sqs::detail;
using namespace rules_test;

TEST_CASE("md5 of body: recorded values") {
  CHECK(md5_of_body("msg") == "6e2baaf3b97dbeef01c0043275f9a0e7");
  CHECK(md5_of_body("test") == "098f6bcd4621d373cade4e832627b4f6");
  CHECK(md5_of_body("message-body-1") == "19c9e282d65f9733bc6b35d50062c7ee");
  CHECK(md5_of_body("a") == "0cc175b9c0f1b6a831c399e269772661");
}

TEST_CASE("md5 of attributes: the five recorded vectors") {
  CHECK(md5_of_message_attributes({{"Help.Me", str("Me")}, {"Hello", str("There")}, {"General", str("Kenobi")}}) ==
        "4c360f3fdafd970e05fae2f149d997f5");
  CHECK(md5_of_message_attributes({{"Hello", str("There")}}) == "a311262e065454b75da111d535b8dacd");
  CHECK(md5_of_message_attributes({{"MyAttribute", str("foobar")}}) == "adb59cd4678ea5a855436b949cd07ab6");
  CHECK(md5_of_message_attributes(
            {{"WeeksOn", num("6")}, {"Author", str("John Grisham")}, {"Title", str("The Whistler")}}) ==
        "d25a6aea97eb8f585bfa92d314504a92");
}

TEST_CASE("md5 of attributes: more recorded subsets") {
  CHECK(md5_of_message_attributes({{"General", str("Kenobi")}, {"Hello", str("There")}}) ==
        "fca026605781cb4126a1e9044df24232");
  CHECK(md5_of_message_attributes({{"Hello", str("There")}, {"Help.Me", str("Me")}}) ==
        "83fee93c1bcd8b9a5a923ffacdc636c7");
  CHECK(md5_of_message_attributes({{"Foo", str("Bar")}}) == "ae7155c6026991b6d54b11589678bf9c");
}

TEST_CASE("md5 of attributes: Binary uses transport byte 2 over the raw bytes (recorded)") {
  const std::string bytes =
      "traceparent\x1e"
      "00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01";
  CHECK(md5_of_message_attributes({{"attr1", bin(bytes)}}) == "8cbe4db156db8a94db8b801b7addb984");
  // The same bytes sent as a String digest differently: the transport byte matters.
  CHECK(md5_of_message_attributes({{"attr1", str(bytes)}}) != "8cbe4db156db8a94db8b801b7addb984");
}

TEST_CASE("md5 of attributes: custom labels are part of the digested type") {
  // Expected values computed from the documented layout.
  CHECK(md5_of_message_attributes({{"price", num("12.50", "Number.float")}}) == "575e0b7ba6e5e29952ea82a59f4d459d");
  CHECK(md5_of_message_attributes({{"price", num("12.50")}}) == "46d615f49a0d62922773f6f6dbaed880");
  CHECK(md5_of_message_attributes({{"img", bin(std::string("GIF89a\x00\x01\xff", 9), "Binary.gif")},
                                   {"price", num("12.50", "Number.float")}}) == "27cbe094bd21b3ecbff5d8a31066a1e0");
}

TEST_CASE("md5 of attributes: none sent means no digest") { CHECK_FALSE(md5_of_message_attributes({}).has_value()); }

TEST_CASE("md5 of attributes: repeated calls reuse the buffer without leaking state") {
  const auto big = md5_of_message_attributes({{"Big", str(std::string(5000, 'z'))}});
  CHECK(md5_of_message_attributes({{"Hello", str("There")}}) == "a311262e065454b75da111d535b8dacd");
  CHECK(md5_of_message_attributes({{"Big", str(std::string(5000, 'z'))}}) == big);
}

namespace {
const MessageAttributes kRecorded{{"Help.Me", str("Me")}, {"Hello", str("There")}, {"General", str("Kenobi")}};

std::vector<std::string> names_of(const MessageAttributes& attributes) {
  std::vector<std::string> out;
  for (const auto& [name, attribute] : attributes) out.push_back(name);
  return out;
}
}  // namespace

TEST_CASE("select message attributes: the recorded filters") {
  using V = std::vector<std::string>;
  CHECK(select_message_attributes(kRecorded, {}).empty());
  CHECK(select_message_attributes(kRecorded, {"All"}) == kRecorded);
  CHECK(select_message_attributes(kRecorded, {"*"}) == kRecorded);
  CHECK(select_message_attributes(kRecorded, {".*"}) == kRecorded);
  CHECK(select_message_attributes(kRecorded, {"Foo", "Help"}).empty());
  CHECK(names_of(select_message_attributes(kRecorded, {"Hello", "General"})) == V{"General", "Hello"});
  CHECK(names_of(select_message_attributes(kRecorded, {"Foo", "Hello"})) == V{"Hello"});
  CHECK(names_of(select_message_attributes(kRecorded, {"Hel.*"})) == V{"Hello", "Help.Me"});
  CHECK(select_message_attributes(kRecorded, {"AWS."}).empty());
  CHECK(select_message_attributes(kRecorded, {"..foo"}).empty());
  // The digest of a selection is the recorded digest of that subset.
  CHECK(md5_of_message_attributes(select_message_attributes(kRecorded, {"Hel.*"})) ==
        "83fee93c1bcd8b9a5a923ffacdc636c7");
  CHECK(md5_of_message_attributes(select_message_attributes(kRecorded, {"Foo", "Hello"})) ==
        "a311262e065454b75da111d535b8dacd");
}

TEST_CASE("select message attributes: prefixes, exact names and illegal selectors") {
  using V = std::vector<std::string>;
  const MessageAttributes attrs{{"a.b", str("1")}, {"a.c", str("2")}, {"ab", str("3")}, {"x", num("4")}};
  CHECK(names_of(select_message_attributes(attrs, {"a.*"})) == V{"a.b", "a.c", "ab"});
  CHECK(names_of(select_message_attributes(attrs, {"a..*"})).empty());  // prefix "a." is not a legal name
  CHECK(names_of(select_message_attributes(attrs, {"x", "x", "a.b"})) == V{"a.b", "x"});
  CHECK(names_of(select_message_attributes(attrs, {"X"})).empty());  // names are case-sensitive
  CHECK(names_of(select_message_attributes(attrs, {"all"})).empty());
  CHECK(names_of(select_message_attributes(attrs, {"bad name", "x"})) == V{"x"});
  CHECK(select_message_attributes({}, {"All"}).empty());
  CHECK(select_message_attributes(attrs, {"x"}).at("x") == num("4"));  // values are copied whole
}

TEST_CASE("select system attribute names") {
  using V = std::vector<std::string>;
  const V all{"SenderId",
              "SentTimestamp",
              "ApproximateReceiveCount",
              "ApproximateFirstReceiveTimestamp",
              "SequenceNumber",
              "MessageDeduplicationId",
              "MessageGroupId",
              "AWSTraceHeader",
              "DeadLetterQueueSourceArn"};
  CHECK(select_system_attribute_names({})->empty());
  CHECK(*select_system_attribute_names({"All"}) == all);
  CHECK(*select_system_attribute_names({"All", "SenderId"}) == all);  // union (recorded)
  CHECK(*select_system_attribute_names({"SenderId"}) == V{"SenderId"});
  CHECK(*select_system_attribute_names({"MessageGroupId", "SenderId", "SenderId", "SentTimestamp"}) ==
        V{"SenderId", "SentTimestamp", "MessageGroupId"});
  auto bad = select_system_attribute_names({"SenderId", "Policy"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == common::AwsErrorCode::InvalidAttributeName);
  CHECK(bad.error().message == "Unknown Attribute Policy.");
  CHECK_FALSE(select_system_attribute_names({"senderid"}).ok());  // case-sensitive
  CHECK_FALSE(select_system_attribute_names({"All", ""}).ok());
}
