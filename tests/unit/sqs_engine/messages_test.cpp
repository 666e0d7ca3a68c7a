#include <doctest/doctest.h>

#include <atomic>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

TEST_CASE("send, receive and delete with AWS's digests") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  SendMessageRequest request = message("msg");
  request.message_attributes["WeeksOn"] = {"Number", "6", ""};
  request.message_attributes["Author"] = {"String", "John Grisham", ""};
  request.message_attributes["Title"] = {"String", "The Whistler", ""};
  auto sent = t->send_message(address("q"), request);
  REQUIRE(sent.ok());
  CHECK(sent->md5_of_message_body == "6e2baaf3b97dbeef01c0043275f9a0e7");
  CHECK(sent->md5_of_message_attributes == "d25a6aea97eb8f585bfa92d314504a92");
  CHECK(sent->message_id.size() == 36);

  auto got = t->receive_message(address("q"), receive());
  REQUIRE(got->messages.size() == 1);
  const auto& m = got->messages[0];
  CHECK(m.message_id == sent->message_id);
  CHECK(m.body == "msg");
  CHECK(m.md5_of_body == "6e2baaf3b97dbeef01c0043275f9a0e7");
  CHECK(m.md5_of_message_attributes == "d25a6aea97eb8f585bfa92d314504a92");
  CHECK(m.message_attributes.size() == 3);
  bool saw_count = false;
  for (auto& [name, value] : m.attributes)
    if (name == "ApproximateReceiveCount") saw_count = value == "1";
  CHECK(saw_count);
  REQUIRE(t->delete_message(address("q"), m.receipt_handle).ok());
  CHECK(t->delete_message(address("q"), m.receipt_handle).ok());  // deleting twice succeeds
  t.clock->advance_s(60);
  CHECK(t->receive_message(address("q"), receive())->messages.empty());
}

TEST_CASE("attributes are absent from the answer when none were sent") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  auto sent = t->send_message(address("q"), message("x"));
  CHECK_FALSE(sent->md5_of_message_attributes.has_value());
  auto got = t->receive_message(address("q"), receive());
  CHECK_FALSE(got->messages[0].md5_of_message_attributes.has_value());
}

TEST_CASE("selected message attributes and their digest cover only the selection") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  SendMessageRequest request = message("x");
  request.message_attributes["Help.Me"] = {"String", "Me", ""};
  request.message_attributes["Hello"] = {"String", "There", ""};
  request.message_attributes["General"] = {"String", "Kenobi", ""};
  REQUIRE(t->send_message(address("q"), request).ok());
  auto r = receive();
  r.message_attribute_names = {"Hello"};
  auto got = t->receive_message(address("q"), r);
  REQUIRE(got->messages.size() == 1);
  CHECK(got->messages[0].message_attributes.size() == 1);
  CHECK(got->messages[0].md5_of_message_attributes == "a311262e065454b75da111d535b8dacd");
}

TEST_CASE("visibility timeout hides a message until it passes") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {{"VisibilityTimeout", "10"}}, {}).ok());
  REQUIRE(t->send_message(address("q"), message("a")).ok());
  auto first = t->receive_message(address("q"), receive());
  REQUIRE(first->messages.size() == 1);
  CHECK(t->receive_message(address("q"), receive())->messages.empty());
  t.clock->advance_s(9);
  auto still = t->receive_message(address("q"), receive());
  CHECK(still->messages.empty());
  REQUIRE(still->next_visible_ms.has_value());
  CHECK(*still->next_visible_ms == t.clock->now_ms() + 1000);
  t.clock->advance_s(1);
  auto again = t->receive_message(address("q"), receive(10, 5));
  REQUIRE(again->messages.size() == 1);
  CHECK(again->messages[0].receipt_handle != first->messages[0].receipt_handle);
}

TEST_CASE("change visibility: release early, extend, 12-hour limit, bad handles") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  REQUIRE(t->send_message(address("q"), message("a")).ok());
  auto got = t->receive_message(address("q"), receive());
  std::string handle = got->messages[0].receipt_handle;
  REQUIRE(t->change_message_visibility(address("q"), handle, 0).ok());
  auto again = t->receive_message(address("q"), receive());
  REQUIRE(again->messages.size() == 1);
  handle = again->messages[0].receipt_handle;
  t.clock->advance_s(20);
  auto too_long = t->change_message_visibility(address("q"), handle, 43200);
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().message ==
        "Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is "
        "beyond the limit [43200 seconds]");
  CHECK(t->change_message_visibility(address("q"), handle, 43000).ok());
  auto garbage = t->delete_message(address("q"), "garbage");
  CHECK(garbage.error().code == common::AwsErrorCode::ReceiptHandleIsInvalid);
  CHECK(garbage.error().message == "The input receipt handle \"garbage\" is not a valid receipt handle.");
  REQUIRE(t->delete_message(address("q"), handle).ok());
  auto gone = t->change_message_visibility(address("q"), handle, 10);
  CHECK(gone.error().code == common::AwsErrorCode::InvalidParameterValue);
}

TEST_CASE("standard queue: visibility change after expiry with the old handle succeeds") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {{"VisibilityTimeout", "1"}}, {}).ok());
  REQUIRE(t->send_message(address("q"), message("a")).ok());
  auto got = t->receive_message(address("q"), receive());
  t.clock->advance_s(2);
  CHECK(t->change_message_visibility(address("q"), got->messages[0].receipt_handle, 30).ok());
}

