// sns-fanout: an in-memory SQS engine and SNS service, one topic with 1, 10 or 100 subscribed
// embedded queues (JSON envelope or raw delivery). One thread publishes for about two seconds per
// case (argument 1 overrides the seconds); each publish is timed. Figures per case, one JSON
// object per line: deliveries per second, publishes per second, publish p50 and p99.
//
// The queues are not drained: a case's messages stay in memory until the case ends, as the
// deliveries' cost is what is measured.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

using namespace sluice;
using SteadyClock = std::chrono::steady_clock;

namespace {

void figure(const char* name, int subscribers, bool raw, double value, const char* unit) {
  std::printf("{\"bench\":\"sns-fanout\",\"figure\":\"%s\",\"subscribers\":%d,\"delivery\":\"%s\",\"value\":%.1f,"
              "\"unit\":\"%s\"}\n",
              name, subscribers, raw ? "raw" : "envelope", value, unit);
  std::fflush(stdout);
}

bool run_case(int subscribers, bool raw, double seconds) {
  const sns::CallContext ctx{"123456789012", "us-east-1"};
  std::string error;
  sqs::EngineOptions eo;
  eo.in_memory = true;
  eo.background_housekeeping = false;
  auto engine = sqs::Engine::open(eo, &error);
  if (!engine) {
    std::fprintf(stderr, "engine: %s\n", error.c_str());
    return false;
  }
  sns::ServiceOptions so;
  so.in_memory = true;
  so.sqs = engine.get();
  auto service = sns::Service::open(so, &error);
  if (!service) {
    std::fprintf(stderr, "sns: %s\n", error.c_str());
    return false;
  }
  auto topic = service->create_topic(ctx, "fanout", {}, {});
  if (!topic) return false;
  for (int i = 0; i < subscribers; ++i) {
    sqs::QueueAddress q{ctx.account_id, ctx.region, "q" + std::to_string(i)};
    if (!engine->create_queue(q, {}, {})) return false;
    sns::SubscribeRequest s{topic.value(), "sqs", sqs::queue_arn(q), {}, true};
    if (raw) s.attributes["RawMessageDelivery"] = "true";
    if (!service->subscribe(ctx, s)) return false;
  }

  sns::PublishRequest p;
  p.topic_arn = topic.value();
  p.message = R"({"order_id":"o-000123","customer":"c-42","total":"129.95","items":3,"note":"benchmark payload"})";
  p.message_attributes["kind"] = {"String", std::string("order"), std::nullopt};

  // The first publish makes the service's signing key (once per data directory in real use):
  // keep it out of the figures.
  if (!service->publish(ctx, p)) return false;

  std::vector<int64_t> latencies_ns;
  latencies_ns.reserve(1 << 20);
  const auto start = SteadyClock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  for (;;) {
    const auto t0 = SteadyClock::now();
    if (t0 >= until) break;
    auto r = service->publish(ctx, p);
    const auto t1 = SteadyClock::now();
    if (!r) {
      std::fprintf(stderr, "publish failed: %s\n", r.error().message.c_str());
      return false;
    }
    latencies_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
  }
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double publishes = static_cast<double>(latencies_ns.size());
  std::sort(latencies_ns.begin(), latencies_ns.end());
  auto pct = [&](double q) {
    size_t i = std::min(latencies_ns.size() - 1, static_cast<size_t>(q * static_cast<double>(latencies_ns.size())));
    return static_cast<double>(latencies_ns[i]) / 1000.0;
  };
  figure("deliveries-per-second", subscribers, raw, publishes * subscribers / elapsed, "1/s");
  figure("publishes-per-second", subscribers, raw, publishes / elapsed, "1/s");
  figure("publish-p50", subscribers, raw, pct(0.50), "us");
  figure("publish-p99", subscribers, raw, pct(0.99), "us");
  figure("publish-p99-per-subscriber", subscribers, raw, pct(0.99) / subscribers, "us");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  for (int subscribers : {1, 10, 100}) {
    for (bool raw : {false, true}) {
      if (!run_case(subscribers, raw, seconds)) return 1;
    }
  }
  return 0;
}
