#include <doctest/doctest.h>

#include "filter_pattern.h"
#include "json_text.h"

using namespace sluice;
using sluice::esm::detail::FilterSet;
using sluice::esm::detail::parse_json_text;

namespace {

sqs::ReceivedMessage message(std::string body) {
  sqs::ReceivedMessage m;
  m.message_id = "11111111-2222-3333-4444-555555555555";
  m.receipt_handle = "rh";
  m.body = std::move(body);
  m.md5_of_body = "md5";
  m.attributes = {{"ApproximateReceiveCount", "1"}, {"SenderId", "AIDA"}};
  return m;
}

bool keeps(const std::string& pattern, const sqs::ReceivedMessage& m) {
  auto set = FilterSet::compile({pattern});
  REQUIRE(set);
  return set->matches(m, "arn:aws:sqs:us-east-1:123456789012:q", "us-east-1");
}

bool keeps(const std::string& pattern, const std::string& body) { return keeps(pattern, message(body)); }

}  // namespace

TEST_CASE("json text keeps number spelling and decodes escapes") {
  auto v = parse_json_text(R"({"a": 3.0e2, "b": "x\u00e9\ud83d\ude00", "a": -0})");
  REQUIRE(v);
  CHECK(v->find("a")->text == "-0");  // last duplicate wins
  CHECK(v->members[0].second.text == "3.0e2");
  CHECK(v->find("b")->text == "x\xC3\xA9\xF0\x9F\x98\x80");
  CHECK_FALSE(parse_json_text("{\"a\":1,}"));
  CHECK_FALSE(parse_json_text("01"));
  CHECK_FALSE(parse_json_text("\"\\ud800\""));
  CHECK_FALSE(parse_json_text("[1] x"));
}

TEST_CASE("the recorded AWS filter cases") {
  // Patterns and messages of the recorded test_sqs_event_filter cases.
  CHECK(keeps(R"({"body":{"testItem":["test24"]}})", R"({"testItem":"test24"})"));
  CHECK_FALSE(keeps(R"({"body":{"testItem":["test24"]}})", R"({"testItem":"tesWER"})"));
  CHECK(keeps(R"({"body":{"testItem":["test24","test45"]}})", R"({"testItem":"test45"})"));
  CHECK(keeps(R"({"body":{"testItem":["test24","test45"],"test2":["go"]}})", R"({"testItem":"test45","test2":"go"})"));
  CHECK_FALSE(
      keeps(R"({"body":{"testItem":["test24","test45"],"test2":["go"]}})", R"({"testItem":"test67","test2":"go"})"));
  CHECK(keeps(R"({"body":{"test2":[{"exists":true}]}})", R"({"test2":"7411"})"));
  CHECK_FALSE(keeps(R"({"body":{"test2":[{"exists":true}]}})", R"({"test5":"74545"})"));
  CHECK(keeps(R"({"body":{"test2":[{"numeric":[">",100]}]}})", R"({"test2":105})"));
  CHECK_FALSE(keeps(R"({"body":{"test2":[{"numeric":[">",100]}]}})", "this is a test string"));
  CHECK(keeps(R"({"body":{"test2":[{"numeric":["<",100]}]}})", R"({"test2":93})"));
  CHECK_FALSE(keeps(R"({"body":{"test2":[{"numeric":["<",100]}]}})", R"({"test2":105})"));
  CHECK(keeps(R"({"body":{"test2":[{"numeric":[">=",100,"<",200]}]}})", R"({"test2":105})"));
  CHECK(keeps(R"({"body":{"test2":[{"numeric":[">=",100,"<",200]}]}})", R"({"test2":100})"));
  CHECK_FALSE(keeps(R"({"body":{"test2":[{"numeric":[">=",100,"<",200]}]}})", R"({"test2":200})"));
  CHECK(keeps(R"({"body":{"test2":[{"prefix":"us-1"}]}})", R"({"test2":"us-1-48454"})"));
  CHECK_FALSE(keeps(R"({"body":{"test2":[{"prefix":"us-1"}]}})", R"({"test2":"eu-west-1-4545"})"));
}

TEST_CASE("numbers are equal by their string form, ranges by value") {
  CHECK(keeps(R"({"body":{"n":[300]}})", R"({"n":300})"));
  CHECK_FALSE(keeps(R"({"body":{"n":[300]}})", R"({"n":300.0})"));
  CHECK_FALSE(keeps(R"({"body":{"n":[300]}})", R"({"n":3.0e2})"));
  CHECK_FALSE(keeps(R"({"body":{"n":[300]}})", R"({"n":"300"})"));
  CHECK(keeps(R"({"body":{"n":[{"numeric":["=",300]}]}})", R"({"n":3.0e2})"));
}

