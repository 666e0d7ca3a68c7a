// Message actions (through their typed codecs, as the service runs them) and dead-letter actions
// (through SqsActions) on a real in-memory engine.

#include <doctest/doctest.h>

#include <atomic>

#include "test_support.h"

namespace common = sluice::common;

using namespace sluice::api::sqs_wire;
using namespace sluice::api::sqs_wire::testing;

namespace {

std::string with_url(const std::string& url, const std::string& members = "") {
  return R"({"QueueUrl":")" + url + "\"" + (members.empty() ? "" : "," + members) + "}";
}

}  // namespace

TEST_CASE("SendMessage answers the body MD5 and only sends MD5OfMessageAttributes when attributes were sent") {
  Fixture f;
  auto url = f.create("send");
  auto plain = f.call("SendMessage", with_url(url, R"("MessageBody":"msg")"));
  REQUIRE(plain.ok());
  CHECK(str(plain->at("MD5OfMessageBody")) == "6e2baaf3b97dbeef01c0043275f9a0e7");
  CHECK(plain->at("MessageId").as_string().size() == 36);
  CHECK_FALSE(plain->contains("MD5OfMessageAttributes"));
  CHECK_FALSE(plain->contains("SequenceNumber"));

  auto with_attrs = f.call("SendMessage", with_url(url, R"("MessageBody":"msg",
      "MessageAttributes":{"Hello":{"DataType":"String","StringValue":"There"}})"));
  REQUIRE(with_attrs.ok());
  CHECK(str(with_attrs->at("MD5OfMessageAttributes")) == "a311262e065454b75da111d535b8dacd");
}

TEST_CASE("SendMessage errors: missing body, wrong types, bad base64") {
  Fixture f;
  auto url = f.create("errors");
  auto no_body = f.call("SendMessage", with_url(url));
  REQUIRE_FALSE(no_body.ok());
  CHECK(no_body.error().code == common::AwsErrorCode::MissingParameter);
  CHECK(no_body.error().message == "The request must contain the parameter MessageBody.");
  CHECK(no_body.error().info().json_type == "MissingRequiredParameterException");

  auto number_body = f.call("SendMessage", with_url(url, R"("MessageBody":12)"));
  REQUIRE_FALSE(number_body.ok());
  CHECK(number_body.error().code == common::AwsErrorCode::SerializationException);

  auto string_delay = f.call("SendMessage", with_url(url, R"("MessageBody":"x","DelaySeconds":"abc")"));
  REQUIRE_FALSE(string_delay.ok());
  CHECK(string_delay.error().code == common::AwsErrorCode::SerializationException);

  auto bad_binary = f.call("SendMessage", with_url(url, R"("MessageBody":"x",
      "MessageAttributes":{"b":{"DataType":"Binary","BinaryValue":"***"}})"));
  REQUIRE_FALSE(bad_binary.ok());
  CHECK(bad_binary.error().code == common::AwsErrorCode::SerializationException);

  auto empty_string = f.call("SendMessage", with_url(url, R"("MessageBody":"x",
      "MessageAttributes":{"a":{"DataType":"String","StringValue":""}})"));
  REQUIRE_FALSE(empty_string.ok());
  CHECK(empty_string.error().code == common::AwsErrorCode::InvalidParameterValue);

  auto missing_queue =
      f.call("SendMessage", with_url("http://localhost:9324/123456789012/nope", R"("MessageBody":"x")"));
  REQUIRE_FALSE(missing_queue.ok());
  CHECK(missing_queue.error().code == common::AwsErrorCode::QueueDoesNotExist);
}

TEST_CASE("ReceiveMessage: no Messages member when empty; attributes, binary values and delete") {
  Fixture f;
  auto url = f.create("recv");
  auto empty = f.call("ReceiveMessage", with_url(url));
  REQUIRE(empty.ok());
  CHECK(empty->empty());

  // "AQID" is base64 of bytes 01 02 03: the engine gets raw bytes, the answer base64 again.
  REQUIRE(f.call("SendMessage", with_url(url, R"("MessageBody":"msg",
      "MessageAttributes":{"bin":{"DataType":"Binary","BinaryValue":"AQID"},"Foo":{"DataType":"String","StringValue":"Bar"}})"))
              .ok());
  auto got = f.call("ReceiveMessage", with_url(url, R"("AttributeNames":["All"],"MessageAttributeNames":["All"],
      "MaxNumberOfMessages":10)"));
  REQUIRE(got.ok());
  auto& messages = got->at("Messages").as_array();
  REQUIRE(messages.size() == 1);
  auto& m = messages[0].as_object();
  CHECK(str(m.at("Body")) == "msg");
  CHECK(str(m.at("MD5OfBody")) == "6e2baaf3b97dbeef01c0043275f9a0e7");
  CHECK(str(m.at("Attributes").at("ApproximateReceiveCount")) == "1");
  CHECK(m.at("Attributes").as_object().contains("SentTimestamp"));
  CHECK(str(m.at("MessageAttributes").at("bin").at("BinaryValue")) == "AQID");
  CHECK(str(m.at("MessageAttributes").at("bin").at("DataType")) == "Binary");
  CHECK(str(m.at("MessageAttributes").at("Foo").at("StringValue")) == "Bar");
  CHECK(m.contains("MD5OfMessageAttributes"));

  auto handle = str(m.at("ReceiptHandle"));
  REQUIRE(f.call("DeleteMessage", with_url(url, R"("ReceiptHandle":")" + handle + "\"")).ok());
  auto garbage = f.call("DeleteMessage", with_url(url, R"("ReceiptHandle":"garbage")"));
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().code == common::AwsErrorCode::ReceiptHandleIsInvalid);
  CHECK(garbage.error().message == R"(The input receipt handle "garbage" is not a valid receipt handle.)");

  auto bad_max = f.call("ReceiveMessage", with_url(url, R"("MaxNumberOfMessages":11)"));
  REQUIRE_FALSE(bad_max.ok());
  CHECK(bad_max.error().message ==
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
}

TEST_CASE("ChangeMessageVisibility needs VisibilityTimeout and hides the message again") {
  Fixture f;
  auto url = f.create("vis");
  REQUIRE(f.call("SendMessage", with_url(url, R"("MessageBody":"v")")).ok());
  auto got = f.call("ReceiveMessage", with_url(url));
  REQUIRE(got.ok());
  auto handle = str(got->at("Messages").at(0).at("ReceiptHandle"));

  auto missing = f.call("ChangeMessageVisibility", with_url(url, R"("ReceiptHandle":")" + handle + "\""));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "The request must contain the parameter VisibilityTimeout.");

  REQUIRE(
      f.call("ChangeMessageVisibility", with_url(url, R"("ReceiptHandle":")" + handle + R"(","VisibilityTimeout":0)"))
          .ok());
  auto again = f.call("ReceiveMessage", with_url(url));
  REQUIRE(again.ok());
  CHECK(again->at("Messages").as_array().size() == 1);
}

TEST_CASE("batch calls: Successful and Failed lists, whole-batch errors") {
  Fixture f;
  auto url = f.create("batch", R"({"MaximumMessageSize":"1024"})");
  std::string big(1100, 'x');
  auto sent = f.call("SendMessageBatch", with_url(url, R"("Entries":[{"Id":"ok","MessageBody":"small"},
      {"Id":"big","MessageBody":")" + big + R"("}])"));
  REQUIRE(sent.ok());
  auto& ok = sent->at("Successful").as_array();
  auto& failed = sent->at("Failed").as_array();
  REQUIRE(ok.size() == 1);
  REQUIRE(failed.size() == 1);
  CHECK(str(ok[0].at("Id")) == "ok");
  CHECK(str(ok[0].at("MD5OfMessageBody")) == "eb5c1399a871211c7e7ed732d15e3a8b");
  CHECK(str(failed[0].at("Id")) == "big");
  CHECK(str(failed[0].at("Code")) == "InvalidParameterValue");
  CHECK(failed[0].at("SenderFault").as_bool());
  CHECK(str(failed[0].at("Message")) ==
        "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.");

  std::string entries;
  for (int i = 0; i < 20; ++i)
    entries += std::string(i ? "," : "") + R"({"Id":"e)" + std::to_string(i) + R"(","MessageBody":"b"})";
  auto too_many = f.call("SendMessageBatch", with_url(url, R"("Entries":[)" + entries + "]"));
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.error().code == common::AwsErrorCode::TooManyEntriesInBatchRequest);
  CHECK(too_many.error().message == "Maximum number of entries per request are 10. You have sent 20.");

  auto bad_id = f.call("DeleteMessageBatch", with_url(url, R"("Entries":[{"Id":"invalid:id","ReceiptHandle":"x"}])"));
  REQUIRE_FALSE(bad_id.ok());
  CHECK(bad_id.error().code == common::AwsErrorCode::InvalidBatchEntryId);

  auto got = f.call("ReceiveMessage", with_url(url));
  REQUIRE(got.ok());
  auto handle = str(got->at("Messages").at(0).at("ReceiptHandle"));
  auto vis = f.call("ChangeMessageVisibilityBatch", with_url(url, R"("Entries":[{"Id":"a","ReceiptHandle":")" + handle +
                                                                      R"(","VisibilityTimeout":5}])"));
  REQUIRE(vis.ok());
  CHECK(str(vis->at("Successful").at(0).at("Id")) == "a");
  CHECK_FALSE(vis->contains("Failed"));  // AWS leaves an empty Failed out
  auto del =
      f.call("DeleteMessageBatch", with_url(url, R"("Entries":[{"Id":"d","ReceiptHandle":")" + handle + R"("}])"));
  REQUIRE(del.ok());
  CHECK(str(del->at("Successful").at(0).at("Id")) == "d");
}

