// Validation rules beyond the recorded cases: how keys and combinations are counted, $or
// recognition, scope rules, size limit and the texts the API layer gets.

#include <doctest/doctest.h>

#include <string>

#include "sluice/sns/filter_policy.h"

using namespace sluice::sns;

namespace {

// The reason without the parser location (locations have tests of their own below).
std::string error_of(std::string_view json, FilterScope scope = FilterScope::MessageAttributes) {
  auto outcome = FilterPolicy::compile(json, scope);
  if (outcome.ok()) return "<accepted>";
  const std::string& message = outcome.error().message;
  return message.substr(0, message.find("\n at [Source: "));
}

std::string full_error_of(std::string_view json) {
  auto outcome = FilterPolicy::compile(json, FilterScope::MessageAttributes);
  return outcome.ok() ? std::string("<accepted>") : outcome.error().message;
}

std::string values(int n) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i ? ",\"v" : "\"v") + std::to_string(i) + "\"";
  return out + "]";
}

}  // namespace

TEST_CASE("combinations: 150 is allowed, 151 is not; nested keys multiply by their depth") {
  CHECK(error_of("{\"k\":" + values(150) + "}") == "<accepted>");
  CHECK(error_of("{\"k\":" + values(151) + "}") == "Filter policy is too complex");
  CHECK(error_of("{\"a\":" + values(10) + ",\"b\":" + values(15) + "}") == "<accepted>");
  CHECK(error_of("{\"a\":" + values(10) + ",\"b\":" + values(16) + "}") == "Filter policy is too complex");
  // The documentation's example: 3 x 4 x 2 x 3 = 72.
  CHECK(error_of(R"({"key_a":{"key_b":{"key_c":["1","2","3","4"]}},"key_d":{"key_e":["1","2","3"]}})",
                 FilterScope::MessageBody) == "<accepted>");
  // depth 2 x 76 values = 152.
  CHECK(error_of("{\"o\":{\"k\":" + values(76) + "}}", FilterScope::MessageBody) == "Filter policy is too complex");
  CHECK(error_of("{\"o\":{\"k\":" + values(75) + "}}", FilterScope::MessageBody) == "<accepted>");
}

TEST_CASE("keys: at most five per alternative; nested keys are not counted") {
  CHECK(error_of(R"({"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"]})") == "<accepted>");
  CHECK(error_of(R"({"a":{"x":["1"],"y":["1"],"z":["1"]},"b":["1"],"c":["1"],"d":["1"],"e":["1"]})",
                 FilterScope::MessageBody) == "<accepted>");
  CHECK(error_of(R"({"a":["1"],"b":["1"],"c":["1"],"d":["1"],"$or":[{"e":["1"]},{"f":["1"],"g":["1"]}]})") ==
        "Filter policy can not have more than 5 keys");
  CHECK(error_of(R"({"a":["1"],"b":["1"],"c":["1"],"$or":[{"e":["1"]},{"f":["1"],"g":["1"]}]})") == "<accepted>");
}

TEST_CASE("operator checks that the recordings do not cover") {
  CHECK(error_of(R"({"k":[{"equals-ignore-case":5}]})") == "equals-ignore-case match pattern must be a string");
  CHECK(error_of(R"({"k":[{"numeric":["=",5,"<",6]}]})") == "Too many elements in numeric expression");
  CHECK(error_of(R"({"k":[{"numeric":[">",3,"<",3]}]})") == "Bottom must be less than top");
  CHECK(error_of(R"({"k":[{"numeric":[true]}]})") == "Invalid member in numeric match: true");
  CHECK(error_of(R"({"k":[{"prefix":"a"},{"exists":1}]})") == "exists match pattern must be either true or false.");
  CHECK(error_of(R"({"k":[{"cidr":"10.0.0.0/33"}]})").rfind("Malformed CIDR", 0) == 0);
  CHECK(error_of(R"({"k":[{"cidr":"10.0.0.0/8/8"}]})") == "Malformed CIDR, one '/' required");
  CHECK(error_of(R"({"k":[{"cidr":"::/0"}]})") == "<accepted>");
  // The first problem in document order wins.
  CHECK(error_of(R"({"a":[{"suffix":1,"prefix":"x"}]})") == "suffix match pattern must be a string");
  CHECK(error_of(R"({"a":[],"b":[[1]]})") == "Empty arrays are not allowed");
  CHECK(error_of(R"({"a":[[1]],"b":[]})") == "Match value must be String, number, true, false, or null");
  CHECK(error_of(R"({"a":5})") == "\"a\" must be an object or an array");
}

TEST_CASE("scope MessageAttributes rejects nesting only after the operators are checked") {
  CHECK(error_of(R"({"o":{"k":["v"]}})") ==
        "Filter policy scope MessageAttributes does not support nested filter policy");
  CHECK(error_of(R"({"o":{"k":"v"}})") == "\"k\" must be an object or an array");
  CHECK(error_of(R"({"o":{"k":["v"]}})", FilterScope::MessageBody) == "<accepted>");
  // $or is not nesting.
  CHECK(error_of(R"({"$or":[{"a":["1"]},{"b":["2"]}]})") == "<accepted>");
}

