// Matching rules from the SNS documentation (string-value-matching, numeric-value-matching,
// attribute-key-matching, and-or-logic), one operator at a time, in both scopes.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "sluice/sns/filter_inputs.h"
#include "sluice/sns/filter_policy.h"

using namespace sluice::sns;

namespace {

FilterPolicy attrs_policy(std::string_view json) {
  auto outcome = FilterPolicy::compile(json, FilterScope::MessageAttributes);
  if (!outcome.ok()) FAIL(outcome.error().message);
  return outcome.value();
}

FilterPolicy body_policy(std::string_view json) {
  auto outcome = FilterPolicy::compile(json, FilterScope::MessageBody);
  if (!outcome.ok()) FAIL(outcome.error().message);
  return outcome.value();
}

MessageAttributeMap one(std::string name, std::string type, std::string value) {
  return {{std::move(name), AttributeValue{std::move(type), std::move(value)}}};
}

}  // namespace

TEST_CASE("exact strings are case-sensitive; several values are OR-ed") {
  FilterPolicy p = attrs_policy(R"({"customer_interests": ["rugby", "tennis"]})");
  CHECK(p.matches_attributes(one("customer_interests", "String", "rugby")));
  CHECK(p.matches_attributes(one("customer_interests", "String", "tennis")));
  CHECK_FALSE(p.matches_attributes(one("customer_interests", "String", "baseball")));
  CHECK_FALSE(p.matches_attributes(one("customer_interests", "String", "Rugby")));
  CHECK_FALSE(p.matches_attributes(one("other", "String", "rugby")));  // missing key fails
}

TEST_CASE("several keys are AND-ed") {
  FilterPolicy p = attrs_policy(R"({"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]})");
  MessageAttributeMap both{{"customer_interests", {"String", "rugby"}}, {"price_usd", {"Number", "100.5"}}};
  CHECK(p.matches_attributes(both));
  both["price_usd"].value = "100";
  CHECK_FALSE(p.matches_attributes(both));
  CHECK_FALSE(p.matches_attributes(one("customer_interests", "String", "rugby")));
}

TEST_CASE("prefix, suffix and equals-ignore-case") {
  FilterPolicy prefix = attrs_policy(R"({"k": [{"prefix": "bas"}]})");
  CHECK(prefix.matches_attributes(one("k", "String", "baseball")));
  CHECK(prefix.matches_attributes(one("k", "String", "bas")));
  CHECK_FALSE(prefix.matches_attributes(one("k", "String", "rugby")));
  CHECK_FALSE(prefix.matches_attributes(one("k", "String", "ba")));

  FilterPolicy suffix = body_policy(R"({"file": [{"suffix": ".png"}]})");
  CHECK(suffix.matches_body_text(R"({"file": "cat.png"})"));
  CHECK_FALSE(suffix.matches_body_text(R"({"file": "cat.png.gz"})"));

  FilterPolicy eic = attrs_policy(R"({"k": [{"equals-ignore-case": "ReD"}]})");
  CHECK(eic.matches_attributes(one("k", "String", "red")));
  CHECK(eic.matches_attributes(one("k", "String", "RED")));
  CHECK_FALSE(eic.matches_attributes(one("k", "String", "reds")));
}

TEST_CASE("numbers compare as numbers: 301.5 equals 3.015e2") {
  FilterPolicy eq = attrs_policy(R"({"price_usd": [{"numeric": ["=", 301.5]}]})");
  CHECK(eq.matches_attributes(one("price_usd", "Number", "301.5")));
  CHECK(eq.matches_attributes(one("price_usd", "Number", "3.015e2")));
  CHECK(eq.matches_attributes(one("price_usd", "Number", "301.50000")));
  CHECK_FALSE(eq.matches_attributes(one("price_usd", "Number", "301.49")));
  // A numeric condition looks at numbers only.
  CHECK_FALSE(eq.matches_attributes(one("price_usd", "String", "301.5")));

  FilterPolicy body = body_policy(R"({"price_usd": [{"numeric": ["=", 3.015e2]}]})");
  CHECK(body.matches_body_text(R"({"price_usd": 301.5})"));
  CHECK_FALSE(body.matches_body_text(R"({"price_usd": "301.5"})"));

  FilterPolicy exact = attrs_policy(R"({"n": [100]})");
  CHECK(exact.matches_attributes(one("n", "Number", "1e2")));
  CHECK(exact.matches_attributes(one("n", "Number", "100.0")));
  CHECK_FALSE(exact.matches_attributes(one("n", "String", "100")));
}