TEST_CASE("FIFO send answers a SequenceNumber") {
  Fixture f;
  auto url = f.create("jobs.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  auto sent = f.call("SendMessage", with_url(url, R"("MessageBody":"a","MessageGroupId":"g")"));
  REQUIRE(sent.ok());
  CHECK_FALSE(str(sent->at("SequenceNumber")).empty());
  auto no_group = f.call("SendMessage", with_url(url, R"("MessageBody":"a")"));
  REQUIRE_FALSE(no_group.ok());
  CHECK(no_group.error().message == "The request must contain the parameter MessageGroupId.");
}

TEST_CASE("dead-letter sources, message move tasks") {
  Fixture f;
  auto dlq = f.create("dlq");
  auto source = f.create(
      "source",
      R"({"RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\",\"maxReceiveCount\":1}"})");
  auto sources = f.call("ListDeadLetterSourceQueues", with_url(dlq));
  REQUIRE(sources.ok());
  REQUIRE(sources->at("queueUrls").as_array().size() == 1);
  CHECK(str(sources->at("queueUrls").at(0)) == source);

  auto none = f.call("ListDeadLetterSourceQueues", with_url(source));
  REQUIRE(none.ok());
  CHECK(none->at("queueUrls").as_array().empty());

  auto not_dlq = f.call("StartMessageMoveTask", R"({"SourceArn":"arn:aws:sqs:us-east-1:123456789012:source"})");
  REQUIRE_FALSE(not_dlq.ok());
  CHECK(not_dlq.error().message == "Source queue must be configured as a Dead Letter Queue.");

  auto started = f.call("StartMessageMoveTask", R"({"SourceArn":"arn:aws:sqs:us-east-1:123456789012:dlq"})");
  REQUIRE(started.ok());
  CHECK_FALSE(str(started->at("TaskHandle")).empty());
  auto tasks = f.call("ListMessageMoveTasks", R"({"SourceArn":"arn:aws:sqs:us-east-1:123456789012:dlq"})");
  REQUIRE(tasks.ok());
  REQUIRE(tasks->at("Results").as_array().size() == 1);
  auto& task = tasks->at("Results").at(0).as_object();
  CHECK(str(task.at("SourceArn")) == "arn:aws:sqs:us-east-1:123456789012:dlq");
  CHECK(task.at("StartedTimestamp").is_int64());
  CHECK(task.contains("ApproximateNumberOfMessagesMoved"));

  auto bad_cancel = f.call("CancelMessageMoveTask", R"({"TaskHandle":"nonsense"})");
  REQUIRE_FALSE(bad_cancel.ok());
  auto missing = f.call("StartMessageMoveTask", "{}");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "The request must contain the parameter SourceArn.");
}

