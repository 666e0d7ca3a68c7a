// Reading queues off the caller's thread, and the housekeeping of queues not yet read. A caller
// that holds a DeferLoads (the HTTP loop) must never wait for a queue's read: its calls stop at a
// queue not yet loaded, change nothing and name it; load_queue and preload_queues read queues on
// other threads. Until a queue is read, its counts still follow the clock: delays and visibility
// timeouts end, retention ends messages, and receive counts carry a message to its dead-letter
// queue. Like lazy_load_test.cpp, these look at the internal `loaded` flag.

#include <doctest/doctest.h>

#include <string>

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

void fill(TestEngine& t, const std::string& name, int n, const std::string& prefix = "m") {
  for (int i = 0; i < n; ++i) REQUIRE(t->send_message(address(name), message(prefix + std::to_string(i))).ok());
}

}  // namespace

TEST_CASE("under DeferLoads a call on a queue not yet loaded stops, names it and changes nothing") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("big"), {}, {}).ok());
    REQUIRE(t->create_queue(address("other"), {}, {}).ok());
    fill(t, "big", 12);
  }
  TestEngine t(dir.path);
  CHECK_FALSE(t->every_queue_loaded());
  {
    DeferLoads loads;
    auto got = t->receive_message(address("big"), receive(10, 300));
    CHECK_FALSE(got.ok());  // not an answer: the caller reads the queue and calls again
    REQUIRE(loads.pending());
    CHECK(*loads.pending() == address("big"));
    CHECK_FALSE(loaded(t, "big"));
    auto sent = t->send_message(address("big"), message("late"));
    CHECK_FALSE(sent.ok());
    // Calls that need only the catalog or the stored counts still run.
    CHECK(count(t, "big", "ApproximateNumberOfMessages") == "12");
  }
  REQUIRE(t->load_queue(address("big")).ok());
  CHECK(loaded(t, "big"));
  {
    DeferLoads loads;
    auto got = t->receive_message(address("big"), receive(10, 300));
    REQUIRE(got.ok());
    CHECK_FALSE(loads.pending());
    CHECK(got->messages.size() == 10);
  }
  CHECK(count(t, "big", "ApproximateNumberOfMessages") == "2");  // nothing was sent by the stopped call
  CHECK(t->load_queue(address("missing")).error().code == common::AwsErrorCode::QueueDoesNotExist);
}

TEST_CASE("load_queue also reads the dead-letter queue; preload_queues reads the rest and can be stopped") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("dlq"), {}, {}).ok());
    REQUIRE(t->create_queue(address("source"),
                            {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + queue_arn(address("dlq")) +
                                                   R"(","maxReceiveCount":"2"})"}},
                            {})
                .ok());
    REQUIRE(t->create_queue(address("third"), {}, {}).ok());
    fill(t, "third", 3);
  }
  TestEngine t(dir.path);
  CHECK_FALSE(t->queue_loaded(address("source")));
  REQUIRE(t->load_queue(address("source")).ok());
  CHECK(loaded(t, "source"));
  CHECK(loaded(t, "dlq"));
  CHECK(t->queue_loaded(address("source")));
  CHECK(t->queue_loaded(address("missing")));  // nothing to read
  CHECK_FALSE(loaded(t, "third"));
  CHECK_FALSE(t->every_queue_loaded());

  CHECK(t->preload_queues([] { return true; }) == 0);  // asked to stop before the first queue
  CHECK_FALSE(loaded(t, "third"));
  CHECK(t->preload_queues(nullptr) == 1);
  CHECK(loaded(t, "third"));
  CHECK(t->every_queue_loaded());
  CHECK(count(t, "third", "ApproximateNumberOfMessages") == "3");

  TestEngine in_memory;
  CHECK(in_memory->every_queue_loaded());
}

