// A durable engine starts from the store's catalog and loads each queue's messages on its first
// use (engine_load.cpp). These tests reopen an engine on a data directory and check that a queue
// not yet loaded never answers as if empty, is loaded once however many callers arrive at once,
// and comes back with its order and visibility state intact. They look at the internal `loaded`
// flag (through sluice_sqs_internal) to know that a call ran before the load.

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "engine/engine_impl.h"
#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

namespace {

bool loaded(TestEngine& t, const std::string& name) {
  auto& impl = dynamic_cast<detail::EngineImpl&>(*t.engine);
  auto queue = impl.find_queue(address(name));
  REQUIRE(queue);
  return queue->loaded.load();
}

std::string count(TestEngine& t, const std::string& name, const std::string& attribute) {
  auto attributes = t->get_queue_attributes(address(name), {attribute});
  REQUIRE(attributes.ok());
  return attributes->at(attribute);
}

SendMessageRequest delayed(const std::string& body, int64_t seconds) {
  SendMessageRequest r = message(body);
  r.delay_seconds = seconds;
  return r;
}

}  // namespace

TEST_CASE("a stored queue answers its counts before it loads, and loads on its first receive") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("big"), {}, {}).ok());
    REQUIRE(t->create_queue(address("other"), {}, {}).ok());
    for (int i = 0; i < 25; ++i) REQUIRE(t->send_message(address("big"), message("m" + std::to_string(i))).ok());
    REQUIRE(t->send_message(address("big"), delayed("later", 600)).ok());
    REQUIRE(t->receive_message(address("big"), receive(5, 300))->messages.size() == 5);
  }
  TestEngine t(dir.path);
  CHECK_FALSE(loaded(t, "big"));
  CHECK(t->list_queues("123456789012", "us-east-1", "") == std::vector<std::string>{"big", "other"});
  CHECK(t->get_queue(address("big")).ok());
  CHECK(count(t, "big", "ApproximateNumberOfMessages") == "20");
  CHECK(count(t, "big", "ApproximateNumberOfMessagesNotVisible") == "5");
  CHECK(count(t, "big", "ApproximateNumberOfMessagesDelayed") == "1");
  CHECK(count(t, "other", "ApproximateNumberOfMessages") == "0");
  CHECK_FALSE(loaded(t, "big"));  // none of the above needed the messages

  auto got = t->receive_message(address("big"), receive(10, 300));
  REQUIRE(got.ok());
  CHECK(got->messages.size() == 10);
  CHECK(loaded(t, "big"));
  CHECK_FALSE(loaded(t, "other"));
  CHECK(count(t, "big", "ApproximateNumberOfMessages") == "10");
  CHECK(count(t, "big", "ApproximateNumberOfMessagesNotVisible") == "15");
  CHECK(count(t, "big", "ApproximateNumberOfMessagesDelayed") == "1");
}

TEST_CASE("concurrent first uses of a stored queue load it once") {
  TempDir dir;
  constexpr int kStored = 2000;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("q"), {}, {}).ok());
    std::vector<SendMessageRequest> batch;
    for (int i = 0; i < kStored; ++i) {
      batch.push_back(message("m" + std::to_string(i)));
      batch.back().id = std::to_string(i % 10);
      if (batch.size() == 10) {
        REQUIRE(t->send_message_batch(address("q"), batch).ok());
        batch.clear();
      }
    }
  }
  TestEngine t(dir.path);
  REQUIRE_FALSE(loaded(t, "q"));
  constexpr int kCallers = 8;
  std::vector<std::vector<std::string>> bodies(kCallers);
  std::atomic<bool> go{false};
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      while (!go.load()) std::this_thread::yield();
      auto got = t->receive_message(address("q"), receive(10, 300));
      if (got.ok())
        for (const auto& m : got->messages) bodies[static_cast<size_t>(c)].push_back(m.body);
    });
  }
  go = true;
  for (auto& caller : callers) caller.join();
  std::multiset<std::string> all;
  for (const auto& some : bodies) all.insert(some.begin(), some.end());
  CHECK(all.size() == kCallers * 10);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == all.size());  // no message twice
  // Loaded twice, the queue would hold every message twice.
  CHECK(count(t, "q", "ApproximateNumberOfMessages") == std::to_string(kStored - kCallers * 10));
  CHECK(count(t, "q", "ApproximateNumberOfMessagesNotVisible") == std::to_string(kCallers * 10));
}

