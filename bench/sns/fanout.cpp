// sns-fanout: an in-memory SQS engine and SNS service, one topic with N subscribed embedded
// queues (JSON envelope or raw delivery), published to by 1 or 2 threads for about two seconds
// per case; each publish is timed. Figures per case, one JSON object per line: deliveries per
// second, publishes per second, publish p50 and p99 (over all threads' publishes), and the
// process's CPU time per delivery (user + system, every thread: the figure that does not depend
// on how loaded the machine is).
//
// Arguments: [seconds] [filter]. The filter keeps the cases whose name contains it; a case is
// named "<subscribers>/<envelope|raw>[/filtered]/<publishers>p[/paced]", e.g. "100/envelope/1p".
//
// Signing: the service signs on a signing lane of a WorkPool, as `sluice up` does, so a publish
// stores its envelope deliveries and answers while the signature is made on the other cores. A
// case's clock stops once every signature of its publishes is made (the service is closed, which
// waits for the lane), so envelope figures are signed deliveries. With more publishes than the
// lane keeps up with, the publishing thread signs itself (ServiceImpl::sign_soon), so an
// unpaced envelope case runs at the signing rate of all cores: compare it with sign-ceiling.
//
// "paced" cases offer half the rate the unpaced case of the same shape reached, in even steps
// (open loop: a publish that is late does not delay the next one's slot), and report the
// latency at that load.
//
// "filtered" cases give every subscription a filter policy on the message attribute "kind":
// half of them match the published message and half do not, so half the subscribers receive
// it and every filter is evaluated; deliveries count the messages stored in queues.
//
// The queues are not drained: a case's messages stay in memory until the case ends, as the
// deliveries' cost is what is measured.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "sluice/common/work_pool.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

using namespace sluice;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Case {
  int subscribers;
  bool raw;
  int publishers;
  bool filtered = false;
  double paced_rate = 0;  // publishes per second offered; 0: as fast as they go

  std::string name() const {
    return std::to_string(subscribers) + (raw ? "/raw" : "/envelope") + (filtered ? "/filtered/" : "/") +
           std::to_string(publishers) + "p" + (paced_rate > 0 ? "/paced" : "");
  }
};

