// Queue configuration: names, ranges, defaults, FIFO rules, SSE, idempotent CreateQueue and the
// GetQueueAttributes rendering. Error texts are AWS's (recorded responses where AWS was recorded).

#include <doctest/doctest.h>

#include "queue_config/queue_config.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::detail;

namespace {

const std::string kDlq = "arn:aws:sqs:us-east-1:111111111111:dlq";

// The error a call answers; fails the test when it succeeded.
common::AwsError error_of(const common::Outcome<QueueConfig>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error();
}

void check_error(const common::Outcome<QueueConfig>& r, common::AwsErrorCode code, const std::string& message) {
  common::AwsError e = error_of(r);
  CHECK(common::error_name(e.code) == common::error_name(code));
  CHECK(e.message == message);
}

QueueConfig create(const std::string& name, const AttributeMap& attributes) {
  common::Outcome<QueueConfig> r = config_for_create(name, attributes);
  if (!r.ok()) FAIL("unexpected error: " << r.error().message);
  return *r;
}

QueueConfig fifo_queue(AttributeMap attributes = {}) {
  attributes["FifoQueue"] = "true";
  return create("q.fifo", attributes);
}

}  // namespace

TEST_CASE("queue names: 1-80 of [A-Za-z0-9_-], .fifo suffix counted") {
  const std::string text = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";
  CHECK_FALSE(check_queue_name("a").has_value());
  CHECK_FALSE(check_queue_name("Az09_-").has_value());
  CHECK_FALSE(check_queue_name(std::string(80, 'a')).has_value());
  CHECK_FALSE(check_queue_name(std::string(75, 'a') + ".fifo").has_value());
  for (const std::string& bad :
       {std::string(), std::string(81, 'a'), std::string(76, 'a') + ".fifo", std::string(".fifo"), std::string("a.b"),
        std::string("a b"), std::string("a@"), std::string("caf\xc3\xa9"), std::string("x.fifo.fifo")}) {
    CAPTURE(bad);
    std::optional<common::AwsError> e = check_queue_name(bad);
    REQUIRE(e.has_value());
    CHECK(e->code == common::AwsErrorCode::InvalidParameterValue);
    CHECK(e->message == text);
  }
  check_error(config_for_create("bad name", {}), common::AwsErrorCode::InvalidParameterValue, text);
}

TEST_CASE("a new standard queue has AWS's defaults") {
  QueueConfig c = create("q", {});
  CHECK_FALSE(c.fifo);
  CHECK(c.visibility_timeout == 30);
  CHECK(c.message_retention_period == 345600);
  CHECK(c.delay_seconds == 0);
  CHECK(c.maximum_message_size == 1048576);
  CHECK(c.receive_message_wait_time_seconds == 0);
  CHECK(c.kms_data_key_reuse_period_seconds == 300);
  CHECK(c.sqs_managed_sse_enabled);
  CHECK(c.encrypted());
  CHECK_FALSE(c.redrive_policy.has_value());
  CHECK_FALSE(c.redrive_allow_policy.has_value());
  CHECK_FALSE(c.kms_master_key_id.has_value());
  CHECK_FALSE(c.policy.has_value());
  // test_set_queue_attributes_default_values: what a fresh standard queue shows.
  CHECK(settable_attributes(c) == AttributeMap{{"DelaySeconds", "0"},
                                               {"MaximumMessageSize", "1048576"},
                                               {"MessageRetentionPeriod", "345600"},
                                               {"ReceiveMessageWaitTimeSeconds", "0"},
                                               {"SqsManagedSseEnabled", "true"},
                                               {"VisibilityTimeout", "30"}});
}

