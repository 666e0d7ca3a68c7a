// Event-source-mapping benchmarks: an in-memory engine, one embedded queue, one mapping and a no-op
// handler plugin run by the plugin host with the options `sluice up` uses (start at full scale,
// plugin reloaded on change), in both isolation modes of the same run: "process" (the default:
// execution environments, worker processes) and "in_process" (the opt-in fast path).
//
//   bench_esm throughput [--messages N] [--body BYTES] [--concurrency C] [--pollers P] [--case NAME]
//                        [--isolation process|in_process] [--store memory|data-dir]
//       Pre-fills the queue with N messages, starts the mapping and times until the mapping has
//       deleted all N. Cases: batch 10 and batch 1,000 (window 1 s, as AWS requires above 10),
//       each with JSON events and with the structured SQS fast path, each in both isolation modes
//       (--isolation process|in_process limits it to one). --store data-dir keeps the queue in a
//       data directory (a fresh one under the temporary directory) instead of in memory.
//   bench_esm latency [--samples N] [--gap-ms MS]
//       With the mapping idle (its pollers in a long poll), sends one message and measures the
//       time until the handler is entered; one message at a time, N times, p50/p99.
//
// The handler reports its entry time (CLOCK_MONOTONIC) in its answer, which a FunctionInvoker
// wrapper around the plugin invoker reads; sends are timed on the same clock.
//
// Prints one JSON object per line per figure: {"bench","figure","value","unit",...}.

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sluice/esm/event_source_mapping.h"
#include "sluice/functions/plugin_host.h"
#include "sluice/sqs/engine.h"
#include "sluice/sqs/queue_source.h"

using namespace sluice;

namespace {

const sqs::QueueAddress kQueue{"123456789012", "us-east-1", "bench-esm"};

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// CPU time (user + system) of the whole process: on a shared machine wall-clock rates swing with
// the load, CPU time per message much less.
int64_t process_cpu_ns() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto ns = [](const timeval& t) { return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_usec * 1'000; };
  return ns(usage.ru_utime) + ns(usage.ru_stime);
}

// Context switches of the process's other threads (the pollers and workers), the main thread's own
// (it sleeps between looks at the stats) left out: voluntary ones are waits (a futex, a long
// poll), involuntary ones preemptions. Per batch, they do not depend on the machine's load the
// way a rate does, and they show the hand-offs between threads.
struct Switches {
  int64_t voluntary = 0;
  int64_t involuntary = 0;
};

Switches worker_switches() {
  rusage all{}, self{};
  getrusage(RUSAGE_SELF, &all);
  getrusage(RUSAGE_THREAD, &self);
  return {all.ru_nvcsw - self.ru_nvcsw, all.ru_nivcsw - self.ru_nivcsw};
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_esm: %s\n", what.c_str());
  std::exit(1);
}

// In memory, or (data_dir not empty) with a data directory as `sluice up` keeps by default: then
// every receive and delete the mapping makes is committed before it returns.
std::unique_ptr<sqs::Engine> open_engine(const std::string& data_dir = "") {
  sqs::EngineOptions options;
  options.in_memory = data_dir.empty();
  options.data_dir = data_dir;
  std::string error;
  auto engine = sqs::Engine::open(options, &error);
  if (!engine) die("cannot open the engine: " + error);
  if (!engine->create_queue(kQueue, {}, {}).ok()) die("cannot create the queue");
  return engine;
}

const char* isolation_name(functions::IsolationMode mode) {
  return mode == functions::IsolationMode::InProcess ? "in_process" : "process";
}

std::shared_ptr<esm::FunctionInvoker> open_plugin(bool fast_path, bool report_entry, functions::IsolationMode mode) {
  functions::FunctionConfig config;
  config.name = "bench-noop";
  if (report_entry) config.environment.emplace_back("NOOP_REPORT_ENTRY", "1");
  functions::PluginHostOptions options;
  options.mode = mode;
  auto host = functions::PluginHost::open(fast_path ? NOOP_PLUGIN_FAST : NOOP_PLUGIN_JSON, config, options);
  if (!host) die(host.error());
  return esm::make_plugin_invoker(std::shared_ptr<functions::PluginHost>(std::move(host.value())));
}

std::unique_ptr<esm::EventSourceMapping> make_mapping(sqs::Engine& engine,
                                                      std::shared_ptr<esm::FunctionInvoker> function,
                                                      int64_t batch_size, int64_t concurrency, int pollers) {
  esm::CreateMappingRequest request;
  request.event_source_arn = sqs::queue_arn(kQueue);
  request.batch_size = batch_size;
  request.maximum_batching_window_in_seconds = batch_size > 10 ? 1 : 0;
  request.scaling_config = esm::ScalingConfig{concurrency};
  esm::RuntimeOptions options;
  options.start_at_full_scale = true;
  options.poller_threads = pollers;
  options.max_messages_per_receive = 10'000;  // an embedded queue
  auto mapping = esm::EventSourceMapping::create(
      request, std::move(function), [&engine] { return sqs::make_embedded_queue_source(engine, kQueue); }, options);
  if (!mapping) die("cannot create the mapping: " + mapping.error().message);
  return std::move(mapping.value());
}

void fill(sqs::Engine& engine, int64_t count, size_t body_bytes) {
  std::vector<sqs::SendMessageRequest> batch(10);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].id = "m" + std::to_string(i);
    std::string body = "{\"order\":" + std::to_string(i) + ",\"note\":\"";
    body.append(body_bytes > body.size() + 2 ? body_bytes - body.size() - 2 : 0, 'x');
    batch[i].body = body + "\"}";
  }
  for (int64_t sent = 0; sent < count; sent += 10) {
    auto result = engine.send_message_batch(kQueue, batch);
    if (!result.ok() || result->successful.size() != batch.size()) die("fill: send failed");
  }
}