TEST_CASE("anything-but, null, empty string, suffix, equals-ignore-case, arrays, exists false") {
  CHECK(keeps(R"({"body":{"s":[{"anything-but":["a","b"]}]}})", R"({"s":"c"})"));
  CHECK_FALSE(keeps(R"({"body":{"s":[{"anything-but":["a","b"]}]}})", R"({"s":"b"})"));
  CHECK_FALSE(keeps(R"({"body":{"s":[{"anything-but":"a"}]}})", R"({"t":"x"})"));
  CHECK(keeps(R"({"body":{"s":[{"anything-but":{"prefix":"in"}}]}})", R"({"s":"out"})"));
  CHECK_FALSE(keeps(R"({"body":{"s":[{"anything-but":{"prefix":"in"}}]}})", R"({"s":"inside"})"));
  CHECK(keeps(R"({"body":{"s":[null]}})", R"({"s":null})"));
  CHECK_FALSE(keeps(R"({"body":{"s":[null]}})", R"({"s":""})"));
  CHECK_FALSE(keeps(R"({"body":{"s":[null]}})", R"({})"));
  CHECK(keeps(R"({"body":{"s":[""]}})", R"({"s":""})"));
  CHECK_FALSE(keeps(R"({"body":{"s":[""]}})", R"({"s":null})"));
  CHECK(keeps(R"({"body":{"s":[{"suffix":".png"}]}})", R"({"s":"a.png"})"));
  CHECK(keeps(R"({"body":{"s":[{"equals-ignore-case":"ABC"}]}})", R"({"s":"aBc"})"));
  CHECK(keeps(R"({"body":{"tags":["red"]}})", R"({"tags":["blue","red"]})"));
  CHECK(keeps(R"({"body":{"a":{"b":[{"exists":false}]}}})", R"({"c":1})"));
  CHECK_FALSE(keeps(R"({"body":{"a":{"b":[{"exists":false}]}}})", R"({"a":{"b":1}})"));
  CHECK(keeps(R"({"body":{"ok":[true]}})", R"({"ok":true})"));
  CHECK_FALSE(keeps(R"({"body":{"ok":[true]}})", R"({"ok":"true"})"));
}

TEST_CASE("plain-string and JSON bodies against plain-string and JSON patterns") {
  CHECK(keeps(R"({"body":["hello world"]})", "hello world"));
  CHECK(keeps(R"({"body":[{"prefix":"hello"}]})", "hello world"));
  CHECK_FALSE(keeps(R"({"body":[{"prefix":"{"}]})", R"({"a":1})"));  // JSON body, plain pattern: dropped
  CHECK_FALSE(keeps(R"({"body":{"a":[1]}})", "a=1"));                // plain body, JSON pattern: dropped
}

TEST_CASE("metadata: attributes and messageAttributes in the event's shape") {
  auto m = message("plain");
  m.message_attributes["color"] = {"String", "red", ""};
  m.message_attributes["size"] = {"Number", "12", ""};
  CHECK(keeps(R"({"messageAttributes":{"color":{"stringValue":["red"]}}})", m));
  CHECK_FALSE(keeps(R"({"messageAttributes":{"color":{"stringValue":["blue"]}}})", m));
  CHECK(keeps(R"({"messageAttributes":{"size":{"dataType":["Number"]}}})", m));
  CHECK(keeps(R"({"attributes":{"SenderId":["AIDA"]}})", m));
  CHECK(keeps(R"({"eventSource":["aws:sqs"],"awsRegion":[{"prefix":"us-"}]})", m));
  CHECK_FALSE(keeps(R"({"messageAttributes":{"missing":{"stringValue":[{"exists":true}]}}})", m));
}

TEST_CASE("filters are OR-ed") {
  auto set = FilterSet::compile({R"({"body":{"k":["a"]}})", R"({"body":{"k":["b"]}})"});
  REQUIRE(set);
  CHECK(set->matches(message(R"({"k":"b"})"), "arn", "r"));
  CHECK_FALSE(set->matches(message(R"({"k":"c"})"), "arn", "r"));
  CHECK(FilterSet::compile({})->matches(message("anything"), "arn", "r"));
}

TEST_CASE("invalid patterns are refused") {
  for (const char* bad : {"simple string", "", "[]", R"({"body":"x"})", R"({"body":{"k":"v"}})", R"({"body":{"k":[]}})",
                          R"({"body":{"k":[{"unknown":1}]}})", R"({"body":{"k":[{"numeric":[">"]}]}})",
                          R"({"body":{"k":[{"numeric":["<",1,">",0]}]}})", R"({"body":{"k":[{"numeric":["!",1]}]}})",
                          R"({"body":{"k":[{"prefix":1}]}})", R"({"body":{"k":[{"exists":"yes"}]}})",
                          R"({"body":{"k":[[1]]}})", R"({"body":{"k":[{"prefix":"a","suffix":"b"}]}})"}) {
    CAPTURE(bad);
    CHECK_FALSE(FilterSet::compile({bad}));
  }
}
