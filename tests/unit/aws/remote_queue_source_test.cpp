// The remote QueueSource against the signature-checking fake SQS: receive parsing, batching,
// attributes, addressing by URL or ARN, and interrupting a long poll.

#include <doctest/doctest.h>

#include <future>

#include "fake_sqs.h"
#include "sluice/aws/remote_queue_source.h"
#include "sluice/common/crypto.h"

using namespace sluice;
using namespace sluice::aws;
using sluice::aws::test::FakeSqs;

namespace {

std::unique_ptr<sqs::QueueSource> source_for(FakeSqs& fake,
                                             std::string queue = "arn:aws:sqs:us-east-1:123456789012:q") {
  RemoteQueueOptions o;
  o.queue = std::move(queue);
  o.endpoint = fake.url();
  o.credentials = static_credentials(fake.credentials);
  o.retry.base_delay = std::chrono::milliseconds(1);
  std::string error;
  auto source = make_remote_queue_source(o, &error);
  INFO(error);
  REQUIRE(source);
  return source;
}

}  // namespace

TEST_CASE("addressing: ARN to URL at the endpoint, URL to ARN and region") {
  CHECK(queue_url_from_arn("arn:aws:sqs:eu-west-1:123456789012:jobs") ==
        "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs");
  CHECK(queue_url_from_arn("arn:aws-cn:sqs:cn-north-1:123456789012:jobs") ==
        "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs");
  CHECK(queue_url_from_arn("arn:aws:sqs:us-east-1:123456789012:q", "http://127.0.0.1:9324/") ==
        "http://127.0.0.1:9324/123456789012/q");
  CHECK_FALSE(queue_url_from_arn("arn:aws:sns:us-east-1:123456789012:topic"));
  CHECK(region_from_queue_url("https://sqs.eu-west-1.amazonaws.com/1/q") == "eu-west-1");
  CHECK(region_from_queue_url("https://us-west-2.queue.amazonaws.com/1/q") == "us-west-2");
  CHECK_FALSE(region_from_queue_url("http://127.0.0.1:9324/1/q"));

  RemoteQueueOptions o;
  o.queue = "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs.fifo";
  o.credentials = static_credentials(Credentials{"AK", "S", "", std::nullopt});
  auto source = make_remote_queue_source(o);
  REQUIRE(source);
  CHECK(source->arn() == "arn:aws:sqs:eu-west-1:123456789012:jobs.fifo");
  CHECK(source->region() == "eu-west-1");

  std::string error;
  o.queue = "https://sqs.eu-west-1.amazonaws.com/just-a-name";
  CHECK_FALSE(make_remote_queue_source(o, &error));
  CHECK(error.find("/ACCOUNT/NAME") != std::string::npos);
  {
    test::ScopedEnv env;  // no region anywhere
    o.queue = "http://127.0.0.1:9324/123456789012/q";
    CHECK_FALSE(make_remote_queue_source(o, &error));
    CHECK(error.find("no region") == 0);
    env.set("AWS_REGION", "us-east-2");
    auto local = make_remote_queue_source(o);
    REQUIRE(local);
    CHECK(local->arn() == "arn:aws:sqs:us-east-2:123456789012:q");
  }
}

TEST_CASE("receive parses messages, system attributes and base64 binary attributes") {
  FakeSqs fake;
  fake.messages = boost::json::array{boost::json::object{
      {"MessageId", "m-1"},
      {"ReceiptHandle", "rh-1"},
      {"MD5OfBody", common::md5_hex("hello")},
      {"Body", "hello"},
      {"Attributes", boost::json::object{{"ApproximateReceiveCount", "1"}, {"SentTimestamp", "1700000000000"}}},
      {"MD5OfMessageAttributes", "abc"},
      {"MessageAttributes",
       boost::json::object{
           {"blob", boost::json::object{{"DataType", "Binary"},
                                        {"BinaryValue", common::base64_encode(std::string("\x00\x01\xff", 3))}}},
           {"n", boost::json::object{{"DataType", "Number"}, {"StringValue", "42"}}}}}}};
  auto source = source_for(fake);
  CHECK(source->arn() == "arn:aws:sqs:us-east-1:123456789012:q");
  auto got = source->receive(10, 0, 45);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  const auto& m = got->front();
  CHECK(m.message_id == "m-1");
  CHECK(m.receipt_handle == "rh-1");
  CHECK(m.body == "hello");
  CHECK(m.md5_of_body == common::md5_hex("hello"));
  CHECK(m.md5_of_message_attributes == "abc");
  CHECK(m.attributes.size() == 2);
  CHECK(m.message_attributes.at("blob").binary_value == std::string("\x00\x01\xff", 3));
  CHECK(m.message_attributes.at("blob").data_type == "Binary");
  CHECK(m.message_attributes.at("n").string_value == "42");

  auto calls = fake.calls();
  REQUIRE(calls.size() == 1);
  const auto& body = calls[0].body;
  CHECK(calls[0].signature_ok);
  CHECK(body.at("QueueUrl").as_string() == fake.url() + "/123456789012/q");
  CHECK(body.at("MaxNumberOfMessages").as_int64() == 10);
  CHECK(body.at("WaitTimeSeconds").as_int64() == 0);
  CHECK(body.at("VisibilityTimeout").as_int64() == 45);
  CHECK(body.at("MessageAttributeNames").as_array() == boost::json::array{"All"});
  CHECK(body.at("MessageSystemAttributeNames").as_array() == boost::json::array{"All"});

  fake.messages.clear();
  auto empty = source->receive(1, 0, std::nullopt);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  CHECK_FALSE(fake.calls().back().body.contains("VisibilityTimeout"));
}