TEST_CASE("integer attributes: range edges, parsing and the AWS error") {
  struct Range {
    const char* name;
    int64_t min;
    int64_t max;
    int64_t QueueConfig::*field;
  };
  const Range ranges[] = {
      {"VisibilityTimeout", 0, 43200, &QueueConfig::visibility_timeout},
      {"MessageRetentionPeriod", 60, 1209600, &QueueConfig::message_retention_period},
      {"DelaySeconds", 0, 900, &QueueConfig::delay_seconds},
      {"MaximumMessageSize", 1024, 1048576, &QueueConfig::maximum_message_size},
      {"ReceiveMessageWaitTimeSeconds", 0, 20, &QueueConfig::receive_message_wait_time_seconds},
      {"KmsDataKeyReusePeriodSeconds", 60, 86400, &QueueConfig::kms_data_key_reuse_period_seconds},
  };
  for (const Range& r : ranges) {
    CAPTURE(r.name);
    CHECK(create("q", {{r.name, std::to_string(r.min)}}).*r.field == r.min);
    CHECK(create("q", {{r.name, std::to_string(r.max)}}).*r.field == r.max);
    const std::string invalid = "Invalid value for the parameter " + std::string(r.name) + ".";
    for (const std::string& bad :
         {std::to_string(r.min - 1), std::to_string(r.max + 1), std::string(""), std::string("abc"), std::string("1.5"),
          std::string(" 30"), std::string("30 "), std::string("99999999999999999999999")}) {
      CAPTURE(bad);
      check_error(config_for_create("q", {{r.name, bad}}), common::AwsErrorCode::InvalidAttributeValue, invalid);
      check_error(config_for_set(QueueConfig{}, {{r.name, bad}}), common::AwsErrorCode::InvalidAttributeValue, invalid);
    }
  }
  CHECK(create("q", {{"VisibilityTimeout", "030"}}).visibility_timeout == 30);
  CHECK(create("q", {{"VisibilityTimeout", "+45"}}).visibility_timeout == 45);
}

TEST_CASE("unknown and read-only attribute names are refused by name") {
  for (const char* name : {"Bogus", "All", "visibilityTimeout", "QueueArn", "ApproximateNumberOfMessages",
                           "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
                           "CreatedTimestamp", "LastModifiedTimestamp"}) {
    CAPTURE(name);
    const std::string text = "Unknown Attribute " + std::string(name) + ".";
    check_error(config_for_create("q", {{name, "1"}}), common::AwsErrorCode::InvalidAttributeName, text);
    check_error(config_for_set(QueueConfig{}, {{name, "1"}}), common::AwsErrorCode::InvalidAttributeName, text);
  }
  // Names are checked before values.
  check_error(config_for_create("q", {{"DelaySeconds", "x"}, {"Zzz", "1"}}), common::AwsErrorCode::InvalidAttributeName,
              "Unknown Attribute Zzz.");
}

TEST_CASE("FIFO queues: FifoQueue and the .fifo suffix must agree") {
  QueueConfig c = fifo_queue();
  CHECK(c.fifo);
  CHECK(c.deduplication_scope == "queue");
  CHECK(c.fifo_throughput_limit == "perQueue");
  CHECK_FALSE(c.content_based_deduplication);
  CHECK(create("q.fifo", {{"FifoQueue", "True"}}).fifo);

  check_error(config_for_create("q", {{"FifoQueue", "true"}}), common::AwsErrorCode::InvalidParameterValue,
              "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end "
              "with .fifo suffix and be 1 to 80 in length.");
  const std::string non_fifo =
      "The name of a non-FIFO queue can only include alphanumeric characters, hyphens, or underscores and be 1 to "
      "80 in length.";
  check_error(config_for_create("q.fifo", {}), common::AwsErrorCode::InvalidParameterValue, non_fifo);
  check_error(config_for_create("q.fifo", {{"FifoQueue", "false"}}), common::AwsErrorCode::InvalidParameterValue,
              non_fifo);
}

TEST_CASE("FIFO-only attributes on a standard queue (recorded texts)") {
  // test_create_standard_queue_with_fifo_attribute_raises_error
  check_error(config_for_create("q", {{"FifoQueue", "false"}}), common::AwsErrorCode::InvalidAttributeName,
              "Unknown Attribute FifoQueue.");
  check_error(config_for_create("q", {{"ContentBasedDeduplication", "true"}}),
              common::AwsErrorCode::InvalidAttributeName, "Unknown Attribute ContentBasedDeduplication.");
  check_error(config_for_create("q", {{"DeduplicationScope", "queue"}}), common::AwsErrorCode::InvalidAttributeName,
              "You can specify the DeduplicationScope only when FifoQueue is set to true.");
  check_error(config_for_create("q", {{"FifoThroughputLimit", "perQueue"}}), common::AwsErrorCode::InvalidAttributeName,
              "You can specify the FifoThroughputLimit only when FifoQueue is set to true.");
  // SetQueueAttributes on a standard queue refuses them the same way.
  QueueConfig standard = create("q", {});
  check_error(config_for_set(standard, {{"ContentBasedDeduplication", "false"}}),
              common::AwsErrorCode::InvalidAttributeName, "Unknown Attribute ContentBasedDeduplication.");
  check_error(config_for_set(standard, {{"DeduplicationScope", "messageGroup"}}),
              common::AwsErrorCode::InvalidAttributeName,
              "You can specify the DeduplicationScope only when FifoQueue is set to true.");
}

