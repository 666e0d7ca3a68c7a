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
  Fixture() {
    EngineOptions options;
    options.in_memory = true;
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

TEST_CASE("deletes and visibility changes beyond ten entries are split into engine batches") {
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
