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
const std::string kDlqArn = "arn:aws:sqs:us-east-1:123456789012:dlq";
}  // namespace

TEST_CASE("the move to the DLQ happens on the receive after maxReceiveCount") {
  TestEngine t;
  REQUIRE(t->create_queue(address("dlq"), {}, {}).ok());
  REQUIRE(t->create_queue(address("src"),
                          {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + kDlqArn + "\",\"maxReceiveCount\":1}"},
                           {"VisibilityTimeout", "1"}},
                          {})
              .ok());
  SendMessageRequest request = message("poison");
  request.message_attributes["k"] = {"String", "v", ""};
  auto sent = t->send_message(address("src"), request);
  REQUIRE(t->receive_message(address("src"), receive())->messages.size() == 1);
  t.clock->advance_s(2);
  // Nothing moves on visibility expiry alone.
  CHECK(t->get_queue_attributes(address("dlq"), {"ApproximateNumberOfMessages"})->at("ApproximateNumberOfMessages") ==
        "0");
  CHECK(t->receive_message(address("src"), receive())->messages.empty());
  auto moved = t->receive_message(address("dlq"), receive());
  REQUIRE(moved->messages.size() == 1);
  const auto& m = moved->messages[0];
  CHECK(m.message_id == sent->message_id);
  CHECK(m.body == "poison");
  CHECK(m.message_attributes.at("k").string_value == "v");
  CHECK(attribute(m, "ApproximateReceiveCount") == "2");
  CHECK(attribute(m, "DeadLetterQueueSourceArn") == "arn:aws:sqs:us-east-1:123456789012:src");
  auto sources = t->list_dead_letter_source_queues(address("dlq"));
  REQUIRE(sources->size() == 1);
  CHECK((*sources)[0] == "src");
}

TEST_CASE("on_dead_letter hears each message the redrive policy moves, once, with both queues") {
  auto clock = std::make_shared<common::ManualClock>();
  std::vector<DeadLetterMove> heard;
  EngineOptions options;
  options.in_memory = true;
  options.clock = clock;
  options.background_housekeeping = false;
  options.on_dead_letter = [&](const DeadLetterMove& move) { heard.push_back(move); };
  std::string error;
  auto engine = Engine::open(options, &error);
  REQUIRE_MESSAGE(engine, error);
  REQUIRE(engine->create_queue(address("dlq"), {}, {}).ok());
  REQUIRE(engine
              ->create_queue(address("src"),
                             {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + kDlqArn + "\",\"maxReceiveCount\":2}"},
                              {"VisibilityTimeout", "1"}},
                             {})
              .ok());
  auto poison = engine->send_message(address("src"), message("poison"));
  for (int receives = 0; receives < 2; ++receives) {
    REQUIRE(engine->receive_message(address("src"), receive())->messages.size() == 1);
    clock->advance_s(2);
  }
  CHECK(heard.empty());  // two receives are allowed; the move happens on the third
  auto good = engine->send_message(address("src"), message("good"));
  auto third = engine->receive_message(address("src"), receive());
  REQUIRE(third->messages.size() == 1);
  CHECK(third->messages[0].message_id == good->message_id);
  REQUIRE(heard.size() == 1);
  CHECK(heard[0].message_id == poison->message_id);
  CHECK(heard[0].source_queue_arn == "arn:aws:sqs:us-east-1:123456789012:src");
  CHECK(heard[0].dead_letter_queue_arn == kDlqArn);
  CHECK(heard[0].receive_count == 2);
  CHECK(engine->receive_message(address("dlq"), receive())->messages.size() == 1);
}