struct Args {
  int64_t messages = 500'000;
  size_t body = 100;
  int64_t concurrency = 4;
  int pollers = 2;
  std::string only;              // one case, or all
  std::string isolation;         // "process", "in_process", or both
  std::string store = "memory";  // "memory" or "data-dir"
  int samples = 1'000;
  int gap_ms = 2;
};

void print(const char* bench, const std::string& figure, double value, const char* unit, const std::string& extra) {
  std::printf("{\"bench\":\"%s\",\"figure\":\"%s\",\"value\":%.1f,\"unit\":\"%s\"%s}\n", bench, figure.c_str(), value,
              unit, extra.c_str());
  std::fflush(stdout);
}

// ---- throughput ----------------------------------------------------------------------------------

void throughput_case(const Args& args, int64_t batch_size, bool fast_path, functions::IsolationMode mode) {
  std::string figure =
      "batch" + std::to_string(batch_size) + (fast_path ? "_fast" : "_json") + "_" + isolation_name(mode);
  if (!args.only.empty() && args.only != figure) return;
  if (!args.isolation.empty() && args.isolation != isolation_name(mode)) return;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sluice-bench-esm-" + std::to_string(getpid()));
  if (args.store == "data-dir") std::filesystem::remove_all(dir);
  auto engine = open_engine(args.store == "data-dir" ? dir.string() : "");
  // Whole batches only, so no batch waits for its window at the end of the drain.
  const int64_t n = std::max<int64_t>(batch_size, args.messages / batch_size * batch_size);
  fill(*engine, n, args.body);
  auto mapping = make_mapping(*engine, open_plugin(fast_path, false, mode), batch_size, args.concurrency, args.pollers);

  const int64_t start = monotonic_ns();
  const int64_t cpu_start = process_cpu_ns();
  const Switches switches_start = worker_switches();
  int64_t at10 = 0, at90 = 0;
  mapping->start();
  esm::MappingStats stats;
  for (;;) {
    stats = mapping->stats();
    int64_t now = monotonic_ns();
    auto deleted = static_cast<int64_t>(stats.messages_deleted);
    if (!at10 && deleted >= n / 10) at10 = now;
    if (!at90 && deleted >= n * 9 / 10) at90 = now;
    if (deleted >= n) break;
    if (now - start > 300'000'000'000LL) die(figure + ": not drained after 300 s");
    if (stats.failed_batches) die(figure + ": the no-op handler failed");
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  const int64_t end = monotonic_ns();
  const int64_t cpu_end = process_cpu_ns();
  const Switches switches_end = worker_switches();
  mapping->stop();
  mapping.reset();
  engine.reset();
  if (args.store == "data-dir") std::filesystem::remove_all(dir);
  const double batches = std::max(1.0, static_cast<double>(stats.batches_invoked));
  double seconds = static_cast<double>(end - start) / 1e9;
  double steady = at90 > at10 ? static_cast<double>(n * 8 / 10) / (static_cast<double>(at90 - at10) / 1e9) : 0;
  char extra[640];
  std::snprintf(
      extra, sizeof extra,
      ",\"isolation\":\"%s\",\"store\":\"%s\",\"messages\":%lld,\"batch_size\":%lld,\"fast_path\":%s,\"body_bytes\":%"
      "zu,\"max_"
      "concurrency\":%lld,"
      "\"pollers\":%d,\"seconds\":%.3f,\"steady_10_90_msg_per_s\":%.0f,\"batches\":%llu,\"mean_batch\":%.1f,"
      "\"max_in_flight\":%lld,\"cpu_ns_per_msg\":%.0f,"
      "\"voluntary_switches_per_batch\":%.2f,\"involuntary_switches_per_batch\":%.2f,"
      "\"target\":%d",
      isolation_name(mode), args.store.c_str(), static_cast<long long>(n), static_cast<long long>(batch_size),
      fast_path ? "true" : "false", args.body, static_cast<long long>(args.concurrency), args.pollers, seconds, steady,
      static_cast<unsigned long long>(stats.batches_invoked),
      stats.batches_invoked ? static_cast<double>(stats.messages_invoked) / static_cast<double>(stats.batches_invoked)
                            : 0.0,
      static_cast<long long>(stats.max_in_flight), static_cast<double>(cpu_end - cpu_start) / static_cast<double>(n),
      static_cast<double>(switches_end.voluntary - switches_start.voluntary) / batches,
      static_cast<double>(switches_end.involuntary - switches_start.involuntary) / batches,
      batch_size == 10 ? 300'000 : (fast_path ? 1'000'000 : 0));
  print("esm-throughput", figure, static_cast<double>(n) / seconds, "msg/s", extra);
}

// ---- latency -------------------------------------------------------------------------------------

// Passes invocations through and collects the entry times the handler reports.
class EntryRecorder final : public esm::FunctionInvoker {
 public:
  explicit EntryRecorder(std::shared_ptr<esm::FunctionInvoker> inner) : inner_(std::move(inner)) {}

  functions::InvocationResult invoke(const functions::InvocationRequest& request) override {
    auto result = inner_->invoke(request);
    std::string_view payload = result.payload;
    int64_t entered = 0;
    if (auto at = payload.find(':'); at != std::string_view::npos)
      std::from_chars(payload.data() + at + 1, payload.data() + payload.size(), entered);
    {
      std::lock_guard lock(mu_);
      entries_.push_back(entered);
    }
    cv_.notify_all();
    return result;
  }
  std::optional<int64_t> reserved_concurrency() const override { return inner_->reserved_concurrency(); }
  int64_t timeout_ms() const override { return inner_->timeout_ms(); }
  std::string function_arn() const override { return inner_->function_arn(); }

  // The entry time of the count-th invocation (1-based), or 0 after 5 s without it.
  int64_t wait_for(size_t count) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(5), [&] { return entries_.size() >= count; })) return 0;
    return entries_[count - 1];
  }

 private:
  const std::shared_ptr<esm::FunctionInvoker> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int64_t> entries_;
};