TEST_CASE("SetQueueAttributes cannot change the queue type (recorded texts)") {
  for (const char* v : {"true", "false"}) {
    check_error(config_for_set(create("q", {}), {{"FifoQueue", v}}), common::AwsErrorCode::InvalidAttributeName,
                "Unknown Attribute FifoQueue.");
  }
  check_error(config_for_set(fifo_queue(), {{"FifoQueue", "false"}}), common::AwsErrorCode::InvalidAttributeValue,
              "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.");
  // Telling a FIFO queue it is FIFO changes nothing, and AWS answers success.
  auto same = config_for_set(fifo_queue(), {{"FifoQueue", "true"}});
  REQUIRE(same.ok());
  CHECK(same->fifo);
}

TEST_CASE("FIFO attribute values") {
  QueueConfig c = fifo_queue({{"ContentBasedDeduplication", "true"},
                              {"DeduplicationScope", "messageGroup"},
                              {"FifoThroughputLimit", "perMessageGroupId"}});
  CHECK(c.content_based_deduplication);
  CHECK(c.deduplication_scope == "messageGroup");
  CHECK(c.fifo_throughput_limit == "perMessageGroupId");

  check_error(config_for_create("q.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "yes"}}),
              common::AwsErrorCode::InvalidAttributeValue,
              "Invalid value for the parameter ContentBasedDeduplication.");
  check_error(config_for_create("q.fifo", {{"FifoQueue", "true"}, {"DeduplicationScope", "group"}}),
              common::AwsErrorCode::InvalidAttributeValue, "Invalid value for the parameter DeduplicationScope.");
  check_error(config_for_create("q.fifo", {{"FifoQueue", "true"}, {"FifoThroughputLimit", "perGroup"}}),
              common::AwsErrorCode::InvalidAttributeValue, "Invalid value for the parameter FifoThroughputLimit.");

  // perMessageGroupId needs DeduplicationScope=messageGroup, in the resulting config.
  common::AwsError e =
      error_of(config_for_create("q.fifo", {{"FifoQueue", "true"}, {"FifoThroughputLimit", "perMessageGroupId"}}));
  CHECK(e.code == common::AwsErrorCode::InvalidAttributeValue);
  CHECK(e.message.find("FifoThroughputLimit") != std::string::npos);
  CHECK_FALSE(config_for_set(c, {{"DeduplicationScope", "queue"}}).ok());
  // Back to normal throughput in one call (test_fifo_change_to_regular_throughput_after_creation).
  common::Outcome<QueueConfig> regular =
      config_for_set(c, {{"DeduplicationScope", "queue"}, {"FifoThroughputLimit", "perQueue"}});
  REQUIRE(regular.ok());
  CHECK(regular->deduplication_scope == "queue");
  CHECK(regular->fifo_throughput_limit == "perQueue");
  CHECK(settable_attributes(*regular).at("FifoThroughputLimit") == "perQueue");
}

TEST_CASE("a fresh FIFO queue shows the recorded attributes") {
  // test_fifo_set_content_based_deduplication_strategy, without the read-only ones.
  QueueConfig c = fifo_queue({{"ContentBasedDeduplication", "true"}});
  CHECK(settable_attributes(c) == AttributeMap{{"ContentBasedDeduplication", "true"},
                                               {"DeduplicationScope", "queue"},
                                               {"DelaySeconds", "0"},
                                               {"FifoQueue", "true"},
                                               {"FifoThroughputLimit", "perQueue"},
                                               {"MaximumMessageSize", "1048576"},
                                               {"MessageRetentionPeriod", "345600"},
                                               {"ReceiveMessageWaitTimeSeconds", "0"},
                                               {"SqsManagedSseEnabled", "true"},
                                               {"VisibilityTimeout", "30"}});
  common::Outcome<QueueConfig> after = config_for_set(c, {{"ContentBasedDeduplication", "false"}});
  REQUIRE(after.ok());
  CHECK(settable_attributes(*after).at("ContentBasedDeduplication") == "false");
}

TEST_CASE("SetQueueAttributes keeps what it is not given") {
  QueueConfig c = create(
      "q",
      {{"MessageRetentionPeriod", "604800"}, {"ReceiveMessageWaitTimeSeconds", "10"}, {"VisibilityTimeout", "20"}});
  common::Outcome<QueueConfig> r =
      config_for_set(c, {{"MaximumMessageSize", "2048"}, {"VisibilityTimeout", "69"}, {"DelaySeconds", "420"}});
  REQUIRE(r.ok());
  // test_create_and_update_queue_attributes
  CHECK(settable_attributes(*r) == AttributeMap{{"DelaySeconds", "420"},
                                                {"MaximumMessageSize", "2048"},
                                                {"MessageRetentionPeriod", "604800"},
                                                {"ReceiveMessageWaitTimeSeconds", "10"},
                                                {"SqsManagedSseEnabled", "true"},
                                                {"VisibilityTimeout", "69"}});
  // A failing set changes nothing: the caller keeps `c`.
  CHECK_FALSE(config_for_set(c, {{"VisibilityTimeout", "1"}, {"DelaySeconds", "901"}}).ok());
  CHECK(c.visibility_timeout == 20);
}

TEST_CASE("server-side encryption: KMS and SQS-managed exclude each other") {
  const std::string both =
      "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.";
  // A KMS key at creation turns SQS-managed SSE off.
  QueueConfig kms = create("q", {{"KmsMasterKeyId", "testKeyId"}, {"KmsDataKeyReusePeriodSeconds", "6000"}});
  CHECK(kms.kms_master_key_id == "testKeyId");
  CHECK_FALSE(kms.sqs_managed_sse_enabled);
  CHECK(kms.encrypted());
  // test_sse_queue_attributes
  AttributeMap shown = settable_attributes(kms);
  CHECK(shown.at("KmsMasterKeyId") == "testKeyId");
  CHECK(shown.at("KmsDataKeyReusePeriodSeconds") == "6000");
  CHECK(shown.at("SqsManagedSseEnabled") == "false");

  check_error(config_for_create("q", {{"KmsMasterKeyId", "k"}, {"SqsManagedSseEnabled", "true"}}),
              common::AwsErrorCode::InvalidAttributeName, both);
  check_error(config_for_set(kms, {{"SqsManagedSseEnabled", "true"}}), common::AwsErrorCode::InvalidAttributeName,
              both);
  CHECK(create("q", {{"KmsMasterKeyId", "k"}, {"SqsManagedSseEnabled", "false"}}).kms_master_key_id == "k");

  // Setting a key on a queue with SQS-managed SSE switches it to KMS
  // (test_set_queue_attributes_default_values).
  common::Outcome<QueueConfig> switched = config_for_set(create("q", {}), {{"KmsMasterKeyId", "testKeyId"}});
  REQUIRE(switched.ok());
  CHECK_FALSE(switched->sqs_managed_sse_enabled);
  // An empty key removes KMS; SQS-managed SSE stays as it was, KMS keys are no longer shown.
  common::Outcome<QueueConfig> cleared =
      config_for_set(kms, {{"KmsMasterKeyId", ""}, {"KmsDataKeyReusePeriodSeconds", "300"}});
  REQUIRE(cleared.ok());
  CHECK_FALSE(cleared->kms_master_key_id.has_value());
  CHECK_FALSE(cleared->encrypted());
  CHECK(settable_attributes(*cleared).count("KmsMasterKeyId") == 0);
  CHECK(settable_attributes(*cleared).count("KmsDataKeyReusePeriodSeconds") == 0);
  CHECK(settable_attributes(*cleared).at("SqsManagedSseEnabled") == "false");
  // Clearing KMS and enabling SQS SSE in one call works.
  common::Outcome<QueueConfig> back = config_for_set(kms, {{"KmsMasterKeyId", ""}, {"SqsManagedSseEnabled", "true"}});
  REQUIRE(back.ok());
  CHECK(back->sqs_managed_sse_enabled);

  check_error(config_for_create("q", {{"SqsManagedSseEnabled", "maybe"}}), common::AwsErrorCode::InvalidAttributeValue,
              "Invalid value for the parameter SqsManagedSseEnabled.");
}

TEST_CASE("JSON attributes are parsed, rendered compactly and removed by an empty string") {
  QueueConfig c =
      create("q", {{"RedrivePolicy", "{ \"maxReceiveCount\": \"3\", \"deadLetterTargetArn\": \"" + kDlq + "\" }"},
                   {"RedriveAllowPolicy", "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\"" + kDlq + "\"]}"},
                   {"Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}"}});
  REQUIRE(c.redrive_policy.has_value());
  CHECK(c.redrive_policy->max_receive_count == 3);
  CHECK(c.redrive_policy->dead_letter_target_arn == kDlq);
  REQUIRE(c.redrive_allow_policy.has_value());
  CHECK(c.redrive_allow_policy->redrive_permission == "byQueue");
  CHECK(c.redrive_allow_policy->source_queue_arns == std::vector<std::string>{kDlq});
  AttributeMap shown = settable_attributes(c);
  CHECK(shown.at("RedrivePolicy") == "{\"deadLetterTargetArn\":\"" + kDlq + "\",\"maxReceiveCount\":3}");
  CHECK(shown.at("RedriveAllowPolicy") == "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\"" + kDlq + "\"]}");
  CHECK(shown.at("Policy") == "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}");

  common::Outcome<QueueConfig> cleared =
      config_for_set(c, {{"RedrivePolicy", ""}, {"RedriveAllowPolicy", ""}, {"Policy", ""}});
  REQUIRE(cleared.ok());
  CHECK_FALSE(cleared->redrive_policy.has_value());
  CHECK_FALSE(cleared->redrive_allow_policy.has_value());
  CHECK_FALSE(cleared->policy.has_value());
  for (const char* key : {"RedrivePolicy", "RedriveAllowPolicy", "Policy"}) {
    CHECK(settable_attributes(*cleared).count(key) == 0);
  }
  // Errors from the JSON parsers come through unchanged.
  check_error(config_for_create("q", {{"RedrivePolicy", "{}"}}), common::AwsErrorCode::InvalidParameterValue,
              "Value {} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory "
              "attribute: maxReceiveCount.");
  check_error(config_for_set(c, {{"Policy", "not json"}}), common::AwsErrorCode::InvalidAttributeValue,
              "Invalid value for the parameter Policy.");
}

TEST_CASE("round trip: config_for_create(name, settable_attributes(c)) == c") {
  std::vector<std::pair<std::string, QueueConfig>> configs;
  configs.emplace_back("q", create("q", {}));
  configs.emplace_back("q.fifo", fifo_queue());
  configs.emplace_back(
      "q", create("q", {{"VisibilityTimeout", "0"},
                        {"MessageRetentionPeriod", "60"},
                        {"DelaySeconds", "900"},
                        {"MaximumMessageSize", "1024"},
                        {"ReceiveMessageWaitTimeSeconds", "20"},
                        {"KmsMasterKeyId", "alias/aws/sqs"},
                        {"KmsDataKeyReusePeriodSeconds", "86400"},
                        {"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + kDlq + "\",\"maxReceiveCount\":1000}"},
                        {"RedriveAllowPolicy", "{\"redrivePermission\":\"denyAll\"}"},
                        {"Policy", "{\"Statement\": {\"Effect\": \"Deny\"}}"}}));
  configs.emplace_back("q.fifo", fifo_queue({{"ContentBasedDeduplication", "true"},
                                             {"DeduplicationScope", "messageGroup"},
                                             {"FifoThroughputLimit", "perMessageGroupId"},
                                             {"SqsManagedSseEnabled", "false"},
                                             {"RedriveAllowPolicy", "{\"redrivePermission\":\"allowAll\"}"}}));
  // A reuse period set without a key is kept.
  configs.emplace_back("q", create("q", {{"KmsDataKeyReusePeriodSeconds", "120"}}));
  for (const auto& entry : configs) {
    // Named members, not a structured binding: clang 14 refuses CAPTURE's lambda capture of one.
    const std::string& name = entry.first;
    const QueueConfig& c = entry.second;
    CAPTURE(name);
    common::Outcome<QueueConfig> again = config_for_create(name, settable_attributes(c));
    REQUIRE(again.ok());
    CHECK(*again == c);
  }
}

TEST_CASE("differing_attribute compares only the requested attributes, by value") {
  // test_create_queue_with_different_attributes_raises_exception
  QueueConfig c = create("q", {{"ReceiveMessageWaitTimeSeconds", "1"}, {"DelaySeconds", "1"}});
  CHECK_FALSE(differing_attribute(c, {}).has_value());
  CHECK_FALSE(differing_attribute(c, {{"DelaySeconds", "1"}}).has_value());
  CHECK(differing_attribute(c, {{"ReceiveMessageWaitTimeSeconds", "1"}, {"DelaySeconds", "2"}}) == "DelaySeconds");
  CHECK_FALSE(differing_attribute(c, {{"DelaySeconds", "01"}}).has_value());
  // Defaults count as values: asking for the default on an unchanged queue agrees.
  CHECK_FALSE(differing_attribute(c, {{"VisibilityTimeout", "30"}, {"SqsManagedSseEnabled", "true"}}).has_value());
  CHECK(differing_attribute(c, {{"VisibilityTimeout", "31"}}) == "VisibilityTimeout");

  // test_create_fifo_queue_with_different_attributes_raises_error
  QueueConfig f = fifo_queue({{"ContentBasedDeduplication", "true"}});
  CHECK_FALSE(differing_attribute(f, {{"FifoQueue", "true"}}).has_value());
  CHECK_FALSE(differing_attribute(f, {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}}).has_value());
  CHECK(differing_attribute(f, {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "false"}}) ==
        "ContentBasedDeduplication");

  // JSON attributes compare as values: key order, whitespace and "3" vs 3 do not matter.
  QueueConfig r = create("q", {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + kDlq + "\",\"maxReceiveCount\":3}"},
                               {"Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}"}});
  CHECK_FALSE(differing_attribute(
                  r, {{"RedrivePolicy", "{\"maxReceiveCount\": \"3\", \"deadLetterTargetArn\": \"" + kDlq + "\"}"}})
                  .has_value());
  CHECK(differing_attribute(r, {{"RedrivePolicy", "{\"maxReceiveCount\":4,\"deadLetterTargetArn\":\"" + kDlq +
                                                      "\"}"}}) == "RedrivePolicy");
  CHECK_FALSE(differing_attribute(
                  r, {{"Policy", "{ \"Statement\": [ {\"Effect\": \"Allow\"} ], \"Version\": \"2012-10-17\" }"}})
                  .has_value());
  CHECK(differing_attribute(r, {{"Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\"}]}"}}) ==
        "Policy");
  CHECK(differing_attribute(r, {{"Policy", ""}}) == "Policy");
  CHECK_FALSE(differing_attribute(c, {{"Policy", ""}}).has_value());
  CHECK(differing_attribute(c, {{"KmsMasterKeyId", "k"}}) == "KmsMasterKeyId");
}