TEST_CASE("a stored queue deleted before it loads stays gone, messages included") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("q"), {}, {}).ok());
    for (int i = 0; i < 5; ++i) REQUIRE(t->send_message(address("q"), message("old")).ok());
  }
  {
    TestEngine t(dir.path);
    REQUIRE(t->delete_queue(address("q")).ok());
    CHECK(t->get_queue(address("q")).error().code == common::AwsErrorCode::QueueDoesNotExist);
    CHECK(t->receive_message(address("q"), receive()).error().code == common::AwsErrorCode::QueueDoesNotExist);
  }
  TestEngine t(dir.path);
  CHECK(t->list_queues("123456789012", "us-east-1", "").empty());
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());  // a new queue of the same name: empty
  CHECK(count(t, "q", "ApproximateNumberOfMessages") == "0");
  CHECK(t->receive_message(address("q"), receive())->messages.empty());
}

TEST_CASE("FIFO order, group locks and receive counts survive a restart into a lazy load") {
  TempDir dir;
  std::string in_flight_handle;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("q.fifo"), {{"FifoQueue", "true"}}, {}).ok());
    for (int i = 1; i <= 4; ++i)
      REQUIRE(
          t->send_message(address("q.fifo"), fifo_message("g" + std::to_string(i), "g", "g" + std::to_string(i))).ok());
    for (int i = 1; i <= 2; ++i)
      REQUIRE(
          t->send_message(address("q.fifo"), fifo_message("h" + std::to_string(i), "h", "h" + std::to_string(i))).ok());
    // g1 in flight for 30 s: group g is locked behind it.
    auto first = t->receive_message(address("q.fifo"), receive(1, 30));
    REQUIRE(first->messages.size() == 1);
    REQUIRE(first->messages[0].body == "g1");
  }
  TestEngine t(dir.path);
  REQUIRE_FALSE(loaded(t, "q.fifo"));
  // Only group h is served while g1 is in flight, in order.
  auto during = t->receive_message(address("q.fifo"), receive(10, 300));
  REQUIRE(during.ok());
  std::vector<std::string> bodies;
  for (const auto& m : during->messages) bodies.push_back(m.body);
  CHECK(bodies == std::vector<std::string>{"h1", "h2"});
  // Once g1's visibility ends, group g comes in order, g1 received a second time.
  t.clock->advance_s(31);
  auto after = t->receive_message(address("q.fifo"), receive(10, 30));
  REQUIRE(after.ok());
  bodies.clear();
  for (const auto& m : after->messages) bodies.push_back(m.body);
  INFO(doctest::toString(bodies.size()) << " received, first: " << (bodies.empty() ? "" : bodies[0]));
  REQUIRE(bodies == std::vector<std::string>{"g1", "g2", "g3", "g4"});
  std::string receive_count;
  for (const auto& [name, value] : after->messages[0].attributes)
    if (name == "ApproximateReceiveCount") receive_count = value;
  CHECK(receive_count == "2");
  // The deduplication window was loaded with the queue: a resend of g1 is a duplicate.
  REQUIRE(t->send_message(address("q.fifo"), fifo_message("g1", "g", "g1")).ok());
  CHECK(count(t, "q.fifo", "ApproximateNumberOfMessagesNotVisible") == "6");
  CHECK(count(t, "q.fifo", "ApproximateNumberOfMessages") == "0");
}

TEST_CASE("a dead-letter move into a queue not yet loaded loads it first") {
  TempDir dir;
  const std::string dlq_arn = "arn:aws:sqs:us-east-1:123456789012:dlq";
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("dlq"), {}, {}).ok());
    REQUIRE(t->create_queue(address("src"),
                            {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlq_arn + "\",\"maxReceiveCount\":1}"}},
                            {})
                .ok());
    REQUIRE(t->send_message(address("dlq"), message("already-dead")).ok());
    REQUIRE(t->send_message(address("src"), message("poison")).ok());
    REQUIRE(t->receive_message(address("src"), receive(1, 10))->messages.size() == 1);
  }
  TestEngine t(dir.path);
  t.clock->advance_s(11);
  REQUIRE_FALSE(loaded(t, "dlq"));
  CHECK(t->receive_message(address("src"), receive(10))->messages.empty());  // moved, not delivered
  CHECK(loaded(t, "dlq"));
  auto dead = t->receive_message(address("dlq"), receive(10, 300));
  REQUIRE(dead.ok());
  std::multiset<std::string> bodies;
  for (const auto& m : dead->messages) bodies.insert(m.body);
  CHECK(bodies == std::multiset<std::string>{"already-dead", "poison"});
}