TEST_CASE("numeric ranges respect open and closed bounds") {
  FilterPolicy p = attrs_policy(R"({"v": [{"numeric": [">", 0, "<=", 150]}]})");
  CHECK_FALSE(p.matches_attributes(one("v", "Number", "0")));
  CHECK(p.matches_attributes(one("v", "Number", "0.00001")));
  CHECK(p.matches_attributes(one("v", "Number", "150")));
  CHECK_FALSE(p.matches_attributes(one("v", "Number", "150.00001")));
  FilterPolicy ge = attrs_policy(R"({"v": [{"numeric": [">=", -10, "<", -5]}]})");
  CHECK(ge.matches_attributes(one("v", "Number", "-10")));
  CHECK_FALSE(ge.matches_attributes(one("v", "Number", "-5")));
  FilterPolicy lt = attrs_policy(R"({"v": [{"numeric": ["<", 0]}]})");
  CHECK(lt.matches_attributes(one("v", "Number", "-1e9")));
  CHECK_FALSE(lt.matches_attributes(one("v", "Number", "+0")));
  CHECK_FALSE(lt.matches_attributes(one("v", "Number", "not-a-number")));
}

TEST_CASE("anything-but: single value, lists, prefix; never a missing key") {
  FilterPolicy list = attrs_policy(R"({"customer_interests": [{"anything-but": ["rugby", "tennis"]}]})");
  CHECK(list.matches_attributes(one("customer_interests", "String", "baseball")));
  CHECK_FALSE(list.matches_attributes(one("customer_interests", "String", "rugby")));
  // An array matches when one element is outside the list.
  CHECK(list.matches_attributes(one("customer_interests", "String.Array", R"(["rugby", "baseball"])")));
  CHECK_FALSE(list.matches_attributes(one("customer_interests", "String.Array", R"(["rugby", "tennis"])")));
  CHECK_FALSE(list.matches_attributes({}));

  FilterPolicy numbers = attrs_policy(R"({"price": [{"anything-but": [100, 500]}]})");
  CHECK(numbers.matches_attributes(one("price", "Number", "101")));
  CHECK(numbers.matches_attributes(one("price", "Number", "100.1")));
  CHECK_FALSE(numbers.matches_attributes(one("price", "Number", "1.0e2")));
  FilterPolicy body_numbers = body_policy(R"({"price": [{"anything-but": [100, 500]}]})");
  CHECK(body_numbers.matches_body_text(R"({"price": [100, 50]})"));
  CHECK_FALSE(body_numbers.matches_body_text(R"({"price": 100})"));
  CHECK_FALSE(body_numbers.matches_body_text(R"({"cost": 1})"));

  FilterPolicy single = attrs_policy(R"({"k": [{"anything-but": "whatever"}]})");
  CHECK(single.matches_attributes(one("k", "String", "other")));
  CHECK_FALSE(single.matches_attributes(one("k", "String", "whatever")));

  FilterPolicy prefix = attrs_policy(R"({"event": [{"anything-but": {"prefix": "order-"}}]})");
  CHECK(prefix.matches_attributes(one("event", "String", "data-entry")));
  CHECK(prefix.matches_attributes(one("event", "String", "order_number")));
  CHECK_FALSE(prefix.matches_attributes(one("event", "String", "order-cancelled")));
  CHECK_FALSE(prefix.matches_attributes({}));
}

