// The log store: groups and streams, PutLogEvents' checks, GetLogEvents' and FilterLogEvents'
// pages and tokens, retention and the per-group bound, and durability in a file.

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sluice/logs/logs.h"

using namespace sluice;
using namespace sluice::logs;

namespace {

constexpr int64_t kDayMs = 86400000;

struct Fixture {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>();
  std::unique_ptr<LogStore> store;

  explicit Fixture(int64_t max_events = 100000, std::string path = "") {
    LogStoreOptions options;
    options.clock = clock;
    options.max_events_per_group = max_events;
    options.path = std::move(path);
    auto opened = LogStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened.value());
  }

  void put(const std::string& group, const std::string& stream, std::vector<std::string> messages,
           int64_t step_ms = 1) {
    std::vector<InputEvent> events;
    int64_t t = clock->now_ms();
    for (auto& m : messages) events.push_back({t += step_ms, std::move(m)});
    REQUIRE(store->append(group, stream, events).ok());
  }
};

std::vector<std::string> messages(const std::vector<LogEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.message);
  return out;
}

}  // namespace

TEST_CASE("groups and streams are created once and answer AWS's errors") {
  Fixture f;
  REQUIRE(f.store->create_group("/app/web").ok());
  auto again = f.store->create_group("/app/web");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == common::AwsErrorCode::LogsResourceAlreadyExists);
  CHECK(again.error().message == "The specified log group already exists");

  auto orphan = f.store->create_stream("/nope", "s");
  REQUIRE_FALSE(orphan.ok());
  CHECK(orphan.error().code == common::AwsErrorCode::LogsResourceNotFound);
  CHECK(orphan.error().message == "The specified log group does not exist.");

  REQUIRE(f.store->create_stream("/app/web", "s1").ok());
  CHECK(f.store->create_stream("/app/web", "s1").error().message == "The specified log stream already exists");
  CHECK(f.store->delete_stream("/app/web", "s2").error().message == "The specified log stream does not exist.");

  auto groups = f.store->describe_groups({"/app", "", 50});
  REQUIRE(groups.ok());
  REQUIRE(groups->groups.size() == 1);
  CHECK(groups->groups[0].name == "/app/web");
  CHECK(groups->groups[0].creation_time_ms == f.clock->now_ms());

  REQUIRE(f.store->delete_group("/app/web").ok());
  CHECK(f.store->describe_groups({}).value().groups.empty());
  CHECK(f.store->delete_group("/app/web").error().code == common::AwsErrorCode::LogsResourceNotFound);
}

TEST_CASE("DescribeLogGroups and DescribeLogStreams page with tokens") {
  Fixture f;
  for (const char* name : {"a", "b", "c", "d", "e"}) REQUIRE(f.store->create_group(name).ok());
  GroupQuery query;
  query.limit = 2;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = f.store->describe_groups(query);
    REQUIRE(page.ok());
    for (const auto& g : page->groups) seen.push_back(g.name);
    if (page->next_token.empty()) break;
    query.next_token = page->next_token;
  }
  CHECK(seen == std::vector<std::string>{"a", "b", "c", "d", "e"});
  query.next_token = "garbage";
  CHECK(f.store->describe_groups(query).error().code == common::AwsErrorCode::LogsInvalidParameter);

  f.put("a", "old", {"x"});
  f.clock->advance_ms(1000);
  f.put("a", "new", {"y"});
  StreamQuery streams;
  streams.group = "a";
  streams.order_by_last_event_time = true;
  streams.descending = true;
  auto page = f.store->describe_streams(streams);
  REQUIRE(page.ok());
  REQUIRE(page->streams.size() == 2);
  CHECK(page->streams[0].name == "new");
  CHECK(page->streams[0].last_event_ms.has_value());
  CHECK(page->streams[1].stored_bytes == 1);
}