TEST_CASE("resolve_attribute_names: validation, All, enum order, FIFO-only names") {
  common::Outcome<std::vector<std::string>> all_standard = resolve_attribute_names({"All"}, false);
  REQUIRE(all_standard.ok());
  CHECK(*all_standard == std::vector<std::string>{
                             "Policy", "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod",
                             "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "CreatedTimestamp",
                             "LastModifiedTimestamp", "QueueArn", "ApproximateNumberOfMessagesDelayed", "DelaySeconds",
                             "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "KmsMasterKeyId",
                             "KmsDataKeyReusePeriodSeconds", "RedriveAllowPolicy", "SqsManagedSseEnabled"});
  common::Outcome<std::vector<std::string>> all_fifo = resolve_attribute_names({"All"}, true);
  REQUIRE(all_fifo.ok());
  CHECK(all_fifo->size() == 21);
  CHECK((*all_fifo)[13] == "FifoQueue");
  CHECK((*all_fifo)[14] == "ContentBasedDeduplication");

  // Named ones come back once each, in the enum's order.
  common::Outcome<std::vector<std::string>> named =
      resolve_attribute_names({"SqsManagedSseEnabled", "QueueArn", "VisibilityTimeout", "QueueArn"}, false);
  REQUIRE(named.ok());
  CHECK(*named == std::vector<std::string>{"VisibilityTimeout", "QueueArn", "SqsManagedSseEnabled"});
  CHECK(resolve_attribute_names({}, false)->empty());
  CHECK(resolve_attribute_names({"FifoQueue", "DelaySeconds"}, false).value() ==
        std::vector<std::string>{"DelaySeconds"});
  CHECK(resolve_attribute_names({"FifoQueue"}, true).value() == std::vector<std::string>{"FifoQueue"});

  common::Outcome<std::vector<std::string>> bad = resolve_attribute_names({"VisibilityTimeout", "Nope"}, false);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == common::AwsErrorCode::InvalidAttributeName);
  CHECK(bad.error().message == "Unknown Attribute Nope.");
}