TEST_CASE("a ReceiveMessage read by its codec registers a watch that a send fires") {
  Fixture f;
  auto url = f.create("poll");
  auto read = [&](const std::string& members) {
    sluice::api::server::Call call = call_of(json_request("ReceiveMessage", with_url(url, members)));
    auto outcome = detail::run_message_action(*f.engine, detail::MessageAction::ReceiveMessage, call);
    REQUIRE(outcome.receive);
    return *outcome.receive;
  };
  std::atomic<int> woken{0};
  detail::ReceiveCall poll = read(R"("WaitTimeSeconds":5)");
  auto attempt = f.engine->receive_message(poll.queue, poll.request, [&] { woken.fetch_add(1); });
  REQUIRE(attempt.ok());
  CHECK(attempt->messages.empty());
  CHECK(attempt->wait_time_seconds == 5);
  REQUIRE(attempt->watch != nullptr);
  CHECK(detail::receive_answer(poll, attempt->messages).body == "{}");
  REQUIRE(f.call("SendMessage", with_url(url, R"("MessageBody":"wake")")).ok());
  CHECK(woken.load() == 1);

  // Without a wait time nothing is registered.
  detail::ReceiveCall short_poll = read(R"("WaitTimeSeconds":0,"VisibilityTimeout":0)");
  auto now = f.engine->receive_message(short_poll.queue, short_poll.request, [&] { woken.fetch_add(100); });
  REQUIRE(now.ok());
  CHECK(now->messages.size() == 1);
  CHECK(now->watch == nullptr);
}