TEST_CASE("receive parameters are validated with AWS's texts") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  auto r = receive(11);
  CHECK(t->receive_message(address("q"), r).error().message ==
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
  r = receive();
  r.wait_time_seconds = 21;
  CHECK(t->receive_message(address("q"), r).error().message ==
        "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
}

TEST_CASE("send validation: body, size, delay") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {{"MaximumMessageSize", "1024"}}, {}).ok());
  SendMessageRequest missing;
  CHECK(t->send_message(address("q"), missing).error().message ==
        "The request must contain the parameter MessageBody.");
  auto big = t->send_message(address("q"), message(std::string(1025, 'a')));
  CHECK(big.error().message == "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.");
  CHECK(t->send_message(address("q"), message(std::string("a\x01", 2))).error().code ==
        common::AwsErrorCode::InvalidMessageContents);
  auto delayed = message("a");
  delayed.delay_seconds = 901;
  CHECK(t->send_message(address("q"), delayed).error().code == common::AwsErrorCode::InvalidParameterValue);
}

TEST_CASE("per-message delay holds the message back") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  auto delayed = message("a");
  delayed.delay_seconds = 5;
  REQUIRE(t->send_message(address("q"), delayed).ok());
  CHECK(t->receive_message(address("q"), receive())->messages.empty());
  t.clock->advance_s(5);
  CHECK(t->receive_message(address("q"), receive())->messages.size() == 1);
}

TEST_CASE("retention removes old messages") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {{"MessageRetentionPeriod", "60"}}, {}).ok());
  REQUIRE(t->send_message(address("q"), message("old")).ok());
  t.clock->advance_s(61);
  t->run_housekeeping();
  CHECK(t->get_queue_attributes(address("q"), {"ApproximateNumberOfMessages"})->at("ApproximateNumberOfMessages") ==
        "0");
  CHECK(t->receive_message(address("q"), receive())->messages.empty());
}

TEST_CASE("batches: shape errors and per-entry failures") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {{"MaximumMessageSize", "1024"}}, {}).ok());
  std::vector<SendMessageRequest> entries;
  for (int i = 0; i < 11; ++i) {
    entries.push_back(message("m"));
    entries.back().id = "id" + std::to_string(i);
  }
  CHECK(t->send_message_batch(address("q"), entries).error().code ==
        common::AwsErrorCode::TooManyEntriesInBatchRequest);
  entries.resize(2);
  entries[1].body = std::string(2000, 'x');
  auto result = t->send_message_batch(address("q"), entries);
  REQUIRE(result.ok());
  CHECK(result->successful.size() == 1);
  REQUIRE(result->failed.size() == 1);
  CHECK(result->failed[0].id == "id1");
  CHECK(result->failed[0].error.message ==
        "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.");
  CHECK(t->delete_message_batch(address("q"), {}).error().code == common::AwsErrorCode::EmptyBatchRequest);

  auto got = t->receive_message(address("q"), receive());
  REQUIRE(got->messages.size() == 1);
  auto deleted = t->delete_message_batch(address("q"), {{"a", got->messages[0].receipt_handle}, {"b", "garbage"}});
  REQUIRE(deleted.ok());
  CHECK(deleted->successful.size() == 1);
  REQUIRE(deleted->failed.size() == 1);
  CHECK(deleted->failed[0].error.code == common::AwsErrorCode::ReceiptHandleIsInvalid);
}

TEST_CASE("a long poll is woken by a send, once") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  std::atomic<int> calls{0};
  auto r = receive();
  r.wait_time_seconds = 20;
  auto parked = t->receive_message(address("q"), r, [&] { calls++; });
  REQUIRE(parked.ok());
  CHECK(parked->messages.empty());
  CHECK(parked->wait_time_seconds == 20);
  REQUIRE(parked->watch);
  REQUIRE(t->send_message(address("q"), message("wake")).ok());
  REQUIRE(t->send_message(address("q"), message("again")).ok());
  CHECK(calls == 1);
}

TEST_CASE("a cancelled watch is never called; no watch without a wait time") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  std::atomic<int> calls{0};
  auto r = receive();
  r.wait_time_seconds = 5;
  auto parked = t->receive_message(address("q"), r, [&] { calls++; });
  parked->watch->cancel();
  REQUIRE(t->send_message(address("q"), message("x")).ok());
  CHECK(calls == 0);
  REQUIRE(t->receive_message(address("q"), receive()).ok());
  auto quick = t->receive_message(address("q"), receive(), [&] { calls++; });
  CHECK_FALSE(quick->watch);
}

TEST_CASE("one message wakes one parked poll, and a cancelled poll passes its wake-up on") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  auto r = receive();
  r.wait_time_seconds = 20;
  std::atomic<int> calls[3] = {0, 0, 0};
  std::vector<std::unique_ptr<ReceiveWatch>> watches;
  for (int i = 0; i < 3; ++i) {
    auto parked = t->receive_message(address("q"), r, [&calls, i] { calls[i]++; });
    REQUIRE(parked->watch);
    watches.push_back(std::move(parked->watch));
  }
  REQUIRE(t->send_message(address("q"), message("one")).ok());
  CHECK(calls[0] == 1);  // the longest-waiting poll
  CHECK(calls[1] == 0);
  CHECK(calls[2] == 0);
  watches[1]->cancel();
  REQUIRE(t->send_message(address("q"), message("two")).ok());
  CHECK(calls[1] == 0);
  CHECK(calls[2] == 1);
}
