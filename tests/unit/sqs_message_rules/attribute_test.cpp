// User and system message attribute rules, with AWS's texts.

#include <string>

#include "test_helpers.h"

namespace common = sluice::common;

using namespace sluice::sqs::detail;
using namespace rules_test;

namespace {
std::optional<common::AwsError> check_one(const std::string& name, MessageAttribute attribute) {
  return check_message_attributes(MessageAttributes{{name, std::move(attribute)}});
}
const std::string kBadCharacters =
    "Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens "
    "and underscores.";
const std::string kReserved =
    "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for "
    "internal use. Additionally, they cannot start or end with '.'.";
}  // namespace

TEST_CASE("attributes: valid sets pass") {
  CHECK_FALSE(check_message_attributes({}));
  CHECK_FALSE(check_message_attributes({{"Author", str("John Grisham")},
                                        {"WeeksOn", num("6")},
                                        {"Cover", bin("\x89PNG")},
                                        {"price", num("12.50", "Number.float")},
                                        {"img", bin("GIF89a", "Binary.gif")},
                                        {"json", str("{}", "String.json")},
                                        {"a.b-c_d", str("x")}}));
  CHECK_FALSE(check_one(std::string(256, 'n'), str("v")));
  CHECK_FALSE(check_one("awsome", str("v")));  // only the "AWS." prefix is reserved
  CHECK_FALSE(check_one("AWS-x", str("v")));
  CHECK_FALSE(check_one("n", str("v", std::string(256, 'S').replace(0, 7, "String."))));  // type of 256 chars
}

TEST_CASE("attributes: at most 10") {
  MessageAttributes ten;
  for (int i = 0; i < 10; ++i) ten.emplace("a" + std::to_string(i), str("v"));
  CHECK_FALSE(check_message_attributes(ten));
  MessageAttributes eleven = ten;
  eleven.emplace("a10", str("v"));
  expect_error(check_message_attributes(eleven), common::AwsErrorCode::InvalidParameterValue,
               "Number of message attributes [11] exceeds the allowed maximum [10].");
}

