// peek_messages: the console's read of a queue changes nothing a receive would see.

#include <doctest/doctest.h>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {
std::string attribute(const ReceivedMessage& m, const std::string& name) {
  for (auto& [n, v] : m.attributes)
    if (n == name) return v;
  return "";
}
std::string depth(TestEngine& t, const std::string& queue, const std::string& name) {
  return t->get_queue_attributes(address(queue), {name})->at(name);
}
}  // namespace

TEST_CASE("peek shows messages oldest first and leaves them visible with their receive count") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  auto first = t->send_message(address("q"), message("one"));
  t.clock->advance_ms(5);
  SendMessageRequest second = message("two");
  second.message_attributes["colour"] = {"String", "blue", ""};
  REQUIRE(t->send_message(address("q"), second).ok());

  auto peeked = t->peek_messages(address("q"), 10);
  REQUIRE(peeked.ok());
  REQUIRE(peeked->size() == 2);
  CHECK((*peeked)[0].message_id == first->message_id);
  CHECK((*peeked)[0].body == "one");
  CHECK((*peeked)[0].state == "visible");
  CHECK((*peeked)[0].receive_count == 0);
  CHECK((*peeked)[1].body == "two");
  CHECK((*peeked)[1].message_attributes.at("colour").string_value == "blue");
  CHECK((*peeked)[1].sent_ms > (*peeked)[0].sent_ms);

  // Peeking again and again changes neither the depth nor what a receive then gets.
  REQUIRE(t->peek_messages(address("q"), 10).ok());
  CHECK(depth(t, "q", "ApproximateNumberOfMessages") == "2");
  CHECK(depth(t, "q", "ApproximateNumberOfMessagesNotVisible") == "0");
  ReceiveMessageRequest request = receive(10);
  request.system_attribute_names = {"ApproximateReceiveCount"};
  auto received = t->receive_message(address("q"), request);
  REQUIRE(received->messages.size() == 2);
  for (const auto& m : received->messages) CHECK(attribute(m, "ApproximateReceiveCount") == "1");
}

TEST_CASE("peek reports in-flight and delayed messages with when they become visible, and caps the count") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {{"VisibilityTimeout", "30"}}, {}).ok());
  REQUIRE(t->send_message(address("q"), message("received")).ok());
  SendMessageRequest delayed = message("delayed");
  delayed.delay_seconds = 60;
  REQUIRE(t->send_message(address("q"), delayed).ok());
  REQUIRE(t->send_message(address("q"), message("third")).ok());
  REQUIRE(t->receive_message(address("q"), receive(1))->messages.size() == 1);
  const int64_t now = t.clock->now_ms();

  auto peeked = t->peek_messages(address("q"), 2);
  REQUIRE(peeked->size() == 2);
  CHECK((*peeked)[0].state == "inFlight");
  CHECK((*peeked)[0].receive_count == 1);
  CHECK((*peeked)[0].visible_at_ms == now + 30'000);
  CHECK((*peeked)[1].state == "delayed");
  CHECK((*peeked)[1].visible_at_ms == now + 60'000);

  // Time passes: the in-flight message is visible again, as the next receive finds it.
  t.clock->advance_s(31);
  CHECK((*t->peek_messages(address("q"), 1))[0].state == "visible");
  CHECK(t->peek_messages(address("nope"), 1).error().code == common::AwsErrorCode::QueueDoesNotExist);
}

TEST_CASE("peek never moves a message past maxReceiveCount to the dead-letter queue") {
  TestEngine t;
  REQUIRE(t->create_queue(address("dlq"), {}, {}).ok());
  REQUIRE(t->create_queue(address("src"),
                          {{"RedrivePolicy",
                            R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":1})"},
                           {"VisibilityTimeout", "1"}},
                          {})
              .ok());
  REQUIRE(t->send_message(address("src"), message("poison")).ok());
  REQUIRE(t->receive_message(address("src"), receive())->messages.size() == 1);
  t.clock->advance_s(2);
  auto peeked = t->peek_messages(address("src"), 10);
  REQUIRE(peeked->size() == 1);
  CHECK((*peeked)[0].receive_count == 1);
  CHECK(depth(t, "dlq", "ApproximateNumberOfMessages") == "0");
  CHECK(t->peek_messages(address("dlq"), 10)->empty());
}

TEST_CASE("peek picks the oldest messages of a deep queue, in send order") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  for (int i = 0; i < 200; ++i) REQUIRE(t->send_message(address("q"), message("m" + std::to_string(i))).ok());
  auto peeked = t->peek_messages(address("q"), 5);
  REQUIRE(peeked->size() == 5);
  for (int i = 0; i < 5; ++i) CHECK((*peeked)[static_cast<size_t>(i)].body == "m" + std::to_string(i));
  CHECK(t->peek_messages(address("q"), 0)->empty());
  CHECK(t->peek_messages(address("q"), 1000)->size() == 200);
}
