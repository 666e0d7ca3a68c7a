// The condition evaluator, table-driven. Rows follow the examples and rules of the IAM User Guide:
// "IAM JSON policy elements: Condition operators" (string, numeric, date, Bool, IP, ARN, ...IfExists,
// Null, and the rule for keys absent from the request context) and "Set operators for multivalued
// context keys" (ForAllValues / ForAnyValue).

#include <boost/json.hpp>

#include <doctest/doctest.h>
#include "sluice/identity/conditions.h"

namespace {

using sluice::identity::condition_block_error;
using sluice::identity::ConditionContext;
using sluice::identity::conditions_hold;

struct Row {
  const char* what;
  const char* condition;  // the Condition block, JSON
  bool holds;
};

ConditionContext example_context() {
  ConditionContext context;
  context.set("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice");
  context.set("aws:PrincipalAccount", "111122223333");
  context.set("aws:SourceIp", "203.0.113.20");
  context.set("aws:SecureTransport", "false");
  context.set("aws:CurrentTime", "2024-06-15T12:00:00Z");
  context.set("aws:EpochTime", "1718452800");
  context.set("sts:ExternalId", "Example-External-ID");
  context.set("sts:RoleSessionName", "alice-session");
  context.set("aws:RequestTag/project", "blue");
  context.set_all("aws:TagKeys", {"project", "team"});
  context.set("s3:max-keys", "10");
  context.set("aws:MultiFactorAuthAge", "3600");
  return context;
}

const Row kRows[] = {
    // String operators; "StringEquals ... aws:PrincipalTag/job-category" and sts:ExternalId examples.
    {"StringEquals matches exactly", R"({"StringEquals":{"sts:ExternalId":"Example-External-ID"}})", true},
    {"StringEquals is case-sensitive", R"({"StringEquals":{"sts:ExternalId":"example-external-id"}})", false},
    {"key names are case-insensitive", R"({"StringEquals":{"STS:EXTERNALID":"Example-External-ID"}})", true},
    {"values of one key are ORed", R"({"StringEquals":{"sts:ExternalId":["other","Example-External-ID"]}})", true},
    {"StringNotEquals", R"({"StringNotEquals":{"sts:ExternalId":["a","b"]}})", true},
    {"StringNotEquals against a listed value", R"({"StringNotEquals":{"sts:ExternalId":["a","Example-External-ID"]}})",
     false},
    {"StringEqualsIgnoreCase", R"({"StringEqualsIgnoreCase":{"sts:ExternalId":"EXAMPLE-external-id"}})", true},
    {"StringNotEqualsIgnoreCase", R"({"StringNotEqualsIgnoreCase":{"sts:ExternalId":"EXAMPLE-external-id"}})", false},
    {"StringLike with *", R"({"StringLike":{"sts:RoleSessionName":"alice-*"}})", true},
    {"StringLike with ?", R"({"StringLike":{"sts:RoleSessionName":"alice-sessio?"}})", true},
    {"StringLike needs a wildcard for a partial match", R"({"StringLike":{"sts:RoleSessionName":"alice"}})", false},
    {"StringNotLike", R"({"StringNotLike":{"sts:RoleSessionName":"bob-*"}})", true},
    {"aws:RequestTag/ keys", R"({"StringEquals":{"aws:RequestTag/project":"blue"}})", true},
    // Keys under one operator, and operators, are ANDed.
    {"two keys ANDed", R"({"StringEquals":{"sts:ExternalId":"Example-External-ID","aws:PrincipalAccount":"1"}})",
     false},
    {"two operators ANDed",
     R"({"StringEquals":{"aws:PrincipalAccount":"111122223333"},"StringLike":{"sts:RoleSessionName":"a*"}})", true},
    // Numeric operators; the s3:max-keys example.
    {"NumericLessThanEquals", R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", true},
    {"NumericLessThan", R"({"NumericLessThan":{"s3:max-keys":"10"}})", false},
    {"NumericGreaterThan with a JSON number", R"({"NumericGreaterThan":{"aws:MultiFactorAuthAge":1800}})", true},
    {"NumericEquals", R"({"NumericEquals":{"s3:max-keys":"10.0"}})", true},
    {"NumericNotEquals", R"({"NumericNotEquals":{"s3:max-keys":"10"}})", false},
    {"Numeric of a non-number does not match", R"({"NumericEquals":{"sts:ExternalId":"10"}})", false},
    // Date operators; the aws:CurrentTime example, with ISO 8601 and epoch values.
    {"DateLessThan", R"({"DateLessThan":{"aws:CurrentTime":"2024-07-01T00:00:00Z"}})", true},
    {"DateGreaterThan", R"({"DateGreaterThan":{"aws:CurrentTime":"2024-07-01T00:00:00Z"}})", false},
    {"DateGreaterThanEquals with a date only", R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2024-06-15"}})", true},
    {"DateEquals with an offset", R"({"DateEquals":{"aws:CurrentTime":"2024-06-15T14:00:00+02:00"}})", true},
    {"DateLessThanEquals with epoch seconds", R"({"DateLessThanEquals":{"aws:EpochTime":"1718452800"}})", true},
    {"DateNotEquals", R"({"DateNotEquals":{"aws:CurrentTime":"2024-06-15T12:00:00.000Z"}})", false},
    // Bool; the aws:SecureTransport example.
    {"Bool false", R"({"Bool":{"aws:SecureTransport":"false"}})", true},
    {"Bool true", R"({"Bool":{"aws:SecureTransport":"true"}})", false},
    {"Bool with a JSON boolean", R"({"Bool":{"aws:SecureTransport":false}})", true},
    // IP address operators; the 203.0.113.0/24 example.
    {"IpAddress in a CIDR range", R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", true},
    {"IpAddress outside", R"({"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}})", false},
    {"IpAddress single address", R"({"IpAddress":{"aws:SourceIp":"203.0.113.20"}})", true},
    {"NotIpAddress", R"({"NotIpAddress":{"aws:SourceIp":["198.51.100.0/24","2001:db8::/32"]}})", true},
    // ARN operators; the aws:SourceArn example.
    {"ArnLike", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/*"}})", true},
    {"ArnEquals allows wildcards too", R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::*:user/alice"}})", true},
    {"ArnLike compares part by part", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:*"}})", true},
    {"ArnLike in another account", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:user/*"}})", false},
    {"ArnNotLike", R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}})", true},
    // A key absent from the request context: false, but true for negated operators.
    {"absent key, StringEquals", R"({"StringEquals":{"aws:PrincipalTag/team":"x"}})", false},
    {"absent key, StringNotLike", R"({"StringNotLike":{"aws:PrincipalTag/team":"x"}})", true},
    {"absent key, ArnNotLike", R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}})", true},
    // ...IfExists: the condition only applies when the key is present.
    {"StringEqualsIfExists, absent", R"({"StringEqualsIfExists":{"aws:PrincipalTag/team":"x"}})", true},
    {"StringEqualsIfExists, present", R"({"StringEqualsIfExists":{"sts:ExternalId":"x"}})", false},
    {"BoolIfExists", R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}})", true},
    // Null: true asks for an absent key; the aws:TokenIssueTime example.
    {"Null true for an absent key", R"({"Null":{"aws:TokenIssueTime":"true"}})", true},
    {"Null true for a present key", R"({"Null":{"sts:ExternalId":"true"}})", false},
    {"Null false for a present key", R"({"Null":{"sts:ExternalId":"false"}})", true},
    // Set operators on a multivalued key (aws:TagKeys = project, team).
    {"ForAllValues, all allowed", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["project","team","cost"]}})", true},
    {"ForAllValues, one not allowed", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["project"]}})", false},
    {"ForAllValues, absent key holds", R"({"ForAllValues:StringEquals":{"aws:PrincipalTag/x":["a"]}})", true},
    {"ForAnyValue, one matches", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["team","cost"]}})", true},
    {"ForAnyValue, none matches", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["cost"]}})", false},
    {"ForAnyValue, absent key fails", R"({"ForAnyValue:StringEquals":{"aws:PrincipalTag/x":["a"]}})", false},
    {"ForAnyValue:StringLike", R"({"ForAnyValue:StringLike":{"aws:TagKeys":"te*"}})", true},
    {"ForAllValues:StringNotEquals", R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["cost"]}})", true},
    // What is not understood does not hold.
    {"unknown operator", R"({"StringSortOf":{"sts:ExternalId":"x"}})", false},
    {"Null cannot take IfExists", R"({"NullIfExists":{"sts:ExternalId":"true"}})", false},
};

}  // namespace

TEST_CASE("condition operators, as the IAM User Guide describes them") {
  const ConditionContext context = example_context();
  for (const Row& row : kRows) {
    CAPTURE(row.what);
    CHECK(conditions_hold(boost::json::parse(row.condition), context) == row.holds);
  }
}

TEST_CASE("a malformed Condition block is named") {
  CHECK_FALSE(condition_block_error(boost::json::parse(R"({"StringEquals":{"a":"b"}})")).has_value());
  CHECK(condition_block_error(boost::json::parse(R"({"StringSortOf":{"a":"b"}})")).has_value());
  CHECK(condition_block_error(boost::json::parse(R"({"StringEquals":{"a":{"b":1}}})")).has_value());
  CHECK(condition_block_error(boost::json::parse(R"(["StringEquals"])")).has_value());
}

TEST_CASE("IPv6 ranges and IPv4 addresses do not mix") {
  ConditionContext context;
  context.set("aws:SourceIp", "2001:db8::1");
  CHECK(conditions_hold(boost::json::parse(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})"), context));
  CHECK_FALSE(conditions_hold(boost::json::parse(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})"), context));
}

TEST_CASE("a context inherits its base's keys, under its own, and logs reads of both") {
  ConditionContext principal;
  principal.set("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice");
  principal.set("aws:username", "alice");
  ConditionContext request;
  request.inherit(&principal);
  request.set("aws:username", "bob");  // shadows the base's value, which stays as it was
  request.set("aws:SourceIp", "203.0.113.20");
  REQUIRE(request.find("AWS:PRINCIPALARN") != nullptr);
  CHECK(request.find("aws:PrincipalArn")->at(0) == "arn:aws:iam::111122223333:user/alice");
  CHECK(request.find("aws:username")->at(0) == "bob");
  CHECK(principal.find("aws:username")->at(0) == "alice");
  CHECK(principal.find("aws:SourceIp") == nullptr);
  CHECK(conditions_hold(
      boost::json::parse(R"({"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}})"), request));

  std::vector<std::string> reads;
  request.log_reads(&reads);
  CHECK(request.find("aws:PrincipalArn") != nullptr);
  CHECK(request.find("aws:TagKeys") == nullptr);
  request.log_reads(nullptr);
  CHECK(reads == std::vector<std::string>{"aws:PrincipalArn", "aws:TagKeys"});

  request.inherit(nullptr);
  CHECK(request.find("aws:PrincipalArn") == nullptr);
}
