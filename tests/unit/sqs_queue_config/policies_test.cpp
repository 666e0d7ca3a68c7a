// The JSON-valued attributes: RedrivePolicy, RedriveAllowPolicy, Policy, and JSON equality.

#include <doctest/doctest.h>

#include "queue_config/queue_policies.h"

using namespace sluice;
using namespace sluice::sqs::detail;

namespace {

const std::string kDlq = "arn:aws:sqs:us-east-1:111111111111:dlq";

std::string redrive(const std::string& count) {
  return "{\"deadLetterTargetArn\":\"" + kDlq + "\",\"maxReceiveCount\":" + count + "}";
}

void check_redrive_error(const std::string& text, common::AwsErrorCode code, const std::string& message) {
  CAPTURE(text);
  common::Outcome<RedrivePolicy> r = parse_redrive_policy(text);
  REQUIRE_FALSE(r.ok());
  CHECK(common::error_name(r.error().code) == common::error_name(code));
  CHECK(r.error().message == message);
}

void check_allow_error(const std::string& text, common::AwsErrorCode code, const std::string& message) {
  CAPTURE(text);
  common::Outcome<RedriveAllowPolicy> r = parse_redrive_allow_policy(text);
  REQUIRE_FALSE(r.ok());
  CHECK(common::error_name(r.error().code) == common::error_name(code));
  CHECK(r.error().message == message);
}

}  // namespace

TEST_CASE("RedrivePolicy: maxReceiveCount 1..1000 as a number or a string") {
  for (const std::string count : {"1", "1000", "\"1\"", "\"1000\"", "42", "5.0"}) {
    CAPTURE(count);
    common::Outcome<RedrivePolicy> r = parse_redrive_policy(redrive(count));
    REQUIRE(r.ok());
    CHECK(r->dead_letter_target_arn == kDlq);
  }
  CHECK(parse_redrive_policy(redrive("1000"))->max_receive_count == 1000);
  CHECK(parse_redrive_policy(redrive("\"7\""))->max_receive_count == 7);

  for (const auto& [count, shown] : std::vector<std::pair<std::string, std::string>>{{"0", "0"},
                                                                                     {"1001", "1001"},
                                                                                     {"-36", "-36"},
                                                                                     {"\"invalid\"", "invalid"},
                                                                                     {"\"\"", ""},
                                                                                     {"2.5", "2.5E0"},
                                                                                     {"true", "true"},
                                                                                     {"null", "null"}}) {
    check_redrive_error(redrive(count), common::AwsErrorCode::InvalidParameterValue,
                        "Value " + redrive(count) +
                            " for parameter RedrivePolicy is invalid. Reason: Invalid value for "
                            "maxReceiveCount: " +
                            shown + ", valid values are from 1 to 1000 both inclusive.");
  }
}

TEST_CASE("RedrivePolicy: structure errors in AWS's order") {
  const std::string not_map =
      "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.";
  for (const std::string text : {"not json", "[1]", "3", "\"x\"", "{"}) {
    check_redrive_error(text, common::AwsErrorCode::InvalidParameterValue, not_map);
  }
  // The recorded answer to "{}" names maxReceiveCount first.
  check_redrive_error("{}", common::AwsErrorCode::InvalidParameterValue,
                      "Value {} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain "
                      "mandatory attribute: maxReceiveCount.");
  const std::string no_target = "{\"maxReceiveCount\":\"1000\"}";
  check_redrive_error(no_target, common::AwsErrorCode::InvalidParameterValue,
                      "Value " + no_target +
                          " for parameter RedrivePolicy is invalid. Reason: Redrive policy does not "
                          "contain mandatory attribute: deadLetterTargetArn.");
  for (const std::string arn : {"\"dummy\"", "\"arn:aws:sns:us-east-1:111111111111:t\"", "\"arn:aws:sqs:us-east-1::q\"",
                                "\"arn:aws:sqs:us-east-1:1:q:extra\"", "42"}) {
    const std::string text = "{\"deadLetterTargetArn\":" + arn + ",\"maxReceiveCount\":3}";
    check_redrive_error(text, common::AwsErrorCode::InvalidParameterValue,
                        "Value " + text +
                            " for parameter RedrivePolicy is invalid. Reason: Dead-letter target ARN "
                            "should be fully qualified ARN.");
  }
  const std::string extra = "{\"deadLetterTargetArn\":\"" + kDlq + "\",\"maxReceiveCount\":3,\"x\":1}";
  check_redrive_error(extra, common::AwsErrorCode::InvalidParameterValue,
                      "Value " + extra +
                          " for parameter RedrivePolicy is invalid. Reason: Only following attributes "
                          "are supported: [maxReceiveCount, deadLetterTargetArn].");
}