TEST_CASE("deletes and visibility changes go out in batches of 10; failed entries are mapped") {
  FakeSqs fake;
  auto source = source_for(fake);
  std::vector<sqs::DeleteMessageBatchEntry> deletes;
  for (int i = 0; i < 23; ++i) deletes.push_back({"d" + std::to_string(i), i == 14 ? "bad" : "rh" + std::to_string(i)});
  auto deleted = source->delete_messages(deletes);
  REQUIRE(deleted.ok());
  CHECK(deleted->successful.size() == 22);
  REQUIRE(deleted->failed.size() == 1);
  CHECK(deleted->failed[0].id == "d14");
  CHECK(deleted->failed[0].error.code == common::AwsErrorCode::ReceiptHandleIsInvalid);
  CHECK(deleted->failed[0].sender_fault);

  std::vector<sqs::ChangeVisibilityBatchEntry> changes;
  for (int i = 0; i < 12; ++i) changes.push_back({"c" + std::to_string(i), "rh", i});
  auto changed = source->change_visibility(changes);
  REQUIRE(changed.ok());
  CHECK(changed->successful.size() == 12);

  auto calls = fake.calls();
  REQUIRE(calls.size() == 5);
  std::vector<size_t> sizes;
  for (const auto& c : calls) sizes.push_back(c.body.at("Entries").as_array().size());
  CHECK(sizes == std::vector<size_t>{10, 10, 3, 10, 2});
  CHECK(calls[0].action == "DeleteMessageBatch");
  CHECK(calls[3].action == "ChangeMessageVisibilityBatch");
  CHECK(calls[4].body.at("Entries").as_array()[1].as_object().at("VisibilityTimeout").as_int64() == 11);

  CHECK(source->delete_messages({}).ok());
  CHECK(fake.calls().size() == 5);
}

TEST_CASE("attributes, retried once after throttling") {
  FakeSqs fake;
  auto source = source_for(fake);
  fake.throttle_next = 1;
  auto attrs = source->attributes({"VisibilityTimeout", "QueueArn"});
  REQUIRE(attrs.ok());
  CHECK(attrs->at("VisibilityTimeout") == "30");
  CHECK(attrs->at("QueueArn") == "arn:aws:sqs:us-east-1:123456789012:q");
  CHECK(fake.calls().size() == 2);
}

TEST_CASE("a missing queue surfaces as QueueDoesNotExist") {
  FakeSqs fake;
  auto source = source_for(fake, "arn:aws:sqs:us-east-1:123456789012:missing");
  auto got = source->receive(1, 0, std::nullopt);
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code == common::AwsErrorCode::QueueDoesNotExist);
}

TEST_CASE("interrupt aborts a long poll in flight at once and stops later ones") {
  FakeSqs fake;
  auto source = source_for(fake);
  auto start = std::chrono::steady_clock::now();
  auto poll = std::async(std::launch::async, [&] { return source->receive(10, 20, std::nullopt); });
  while (fake.polls_waiting() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  source->interrupt();
  REQUIRE(poll.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  auto result = poll.get();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  REQUIRE(result.ok());
  CHECK(result->empty());
  size_t calls = fake.calls().size();
  auto later = source->receive(10, 20, std::nullopt);
  REQUIRE(later.ok());
  CHECK(later->empty());
  CHECK(fake.calls().size() == calls);  // no request after interrupt
  // Deletes still work after an interrupt (pollers drain their in-flight work).
  CHECK(source->delete_messages({{"a", "rh"}}).ok());
  fake.release();
}

TEST_CASE("interrupt racing the start of a long poll never leaves it blocked") {
  FakeSqs fake;
  for (int i = 0; i < 20; ++i) {
    auto source = source_for(fake);
    auto poll = std::async(std::launch::async, [&] { return source->receive(10, 20, std::nullopt); });
    // The interrupt lands at varied real offsets from the poll's start: the race is the subject.
    if (i % 2 == 1) std::this_thread::sleep_for(std::chrono::microseconds(200 * i));
    source->interrupt();
    REQUIRE(poll.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
    auto result = poll.get();
    REQUIRE(result.ok());
    CHECK(result->empty());
  }
  fake.release();
}
