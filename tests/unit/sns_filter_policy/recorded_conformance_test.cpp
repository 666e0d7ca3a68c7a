// Replays the AWS recordings in data/: every validation error SNS answered, with the policy that
// caused it, and every delivery test, with the messages that were published and the ones that
// arrived. The policies and published messages are the inputs of the recorded test suite; the
// expected outcome is always read from the recording, not written here.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "sluice/sns/filter_policy.h"

using namespace sluice::sns;
namespace json = boost::json;

namespace {

const json::object& recordings() {
  static const json::value all = [] {
    std::ifstream in(SNS_FILTER_RECORDINGS);
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str());
  }();
  return all.as_object();
}

// The recorded-content of the test whose id ends with "::<name>".
const json::object& recorded(std::string_view name) {
  std::string suffix = "::" + std::string(name);
  for (const auto& kv : recordings()) {
    std::string_view id = kv.key();
    if (id.size() >= suffix.size() && id.substr(id.size() - suffix.size()) == suffix)
      return kv.value().as_object().at("recorded-content").as_object();
  }
  FAIL("no recording for " << name);
  static const json::object none;
  return none;
}

// The recorded error message, with the parser location AWS appends on a second line.
std::string recorded_error(std::string_view test, std::string_view key) {
  return std::string(recorded(test).at(key).at("Error").at("Message").as_string());
}

std::string values_array(const char* prefix, int count) {
  json::array a;
  for (int i = 0; i < count; ++i) a.emplace_back(std::string(prefix) + std::to_string(i));
  return json::serialize(a);
}

struct ErrorCase {
  std::string test;
  std::string key;
  std::string policy;
  FilterScope scope;
};

