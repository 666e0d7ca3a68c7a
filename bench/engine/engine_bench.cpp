// Engine benchmarks: the send(10) -> receive(10) -> delete(10) cycle on one queue and one thread,
// in memory and durable; the same cycle behind a deep backlog; resident memory per queued message.
//
//   bench_engine cycle   [--seconds S] [--body BYTES]
//       The durable case also gives the p50/p99/max latency of its engine calls (each waits for
//       its commit) and the process's CPU time per message, which the machine's load changes less.
//   bench_engine depth   [--seconds S] [--deep N]
//       The cycle behind 1,000 queued messages and behind N (default 1,000,000), and their ratio.
//       Also the process's CPU time per message of each, which the machine's load changes less.
//   bench_engine memory  [--messages N] [--body BYTES]
//       Resident bytes per queued message of BYTES (default 1,024) bytes, over N messages.
//
// Prints one JSON object per line per figure: {"bench","figure","value","unit",...}.

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sluice/sqs/engine.h"

using namespace sluice;
using namespace sluice::sqs;
using Steady = std::chrono::steady_clock;

namespace {

const QueueAddress kQueue{"123456789012", "us-east-1", "bench"};

std::unique_ptr<Engine> open_engine(const std::string& data_dir) {
  EngineOptions options;
  options.in_memory = data_dir.empty();
  options.data_dir = data_dir;
  std::string error;
  auto engine = Engine::open(options, &error);
  if (!engine) {
    std::fprintf(stderr, "cannot open engine: %s\n", error.c_str());
    std::exit(1);
  }
  if (!engine->create_queue(kQueue, {}, {}).ok()) std::exit(1);
  return engine;
}

std::vector<SendMessageRequest> batch_of(size_t body_bytes) {
  std::vector<SendMessageRequest> batch(10);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].id = "m" + std::to_string(i);
    batch[i].body = std::string(body_bytes, static_cast<char>('a' + i));
  }
  return batch;
}

// The latency of every engine call of a run (each one waits for its commit in the durable case),
// and the CPU time of the whole process (its background threads included) per message.
struct CallStats {
  std::vector<int64_t> call_ns;
  double cpu_seconds = 0;
  int64_t messages = 0;

  double quantile_us(double q) {
    if (call_ns.empty()) return 0;
    auto at = call_ns.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(call_ns.size() - 1));
    std::nth_element(call_ns.begin(), at, call_ns.end());
    return static_cast<double>(*at) / 1e3;
  }
};

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs full cycles for `seconds`; returns messages per second (each message sent, received and
// deleted once). With `stats`, also times each call. Never inlined, so that a profiler can count
// its instructions apart from the fill (valgrind --toggle-collect / --dump-after=*run_cycles*).
[[gnu::noinline]] double run_cycles(Engine& engine, double seconds, size_t body_bytes, CallStats* stats = nullptr) {
  auto batch = batch_of(body_bytes);
  ReceiveMessageRequest receive;
  receive.max_number_of_messages = 10;
  std::vector<DeleteMessageBatchEntry> deletes;
  int64_t messages = 0;
  const double cpu_start = process_cpu_seconds();
  auto start = Steady::now();
  auto end = start + std::chrono::duration<double>(seconds);
  auto last = start;
  auto lap = [&] {  // the time since the previous call ended
    if (stats == nullptr) return;
    auto now = Steady::now();
    stats->call_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(now - last).count());
    last = now;
  };
  while (Steady::now() < end) {
    for (int round = 0; round < 16; ++round) {
      last = Steady::now();
      auto sent = engine.send_message_batch(kQueue, batch);
      lap();
      if (!sent.ok() || sent->successful.size() != 10) std::exit(2);
      auto got = engine.receive_message(kQueue, receive);
      lap();
      if (!got.ok()) std::exit(3);
      deletes.clear();
      for (size_t i = 0; i < got->messages.size(); ++i)
        deletes.push_back({"d" + std::to_string(i), std::move(got->messages[i].receipt_handle)});
      last = Steady::now();
      if (!deletes.empty() && !engine.delete_message_batch(kQueue, deletes).ok()) std::exit(4);
      lap();
      messages += static_cast<int64_t>(got->messages.size());
    }
  }
  double elapsed = std::chrono::duration<double>(Steady::now() - start).count();
  if (stats != nullptr) {
    stats->cpu_seconds = process_cpu_seconds() - cpu_start;
    stats->messages = messages;
  }
  return static_cast<double>(messages) / elapsed;
}

