#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <thread>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {
void make_fifo(TestEngine& t, const std::string& name, AttributeMap extra = {}) {
  extra["FifoQueue"] = "true";
  REQUIRE(t->create_queue(address(name), extra, {}).ok());
}
}  // namespace

TEST_CASE("FIFO: order per group, and a group is locked while a message is in flight") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  for (int i = 0; i < 3; ++i)
    REQUIRE(
        t->send_message(address("q.fifo"), fifo_message("a" + std::to_string(i), "A", "a" + std::to_string(i))).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("b0", "B", "b0")).ok());
  auto first = t->receive_message(address("q.fifo"), receive(1));
  REQUIRE(first->messages.size() == 1);
  CHECK(first->messages[0].body == "a0");
  auto second = t->receive_message(address("q.fifo"), receive(10));
  REQUIRE(second->messages.size() == 1);  // group A is locked; only B is served
  CHECK(second->messages[0].body == "b0");
  REQUIRE(t->delete_message(address("q.fifo"), first->messages[0].receipt_handle).ok());
  auto rest = t->receive_message(address("q.fifo"), receive(10));
  REQUIRE(rest->messages.size() == 2);
  CHECK(rest->messages[0].body == "a1");
  CHECK(rest->messages[1].body == "a2");
}

TEST_CASE("FIFO: a message returned after its visibility expires comes back first") {
  TestEngine t;
  make_fifo(t, "q.fifo", {{"VisibilityTimeout", "5"}});
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("1", "g", "1")).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("2", "g", "2")).ok());
  REQUIRE(t->receive_message(address("q.fifo"), receive(1))->messages[0].body == "1");
  t.clock->advance_s(6);
  auto again = t->receive_message(address("q.fifo"), receive(10));
  REQUIRE(again->messages.size() == 2);
  CHECK(again->messages[0].body == "1");
  CHECK(again->messages[1].body == "2");
}

TEST_CASE("FIFO: deduplication within five minutes, explicit and content-based") {
  TestEngine t;
  make_fifo(t, "q.fifo", {{"ContentBasedDeduplication", "true"}});
  auto a = t->send_message(address("q.fifo"), fifo_message("same", "g"));
  auto b = t->send_message(address("q.fifo"), fifo_message("same", "g"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->message_id == b->message_id);
  CHECK(a->sequence_number == b->sequence_number);
  auto got = t->receive_message(address("q.fifo"), receive());
  REQUIRE(got->messages.size() == 1);
  REQUIRE(t->delete_message(address("q.fifo"), got->messages[0].receipt_handle).ok());
  // Remembered even after the message is deleted.
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("same", "g")).ok());
  CHECK(t->receive_message(address("q.fifo"), receive())->messages.empty());
  t.clock->advance_s(301);
  auto later = t->send_message(address("q.fifo"), fifo_message("same", "g"));
  CHECK(later->message_id != a->message_id);
  CHECK(later->sequence_number > a->sequence_number);
  CHECK(t->receive_message(address("q.fifo"), receive())->messages.size() == 1);
}

TEST_CASE("FIFO: DeduplicationScope messageGroup delivers the same id in two groups") {
  TestEngine t;
  make_fifo(t, "q.fifo", {{"DeduplicationScope", "messageGroup"}});
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("x", "g1", "d")).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("x", "g2", "d")).ok());
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("x", "g2", "d")).ok());
  CHECK(t->receive_message(address("q.fifo"), receive())->messages.size() == 2);
}

TEST_CASE("FIFO: sending rules") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  auto no_group = t->send_message(address("q.fifo"), message("x"));
  CHECK(no_group.error().code == common::AwsErrorCode::MissingParameter);
  CHECK(no_group.error().message == "The request must contain the parameter MessageGroupId.");
  auto no_dedup = t->send_message(address("q.fifo"), fifo_message("x", "g"));
  CHECK(no_dedup.error().message ==
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
  auto delayed = fifo_message("x", "g", "d");
  delayed.delay_seconds = 2;
  CHECK(t->send_message(address("q.fifo"), delayed).error().message ==
        "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for "
        "this queue type.");
}

TEST_CASE("FIFO: delete with an expired handle fails") {
  TestEngine t;
  make_fifo(t, "q.fifo", {{"VisibilityTimeout", "1"}});
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("x", "g", "d")).ok());
  auto got = t->receive_message(address("q.fifo"), receive());
  t.clock->advance_s(2);
  auto late = t->delete_message(address("q.fifo"), got->messages[0].receipt_handle);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().message == "Value " + got->messages[0].receipt_handle +
                                    " for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.");
}

TEST_CASE("FIFO: ReceiveRequestAttemptId returns the same messages and handles") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("x", "g", "d")).ok());
  auto r = receive();
  r.receive_request_attempt_id = "attempt-1";
  auto first = t->receive_message(address("q.fifo"), r);
  auto retry = t->receive_message(address("q.fifo"), r);
  REQUIRE(first->messages.size() == 1);
  REQUIRE(retry->messages.size() == 1);
  CHECK(retry->messages[0].receipt_handle == first->messages[0].receipt_handle);
}

TEST_CASE("FIFO: concurrent receivers never see a group out of order") {
  TestEngine t;
  make_fifo(t, "q.fifo");
  const int groups = 8, per_group = 200;
  for (int i = 0; i < per_group; ++i)
    for (int g = 0; g < groups; ++g)
      REQUIRE(t->send_message(address("q.fifo"), fifo_message(std::to_string(i), "g" + std::to_string(g),
                                                              std::to_string(g) + "-" + std::to_string(i)))
                  .ok());
  std::mutex mu;
  std::map<std::string, int> last;  // group -> last body processed
  bool in_order = true;
  int processed = 0;
  auto worker = [&] {
    for (;;) {
      auto got = t->receive_message(address("q.fifo"), receive(3));
      REQUIRE(got.ok());
      if (got->messages.empty()) {
        std::lock_guard lock(mu);
        if (processed == groups * per_group) return;
        continue;
      }
      for (const auto& m : got->messages) {
        std::string group;
        for (auto& [name, value] : m.attributes)
          if (name == "MessageGroupId") group = value;
        {
          std::lock_guard lock(mu);
          int body = std::stoi(m.body);
          auto it = last.find(group);
          if (it != last.end() && body != it->second + 1) in_order = false;
          if (it == last.end() && body != 0) in_order = false;
          last[group] = body;
          processed++;
        }
        REQUIRE(t->delete_message(address("q.fifo"), m.receipt_handle).ok());
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(worker);
  for (auto& th : threads) th.join();
  CHECK(in_order);
  CHECK(processed == groups * per_group);
}