std::vector<ErrorCase> error_cases() {
  const auto A = FilterScope::MessageAttributes;
  const auto B = FilterScope::MessageBody;
  return {
      {"test_validate_policy", "error-condition-list", R"({"key":[["value"]]})", A},
      {"test_validate_policy", "error-condition-operator", R"({"key":[{"wrong-operator":true}]})", A},
      {"test_validate_policy", "error-condition-two-operators", R"({"key":[{"suffix":"value","prefix":"value2"}]})", A},
      {"test_validate_policy_string_operators", "error-condition-empty-array", R"({"key":[]})", A},
      {"test_validate_policy_string_operators", "error-condition-is-numeric", R"({"key":[{"suffix":100}]})", A},
      {"test_validate_policy_string_operators", "error-condition-is-none", R"({"key":[{"suffix":null}]})", A},
      {"test_validate_policy_string_operators", "error-condition-is-not-list-and-operator",
       R"({"key":{"suffix":"value"}})", A},
      {"test_validate_policy_string_operators", "error-condition-empty-list", R"({"key":[{"suffix":[]}]})", A},
      {"test_validate_policy_string_operators", "error-condition-list-wrong-type",
       R"({"key":[{"suffix":["test","test2"]}]})", A},
      {"test_validate_policy_string_operators", "error-condition-is-not-list-two-ops",
       R"({"key":{"suffix":"value","prefix":"value"}})", A},
      {"test_validate_policy_string_operators", "error-condition-is-not-list-and-no-operator",
       R"({"key":{"not-an-operator":"value"}})", A},
      {"test_validate_policy_string_operators", "error-condition-bad-type", R"({"key":[{"cidr":["bad-filter"]}]})", A},
      // The cidr inputs are not part of the recording; these reproduce each recorded text.
      {"test_validate_policy_string_operators", "error-condition-bad-cidr-str", R"({"key":[{"cidr":"bad-filter"}]})",
       A},
      {"test_validate_policy_string_operators", "error-condition-bad-cidr-str-slash",
       R"({"key":[{"cidr":"bad-filter/24"}]})", A},
      {"test_validate_policy_string_operators", "error-condition-bad-cidr-str-slash-2",
       R"({"key":[{"cidr":"10.0.0.0/bad"}]})", A},
      {"test_validate_policy_string_operators", "error-condition-bad-cidr-v4", R"({"key":[{"cidr":"xx.11.xx/24"}]})",
       A},
      {"test_validate_policy_string_operators", "error-condition-bad-cidr-v6",
       R"({"key":[{"cidr":"xxxx:db8:1234:1a00::/64"}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-empty", R"({"key":[{"numeric":[]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-wrong-operator", R"({"key":[{"numeric":["operator"]}]})",
       A},
      {"test_validate_policy_numeric_operator", "error-numeric-operator-order", R"({"key":[{"numeric":[1,"<="]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-type", R"({"key":[{"numeric":["=","000"]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-missing-value", R"({"key":[{"numeric":[">="]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-wrong-range-order",
       R"({"key":[{"numeric":["<",100,">",10]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-wrong-range-operators",
       R"({"key":[{"numeric":[">=",1,">",2]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-wrong-value-order",
       R"({"key":[{"numeric":[">",3,"<",1]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-missing-range-value",
       R"({"key":[{"numeric":[">",20,"<="]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-missing-range-operator",
       R"({"key":[{"numeric":[">",20,30]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-wrong-second-range-operator",
       R"({"key":[{"numeric":[">",20,"test"]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-wrong-range-value-1-type",
       R"({"key":[{"numeric":[">","20","<","30"]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-wrong-range-value-2-type",
       R"({"key":[{"numeric":[">",20,"<","30"]}]})", A},
      {"test_validate_policy_numeric_operator", "error-numeric-too-many-range",
       R"({"key":[{"numeric":[">",20,"<",30,"<",50]}]})", A},
      {"test_validate_policy_exists_operator", "error-condition-none", R"({"key":[{"exists":null}]})", A},
      {"test_validate_policy_exists_operator", "error-condition-string", R"({"key":[{"exists":"no"}]})", A},
      {"test_validate_policy_nested_anything_but_operator", "error-condition-wrong-operator",
       R"({"key":[{"anything-but":{"wrong-operator":null}}]})", A},
      {"test_validate_policy_nested_anything_but_operator", "error-condition-anything-but-suffix",
       R"({"key":[{"anything-but":{"suffix":"test"}}]})", A},
      {"test_validate_policy_nested_anything_but_operator", "error-condition-anything-but-exists",
       R"({"key":[{"anything-but":{"exists":false}}]})", A},
      {"test_validate_policy_nested_anything_but_operator", "error-condition-anything-but-prefix-wrong-type",
       R"({"key":[{"anything-but":{"prefix":false}}]})", A},
      {"test_policy_complexity", "error-complexity-in-one-condition", "{\"key\":" + values_array("value", 151) + "}",
       A},
      {"test_policy_complexity", "error-complexity-in-two-conditions",
       "{\"key1\":" + values_array("value", 100) + ",\"key2\":" + values_array("value", 51) + "}", A},
      {"test_policy_complexity", "error-complexity-too-many-fields",
       R"({"key1":["value1"],"key2":["value2"],"key3":["value3"],"key4":["value4"],"key5":["value5"],"key6":["value6"]})",
       A},
      {"test_policy_complexity_with_or", "error-complexity-or-flat",
       R"({"source":["aws.cloudwatch","aws.events","aws.test","aws.test2"],"$or":[{"metricName":["CPUUtilization","ReadLatency","t1","t2","t3","t4"]},{"metricType":["MetricType","TestType","TestType2","TestType3"],"$or":[{"metricId":[1234,4321,5678,9012]},{"spaceId":[1,2,3,4]}]}]})",
       A},
      {"test_policy_complexity_with_or", "error-complexity-or-nested",
       R"({"$or":[{"metricName":["CPUUtilization","ReadLatency","TestValue"]},{"namespace":["AWS/EC2","AWS/ES"]}],"detail":{"scope":["Service","Test"],"$or":[{"source":["aws.cloudwatch"]},{"type":["CloudWatch Alarm State Change","TestValue","TestValue2"]}]}})",
       B},
      {"test_sub_filter_policy_nested_property", "sub-filter-policy-nested-error",
       R"({"object":{"key":[{"prefix":"auto-"}]}})", A},
      {"test_sub_filter_policy_nested_property_constraints", "sub-filter-policy-nested-error-too-many-combinations",
       R"({"key_a":{"key_b":{"key_c":["value_one","value_two","value_three","value_four"]}},"key_d":{"key_e":["value_one","value_two","value_three"]},"key_f":["value_one","value_two","value_three"]})",
       B},
      {"test_sub_filter_policy_nested_property_constraints", "sub-filter-policy-max-attr-keys",
       R"({"key_a":["value_one"],"key_b":["value_two"],"key_c":["value_three"],"key_d":["value_four"],"key_e":["value_five"],"key_f":["value_six"]})",
       B},
      {"test_sub_filter_policy_nested_property_constraints", "sub-filter-policy-rule-no-list",
       R"({"key_a":"value_one"})", B},
  };
}

}  // namespace

