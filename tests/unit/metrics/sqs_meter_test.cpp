// SQS's metrics from a metered engine: counts by action, sizes, empty receives, sampled depths.

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "sluice/metrics/sqs_meter.h"

using namespace sluice;
using namespace sluice::metrics;

namespace {

// An in-memory engine metered into a registry, on a manual clock, with no housekeeping of its own.
struct Metered {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(1'700'000'040'000);
  std::shared_ptr<Registry> registry = std::make_shared<Registry>(clock);
  std::unique_ptr<sqs::Engine> engine;

  Metered() {
    sqs::EngineOptions options;
    options.in_memory = true;
    options.clock = clock;
    options.background_housekeeping = false;
    std::string error;
    engine = meter_sqs(sqs::Engine::open(options, &error), registry);
    REQUIRE_MESSAGE(engine, error);
  }
};

}  // namespace

TEST_CASE("the metered engine counts sends, receives, deletes and samples depths") {
  Metered metered;
  auto& clock = metered.clock;
  auto& registry = metered.registry;
  auto& engine = metered.engine;
  sqs::QueueAddress q{"123456789012", "us-east-1", "orders"};
  REQUIRE(engine->create_queue(q, {}, {}).ok());

  sqs::SendMessageRequest send;
  send.body = "hello";
  REQUIRE(engine->send_message(q, send).ok());
  sqs::SendMessageRequest a, b;
  a.id = "a";
  a.body = "12345678";
  b.id = "b";
  b.body = "1";
  REQUIRE(engine->send_message_batch(q, {a, b}).ok());

  sqs::ReceiveMessageRequest receive;
  receive.max_number_of_messages = 10;
  receive.wait_time_seconds = 0;
  auto got = engine->receive_message(q, receive, nullptr);
  REQUIRE(got.ok());
  REQUIRE(got->messages.size() == 3);
  REQUIRE(engine->delete_message(q, got->messages[0].receipt_handle).ok());
  REQUIRE(engine->receive_message(q, receive, nullptr).ok());  // empty: the rest are in flight

  int64_t t0 = clock->now_ms();
  auto sum = [&](std::string name) {
    auto points =
        registry->query(MetricKey{q.account_id, q.region, "AWS/SQS", std::move(name), {{"QueueName", "orders"}}},
                        t0 - 60'000, t0 + 60'000, 120'000);
    return points.empty() ? -1.0 : points[0].stats.sum;
  };
  CHECK(sum("NumberOfMessagesSent") == 3);
  CHECK(sum("SentMessageSize") == 14);
  CHECK(sum("NumberOfMessagesReceived") == 3);
  CHECK(sum("NumberOfMessagesDeleted") == 1);
  CHECK(sum("NumberOfEmptyReceives") == 1);

  registry->sample(t0);
  CHECK(sum("ApproximateNumberOfMessagesNotVisible") == 2);
  CHECK(sum("ApproximateNumberOfMessagesVisible") == 0);
  CHECK(sum("ApproximateNumberOfMessagesDelayed") == 0);

  engine.reset();
  registry->sample(t0);  // the sampler outlives the engine harmlessly
}

TEST_CASE("ApproximateAgeOfOldestMessage is the age of the first message still in the queue, 0 when empty") {
  Metered metered;
  auto& clock = metered.clock;
  auto& registry = metered.registry;
  auto& engine = metered.engine;
  sqs::QueueAddress q{"123456789012", "us-east-1", "aging"};
  REQUIRE(engine->create_queue(q, {}, {}).ok());
  // The newest sample's value (one per minute: each sample below is in a minute of its own).
  auto age_now = [&] {
    const int64_t now = clock->now_ms();
    registry->sample(now);
    auto points = registry->query(
        MetricKey{q.account_id, q.region, "AWS/SQS", "ApproximateAgeOfOldestMessage", {{"QueueName", "aging"}}},
        now - now % 60'000, now - now % 60'000 + 60'000, 60'000);
    return points.empty() ? -1.0 : points.back().stats.maximum;
  };
  CHECK(age_now() == 0);

  sqs::SendMessageRequest send;
  send.body = "old";
  REQUIRE(engine->send_message(q, send).ok());
  clock->advance_s(100);
  send.body = "new";
  REQUIRE(engine->send_message(q, send).ok());
  clock->advance_s(25);
  CHECK(age_now() == 125);

  // In flight still counts: only a delete ends a message's age.
  sqs::ReceiveMessageRequest receive;
  receive.max_number_of_messages = 10;
  receive.wait_time_seconds = 0;
  auto got = engine->receive_message(q, receive, nullptr);
  REQUIRE(got.ok());
  REQUIRE(got->messages.size() == 2);
  clock->advance_s(60);
  CHECK(age_now() == 185);
  for (const auto& message : got->messages)
    if (message.body == "old") REQUIRE(engine->delete_message(q, message.receipt_handle).ok());
  clock->advance_s(60);
  CHECK(age_now() == 145);
}

TEST_CASE("a batch's SentMessageSize has one datapoint per successful entry, each its own body's size") {
  Metered metered;
  auto& clock = metered.clock;
  auto& registry = metered.registry;
  auto& engine = metered.engine;
  sqs::QueueAddress q{"123456789012", "us-east-1", "sizes"};
  REQUIRE(engine->create_queue(q, {}, {}).ok());

  std::vector<sqs::SendMessageRequest> entries(4);
  entries[0].id = "first";
  entries[0].body = std::string(8, 'a');
  entries[1].id = "refused";
  entries[1].body = std::string(100, 'b');
  entries[1].delay_seconds = 901;  // past the 15-minute limit: this entry fails, the others go
  entries[2].id = "third";
  entries[2].body = std::string(3, 'c');
  entries[3].id = "fourth";
  entries[3].body = std::string(40, 'd');
  auto sent = engine->send_message_batch(q, entries);
  REQUIRE(sent.ok());
  REQUIRE(sent->successful.size() == 3);
  REQUIRE(sent->failed.size() == 1);

  const int64_t t0 = clock->now_ms();
  auto point = [&](std::string name) {
    auto points =
        registry->query(MetricKey{q.account_id, q.region, "AWS/SQS", std::move(name), {{"QueueName", "sizes"}}},
                        t0 - 60'000, t0 + 60'000, 120'000);
    REQUIRE(points.size() == 1);
    return points[0];
  };
  CHECK(point("NumberOfMessagesSent").stats.sum == 3);
  const Datapoint sizes = point("SentMessageSize");
  CHECK(sizes.stats.sample_count == 3);
  CHECK(sizes.stats.sum == 51);
  CHECK(sizes.stats.minimum == 3);
  CHECK(sizes.stats.maximum == 40);
  std::vector<double> samples = sizes.samples;
  std::sort(samples.begin(), samples.end());
  CHECK(samples == std::vector<double>{3, 8, 40});
}