void fill(Engine& engine, int64_t count, size_t body_bytes) {
  auto batch = batch_of(body_bytes);
  for (int64_t i = 0; i < count; i += 10)
    if (!engine.send_message_batch(kQueue, batch).ok()) std::exit(5);
}

void print(const char* bench, const char* figure, double value, const char* unit, const std::string& extra = "") {
  // Rates to a tenth; small figures (ratios) to a thousandth, so 0.81 is not printed as 0.8.
  const int decimals = value < 10 ? 3 : 1;
  std::printf("{\"bench\":\"%s\",\"figure\":\"%s\",\"value\":%.*f,\"unit\":\"%s\"%s}\n", bench, figure, decimals, value,
              unit, extra.c_str());
  std::fflush(stdout);
}

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

double arg(int argc, char** argv, const char* name, double fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return std::atof(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "cycle") {
    double seconds = arg(argc, argv, "--seconds", 5);
    auto body = static_cast<size_t>(arg(argc, argv, "--body", 256));
    std::string detail = ",\"body_bytes\":" + std::to_string(body) + ",\"batch\":10";
    {
      auto engine = open_engine("");
      print("engine-cycle", "in_memory_messages_per_second", run_cycles(*engine, seconds, body), "msg/s", detail);
    }
    auto dir = std::filesystem::temp_directory_path() / ("sluice-bench-" + std::to_string(getpid()));
    {
      auto engine = open_engine(dir.string());
      CallStats stats;
      print("engine-cycle", "durable_messages_per_second", run_cycles(*engine, seconds, body, &stats), "msg/s", detail);
      // Each call waits for its commit: the tail is what a checkpoint on the commit path would show.
      print("engine-cycle", "durable_call_p50_us", stats.quantile_us(0.50), "us", detail);
      print("engine-cycle", "durable_call_p99_us", stats.quantile_us(0.99), "us", detail);
      print("engine-cycle", "durable_call_max_us", stats.quantile_us(1.0), "us", detail);
      if (stats.messages > 0)
        print("engine-cycle", "durable_cpu_us_per_message",
              stats.cpu_seconds * 1e6 / static_cast<double>(stats.messages), "us", detail);
    }
    std::filesystem::remove_all(dir);
    return 0;
  }
  if (mode == "depth") {
    double seconds = arg(argc, argv, "--seconds", 5);
    const auto deep = static_cast<int64_t>(arg(argc, argv, "--deep", 1000000));
    double shallow = 0;
    for (int64_t depth : {int64_t{1000}, deep}) {
      auto engine = open_engine("");
      fill(*engine, depth, 256);
      const double cpu_start = process_cpu_seconds();
      const auto start = Steady::now();
      double rate = run_cycles(*engine, seconds, 256);
      const double messages = rate * std::chrono::duration<double>(Steady::now() - start).count();
      const double cpu_seconds = process_cpu_seconds() - cpu_start;
      if (depth == 1000) shallow = rate;
      const std::string name = "depth_" + std::to_string(depth);
      print("engine-depth", (name + "_messages_per_second").c_str(), rate, "msg/s",
            ",\"messages\":" + std::to_string(static_cast<int64_t>(messages)));
      if (messages > 0)
        print("engine-depth", (name + "_cpu_us_per_message").c_str(), cpu_seconds * 1e6 / messages, "us");
      print("engine-depth", (name + "_resident_mib").c_str(), static_cast<double>(resident_bytes()) / (1 << 20), "MiB");
      if (depth != 1000) print("engine-depth", "deep_to_shallow_ratio", rate / shallow, "ratio");
    }
    return 0;
  }
  if (mode == "memory") {
    auto count = static_cast<int64_t>(arg(argc, argv, "--messages", 1000000));
    auto body = static_cast<size_t>(arg(argc, argv, "--body", 1024));
    auto engine = open_engine("");
    fill(*engine, 1000, body);  // warm the allocator and the queue's indexes
    int64_t before = resident_bytes();
    fill(*engine, count, body);
    int64_t after = resident_bytes();
    const std::string figure = body == 1024 ? "resident_bytes_per_1KiB_message"
                                            : "resident_bytes_per_" + std::to_string(body) + "_byte_message";
    print("engine-memory", figure.c_str(), static_cast<double>(after - before) / static_cast<double>(count), "bytes",
          ",\"messages\":" + std::to_string(count) + ",\"body_bytes\":" + std::to_string(body));
    return 0;
  }
  std::fprintf(stderr, "usage: bench_engine cycle|depth|memory [options]\n");
  return 64;
}