TEST_CASE("every validation error recorded against AWS is reproduced word for word") {
  std::set<std::pair<std::string, std::string>> covered;
  for (const ErrorCase& c : error_cases()) {
    CAPTURE(c.key);
    std::string expected = recorded_error(c.test, c.key);
    auto outcome = FilterPolicy::compile(c.policy, c.scope);
    REQUIRE_FALSE(outcome.ok());
    // The recording says which action was called: Subscribe adds "Attributes Reason: ".
    bool subscribe = expected.rfind("Invalid parameter: Attributes Reason: ", 0) == 0;
    CHECK((subscribe ? outcome.error().subscribe_text() : outcome.error().set_attributes_text()) == expected);
    covered.emplace(c.test, c.key);
  }
  // No recorded error is left out of the table above.
  for (const auto& test : recordings()) {
    std::string id(test.key());
    std::string name = id.substr(id.rfind("::") + 2);
    for (const auto& entry : test.value().at("recorded-content").as_object()) {
      const json::value& response = entry.value();
      if (!response.is_object() || !response.as_object().contains("Error")) continue;
      std::string message(response.at("Error").at("Message").as_string());
      // FilterPolicyScope errors belong to the subscription attributes, not to the policy.
      if (message.find("FilterPolicy:") == std::string::npos && message.find("filter policy") == std::string::npos)
        continue;
      CAPTURE(name);
      CAPTURE(std::string(entry.key()));
      CHECK(covered.count({name, std::string(entry.key())}) == 1);
    }
  }
}

TEST_CASE("policies AWS accepted in the recorded suites compile") {
  // The 150-combination $or policy of test_policy_complexity_with_or was accepted by AWS.
  CHECK(
      FilterPolicy::compile(
          R"({"source":["aws.cloudwatch","aws.events","aws.test"],"$or":[{"metricName":["CPUUtilization","ReadLatency","TestVal","TestVal2","TestVal3","TestVal4"]},{"metricType":["MetricType","TestType","TestType2","TestType3"],"$or":[{"metricId":[1234,4321,5678,9012]},{"spaceId":[1,2,3,4,5,6,7]}]}]})",
          FilterScope::MessageAttributes)
          .ok());
  CHECK(FilterPolicy::compile(R"({"key":[{"anything-but":{"prefix":"test-"}}]})", FilterScope::MessageAttributes).ok());
  CHECK(FilterPolicy::compile(R"({"key":[{"anything-but":["test","test2"]}]})", FilterScope::MessageAttributes).ok());
  CHECK(FilterPolicy::compile(R"({"key":[{"anything-but":"test"}]})", FilterScope::MessageAttributes).ok());
  // The nested policy rejected in scope MessageAttributes is accepted in scope MessageBody, and
  // AWS echoes it back as set.
  const json::object& crud = recorded("test_sub_filter_policy_nested_property");
  std::string echoed =
      json::serialize(crud.at("sub-attrs-after-setting-nested-policy").at("Attributes").at("FilterPolicy"));
  CHECK(FilterPolicy::compile(echoed, FilterScope::MessageBody).ok());
}

namespace {

AttributeValue attr(std::string type, std::string value) { return {std::move(type), std::move(value)}; }

// Attributes of the single message in a recorded ReceiveMessage, or empty when nothing arrived.
std::vector<json::object> received(const json::object& test, std::string_view key) {
  std::vector<json::object> out;
  const json::object& response = test.at(key).as_object();
  if (!response.contains("Messages")) return out;
  for (const json::value& m : response.at("Messages").as_array()) out.push_back(m.at("Body").as_object());
  return out;
}

std::string attribute_of(const json::object& envelope, std::string_view name) {
  return std::string(envelope.at("MessageAttributes").at(name).at("Value").as_string());
}

FilterPolicy compile_ok(std::string_view policy, FilterScope scope) {
  auto outcome = FilterPolicy::compile(policy, scope);
  REQUIRE(outcome.ok());
  return outcome.value();
}

}  // namespace