void figure(const Case& c, const char* name, double value, const char* unit) {
  std::printf(
      "{\"bench\":\"sns-fanout\",\"case\":\"%s\",\"figure\":\"%s\",\"subscribers\":%d,\"delivery\":\"%s\","
      "\"filtered\":%s,\"publishers\":%d,\"offered_per_second\":%.0f,\"value\":%.2f,\"unit\":\"%s\"}\n",
      c.name().c_str(), name, c.subscribers, c.raw ? "raw" : "envelope", c.filtered ? "true" : "false", c.publishers,
      c.paced_rate, value, unit);
  std::fflush(stdout);
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Runs one case; answers its publishes per second (0 on failure).
double run_case(const Case& c, double seconds) {
  const sns::CallContext ctx{"123456789012", "us-east-1"};
  std::string error;
  sqs::EngineOptions eo;
  eo.in_memory = true;
  eo.background_housekeeping = false;
  auto engine = sqs::Engine::open(eo, &error);
  if (!engine) {
    std::fprintf(stderr, "engine: %s\n", error.c_str());
    return 0;
  }
  sns::ServiceOptions so;
  so.in_memory = true;
  so.sqs = engine.get();
  so.work_pool = common::WorkPool::create();
  auto service = sns::Service::open(so, &error);
  if (!service) {
    std::fprintf(stderr, "sns: %s\n", error.c_str());
    return 0;
  }
  auto topic = service->create_topic(ctx, "fanout", {}, {});
  if (!topic) return 0;
  for (int i = 0; i < c.subscribers; ++i) {
    sqs::QueueAddress q{ctx.account_id, ctx.region, "q" + std::to_string(i)};
    if (!engine->create_queue(q, {}, {})) return 0;
    sns::SubscribeRequest s{topic.value(), "sqs", sqs::queue_arn(q), {}, true};
    if (c.raw) s.attributes["RawMessageDelivery"] = "true";
    if (c.filtered) s.attributes["FilterPolicy"] = i % 2 == 0 ? R"({"kind":["order"]})" : R"({"kind":["refund"]})";
    if (!service->subscribe(ctx, s)) return 0;
  }
  const int delivered_per_publish = c.filtered ? (c.subscribers + 1) / 2 : c.subscribers;

  sns::PublishRequest p;
  p.topic_arn = topic.value();
  p.message = R"({"order_id":"o-000123","customer":"c-42","total":"129.95","items":3,"note":"benchmark payload"})";
  p.message_attributes["kind"] = {"String", std::string("order"), std::nullopt};

  // The first signed publish makes the service's signing key (once per data directory in real
  // use): keep it out of the figures.
  if (!service->publish(ctx, p)) return 0;

  std::vector<std::vector<int64_t>> latencies(static_cast<size_t>(c.publishers));
  std::atomic<bool> failed{false};
  const double cpu_before = process_cpu_seconds();
  const auto start = SteadyClock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  const auto step =
      c.paced_rate > 0 ? std::chrono::duration<double>(c.publishers / c.paced_rate) : std::chrono::duration<double>(0);
  auto publisher = [&](std::vector<int64_t>& out) {
    out.reserve(1 << 20);
    auto slot = SteadyClock::now();
    for (;;) {
      if (c.paced_rate > 0) {
        slot += std::chrono::duration_cast<SteadyClock::duration>(step);
        std::this_thread::sleep_until(slot);
      }
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
  if (failed) return 0;
  service.reset();  // waits for the signatures still on the signing lane
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double cpu = process_cpu_seconds() - cpu_before;

  std::vector<int64_t> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  if (all.empty()) return 0;
  const double publishes = static_cast<double>(all.size());
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    size_t i = std::min(all.size() - 1, static_cast<size_t>(q * static_cast<double>(all.size())));
    return static_cast<double>(all[i]) / 1000.0;
  };
  const double deliveries = publishes * delivered_per_publish;
  figure(c, "deliveries-per-second", deliveries / elapsed, "1/s");
  figure(c, "publishes-per-second", publishes / elapsed, "1/s");
  figure(c, "publish-p50", pct(0.50), "us");
  figure(c, "publish-p99", pct(0.99), "us");
  figure(c, "publish-p99-per-subscriber", pct(0.99) / c.subscribers, "us");
  figure(c, "cpu-per-delivery", cpu / deliveries * 1e6, "us");
  figure(c, "cpu-per-publish", cpu / publishes * 1e6, "us");
  return publishes / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const std::string filter = argc > 2 ? argv[2] : "";
  std::vector<Case> cases;
  for (int publishers : {1, 2})
    for (int subscribers : {1, 10, 100})
      for (bool raw : {false, true}) cases.push_back({subscribers, raw, publishers});
  for (int subscribers : {10, 100, 1000}) cases.push_back({subscribers, true, 1, true});
  cases.push_back({100, false, 1, true});
  std::map<std::string, double> reached;  // unpaced case name → publishes per second
  auto selected = [&](const Case& c) { return c.name().find(filter) != std::string::npos; };
  for (const Case& c : cases) {
    const bool wanted = selected(c);
    Case paced = c;
    paced.paced_rate = 1;  // a name to match the filter with
    const bool paced_wanted = c.subscribers == 1 && !c.raw && c.publishers == 1 && selected(paced);
    if (!wanted && !paced_wanted) continue;
    const double rate = run_case(c, seconds);
    if (rate <= 0) return 1;
    if (paced_wanted) {
      paced.paced_rate = rate / 2;
      if (run_case(paced, seconds) <= 0) return 1;
    }
  }
  return 0;
}
