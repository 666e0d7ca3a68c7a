// handler.hpp on its own: event parsing, records from structs, and the results it produces.
#include <doctest/doctest.h>

#include <sluice/handler.hpp>

#include "test_support.h"

using namespace sluice::handler;

TEST_CASE("parse_sqs_event reads the AWS SQS event shape") {
  const char* event = R"({"Records":[{"messageId":"m-1","receiptHandle":"rh","body":"hello",
    "attributes":{"ApproximateReceiveCount":"3","SentTimestamp":"1700000000000","SenderId":"AID",
                  "ApproximateFirstReceiveTimestamp":"1700000000001","MessageGroupId":"g1"},
    "messageAttributes":{"kind":{"stringValue":"order","stringListValues":[],"binaryListValues":[],"dataType":"String"},
                         "raw":{"binaryValue":"aGk=","stringListValues":[],"binaryListValues":[],"dataType":"Binary"}},
    "md5OfMessageAttributes":null,"md5OfBody":"5d41402abc4b2a76b9719d911017c592","eventSource":"aws:sqs",
    "eventSourceARN":"arn:aws:sqs:us-east-1:000000000000:q.fifo","awsRegion":"us-east-1"}]})";
  auto records = parse_sqs_event(event);
  REQUIRE(records.size() == 1);
  const auto& r = records[0];
  CHECK(r.message_id == "m-1");
  CHECK(r.body == "hello");
  CHECK(r.attribute("ApproximateReceiveCount") == "3");
  CHECK(r.attribute("MessageGroupId") == "g1");
  CHECK(r.attribute("AWSTraceHeader").empty());
  CHECK_FALSE(r.md5_of_message_attributes.has_value());
  CHECK(r.message_attributes.at("kind").string_value == "order");
  CHECK(r.message_attributes.at("raw").binary_value == "hi");
  CHECK(r.event_source_arn == "arn:aws:sqs:us-east-1:000000000000:q.fifo");

  CHECK_THROWS_AS(parse_sqs_event("{"), EventError);
  CHECK_THROWS_AS(parse_sqs_event(R"({"records":[]})"), EventError);
}

TEST_CASE("records from the host's structs match the records parsed from the host's JSON") {
  sluice::functions::test::SqsBatch batch;
  auto from_structs = sqs_records_from(batch.records.data(), batch.records.size());
  auto from_json = parse_sqs_event(sluice::functions::sqs_event_json(batch.records));
  REQUIRE(from_structs.size() == from_json.size());
  for (size_t i = 0; i < from_json.size(); ++i) {
    CHECK(from_structs[i].message_id == from_json[i].message_id);
    CHECK(from_structs[i].body == from_json[i].body);
    CHECK(from_structs[i].attributes == from_json[i].attributes);
    CHECK(from_structs[i].md5_of_message_attributes == from_json[i].md5_of_message_attributes);
    CHECK(from_structs[i].event_source == from_json[i].event_source);
    REQUIRE(from_structs[i].message_attributes.size() == from_json[i].message_attributes.size());
    for (const auto& [name, attr] : from_json[i].message_attributes) {
      CHECK(from_structs[i].message_attributes.at(name).data_type == attr.data_type);
      CHECK(from_structs[i].message_attributes.at(name).string_value == attr.string_value);
      CHECK(from_structs[i].message_attributes.at(name).binary_value == attr.binary_value);
    }
  }
}

TEST_CASE("parse_sns_event reads the AWS SNS event shape") {
  const char* event = R"({"Records":[{"EventSource":"aws:sns","EventVersion":"1.0","EventSubscriptionArn":"arn:sub",
    "Sns":{"Type":"Notification","MessageId":"id-1","TopicArn":"arn:topic","Subject":null,"Message":"hello",
           "Timestamp":"2019-01-02T12:45:07.000Z","SignatureVersion":"1","Signature":"c2ln",
           "SigningCertUrl":"https://sns.us-east-1.amazonaws.com/x.pem","UnsubscribeUrl":"https://u",
           "MessageAttributes":{"color":{"Type":"String","Value":"red"}}}}]})";
  auto records = parse_sns_event(event);
  REQUIRE(records.size() == 1);
  CHECK(records[0].event_subscription_arn == "arn:sub");
  CHECK(records[0].message == "hello");
  CHECK_FALSE(records[0].subject.has_value());
  CHECK(records[0].signing_cert_url == "https://sns.us-east-1.amazonaws.com/x.pem");
  CHECK(records[0].message_attributes.at("color").value == "red");
  CHECK_THROWS_AS(parse_sns_event(R"({"Records":[{"EventSource":"aws:sns"}]})"), EventError);
}

TEST_CASE("results serialise to the Lambda shapes") {
  CHECK(Result::batch_item_failures({"a", "b"}).payload_json() ==
        R"({"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"b"}]})");
  CHECK(Result::batch_item_failures({}).payload_json() == R"({"batchItemFailures":[]})");
  CHECK(Result::null().payload_json() == "null");
  auto e = Result::error("OrderError", "bad order");
  CHECK(e.kind() == Result::Kind::Error);
  CHECK(e.error_type() == "OrderError");
  CHECK(e.error_message() == "bad order");
}
