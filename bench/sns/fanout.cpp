// sns-fanout: an in-memory SQS engine and SNS service, one topic with 1, 10 or 100 subscribed
// embedded queues (JSON envelope or raw delivery), published to by 1 or 2 threads for about two
// seconds per case; each publish is timed. Figures per case, one JSON object per line:
// deliveries per second, publishes per second, publish p50 and p99 (over all threads' publishes).
//
// Arguments: [seconds] [filter]. The filter keeps the cases whose name contains it; a case is
// named "<subscribers>/<envelope|raw>/<publishers>p", e.g. "100/envelope/1p" (for profiling one).
//
// The single-publisher figures are the reference (the issue's target). A publish with envelope
// deliveries costs one RSA-2048 signature (a fixed cost, about a quarter of a millisecond) plus
// each delivery; raw deliveries are not signed. The two-publisher figures show what a service
// publishing from several threads gets with two cores: each publish signs on its own thread. They
// depend on the second core being free, so read them with the machine's load.
//
// The queues are not drained: a case's messages stay in memory until the case ends, as the
// deliveries' cost is what is measured.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

using namespace sluice;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Case {
  int subscribers;
  bool raw;
  int publishers;
};

void figure(const Case& c, const char* name, double value, const char* unit) {
  std::printf(
      "{\"bench\":\"sns-fanout\",\"figure\":\"%s\",\"subscribers\":%d,\"delivery\":\"%s\",\"publishers\":%d,"
      "\"value\":%.1f,\"unit\":\"%s\"}\n",
      name, c.subscribers, c.raw ? "raw" : "envelope", c.publishers, value, unit);
  std::fflush(stdout);
}

bool run_case(const Case& c, double seconds) {
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
  for (int i = 0; i < c.subscribers; ++i) {
    sqs::QueueAddress q{ctx.account_id, ctx.region, "q" + std::to_string(i)};
    if (!engine->create_queue(q, {}, {})) return false;
    sns::SubscribeRequest s{topic.value(), "sqs", sqs::queue_arn(q), {}, true};
    if (c.raw) s.attributes["RawMessageDelivery"] = "true";
    if (!service->subscribe(ctx, s)) return false;
  }

  sns::PublishRequest p;
  p.topic_arn = topic.value();
  p.message = R"({"order_id":"o-000123","customer":"c-42","total":"129.95","items":3,"note":"benchmark payload"})";
  p.message_attributes["kind"] = {"String", std::string("order"), std::nullopt};

  // The first signed publish makes the service's signing key (once per data directory in real
  // use): keep it out of the figures.
  if (!service->publish(ctx, p)) return false;

  std::vector<std::vector<int64_t>> latencies(static_cast<size_t>(c.publishers));
  std::atomic<bool> failed{false};
  const auto start = SteadyClock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  auto publisher = [&](std::vector<int64_t>& out) {
    out.reserve(1 << 20);
    for (;;) {
      const auto t0 = SteadyClock::now();
      if (t0 >= until || failed.load(std::memory_order_relaxed)) break;
      auto r = service->publish(ctx, p);
      const auto t1 = SteadyClock::now();
      if (!r) {
        std::fprintf(stderr, "publish failed: %s\n", r.error().message.c_str());
        failed = true;
        break;
      }
      out.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < c.publishers; ++t) threads.emplace_back(publisher, std::ref(latencies[static_cast<size_t>(t)]));
  publisher(latencies[0]);
  for (auto& t : threads) t.join();
  if (failed) return false;
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();

  std::vector<int64_t> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  if (all.empty()) return false;
  const double publishes = static_cast<double>(all.size());
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    size_t i = std::min(all.size() - 1, static_cast<size_t>(q * static_cast<double>(all.size())));
    return static_cast<double>(all[i]) / 1000.0;
  };
  figure(c, "deliveries-per-second", publishes * c.subscribers / elapsed, "1/s");
  figure(c, "publishes-per-second", publishes / elapsed, "1/s");
  figure(c, "publish-p50", pct(0.50), "us");
  figure(c, "publish-p99", pct(0.99), "us");
  figure(c, "publish-p99-per-subscriber", pct(0.99) / c.subscribers, "us");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const std::string filter = argc > 2 ? argv[2] : "";
  for (int publishers : {1, 2}) {
    for (int subscribers : {1, 10, 100}) {
      for (bool raw : {false, true}) {
        const Case c{subscribers, raw, publishers};
        const std::string name =
            std::to_string(subscribers) + (raw ? "/raw/" : "/envelope/") + std::to_string(publishers) + "p";
        if (name.find(filter) == std::string::npos) continue;
        if (!run_case(c, seconds)) return 1;
      }
    }
  }
  return 0;
}