TEST_CASE("PutLogEvents keeps events in order and reports the ones it rejects") {
  Fixture f;
  REQUIRE(f.store->create_group("g").ok());
  REQUIRE(f.store->create_stream("g", "s").ok());
  const int64_t now = f.clock->now_ms();
  auto unordered = f.store->put_events("g", "s", {{now, "b"}, {now - 1, "a"}});
  REQUIRE_FALSE(unordered.ok());
  CHECK(unordered.error().message == "Log events in a single PutLogEvents request must be in chronological order.");

  // Older than 14 days, and more than 2 hours ahead, are left out (each batch spans under 24 hours).
  auto old =
      f.store->put_events("g", "s", {{now - 14 * kDayMs - 3600000, "too old"}, {now - 13 * kDayMs - 7200000, "old"}});
  REQUIRE(old.ok());
  CHECK(old->too_old_end_index == 1);
  auto ahead = f.store->put_events("g", "s", {{now, "kept"}, {now + 3 * 3600000, "too new"}});
  REQUIRE(ahead.ok());
  CHECK(ahead->too_new_start_index == 1);
  auto span = f.store->put_events("g", "s", {{now - 2 * kDayMs, "a"}, {now, "b"}});
  REQUIRE_FALSE(span.ok());
  CHECK(span.error().message ==
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
  EventQuery query;
  query.group = "g";
  query.stream = "s";
  CHECK(messages(f.store->get_events(query).value().events) == std::vector<std::string>{"old", "kept"});
  CHECK(f.store->put_events("g", "missing", {{now, "x"}}).error().message ==
        "The specified log stream does not exist.");
}

TEST_CASE("GetLogEvents reads forward and backward with tokens that repeat at the ends") {
  Fixture f;
  f.put("g", "s", {"1", "2", "3", "4", "5"});
  EventQuery query;
  query.group = "g";
  query.stream = "s";
  query.limit = 2;
  // Without a token, the newest events.
  auto tail = f.store->get_events(query);
  REQUIRE(tail.ok());
  CHECK(messages(tail->events) == std::vector<std::string>{"4", "5"});
  query.token = tail->next_backward_token;
  auto older = f.store->get_events(query);
  CHECK(messages(older.value().events) == std::vector<std::string>{"2", "3"});
  query.token = tail->next_forward_token;
  auto newer = f.store->get_events(query);
  CHECK(newer.value().events.empty());
  CHECK(newer.value().next_forward_token == tail->next_forward_token);

  // From the head, page by page, until the token repeats.
  query.token.clear();
  query.start_from_head = true;
  std::vector<std::string> all;
  std::string previous;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = f.store->get_events(query);
    REQUIRE(page.ok());
    for (const auto& e : page->events) all.push_back(e.message);
    if (page->next_forward_token == previous) break;
    previous = query.token = page->next_forward_token;
  }
  CHECK(all == std::vector<std::string>{"1", "2", "3", "4", "5"});
  f.clock->advance_ms(100);
  f.put("g", "s", {"6"});
  query.token = previous;
  CHECK(messages(f.store->get_events(query).value().events) == std::vector<std::string>{"6"});
}

TEST_CASE("FilterLogEvents interleaves streams by time, filters, and pages") {
  Fixture f;
  const int64_t t = f.clock->now_ms();
  REQUIRE(f.store->append("g", "a", {{t + 1, "ERROR one"}, {t + 3, "INFO three"}, {t + 5, "ERROR five"}}).ok());
  REQUIRE(f.store->append("g", "b", {{t + 2, "ERROR two"}, {t + 4, "ERROR four"}}).ok());
  FilterQuery query;
  query.group = "g";
  query.pattern = "ERROR";
  query.limit = 2;
  std::vector<std::string> seen;
  std::vector<std::string> ids;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = f.store->filter_events(query);
    REQUIRE(page.ok());
    for (const auto& e : page->events) {
      seen.push_back(e.message);
      ids.push_back(e.event_id);
    }
    if (page->next_token.empty()) break;
    query.next_token = page->next_token;
  }
  CHECK(seen == std::vector<std::string>{"ERROR one", "ERROR two", "ERROR four", "ERROR five"});
  CHECK(ids.size() == 4);

  FilterQuery only_b;
  only_b.group = "g";
  only_b.stream_names = {"b"};
  only_b.start_ms = t + 3;
  CHECK(messages(f.store->filter_events(only_b).value().events) == std::vector<std::string>{"ERROR four"});

  FilterQuery bad;
  bad.group = "g";
  bad.pattern = "{ $.a = ";
  CHECK(f.store->filter_events(bad).error().code == common::AwsErrorCode::LogsInvalidParameter);
}

TEST_CASE("retention hides and sweeps older events; every group is bounded") {
  Fixture f(3);
  f.put("g", "s", {"a", "b", "c", "d", "e"});
  EventQuery query;
  query.group = "g";
  query.stream = "s";
  CHECK(messages(f.store->get_events(query).value().events) == std::vector<std::string>{"c", "d", "e"});

  f.clock->advance_ms(2 * kDayMs);
  f.put("g", "s", {"fresh"});
  REQUIRE(f.store->put_retention("g", 1).ok());
  CHECK(messages(f.store->get_events(query).value().events) == std::vector<std::string>{"fresh"});
  REQUIRE(f.store->delete_retention("g").ok());
  auto groups = f.store->describe_groups({});
  CHECK_FALSE(groups.value().groups[0].retention_days.has_value());
  CHECK(is_retention_value(30));
  CHECK_FALSE(is_retention_value(2));
}

TEST_CASE("a store in a file keeps its groups, streams and events across a reopen") {
  const auto dir = std::filesystem::temp_directory_path() / ("sluice-logs-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "logs.db").string();
  {
    Fixture f(100000, path);
    f.put("/aws/lambda/fn", "2024/01/01/[$LATEST]abc", {"START", "END"});
    REQUIRE(f.store->put_retention("/aws/lambda/fn", 7).ok());
  }
  {
    Fixture f(100000, path);
    auto groups = f.store->describe_groups({});
    REQUIRE(groups.value().groups.size() == 1);
    CHECK(groups->groups[0].retention_days == 7);
    EventQuery query;
    query.group = "/aws/lambda/fn";
    query.stream = "2024/01/01/[$LATEST]abc";
    query.start_from_head = true;
    CHECK(messages(f.store->get_events(query).value().events) == std::vector<std::string>{"START", "END"});
  }
  std::filesystem::remove_all(dir);
}
