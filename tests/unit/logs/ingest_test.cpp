// LogIngest: submissions reach the store in order once flushed, and the queue is bounded.

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "sluice/logs/ingest.h"

using namespace sluice;
using namespace sluice::logs;

TEST_CASE("submitted events reach the store, each stream in submission order") {
  auto clock = std::make_shared<common::ManualClock>();
  LogStoreOptions options;
  options.clock = clock;
  std::shared_ptr<LogStore> store = std::move(LogStore::open(options).value());
  LogIngest ingest(store);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&ingest, &clock, w] {
      for (int i = 0; i < 50; ++i)
        ingest.submit("/aws/lambda/f", "stream-" + std::to_string(w), {{clock->now_ms() + i, std::to_string(i)}});
    });
  }
  for (auto& t : writers) t.join();
  ingest.flush();
  for (int w = 0; w < 4; ++w) {
    EventQuery query;
    query.group = "/aws/lambda/f";
    query.stream = "stream-" + std::to_string(w);
    query.start_from_head = true;
    auto page = store->get_events(query);
    REQUIRE(page.ok());
    REQUIRE(page->events.size() == 50);
    for (int i = 0; i < 50; ++i) CHECK(page->events[static_cast<size_t>(i)].message == std::to_string(i));
  }
  CHECK(ingest.dropped() == 0);
  CHECK(ingest.failed_writes() == 0);
}

TEST_CASE("beyond its bound the queue drops and counts") {
  LogStoreOptions options;
  options.clock = std::make_shared<common::ManualClock>();
  std::shared_ptr<LogStore> store = std::move(LogStore::open(options).value());
  LogIngest ingest(store, 2);
  ingest.submit("g", "s", {{1, "a"}, {2, "b"}, {3, "c"}});
  ingest.flush();
  CHECK(ingest.dropped() == 3);
  CHECK(store->describe_groups({}).value().groups.empty());
}
