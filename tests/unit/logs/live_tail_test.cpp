// Live Tail sessions over a real (in-memory) log store: what each session is shown of the events
// the store takes in (its groups, streams, filter pattern), the 500-event sample of a busy second,
// and nothing after close.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sluice/logs/live_tail.h"

using namespace sluice;
using namespace sluice::logs;

namespace {

struct Fixture {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>();
  std::unique_ptr<LogStore> store;
  LiveTails tails;

  Fixture() {
    LogStoreOptions options;
    options.clock = clock;
    store = std::move(LogStore::open(options).value());
    store->observe_ingest([this](const IngestedEvents& ingested) { tails.ingest(ingested); });
  }

  void append(const std::string& group, const std::string& stream, const std::vector<std::string>& messages) {
    std::vector<InputEvent> events;
    for (const auto& m : messages) events.push_back({clock->now_ms(), m});
    REQUIRE(store->append(group, stream, events).ok());
  }
};

std::vector<std::string> messages(const TailUpdate& update) {
  std::vector<std::string> out;
  for (const auto& e : update.events) out.push_back(e.message);
  return out;
}

LiveTailFilter groups(std::vector<std::string> names) {
  LiveTailFilter filter;
  for (auto& n : names) filter.groups.push_back({n, "arn:aws:logs:us-east-1:000000000000:log-group:" + n});
  return filter;
}

}  // namespace

TEST_CASE("a session sees its groups' new events, labelled with the identifier it used, once") {
  Fixture f;
  f.append("/aws/lambda/a", "s1", {"before the session"});
  const uint64_t session = f.tails.open(groups({"/aws/lambda/a"}));
  f.clock->advance_ms(5);
  f.append("/aws/lambda/a", "s1", {"one", "two"});
  f.append("/aws/lambda/other", "s1", {"not tailed"});
  const TailUpdate update = f.tails.take(session);
  CHECK(messages(update) == std::vector<std::string>{"one", "two"});
  CHECK_FALSE(update.sampled);
  REQUIRE(update.events.size() == 2);
  CHECK(update.events[0].group_identifier == "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a");
  CHECK(update.events[0].stream == "s1");
  CHECK(update.events[0].ingestion_time_ms == f.clock->now_ms());
  CHECK(f.tails.take(session).events.empty());  // taken: the next update starts empty
}

TEST_CASE("stream names, stream prefixes and the filter pattern narrow what a session sees") {
  Fixture f;
  LiveTailFilter named = groups({"g"});
  named.stream_names = {"exact"};
  LiveTailFilter prefixed = groups({"g"});
  prefixed.stream_prefixes = {"2024/"};
  LiveTailFilter patterned = groups({"g"});
  patterned.pattern = FilterPattern::parse("ERROR -retry").value();
  const uint64_t by_name = f.tails.open(named);
  const uint64_t by_prefix = f.tails.open(prefixed);
  const uint64_t by_pattern = f.tails.open(patterned);
  f.append("g", "exact", {"ERROR in exact"});
  f.append("g", "2024/01/01", {"ERROR then retry", "INFO fine"});
  f.append("g", "exactly-not", {"ERROR elsewhere"});
  CHECK(messages(f.tails.take(by_name)) == std::vector<std::string>{"ERROR in exact"});
  CHECK(messages(f.tails.take(by_prefix)) == std::vector<std::string>{"ERROR then retry", "INFO fine"});
  CHECK(messages(f.tails.take(by_pattern)) == std::vector<std::string>{"ERROR in exact", "ERROR elsewhere"});
}

TEST_CASE("more than 500 matches in one update are sampled down to 500, in their order") {
  Fixture f;
  const uint64_t session = f.tails.open(groups({"busy"}));
  std::vector<std::string> many;
  for (int i = 0; i < 2000; ++i) many.push_back(std::to_string(i));
  f.append("busy", "s", many);
  const TailUpdate update = f.tails.take(session);
  CHECK(update.sampled);
  REQUIRE(update.events.size() == LiveTails::kMaxEventsPerUpdate);
  bool ordered = true;
  for (size_t i = 1; i < update.events.size(); ++i)
    ordered = ordered && std::stoi(update.events[i - 1].message) < std::stoi(update.events[i].message);
  CHECK(ordered);
  // A sample, not the first 500: some later events are in it.
  CHECK(std::stoi(update.events.back().message) >= 1000);
  f.append("busy", "s", {"quiet again"});
  const TailUpdate next = f.tails.take(session);
  CHECK_FALSE(next.sampled);
  CHECK(messages(next) == std::vector<std::string>{"quiet again"});
}

TEST_CASE("a closed session sees nothing and is forgotten") {
  Fixture f;
  const uint64_t session = f.tails.open(groups({"g"}));
  CHECK(f.tails.open_sessions() == 1);
  f.tails.close(session);
  CHECK(f.tails.open_sessions() == 0);
  f.append("g", "s", {"after close"});
  CHECK(f.tails.take(session).events.empty());
}

TEST_CASE("PutLogEvents' kept events reach the observers; rejected ones do not") {
  Fixture f;
  REQUIRE(f.store->create_group("g").ok());
  REQUIRE(f.store->create_stream("g", "s").ok());
  const uint64_t session = f.tails.open(groups({"g"}));
  const int64_t now = f.clock->now_ms();
  auto put = f.store->put_events("g", "s", {{now, "kept"}, {now + int64_t{3} * 3600000, "too new"}});
  REQUIRE(put.ok());
  CHECK(messages(f.tails.take(session)) == std::vector<std::string>{"kept"});
  CHECK(f.store->group_exists("g").value());
  CHECK_FALSE(f.store->group_exists("nope").value());
}