TEST_CASE("a queue not yet loaded counts delays and visibility timeouts that ended since the restart") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("q"), {}, {}).ok());
    fill(t, "q", 4);
    SendMessageRequest later = message("later");
    later.delay_seconds = 60;
    REQUIRE(t->send_message(address("q"), later).ok());
    REQUIRE(t->receive_message(address("q"), receive(3, 30))->messages.size() == 3);
  }
  TestEngine t(dir.path);  // its clock starts where the first one did
  CHECK(count(t, "q", "ApproximateNumberOfMessages") == "1");
  CHECK(count(t, "q", "ApproximateNumberOfMessagesNotVisible") == "3");
  CHECK(count(t, "q", "ApproximateNumberOfMessagesDelayed") == "1");
  t.clock->advance_s(31);  // the visibility timeouts end
  CHECK(count(t, "q", "ApproximateNumberOfMessages") == "4");
  CHECK(count(t, "q", "ApproximateNumberOfMessagesNotVisible") == "0");
  CHECK(count(t, "q", "ApproximateNumberOfMessagesDelayed") == "1");
  t.clock->advance_s(30);  // and the delay
  CHECK(count(t, "q", "ApproximateNumberOfMessages") == "5");
  CHECK(count(t, "q", "ApproximateNumberOfMessagesDelayed") == "0");
  CHECK_FALSE(loaded(t, "q"));  // all of it from the stored rows
  auto got = t->receive_message(address("q"), receive(10, 30));
  REQUIRE(got.ok());
  CHECK(got->messages.size() == 5);
}

TEST_CASE("retention ends the messages of a queue not yet loaded: its counts leave them out") {
  TempDir dir;
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("q"), {{"MessageRetentionPeriod", "60"}}, {}).ok());
    fill(t, "q", 3, "early");
    t.clock->advance_s(30);
    fill(t, "q", 2, "late");
  }
  TestEngine t(dir.path);  // its clock starts where the first one did
  CHECK(count(t, "q", "ApproximateNumberOfMessages") == "5");
  CHECK_FALSE(loaded(t, "q"));
  t.clock->advance_s(70);  // past the first three's retention, not the last two's
  {
    // On the loop, the count needs the queue read first: the call stops there.
    DeferLoads loads;
    CHECK_FALSE(t->get_queue_attributes(address("q"), {"ApproximateNumberOfMessages"}).ok());
    CHECK(loads.pending() == address("q"));
  }
  CHECK(count(t, "q", "ApproximateNumberOfMessages") == "2");
  auto got = t->receive_message(address("q"), receive(10, 30));
  REQUIRE(got.ok());
  REQUIRE(got->messages.size() == 2);
  CHECK(got->messages[0].body.rfind("late", 0) == 0);
  CHECK(got->messages[1].body.rfind("late", 0) == 0);
}

TEST_CASE("receive counts from before a restart move a message to a dead-letter queue not yet loaded") {
  TempDir dir;
  const AttributeMap redrive{
      {"RedrivePolicy", R"({"deadLetterTargetArn":")" + queue_arn(address("dlq")) + R"(","maxReceiveCount":"2"})"}};
  {
    TestEngine t(dir.path);
    REQUIRE(t->create_queue(address("dlq"), {}, {}).ok());
    REQUIRE(t->create_queue(address("source"), redrive, {}).ok());
    fill(t, "source", 1);
    for (int i = 0; i < 2; ++i) {
      REQUIRE(t->receive_message(address("source"), receive(1, 0))->messages.size() == 1);
    }
  }
  TestEngine t(dir.path);
  CHECK(count(t, "dlq", "ApproximateNumberOfMessages") == "0");
  auto third = t->receive_message(address("source"), receive(1, 0));
  REQUIRE(third.ok());
  CHECK(third->messages.empty());  // its third receive passed maxReceiveCount: moved instead
  CHECK(loaded(t, "dlq"));
  CHECK(count(t, "dlq", "ApproximateNumberOfMessages") == "1");
  CHECK(count(t, "source", "ApproximateNumberOfMessages") == "0");
}
