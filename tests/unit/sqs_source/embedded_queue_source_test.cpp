#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "sluice/sqs/queue_source.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace std::chrono;

namespace {
struct Fixture {
  std::unique_ptr<Engine> engine;
  QueueAddress queue{"123456789012", "us-east-1", "work"};
  explicit Fixture(std::shared_ptr<common::Clock> clock = nullptr) {
    EngineOptions options;
    options.in_memory = true;
    options.clock = std::move(clock);
    options.background_housekeeping = options.clock == nullptr;
    std::string error;
    engine = Engine::open(options, &error);
    REQUIRE(engine);
    REQUIRE(engine->create_queue(queue, {}, {}).ok());
  }
  void send(const std::string& body) {
    SendMessageRequest r;
    r.body = body;
    REQUIRE(engine->send_message(queue, r).ok());
  }
};
}  // namespace

TEST_CASE("a long poll returns as soon as a message is sent") {
  Fixture f;
  auto source = make_embedded_queue_source(*f.engine, f.queue);
  CHECK(source->arn() == "arn:aws:sqs:us-east-1:123456789012:work");
  std::thread sender([&] {
    std::this_thread::sleep_for(milliseconds(100));
    f.send("hello");
  });
  auto start = steady_clock::now();
  auto got = source->receive(10, 10, std::nullopt);
  auto took = steady_clock::now() - start;
  sender.join();
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].body == "hello");
  CHECK(took < seconds(5));
}

TEST_CASE("a long poll with nothing to get ends at its wait time") {
  Fixture f;
  auto source = make_embedded_queue_source(*f.engine, f.queue);
  auto start = steady_clock::now();
  auto got = source->receive(10, 1, std::nullopt);
  REQUIRE(got.ok());
  CHECK(got->empty());
  CHECK(steady_clock::now() - start >= milliseconds(900));
}

TEST_CASE("interrupt releases a blocked receive") {
  Fixture f;
  auto source = make_embedded_queue_source(*f.engine, f.queue);
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(100));
    source->interrupt();
  });
  auto start = steady_clock::now();
  auto got = source->receive(10, 20, std::nullopt);
  stopper.join();
  CHECK(got->empty());
  CHECK(steady_clock::now() - start < seconds(10));
}

TEST_CASE("deletes beyond ten entries succeed in one call") {
  Fixture f;
  for (int i = 0; i < 25; ++i) f.send("m" + std::to_string(i));
  auto source = make_embedded_queue_source(*f.engine, f.queue);
  std::vector<DeleteMessageBatchEntry> deletes;
  while (deletes.size() < 25) {
    auto got = source->receive(10, 0, 60);
    REQUIRE(got.ok());
    for (auto& m : *got) deletes.push_back({"d" + std::to_string(deletes.size()), m.receipt_handle});
  }
  auto result = source->delete_messages(deletes);
  REQUIRE(result.ok());
  CHECK(result->successful.size() == 25);
  CHECK(result->failed.empty());
  CHECK(source->attributes({"ApproximateNumberOfMessagesNotVisible"})->at("ApproximateNumberOfMessagesNotVisible") ==
        "0");
}

TEST_CASE("an embedded source hands over more than ten messages per receive") {
  Fixture f;
  for (int i = 0; i < 250; ++i) f.send("m" + std::to_string(i));
  auto source = make_embedded_queue_source(*f.engine, f.queue);
  auto got = source->receive(1000, 0, 60);
  REQUIRE(got.ok());
  CHECK(got->size() == 250);
  std::vector<DeleteMessageBatchEntry> deletes;
  for (auto& m : *got) deletes.push_back({"d" + std::to_string(deletes.size()), m.receipt_handle});
  auto deleted = source->delete_messages(deletes);
  REQUIRE(deleted.ok());
  CHECK(deleted->successful.size() == 250);
  CHECK(source->attributes({"ApproximateNumberOfMessagesNotVisible"})->at("ApproximateNumberOfMessagesNotVisible") ==
        "0");
}

// The engine names the time a hidden message comes back on its own clock. With a clock a day ahead
// of the system's, measuring that time against the system clock would make the poll sleep through
// its whole wait time instead of retrying when the message is due.
TEST_CASE("a long poll retries when a hidden message is due on the engine's clock") {
  const int64_t system_now_ms =
      duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto clock = std::make_shared<common::ManualClock>(system_now_ms + 24 * 3600 * 1000);
  Fixture f(clock);
  f.send("again");
  auto source = make_embedded_queue_source(*f.engine, f.queue);
  auto first = source->receive(10, 0, 1);  // hidden for 1 s of engine time
  REQUIRE(first.ok());
  REQUIRE(first->size() == 1);

  std::thread advancer([&] {
    std::this_thread::sleep_for(milliseconds(200));
    clock->advance_s(2);  // the message is visible again; nothing wakes the parked poll
  });
  auto start = steady_clock::now();
  auto again = source->receive(10, 10, std::nullopt);
  auto took = steady_clock::now() - start;
  advancer.join();
  REQUIRE(again.ok());
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].body == "again");
  CHECK(took < seconds(5));  // the engine's 1 s gap, not the 10 s wait time
}

TEST_CASE("visibility changes of many messages apply in one call") {
  Fixture f;
  for (int i = 0; i < 30; ++i) f.send("m" + std::to_string(i));
  auto source = make_embedded_queue_source(*f.engine, f.queue);
  auto got = source->receive(100, 0, 60);
  REQUIRE(got.ok());
  REQUIRE(got->size() == 30);
  std::vector<ChangeVisibilityBatchEntry> changes;
  for (auto& m : *got) changes.push_back({"c" + std::to_string(changes.size()), m.receipt_handle, 0});
  changes.push_back({"stale", "not-a-receipt-handle", 0});
  auto changed = source->change_visibility(changes);
  REQUIRE(changed.ok());
  CHECK(changed->successful.size() == 30);
  REQUIRE(changed->failed.size() == 1);
  CHECK(changed->failed[0].id == "stale");
  auto back = source->receive(100, 0, 60);
  REQUIRE(back.ok());
  CHECK(back->size() == 30);
}
