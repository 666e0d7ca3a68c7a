// Store throughput for the engine's hot cycle: append 10 inserts and wait, 10 receive updates and
// wait, 10 deletes and wait, on one thread. Prints messages per second for plain and encrypted
// messages. Usage: sqs_store_microbench [seconds per run] [power]
// ("power" uses SyncMode::PowerLoss.) Also prints the rate per CPU second of this process (user +
// system), which stays meaningful when other work shares the machine.

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Rate {
  double per_second;
  double per_cpu_second;
  int64_t messages;  // for instruction counts: callgrind's total over this
};

Rate run(double seconds, bool encrypted, SyncMode sync) {
  testing::TempDir dir;
  std::string error;
  auto store = open_sqlite_store(dir.path(), sync, &error);
  if (!store) {
    std::fprintf(stderr, "%s\n", error.c_str());
    std::exit(1);
  }
  store->load();
  store->wait_durable(store->append(mutation::PutQueue{testing::sample_queue(1)}));
  std::string body(200, 'x');
  int64_t seq = 0;
  int64_t messages = 0;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = cpu_seconds();
  auto deadline = start + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<Mutation> batch;
    for (int i = 0; i < 10; ++i) {
      MessageRecord m;
      m.queue_id = 1;
      m.seq = seq + 1 + i;
      m.message_id = "0f4b1a5e-8d2c-4a1b-9e3f-" + std::to_string(100000000000 + m.seq);
      m.body = body;
      m.sender_id = "AIDAEXAMPLE";
      m.sent_ms = 1700000000000;
      m.visible_at_ms = 1700000000000;
      m.encrypted = encrypted;
      batch.emplace_back(mutation::InsertMessage{std::move(m)});
    }
    store->wait_durable(store->append(std::move(batch)));
    std::vector<Mutation> updates;
    for (int i = 0; i < 10; ++i)
      updates.emplace_back(mutation::UpdateMessage{seq + 1 + i, 1700000030000, 1700000000000, 1});
    store->wait_durable(store->append(std::move(updates)));
    std::vector<Mutation> deletes;
    for (int i = 0; i < 10; ++i) deletes.emplace_back(mutation::DeleteMessage{seq + 1 + i});
    store->wait_durable(store->append(std::move(deletes)));
    seq += 10;
    messages += 10;
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = cpu_seconds() - cpu_start;
  return Rate{static_cast<double>(messages) / elapsed, static_cast<double>(messages) / cpu, messages};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  SyncMode sync = argc > 2 && std::strcmp(argv[2], "power") == 0 ? SyncMode::PowerLoss : SyncMode::Normal;
  for (bool encrypted : {false, true}) {
    Rate rate = run(seconds, encrypted, sync);
    std::printf("%-9s  %8.0f messages/s  %8.0f messages/cpu-s  %8lld messages\n", encrypted ? "encrypted" : "plain",
                rate.per_second, rate.per_cpu_second, static_cast<long long>(rate.messages));
  }
  return 0;
}