TEST_CASE("recorded attribute filtering: numeric range, null with anything-but") {
  const json::object& rec = recorded("test_filter_policy");
  FilterPolicy range =
      compile_ok(json::serialize(rec.at("subscription-attributes").at("Attributes").at("FilterPolicy")),
                 FilterScope::MessageAttributes);
  // Published 99 then 111; the queue held only the 99 afterwards.
  REQUIRE(received(rec, "messages-1").size() == 1);
  CHECK(attribute_of(received(rec, "messages-1")[0], "attr1") == "99");
  CHECK(range.matches_attributes({{"attr1", attr("Number", "99")}}));
  REQUIRE(received(rec, "messages-2").size() == 1);
  CHECK(attribute_of(received(rec, "messages-2")[0], "attr1") == "99");
  CHECK_FALSE(range.matches_attributes({{"attr1", attr("Number", "111")}}));

  // [null, {"anything-but": "whatever"}] and a message without attributes: nothing arrived.
  FilterPolicy null_or =
      compile_ok(json::serialize(rec.at("subscription-attributes-2").at("Attributes").at("FilterPolicy")),
                 FilterScope::MessageAttributes);
  CHECK(received(rec, "messages-3").empty());
  CHECK_FALSE(null_or.matches_attributes({}));

  const json::object& batch = recorded("test_filter_policy_for_batch");
  CHECK(received(batch, "messages-with-filter-after-publish-filtered").empty());
  CHECK(attribute_of(received(batch, "messages-no-filter-after-publish-ok-1")[0], "attr1") == "111");
  CHECK_FALSE(range.matches_attributes({{"attr1", attr("Number", "111")}}));
}

TEST_CASE("recorded attribute filtering: exists true and false") {
  const json::object& rec = recorded("test_exists_filter_policy");
  FilterPolicy exists =
      compile_ok(json::serialize(rec.at("subscription-attributes-policy-1").at("Attributes").at("FilterPolicy")),
                 FilterScope::MessageAttributes);
  MessageAttributeMap with_store{{"store", attr("Number", "99")}, {"def", attr("Number", "99")}};
  MessageAttributeMap without_store{{"attr1", attr("Number", "111")}};
  CHECK(received(rec, "messages-1")[0].at("Message") == "message-1");
  CHECK(exists.matches_attributes(with_store));
  CHECK(received(rec, "messages-2")[0].at("Message") == "message-1");  // message-2 never arrived
  CHECK_FALSE(exists.matches_attributes(without_store));

  FilterPolicy absent =
      compile_ok(json::serialize(rec.at("subscription-attributes-policy-2").at("Attributes").at("FilterPolicy")),
                 FilterScope::MessageAttributes);
  CHECK(received(rec, "messages-3")[0].at("Message") == "message-3");
  CHECK(absent.matches_attributes({{"def", attr("Number", "99")}}));
  CHECK(received(rec, "messages-4")[0].at("Message") == "message-3");  // message-4 never arrived
  CHECK_FALSE(absent.matches_attributes(with_store));
}

TEST_CASE("recorded attribute filtering: String.Array matches when any element does") {
  const json::object& rec = recorded("test_exists_filter_policy_attributes_array");
  FilterPolicy policy =
      compile_ok(json::serialize(rec.at("subscription-attributes-policy").at("Attributes").at("FilterPolicy")),
                 FilterScope::MessageAttributes);
  CHECK(rec.at("messages-1").at("Messages").at(0).at("Body") == "message-1");
  CHECK(policy.matches_attributes({{"store", attr("String", "value1")}}));
  CHECK(rec.at("messages-2").at("Messages").at(0).at("Body") == "message-2");
  CHECK(policy.matches_attributes({{"store", attr("String.Array", R"(["value1", "value2"])")}}));
  CHECK_FALSE(rec.at("messages-3").as_object().contains("Messages"));
  CHECK_FALSE(policy.matches_attributes({{"store", attr("String.Array", R"(["value2", "value3"])")}}));
}

namespace {

// Publishes each candidate body through the policy and checks that exactly the recorded bodies
// pass. `arrived` are the bodies SQS returned in the recording.
void check_bodies(const FilterPolicy& policy, const std::vector<std::string>& candidates,
                  const std::vector<json::value>& arrived) {
  std::size_t passed = 0;
  for (const std::string& body : candidates) {
    json::value parsed = json::parse(body);
    bool expected = std::find(arrived.begin(), arrived.end(), parsed) != arrived.end();
    CAPTURE(body);
    CHECK(policy.matches_body_text(body) == expected);
    if (expected) ++passed;
  }
  CHECK(passed == arrived.size());  // every recorded arrival is among the candidates
}

std::vector<json::value> raw_bodies(const json::object& test, std::string_view key) {
  std::vector<json::value> out;
  for (const json::value& m : test.at(key).at("Messages").as_array()) out.push_back(m.at("Body"));
  return out;
}

}  // namespace

