// Engine benchmarks: the send(10) -> receive(10) -> delete(10) cycle on one queue and one thread,
// in memory and durable; the same cycle behind a deep backlog; resident memory per queued message.
//
//   bench_engine cycle   [--seconds S] [--body BYTES]
//   bench_engine depth   [--seconds S]
//   bench_engine memory  [--messages N]
//
// Prints one JSON object per line per figure: {"bench","figure","value","unit",...}.

#include <unistd.h>

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

// Runs full cycles for `seconds`; returns messages per second (each message sent, received and
// deleted once).
double run_cycles(Engine& engine, double seconds, size_t body_bytes) {
  auto batch = batch_of(body_bytes);
  ReceiveMessageRequest receive;
  receive.max_number_of_messages = 10;
  std::vector<DeleteMessageBatchEntry> deletes;
  int64_t messages = 0;
  auto start = Steady::now();
  auto end = start + std::chrono::duration<double>(seconds);
  while (Steady::now() < end) {
    for (int round = 0; round < 16; ++round) {
      auto sent = engine.send_message_batch(kQueue, batch);
      if (!sent.ok() || sent->successful.size() != 10) std::exit(2);
      auto got = engine.receive_message(kQueue, receive);
      if (!got.ok()) std::exit(3);
      deletes.clear();
      for (size_t i = 0; i < got->messages.size(); ++i)
        deletes.push_back({"d" + std::to_string(i), std::move(got->messages[i].receipt_handle)});
      if (!deletes.empty() && !engine.delete_message_batch(kQueue, deletes).ok()) std::exit(4);
      messages += static_cast<int64_t>(got->messages.size());
    }
  }
  double elapsed = std::chrono::duration<double>(Steady::now() - start).count();
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
      print("engine-cycle", "durable_messages_per_second", run_cycles(*engine, seconds, body), "msg/s", detail);
    }
    std::filesystem::remove_all(dir);
    return 0;
  }
  if (mode == "depth") {
    double seconds = arg(argc, argv, "--seconds", 5);
    double shallow = 0;
    for (int64_t depth : {int64_t{1000}, int64_t{1000000}}) {
      auto engine = open_engine("");
      fill(*engine, depth, 256);
      double rate = run_cycles(*engine, seconds, 256);
      if (depth == 1000) shallow = rate;
      print("engine-depth", depth == 1000 ? "depth_1000_messages_per_second" : "depth_1000000_messages_per_second",
            rate, "msg/s");
      if (depth != 1000) print("engine-depth", "deep_to_shallow_ratio", rate / shallow, "ratio");
    }
    return 0;
  }
  if (mode == "memory") {
    auto count = static_cast<int64_t>(arg(argc, argv, "--messages", 1000000));
    auto engine = open_engine("");
    fill(*engine, 1000, 1024);  // warm the allocator and the queue's indexes
    int64_t before = resident_bytes();
    fill(*engine, count, 1024);
    int64_t after = resident_bytes();
    print("engine-memory", "resident_bytes_per_1KiB_message",
          static_cast<double>(after - before) / static_cast<double>(count), "bytes",
          ",\"messages\":" + std::to_string(count));
    return 0;
  }
  std::fprintf(stderr, "usage: bench_engine cycle|depth|memory [options]\n");
  return 64;
}