TEST_CASE("attributes: name rules") {
  expect_error(check_one("", str("v")), common::AwsErrorCode::InvalidParameterValue,
               "The request must contain non-empty message attribute name.");
  for (const char* name : {"Invalid-!-attr", "Invalid-\"-attr", "Invalid-(-attr", "Invalid-?-attr", "has space",
                           "Invalid-\xc2\xa7-attr" /* § */, "slash/name", "emoji\xf0\x9f\x98\x80",
                           "\xc3\xb6ther" /* öther */, "attr.1\xc3\xb8\xc3\x9f\xc3\xa4" /* attr.1øßä */}) {
    CAPTURE(name);
    expect_error(check_one(name, str("v")), common::AwsErrorCode::InvalidParameterValue, kBadCharacters);
  }
  for (const char* name :
       {"aWs.-Invalid-attr", "AMAZON.-Invalid-attr", "AWS.x", "amazon.x", ".-Invalid-attr", "Invalid."}) {
    CAPTURE(name);
    expect_error(check_one(name, str("v")), common::AwsErrorCode::InvalidParameterValue, kReserved);
  }
  expect_error(check_one("Invalid..Name", str("v")), common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute names cannot contain successive periods.");
  expect_error(check_one(std::string(257, 'L'), str("Valid")), common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute names must be shorter than 256 Bytes");
}

TEST_CASE("attributes: data type rules") {
  expect_error(check_one("invalidAttribute", str("value", "InvalidType")), common::AwsErrorCode::InvalidParameterValue,
               "The type of message (user) attribute 'invalidAttribute' is invalid. You must use only the following "
               "supported type prefixes: Binary, Number, String.");
  for (const char* type : {"string", "Stringy", "Number.", "STRING", ".String", "Str"}) {
    CAPTURE(type);
    auto error = check_one("a", str("1", type));
    REQUIRE(error);
    CHECK(error->message.find("is invalid. You must use only the following supported type prefixes") !=
          std::string::npos);
  }
  expect_error(check_one("Name", str("v", "")), common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute 'Name' must contain a non-empty attribute type.");
  expect_error(check_one("Attribute_name", num("1", "Number." + std::string(256, 'L'))),
               common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute types must be shorter than 256 Bytes");
}

TEST_CASE("attributes: empty values name the expected kind") {
  expect_error(check_one("ErrorDetails", str("")), common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.");
  expect_error(check_one("N", num("")), common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute 'N' must contain a non-empty value of type 'Number'.");
  expect_error(check_one("B", bin("")), common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute 'B' must contain a non-empty value of type 'Binary'.");
  // A Binary attribute whose bytes were sent as a string value still has no binary value.
  expect_error(check_one("B", MessageAttribute{"Binary", "text", ""}), common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute 'B' must contain a non-empty value of type 'Binary'.");
  // ...and a String attribute carrying only binary bytes has no string value.
  expect_error(check_one("S", MessageAttribute{"String.x", "", "bytes"}), common::AwsErrorCode::InvalidParameterValue,
               "Message (user) attribute 'S' must contain a non-empty value of type 'String'.");
  CHECK_FALSE(check_one("B", bin(std::string("\0", 1))));  // a single zero byte is a value
}

TEST_CASE("attributes: String values use the body's character set") {
  auto error = check_one("attr1", str("Invalid-\x08,\x0b"));
  REQUIRE(error);
  CHECK(error->code == common::AwsErrorCode::InvalidParameterValue);
  CHECK(error->message ==
        "Invalid binary character '#x8' was found in the value of message (user) attribute 'attr1', the set of "
        "allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].");
  CHECK(check_one("a", str("\xef\xbf\xbf"))->code == common::AwsErrorCode::InvalidParameterValue);
  CHECK_FALSE(check_one("a", str("tab\tand \xe2\x82\xac")));
}

TEST_CASE("attributes: Number values") {
  for (const char* good : {"0",
                           "6",
                           "-1",
                           "+1",
                           "12.50",
                           ".5",
                           "5.",
                           "1e10",
                           "1E-10",
                           "-0.000",
                           "00012",
                           "12345678901234567890123456789012345678",       // 38 digits
                           "1234567890123456789012345678901234567800000",  // trailing zeros are not precision
                           "0.00000000000000000000000000000000000000012345678901234567890123456789012345678",
                           "1e126",
                           "-1e126",
                           "1e-128",
                           "9.99e125",
                           "0e999999",
                           "1000000e120"}) {
    CAPTURE(good);
    CHECK_FALSE(check_one("n", num(good)));
  }
  for (const char* bad : {"world",
                          "1.2.3",
                          "1e",
                          "e5",
                          "--1",
                          "1 ",
                          " 1",
                          "0x10",
                          "NaN",
                          "Infinity",
                          ".",
                          "-",
                          "+.",
                          "1e+",
                          "1,5",
                          "123456789012345678901234567890123456789",  // 39 significant digits
                          "1.1e126",
                          "2e126",
                          "1e127",
                          "10e126",
                          "1e-129",
                          "0.1e-128",
                          "1e999999"}) {
    CAPTURE(bad);
    expect_error(check_one("Hello", num(bad)), common::AwsErrorCode::InvalidParameterValue,
                 "Can't cast the value of message (user) attribute 'Hello' to a number.");
  }
  CHECK_FALSE(check_one("n", num("3.14", "Number.float")));
  CHECK(check_one("n", num("pi", "Number.float")));
}

TEST_CASE("attributes: checks run in name order and stop at the first failure") {
  MessageAttributes attrs{{"b", str("")}, {"a", num("x")}};
  auto error = check_message_attributes(attrs);
  REQUIRE(error);
  CHECK(error->message == "Can't cast the value of message (user) attribute 'a' to a number.");
}

TEST_CASE("system attributes: only AWSTraceHeader, a non-empty String") {
  CHECK_FALSE(check_message_system_attributes({}));
  CHECK_FALSE(check_message_system_attributes(
      {{"AWSTraceHeader", str("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")}}));
  expect_error(check_message_system_attributes({{"SenderId", str("x")}}), common::AwsErrorCode::InvalidParameterValue,
               "Message system attribute name 'SenderId' is invalid.");
  expect_error(check_message_system_attributes({{"AWSTraceHeader", bin("x")}}),
               common::AwsErrorCode::InvalidParameterValue,
               "The type of message system attribute 'AWSTraceHeader' is invalid. You must use only the following "
               "supported type: String.");
  CHECK(check_message_system_attributes({{"AWSTraceHeader", str("x", "String.label")}}));
  expect_error(check_message_system_attributes({{"AWSTraceHeader", str("")}}),
               common::AwsErrorCode::InvalidParameterValue,
               "Message system attribute 'AWSTraceHeader' must contain a non-empty value of type 'String'.");
  CHECK(check_message_system_attributes({{"AWSTraceHeader", str("a\x01")}})->code ==
        common::AwsErrorCode::InvalidParameterValue);
}