TEST_CASE("exists true and false; Binary attributes count as absent") {
  FilterPolicy present = attrs_policy(R"({"store": [{"exists": true}]})");
  CHECK(present.matches_attributes(one("store", "String", "fans")));
  CHECK_FALSE(present.matches_attributes(one("customer_interests", "String.Array", R"(["baseball"])")));
  CHECK_FALSE(present.matches_attributes(one("store", "Binary", "\x01\x02")));
  FilterPolicy absent = attrs_policy(R"({"store": [{"exists": false}]})");
  CHECK(absent.matches_attributes(one("customer_interests", "String", "x")));
  CHECK_FALSE(absent.matches_attributes(one("store", "String", "fans")));

  FilterPolicy body_present = body_policy(R"({"store": [{"exists": true}]})");
  CHECK(body_present.matches_body_text(R"({"store": "fans", "customer_interests": ["baseball", "basketball"]})"));
  CHECK_FALSE(body_present.matches_body_text(R"({"customer_interests": ["baseball", "basketball"]})"));
  FilterPolicy body_absent = body_policy(R"({"store": [{"exists": false}]})");
  CHECK(body_absent.matches_body_text(R"({"customer_interests": ["baseball", "basketball"]})"));
  CHECK_FALSE(body_absent.matches_body_text(R"({"store": "fans"})"));
}

TEST_CASE("booleans and null match their JSON values") {
  FilterPolicy p = body_policy(R"({"flag": [true], "gone": [null]})");
  CHECK(p.matches_body_text(R"({"flag": true, "gone": null})"));
  CHECK_FALSE(p.matches_body_text(R"({"flag": "true", "gone": null})"));
  CHECK_FALSE(p.matches_body_text(R"({"flag": true})"));
  FilterPolicy array_elements = attrs_policy(R"({"k": [false, 7]})");
  CHECK(array_elements.matches_attributes(one("k", "String.Array", R"(["a", false])")));
  CHECK(array_elements.matches_attributes(one("k", "String.Array", R"(["a", 7.0])")));
  CHECK_FALSE(array_elements.matches_attributes(one("k", "String.Array", R"(["false", "7"])")));
}

TEST_CASE("cidr on IPv4 and IPv6") {
  FilterPolicy v4 = attrs_policy(R"({"source_ip": [{"cidr": "10.0.0.0/24"}]})");
  CHECK(v4.matches_attributes(one("source_ip", "String", "10.0.0.0")));
  CHECK(v4.matches_attributes(one("source_ip", "String", "10.0.0.255")));
  CHECK_FALSE(v4.matches_attributes(one("source_ip", "String", "10.1.1.0")));
  CHECK_FALSE(v4.matches_attributes(one("source_ip", "String", "::1")));
  CHECK_FALSE(v4.matches_attributes(one("source_ip", "String", "garbage")));
  FilterPolicy odd = attrs_policy(R"({"ip": [{"cidr": "192.168.7.9/20"}]})");
  CHECK(odd.matches_attributes(one("ip", "String", "192.168.15.1")));
  CHECK_FALSE(odd.matches_attributes(one("ip", "String", "192.168.16.1")));
  FilterPolicy v6 = attrs_policy(R"({"ip": [{"cidr": "2001:db8::/32"}]})");
  CHECK(v6.matches_attributes(one("ip", "String", "2001:0db8:ffff::1")));
  CHECK_FALSE(v6.matches_attributes(one("ip", "String", "2001:0db9::1")));
}

TEST_CASE("$or joins alternatives; without its conditions it is an ordinary key") {
  FilterPolicy p = attrs_policy(
      R"({"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]})");
  MessageAttributeMap m{{"source", {"String", "aws.cloudwatch"}}, {"metricName", {"String", "CPUUtilization"}}};
  CHECK(p.matches_attributes(m));
  m.erase("metricName");
  CHECK_FALSE(p.matches_attributes(m));
  m["namespace"] = {"String", "AWS/EC2"};
  CHECK(p.matches_attributes(m));
  m.erase("source");
  CHECK_FALSE(p.matches_attributes(m));

  // Keywords inside the alternatives: "$or" is then a key whose array holds match expressions.
  FilterPolicy literal = attrs_policy(R"({"$or": [{"prefix": "ab"}, {"suffix": "yz"}]})");
  CHECK(literal.matches_attributes(one("$or", "String", "abc")));
  CHECK(literal.matches_attributes(one("$or", "String", "xyz")));
  CHECK_FALSE(literal.matches_attributes(one("prefix", "String", "abc")));
}