TEST_CASE("redrive policy rules involving the target") {
  TestEngine t;
  REQUIRE(t->create_queue(address("dlq.fifo"), {{"FifoQueue", "true"}}, {}).ok());
  auto mismatch = t->create_queue(
      address("src"),
      {{"RedrivePolicy",
        "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq.fifo\",\"maxReceiveCount\":3}"}},
      {});
  CHECK(mismatch.error().code == common::AwsErrorCode::InvalidParameterValue);
  auto missing = t->create_queue(
      address("src"), {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + kDlqArn + "\",\"maxReceiveCount\":3}"}}, {});
  CHECK(missing.error().code == common::AwsErrorCode::InvalidParameterValue);
  REQUIRE(t->create_queue(address("dlq"), {{"RedriveAllowPolicy", "{\"redrivePermission\":\"denyAll\"}"}}, {}).ok());
  auto denied = t->create_queue(
      address("src"), {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + kDlqArn + "\",\"maxReceiveCount\":3}"}}, {});
  CHECK(denied.error().code == common::AwsErrorCode::InvalidParameterValue);
}

TEST_CASE("a message move task sends dead letters back to their source as new messages") {
  TestEngine t;
  REQUIRE(t->create_queue(address("dlq"), {}, {}).ok());
  REQUIRE(t->create_queue(address("src"),
                          {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + kDlqArn + "\",\"maxReceiveCount\":1}"},
                           {"VisibilityTimeout", "1"}},
                          {})
              .ok());
  auto sent = t->send_message(address("src"), message("again"));
  REQUIRE(t->receive_message(address("src"), receive())->messages.size() == 1);
  t.clock->advance_s(2);
  REQUIRE(t->receive_message(address("src"), receive())->messages.empty());

  CHECK(t->start_message_move_task("arn:aws:sqs:us-east-1:123456789012:src", std::nullopt, std::nullopt)
            .error()
            .message == "Source queue must be configured as a Dead Letter Queue.");
  auto handle = t->start_message_move_task(kDlqArn, std::nullopt, 10);
  REQUIRE(handle.ok());
  CHECK(t->start_message_move_task(kDlqArn, std::nullopt, std::nullopt).error().message ==
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
  t.clock->advance_s(1);
  t->run_housekeeping();
  auto tasks = t->list_message_move_tasks(kDlqArn, 10);
  REQUIRE(tasks->size() == 1);
  CHECK((*tasks)[0].status == "COMPLETED");
  CHECK((*tasks)[0].approximate_number_of_messages_moved == 1);
  CHECK((*tasks)[0].task_handle.empty());
  auto back = t->receive_message(address("src"), receive());
  REQUIRE(back->messages.size() == 1);
  CHECK(back->messages[0].body == "again");
  CHECK(back->messages[0].message_id != sent->message_id);
  CHECK(attribute(back->messages[0], "ApproximateReceiveCount") == "1");
  CHECK(t->cancel_message_move_task("not-a-handle").error().message == "Value for parameter TaskHandle is invalid.");
}

TEST_CASE("a move task whose destination is deleted fails with AWS's reason and keeps its count") {
  TestEngine t;
  REQUIRE(t->create_queue(address("dlq"), {}, {}).ok());
  REQUIRE(t->create_queue(address("src"),
                          {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + kDlqArn + "\",\"maxReceiveCount\":1}"}},
                          {})
              .ok());
  REQUIRE(t->create_queue(address("dest"), {}, {}).ok());
  for (int i = 0; i < 5; ++i) REQUIRE(t->send_message(address("dlq"), message("m" + std::to_string(i))).ok());
  REQUIRE(t->start_message_move_task(kDlqArn, "arn:aws:sqs:us-east-1:123456789012:dest", 1).ok());
  t.clock->advance_s(1);
  t->run_housekeeping();  // one message per second
  REQUIRE(t->delete_queue(address("dest")).ok());
  t.clock->advance_s(1);
  t->run_housekeeping();
  auto tasks = t->list_message_move_tasks(kDlqArn, 10);
  REQUIRE(tasks->size() == 1);
  CHECK((*tasks)[0].status == "FAILED");
  CHECK((*tasks)[0].failure_reason == "AWS.SimpleQueueService.NonExistentQueue");
  CHECK((*tasks)[0].approximate_number_of_messages_moved == 1);
  CHECK(t->get_queue_attributes(address("dlq"), {"ApproximateNumberOfMessages"})->at("ApproximateNumberOfMessages") ==
        "4");
}