TEST_CASE("unparsable policies and the size limit") {
  CHECK(error_of("{invalid").rfind("failed to parse JSON.", 0) == 0);
  CHECK(error_of("[1]").rfind("failed to parse JSON.", 0) == 0);
  std::string big = "{\"k\":[\"" + std::string(256 * 1024, 'x') + "\"]}";
  CHECK(error_of(big) != "<accepted>");
}

TEST_CASE("error texts for the two actions") {
  auto bad = FilterPolicy::compile(R"({"key":[]})", FilterScope::MessageAttributes);
  REQUIRE_FALSE(bad.ok());
  const std::string location = "\n at [Source: (String)\"{\"key\":[]}\"; line: 1, column: 10]";
  CHECK(bad.error().set_attributes_text() ==
        "Invalid parameter: FilterPolicy: Empty arrays are not allowed" + location);
  CHECK(bad.error().subscribe_text() ==
        "Invalid parameter: Attributes Reason: FilterPolicy: Empty arrays are not allowed" + location);
  auto nested = FilterPolicy::compile(R"({"o":{"k":["v"]}})", FilterScope::MessageAttributes);
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.error().set_attributes_text() ==
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy");
}

TEST_CASE("a policy that is not JSON is answered in the words of AWS's parser, with its location") {
  // Both recorded against AWS (FilterPolicy and RedrivePolicy share the parser).
  CHECK(full_error_of("{invalid json}") ==
        "failed to parse JSON. Unexpected character ('i' (code 105)): was expecting double-quote to start field "
        "name\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]");
  CHECK(full_error_of("invalid") ==
        "failed to parse JSON. Unrecognized token 'invalid': was expecting (JSON String, Number, Array, Object or "
        "token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` "
        "disabled); line: 1, column: 8]");
  CHECK(json_syntax_error_text(R"({"a" 1})")
            .rfind("Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value", 0) ==
        0);
  CHECK(json_syntax_error_text(R"({"a":[1 2]})")
            .rfind("Unexpected character ('2' (code 50)): was expecting comma to separate Array entries", 0) == 0);
  CHECK(json_syntax_error_text(R"({"a":[1,]})").find("column: 9]") != std::string::npos);
}

TEST_CASE("numbers: within plus or minus 10^9, compared to five digits after the point") {
  CHECK(error_of(R"({"n":[{"numeric":[">",1000000000]}]})") == "<accepted>");
  CHECK(error_of(R"({"n":[{"numeric":["<",-1000000000]}]})") == "<accepted>");
  CHECK(error_of(R"({"n":[{"numeric":[">",1000000001]}]})") == "Value must be between -1.0E9 and 1.0E9, inclusive");
  CHECK(error_of(R"({"n":[{"numeric":[">",0,"<",1e10]}]})") == "Value must be between -1.0E9 and 1.0E9, inclusive");
  CHECK(error_of(R"({"n":[-1000000000.5]})") == "Value must be between -1.0E9 and 1.0E9, inclusive");

  auto exact = FilterPolicy::compile(R"({"n":[100.123456789]})", FilterScope::MessageAttributes);
  REQUIRE(exact.ok());
  CHECK(exact.value().matches_attributes({{"n", {"Number", "100.1234567"}}}));
  CHECK(exact.value().matches_attributes({{"n", {"Number", "100.12346"}}}));
  CHECK_FALSE(exact.value().matches_attributes({{"n", {"Number", "100.1236"}}}));
  auto range = FilterPolicy::compile(R"({"n":[{"numeric":[">",0.3]}]})", FilterScope::MessageAttributes);
  REQUIRE(range.ok());
  CHECK_FALSE(range.value().matches_attributes({{"n", {"Number", "0.30000000001"}}}));
  CHECK(range.value().matches_attributes({{"n", {"Number", "0.30001"}}}));
  auto body = FilterPolicy::compile(R"({"n":[{"numeric":["=",7.000001]}]})", FilterScope::MessageBody);
  REQUIRE(body.ok());
  CHECK(body.value().matches_body_text(R"({"n": 7})"));
}

TEST_CASE("the location of a rule error: where AWS's parser stood, with the policy as the source") {
  CHECK(full_error_of(R"({"key":[]})") ==
        "Empty arrays are not allowed\n at [Source: (String)\"{\"key\":[]}\"; line: 1, column: 10]");
  // Only the first 500 characters of a long policy are quoted.
  std::string long_policy = R"({"key":[{"suffix":1}],"pad":[")" + std::string(600, 'x') + "\"]}";
  CHECK(full_error_of(long_policy) == "suffix match pattern must be a string\n at [Source: (String)\"" +
                                          long_policy.substr(0, 500) + "\"[truncated " +
                                          std::to_string(long_policy.size() - 500) + " chars]; line: 1, column: 20]");
  // Lines are counted.
  CHECK(full_error_of("{\n\"key\": [ ]\n}").find("; line: 2, column: 11]") != std::string::npos);
}