TEST_CASE("recorded body filtering: nested keys, prefix, exists false, non-JSON bodies") {
  for (const char* variant :
       {"test_filter_policy_on_message_body[True]", "test_filter_policy_on_message_body[False]"}) {
    const json::object& rec = recorded(variant);
    FilterPolicy policy = compile_ok(
        R"({"object":{"key":[{"prefix":"auto-"},"hardcodedvalue"],"nested_key":[{"exists":false}]},"test":[{"exists":false}]})",
        FilterScope::MessageBody);
    std::vector<json::value> arrived;
    for (const char* key : {"recv-passed-msg-0", "recv-passed-msg-1"}) {
      const json::value& body = rec.at(key).at("Messages").at(0).at("Body");
      // Raw delivery stores the body itself; otherwise the envelope's Message holds it.
      arrived.push_back(body.as_object().contains("Message") ? json::parse(body.at("Message").as_string()) : body);
    }
    check_bodies(policy,
                 {R"({"object": {"key": "auto-test"}})", R"({"object": {"key": "hardcodedvalue"}})",
                  R"({"object": {"key": "test-auto"}})", R"({"object": {"key": "auto-test"}, "test": "just-exists"})",
                  R"({"object": {"key": "auto-test", "nested_key": "just-exists"}})",
                  R"({"object": {"test": "auto-test"}})", R"({"test": "auto-test"})"},
                 arrived);
    CHECK_FALSE(policy.matches_body_text("Regular string message"));
    CHECK_FALSE(policy.matches_body_text(R"("Regular string message")"));
  }
}

TEST_CASE("recorded body filtering: dotted policy keys reach nested and dotted body keys") {
  const json::object& rec = recorded("test_filter_policy_on_message_body_dot_attribute");
  auto messages = [&](std::initializer_list<const char*> keys) {
    std::vector<json::value> out;
    for (const char* k : keys)
      out.push_back(json::parse(rec.at(k).at("Messages").at(0).at("Body").at("Message").as_string()));
    return out;
  };
  FilterPolicy two = compile_ok(R"({"object.nested": ["string.value"]})", FilterScope::MessageBody);
  check_bodies(two,
               {R"({"object": {"nested": "string.value"}})", R"({"object.nested": "string.value"})",
                R"({"object": {"nested": "test-auto"}})"},
               messages({"recv-nested-msg-0", "recv-nested-msg-1"}));
  FilterPolicy three = compile_ok(R"({"object.nested.test": ["string.value"]})", FilterScope::MessageBody);
  check_bodies(three,
               {R"({"object": {"nested": {"test": "string.value"}}})", R"({"object.nested.test": "string.value"})",
                R"({"object.nested": {"test": "string.value"}})", R"({"object": {"nested.test": "string.value"}})",
                R"({"object": {"nested": {"test": "string.notvalue"}}})"},
               messages({"recv-deep-nested-msg-0", "recv-deep-nested-msg-1", "recv-deep-nested-msg-2",
                         "recv-deep-nested-msg-3"}));
}

TEST_CASE("recorded body filtering: arrays in the body") {
  const json::object& rec = recorded("test_filter_policy_on_message_body_array_attributes");
  std::vector<std::string> published = {
      R"({"headers": {"route-to": ["queue3"]}})", R"({"headers": {"route-to": ["queue1"]}})",
      R"({"headers": {"route-to": ["queue2"]}})", R"({"headers": {"route-to": ["queue1", "queue2"]}})"};
  check_bodies(compile_ok(R"({"headers": {"route-to": ["queue1"]}})", FilterScope::MessageBody), published,
               raw_bodies(rec, "messages-queue-0"));
  check_bodies(compile_ok(R"({"headers": {"route-to": ["queue2"]}})", FilterScope::MessageBody), published,
               raw_bodies(rec, "messages-queue-1"));
}