TEST_CASE("body scope: nested objects, arrays of objects keep their elements together") {
  FilterPolicy p = body_policy(R"({"Records": {"key": [{"prefix": "auto-"}], "eventName": ["Put"]}})");
  CHECK(p.matches_body_text(
      R"({"Records": [{"key": "home", "eventName": "Put"}, {"key": "auto-1", "eventName": "Put"}]})"));
  // One element has the key, another the event name: not the same record.
  CHECK_FALSE(p.matches_body_text(
      R"({"Records": [{"key": "auto-1", "eventName": "Delete"}, {"key": "home", "eventName": "Put"}]})"));
  CHECK_FALSE(p.matches_body_text(R"({"Records": "auto-1"})"));
}

TEST_CASE("body scope: only JSON objects can match") {
  FilterPolicy p = body_policy(R"({"a": [{"exists": false}]})");
  CHECK(p.matches_body_text(R"({"b": 1})"));
  CHECK_FALSE(p.matches_body_text("not json"));
  CHECK_FALSE(p.matches_body_text(R"([{"b": 1}])"));
  CHECK_FALSE(p.matches_body_text("42"));
  CHECK(p.matches_body(boost::json::parse(R"({"b": 1})")));
  CHECK_FALSE(p.matches_body(boost::json::parse(R"("text")")));
}

TEST_CASE("an empty policy lets everything through; matches() follows the scope") {
  FilterPolicy empty = attrs_policy("{}");
  CHECK(empty.matches_attributes({}));
  FilterPolicy by_body = body_policy(R"({"color": ["red"]})");
  CHECK(by_body.scope() == FilterScope::MessageBody);
  CHECK(by_body.matches(one("color", "String", "blue"), R"({"color": "red"})"));
  CHECK_FALSE(by_body.matches(one("color", "String", "red"), R"({"color": "blue"})"));
  FilterPolicy by_attrs = attrs_policy(R"({"color": ["red"]})");
  CHECK(by_attrs.matches(one("color", "String", "red"), R"({"color": "blue"})"));
}

TEST_CASE("a compiled policy outlives its text and is shared by copies") {
  FilterPolicy copy = [] {
    std::string text = R"({"k": [{"prefix": "abc"}]})";
    FilterPolicy p = attrs_policy(text);
    text.assign(text.size(), 'x');
    return p;
  }();
  CHECK(copy.matches_attributes(one("k", "String", "abcdef")));
}

// What tells NumberOfNotificationsFilteredOut-InvalidAttributes and -InvalidMessageBody apart
// from -MessageAttributes and -MessageBody (filter_inputs.h).
// Numbers outside -10^9..10^9, a String.Array not of scalars, a body that is not a JSON object.
TEST_CASE("inputs no policy can compare are told apart") {
  CHECK(attributes_valid_for_filtering({}));
  CHECK(attributes_valid_for_filtering({{"price", AttributeValue{"Number", "1000000000"}},
                                        {"low", AttributeValue{"Number.float", "-1e9"}},
                                        {"tags", AttributeValue{"String.Array", R"(["a", 1, true, null])"}},
                                        {"name", AttributeValue{"String", "5000000000"}},
                                        {"blob", AttributeValue{"Binary", "\x01\x02"}}}));
  CHECK_FALSE(attributes_valid_for_filtering(one("price", "Number", "5000000000")));
  CHECK_FALSE(attributes_valid_for_filtering(one("price", "Number.float", "-1.5e10")));
  CHECK_FALSE(attributes_valid_for_filtering(one("sizes", "String.Array", "[1, 2e9]")));
  CHECK_FALSE(attributes_valid_for_filtering(one("sizes", "String.Array", R"(["a", ["b"]])")));
  CHECK_FALSE(attributes_valid_for_filtering(one("sizes", "String.Array", "not json")));

  CHECK(body_valid_for_filtering(R"({"kind": "order"})"));
  CHECK_FALSE(body_valid_for_filtering("not json {"));
  CHECK_FALSE(body_valid_for_filtering("[1, 2]"));
  CHECK_FALSE(body_valid_for_filtering(R"("text")"));
}
