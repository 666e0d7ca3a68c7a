// send_message_to_queues: one message into many queues, each answered as send_message would.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

TEST_CASE("one message into many queues: stored in each, each queue's own refusal answered in its place") {
  TestEngine t;
  REQUIRE(t->create_queue(address("a"), {}, {}).ok());
  REQUIRE(t->create_queue(address("b"), {}, {}).ok());
  REQUIRE(t->create_queue(address("small"), {{"MaximumMessageSize", "1024"}}, {}).ok());
  const QueueAddress a = address("a"), b = address("b"), small = address("small"), missing = address("missing");
  SendMessageRequest request = message(std::string(2000, 'x'));
  request.message_attributes["kind"] = {"String", "order", ""};

  auto sent = t->send_message_to_queues({&a, &missing, &small, &b}, request);
  REQUIRE(sent.size() == 4);
  CHECK(sent[0].ok());
  REQUIRE_FALSE(sent[1].ok());
  CHECK(sent[1].error().code == common::AwsErrorCode::QueueDoesNotExist);
  REQUIRE_FALSE(sent[2].ok());
  CHECK(sent[2].error().code == common::AwsErrorCode::InvalidParameterValue);
  CHECK(sent[3].ok());

  // What a queue receives is what send_message would have stored: body, attributes and digests.
  REQUIRE(t->send_message(address("b"), request).ok());
  auto got = t->receive_message(address("b"), receive(10));
  REQUIRE(got->messages.size() == 2);
  CHECK(got->messages[0].body == *request.body);
  CHECK(got->messages[0].md5_of_body == got->messages[1].md5_of_body);
  CHECK(got->messages[0].md5_of_message_attributes == got->messages[1].md5_of_message_attributes);
  CHECK(got->messages[0].message_attributes == got->messages[1].message_attributes);
  CHECK(got->messages[0].message_id != got->messages[1].message_id);
  CHECK(t->receive_message(address("a"), receive(10))->messages.size() == 1);
  CHECK(t->receive_message(address("small"), receive(10))->messages.empty());
}

TEST_CASE("a message every queue refuses for its content is refused for each, and stored nowhere") {
  TestEngine t;
  REQUIRE(t->create_queue(address("a"), {}, {}).ok());
  const QueueAddress a = address("a");
  auto sent = t->send_message_to_queues({&a, &a}, message(std::string("bad \x01 character")));
  REQUIRE(sent.size() == 2);
  for (const auto& s : sent) CHECK_FALSE(s.ok());
  CHECK(t->receive_message(address("a"), receive(10))->messages.empty());
}

TEST_CASE("a durable engine answers send_message_to_queues once every send is committed") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("a"), {}, {}).ok());
    REQUIRE(t->create_queue(address("b"), {}, {}).ok());
    const QueueAddress a = address("a"), b = address("b");
    auto sent = t->send_message_to_queues({&a, &b}, message("kept"));
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].ok());
    CHECK(sent[1].ok());
  }
  TestEngine t(dir.path);
  CHECK(t->receive_message(address("a"), receive(10))->messages.at(0).body == "kept");
  CHECK(t->receive_message(address("b"), receive(10))->messages.at(0).body == "kept");
}