TEST_CASE("recorded body filtering: arrays of objects, arrays of arrays") {
  const json::object& rec = recorded("test_filter_policy_on_message_body_array_of_object_attributes");
  FilterPolicy policy = compile_ok(
      R"({"Records":{"s3":{"object":{"key":[{"prefix":"auto-"}]}},"eventName":[{"prefix":"ObjectCreated:"}]}})",
      FilterScope::MessageBody);
  // Field values the recording replaced with placeholders are published in that form; the policy
  // does not look at them.
  auto event = [](const char* name, const char* key) {
    return std::string(R"({"Records": [{"eventSource": "aws:s3", "eventTime": "date", "eventName": ")") + name +
           R"(", "s3": {"bucket": {"name": "<resource:1>", "arn": "arn:<partition>:s3:::<resource:1>"}, "object": {"key": ")" +
           key + R"(", "size": 17}}}]})";
  };
  std::string multiple =
      R"({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {"object": [[{"key": "auto-insurance-2314.xml", "size": 17}]]}}, {"eventSource": "aws:s3", "eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "home-insurance-2314.xml", "size": 17}}}]})";
  check_bodies(
      policy,
      {multiple, event("ObjectRemoved:Delete", "auto-insurance-2314.xml"),
       event("ObjectCreated:Put", "home-insurance-2314.xml"), event("ObjectCreated:Put", "auto-insurance-2314.xml")},
      raw_bodies(rec, "messages"));
}

TEST_CASE("recorded body filtering: $or at the top level and inside a nested key") {
  const json::object& rec = recorded("test_filter_policy_on_message_body_or_attribute");
  FilterPolicy policy = compile_ok(
      R"({"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}],"detail":{"scope":["Service"],"$or":[{"source":["aws.cloudwatch"]},{"type":["CloudWatch Alarm State Change"]}]}})",
      FilterScope::MessageBody);
  check_bodies(
      policy,
      {R"({"metricName": "CPUUtilization", "detail": {"scope": "aws.cloudwatch", "type": "CloudWatch Alarm State Change"}})",
       R"({"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CPUUtilization"}})",
       R"({"metricName": "CPUUtilization", "detail": {"type": "CloudWatch Alarm State Change"}})",
       R"({"metricName": "CPUUtilization", "detail": {"scope": "Service"}})",
       R"({"metricName": "CPUUtilization", "scope": "Service"})",
       R"({"metricName": "CPUUtilization", "detail": {"scope": "Service", "source": "aws.cloudwatch"}})",
       R"({"metricName": "ReadLatency", "detail": {"scope": "Service", "source": "aws.cloudwatch"}})",
       R"({"namespace": "AWS/EC2", "detail": {"scope": "Service", "source": "aws.cloudwatch"}})",
       R"({"namespace": "AWS/ES", "detail": {"scope": "Service", "source": "aws.cloudwatch"}})",
       R"({"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}})",
       R"({"metricName": "AWS/EC2", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}})",
       R"({"namespace": "CPUUtilization", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}})"},
      raw_bodies(rec, "messages-queue"));
}

TEST_CASE("recorded body filtering: cidr on IPv4 and IPv6 addresses") {
  // The policy of this recording is not in it; this one selects the two bodies that arrived.
  const json::object& rec = recorded("test_filter_policy_ip_address_condition");
  FilterPolicy policy = compile_ok(
      R"({"detail":{"$or":[{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]},{"sourceIPAddressV6":[{"cidr":"2001:0db8:1234:1a00::/64"}]}]}})",
      FilterScope::MessageBody);
  auto body = [](const char* id, const char* field, const char* ip) {
    return std::string(R"({"id": ")") + id +
           R"(", "source": "test-source", "detail-type": "test-detail-type", "account": "123456789012", "region": "my-region", "time": "date", "detail": {")" +
           field + R"(": ")" + ip + R"("}})";
  };
  check_bodies(policy,
               {body("1", "sourceIPAddress", "10.0.0.255"), body("2", "sourceIPAddress", "10.0.1.0"),
                body("3", "sourceIPAddressV6", "2001:0db8:1234:1a00:0000:0000:0000:0000"),
                body("4", "sourceIPAddressV6", "2001:0db8:1234:1b00::"), body("5", "sourceIPAddress", "not-an-ip")},
               raw_bodies(rec, "messages-queue"));
}

TEST_CASE("recorded body filtering: a body with an empty array and null still matches other keys") {
  // The policy of this recording is not in it; this one selects the body that arrived.
  const json::object& rec = recorded("test_filter_policy_empty_array_payload");
  FilterPolicy policy =
      compile_ok(R"({"source":["aws.autoscaling"],"detail":{"eventVersion":[""]}})", FilterScope::MessageBody);
  std::string arrived = json::serialize(rec.at("messages-queue").at("Messages").at(0).at("Body"));
  std::string other = arrived;
  other.replace(other.find("aws.autoscaling"), 15, "aws.ec2");
  check_bodies(policy, {arrived, other}, raw_bodies(rec, "messages-queue"));
}
