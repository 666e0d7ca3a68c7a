// A queue URL used as the Query endpoint, as AWS answers it: no Action is a bare 404
// <UnknownOperationException/>, the actions that name no queue are InvalidAction there, an empty
// receive is <ReceiveMessageResult/>; and an X-Amzn-Trace-Id header becomes the messages'
// AWSTraceHeader.

#include <doctest/doctest.h>

#include "test_support.h"

using namespace sluice::api::sqs_wire;
using namespace sluice::api::sqs_wire::testing;
namespace http = sluice::api::http;

namespace {

http::Request get(const std::string& path_and_query) {
  http::Request r;
  r.method = "GET";
  size_t question = path_and_query.find('?');
  r.path = path_and_query.substr(0, question);
  if (question != std::string::npos) r.query = path_and_query.substr(question + 1);
  r.headers = {{"host", "localhost:9324"}};
  return r;
}

}  // namespace

TEST_CASE("a queue URL without an Action: 404 and a bare UnknownOperationException") {
  auto at_queue = detail::unknown_operation_at_queue_url(call_of(get("/123456789012/q")));
  REQUIRE(at_queue.has_value());
  CHECK(at_queue->status == 404);
  CHECK(at_queue->body == "<UnknownOperationException/>");
  auto regional = detail::unknown_operation_at_queue_url(call_of(get("/eu-north-1/123456789012/q")));
  REQUIRE(regional.has_value());
  CHECK(regional->status == 404);
  // Elsewhere a missing Action stays MissingAction.
  CHECK_FALSE(detail::unknown_operation_at_queue_url(call_of(get("/"))).has_value());
  CHECK_FALSE(detail::unknown_operation_at_queue_url(call_of(get("/123456789012/q?Action=ReceiveMessage"))));
  auto missing = detail::call_action(call_of(get("/")));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == sluice::common::AwsErrorCode::MissingAction);
}

TEST_CASE("CreateQueue and ListQueues sent to a queue URL are InvalidAction") {
  for (const char* action : {"CreateQueue", "ListQueues"}) {
    CAPTURE(action);
    auto at_queue = detail::call_action(call_of(get("/123456789012/q?Action=" + std::string(action))));
    REQUIRE_FALSE(at_queue.ok());
    CHECK(at_queue.error().code == sluice::common::AwsErrorCode::InvalidAction);
    CHECK(at_queue.error().message == "The action " + std::string(action) + " is not valid for this endpoint.");
    CHECK(detail::call_action(call_of(get("/?Action=" + std::string(action)))).ok());
  }
  CHECK(detail::call_action(call_of(get("/123456789012/q?Action=GetQueueUrl&QueueName=q"))).ok());
}

TEST_CASE("an empty receive over Query is <ReceiveMessageResult/>") {
  Fixture f;
  f.create("q");
  http::Response empty = wire_answer(*f.engine, get("/123456789012/q?Action=ReceiveMessage"));
  CHECK(empty.status == 200);
  CHECK(empty.body.find("<ReceiveMessageResult/><ResponseMetadata>") != std::string::npos);
}

TEST_CASE("X-Amzn-Trace-Id on SendMessage and SendMessageBatch becomes AWSTraceHeader") {
  Fixture f;
  std::string url = f.create("q");
  const std::string trace = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1";
  auto traced = [&](std::string_view action, const std::string& body) {
    http::Request r = json_request(action, body);
    r.headers.emplace_back("x-amzn-trace-id", trace);
    return wire_answer(*f.engine, r);
  };
  http::Response sent = traced("SendMessage", R"({"QueueUrl":")" + url + R"(","MessageBody":"one"})");
  REQUIRE(sent.status == 200);
  // Taken from the header, it is no system attribute the caller sent: no digest of it is answered.
  CHECK(sent.body.find("MD5OfMessageSystemAttributes") == std::string::npos);
  REQUIRE(traced("SendMessageBatch", R"({"QueueUrl":")" + url + R"(","Entries":[{"Id":"a","MessageBody":"two"}]})")
              .status == 200);
  auto received =
      f.call("ReceiveMessage", R"({"QueueUrl":")" + url +
                                   R"(","MaxNumberOfMessages":10,"MessageSystemAttributeNames":["AWSTraceHeader"]})");
  REQUIRE(received.ok());
  const auto& messages = received->at("Messages").as_array();
  REQUIRE(messages.size() == 2);
  for (const auto& m : messages) CHECK(str(m.at("Attributes").at("AWSTraceHeader")) == trace);
}