void latency_case(const Args& args, bool fast_path, functions::IsolationMode mode) {
  if (!args.isolation.empty() && args.isolation != isolation_name(mode)) return;
  std::string suffix = std::string(fast_path ? "_fast" : "_json") + "_" + isolation_name(mode);
  auto engine = open_engine();
  auto recorder = std::make_shared<EntryRecorder>(open_plugin(fast_path, true, mode));
  auto mapping = make_mapping(*engine, recorder, 10, args.concurrency, args.pollers);
  mapping->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // pollers reach their long poll

  sqs::SendMessageRequest send;
  send.body = R"({"order":1,"note":"latency"})";
  const int warmup = 20;
  std::vector<double> micros;
  for (int i = 0; i < warmup + args.samples; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(args.gap_ms));  // idle again
    const int64_t sent = monotonic_ns();
    if (!engine->send_message(kQueue, send).ok()) die("latency: send failed");
    int64_t entered = recorder->wait_for(static_cast<size_t>(i) + 1);
    if (entered == 0) die("latency: the handler was not entered within 5 s");
    if (i >= warmup) micros.push_back(static_cast<double>(entered - sent) / 1e3);
    // The next message goes to an idle queue: wait until this one is settled.
    for (int spins = 0; mapping->stats().messages_deleted < static_cast<uint64_t>(i) + 1; ++spins) {
      if (spins > 50'000) die("latency: message not deleted");
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
  mapping->stop();
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(q * static_cast<double>(micros.size())))];
  };
  double mean = 0;
  for (double v : micros) mean += v;
  mean /= static_cast<double>(micros.size());
  char extra[256];
  std::snprintf(extra, sizeof extra, ",\"samples\":%zu,\"fast_path\":%s,\"pollers\":%d,\"target\":%d", micros.size(),
                fast_path ? "true" : "false", args.pollers, 200);
  print("esm-latency", "p50" + suffix, at(0.50), "us", extra);
  std::snprintf(extra, sizeof extra, ",\"samples\":%zu,\"fast_path\":%s,\"pollers\":%d,\"target\":%d", micros.size(),
                fast_path ? "true" : "false", args.pollers, 2000);
  print("esm-latency", "p99" + suffix, at(0.99), "us", extra);
  std::snprintf(extra, sizeof extra, ",\"samples\":%zu,\"fast_path\":%s,\"mean_us\":%.1f", micros.size(),
                fast_path ? "true" : "false", mean);
  print("esm-latency", "max" + suffix, micros.back(), "us", extra);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) die("missing value after " + flag);
    const char* v = argv[++i];
    if (flag == "--messages") a.messages = std::atoll(v);
    else if (flag == "--body") a.body = static_cast<size_t>(std::atoll(v));
    else if (flag == "--concurrency") a.concurrency = std::atoll(v);
    else if (flag == "--pollers") a.pollers = std::atoi(v);
    else if (flag == "--case") a.only = v;
    else if (flag == "--isolation") a.isolation = v;
    else if (flag == "--store") a.store = v;
    else if (flag == "--samples") a.samples = std::atoi(v);
    else if (flag == "--gap-ms") a.gap_ms = std::atoi(v);
    else die("unknown flag " + flag);
  }
  if (a.messages < 1 || a.samples < 1 || a.concurrency < 2 || a.pollers < 1) die("bad flag value");
  if (a.store != "memory" && a.store != "data-dir") die("--store is memory or data-dir");
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "throughput") {
    Args args = parse(argc, argv);
    for (int64_t batch : {10, 1000})
      for (bool fast : {false, true})
        for (auto isolation : {functions::IsolationMode::Isolated, functions::IsolationMode::InProcess})
          throughput_case(args, batch, fast, isolation);
  } else if (mode == "latency") {
    Args args = parse(argc, argv);
    for (auto isolation : {functions::IsolationMode::Isolated, functions::IsolationMode::InProcess}) {
      latency_case(args, true, isolation);
      latency_case(args, false, isolation);
    }
  } else {
    std::fprintf(stderr, "usage: bench_esm throughput|latency [flags]  (see the source's opening comment)\n");
    return 64;
  }
  return 0;
}