TEST_CASE("RedrivePolicy renders as AWS answers it") {
  CHECK(render_redrive_policy({kDlq, 3}) == "{\"deadLetterTargetArn\":\"" + kDlq + "\",\"maxReceiveCount\":3}");
  // Round trip through the parser.
  CHECK(parse_redrive_policy(render_redrive_policy({kDlq, 1000})).value() == RedrivePolicy{kDlq, 1000});
}

TEST_CASE("RedriveAllowPolicy: permissions and source queues") {
  common::Outcome<RedriveAllowPolicy> all = parse_redrive_allow_policy("{\"redrivePermission\":\"allowAll\"}");
  REQUIRE(all.ok());
  CHECK(all->redrive_permission == "allowAll");
  CHECK(all->source_queue_arns.empty());
  CHECK(parse_redrive_allow_policy("{\"redrivePermission\":\"denyAll\"}")->redrive_permission == "denyAll");

  std::string ten = "[";
  for (int i = 0; i < 10; ++i) ten += (i ? ",\"" : "\"") + kDlq + std::to_string(i) + "\"";
  ten += "]";
  common::Outcome<RedriveAllowPolicy> by_queue =
      parse_redrive_allow_policy("{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":" + ten + "}");
  REQUIRE(by_queue.ok());
  CHECK(by_queue->source_queue_arns.size() == 10);
  CHECK(by_queue->source_queue_arns[9] == kDlq + "9");

  const std::string prefix =
      " for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive "
      "allow policy. ";
  std::string eleven = ten.substr(0, ten.size() - 1) + ",\"" + kDlq + "x\"]";
  std::string too_many = "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":" + eleven + "}";
  check_allow_error(too_many, common::AwsErrorCode::InvalidParameterValue,
                    "Value " + too_many + prefix + "The maximum number of source queue ARNs you can specify is 10.");
  for (const std::string& text : {std::string("{\"redrivePermission\":\"byQueue\"}"),
                                  std::string("{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[]}")}) {
    check_allow_error(text, common::AwsErrorCode::InvalidParameterValue,
                      "Value " + text + prefix +
                          "When you specify the byQueue permission type, you must also specify one or more "
                          "sourceQueueArns values.");
  }
  for (const std::string perm : {"allowAll", "denyAll"}) {
    std::string text = "{\"redrivePermission\":\"" + perm + "\",\"sourceQueueArns\":[\"" + kDlq + "\"]}";
    check_allow_error(text, common::AwsErrorCode::InvalidParameterValue,
                      "Value " + text + prefix +
                          "To specify one or more source queue ARNs, you must set redrivePermission to byQueue.");
  }
  const std::string unsupported =
      "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, "
      "as it\u2019s in an unsupported format.";
  for (const std::string text :
       {"x", "[]", "{}", "{\"redrivePermission\":\"everyone\"}", "{\"redrivePermission\":\"allowAll\",\"other\":1}",
        "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":\"arn\"}",
        "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[1]}"}) {
    check_allow_error(text, common::AwsErrorCode::InvalidAttributeValue, unsupported);
  }
}

TEST_CASE("RedriveAllowPolicy renders in AWS's key order") {
  CHECK(render_redrive_allow_policy({"denyAll", {}}) == "{\"redrivePermission\":\"denyAll\"}");
  CHECK(render_redrive_allow_policy({"byQueue", {kDlq}}) ==
        "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\"" + kDlq + "\"]}");
}

TEST_CASE("access policy: a JSON object with statements, at most 8192 bytes") {
  CHECK_FALSE(check_access_policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}").has_value());
  CHECK_FALSE(check_access_policy("{\"Statement\":{\"Effect\":\"Allow\"}}").has_value());
  std::string padded = "{\"Statement\":[{\"Sid\":\"\"}]}";
  padded.insert(padded.size() - 4, 8192 - padded.size(), 'a');
  REQUIRE(padded.size() == 8192);
  CHECK_FALSE(check_access_policy(padded).has_value());
  std::string over = padded;
  over.insert(over.size() - 4, "a");
  for (const std::string& bad :
       {over, std::string("nope"), std::string("[]"), std::string("{}"), std::string("{\"Statement\":[]}"),
        std::string("{\"Statement\":[1]}"), std::string("{\"Statement\":\"x\"}")}) {
    CAPTURE(bad.substr(0, 40));
    std::optional<common::AwsError> e = check_access_policy(bad);
    REQUIRE(e.has_value());
    CHECK(e->code == common::AwsErrorCode::InvalidAttributeValue);
    CHECK(e->message == "Invalid value for the parameter Policy.");
  }
}

TEST_CASE("same_json ignores key order and whitespace, not values") {
  CHECK(same_json("{\"a\":1,\"b\":[1,2]}", " { \"b\" : [1, 2], \"a\" : 1 } "));
  CHECK_FALSE(same_json("{\"a\":1}", "{\"a\":2}"));
  CHECK_FALSE(same_json("{\"b\":[1,2]}", "{\"b\":[2,1]}"));
  CHECK_FALSE(same_json("not json", "not  json"));
  CHECK(same_json("not json", "not json"));
}
