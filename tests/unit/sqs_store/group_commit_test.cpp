// Group commit: many threads append and wait; every ticket becomes durable, batches are shared,
// order is kept, and a failed commit reaches its waiters and is retried by the next one.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "store/group_commit.h"
#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

int64_t seq_of(const Mutation& m) { return std::get<mutation::DeleteMessage>(m).seq; }

}  // namespace

TEST_CASE("concurrent waiters share commits and see their mutations committed in append order") {
  std::mutex log_mutex;
  std::vector<int64_t> log;
  std::atomic<int> commits{0};
  std::atomic<bool> overlapping{false};
  std::atomic<int> running{0};
  GroupCommit group([&](std::vector<Mutation>& batch) {
    if (running.fetch_add(1) != 0) overlapping = true;
    std::this_thread::sleep_for(std::chrono::microseconds(300));  // lets followers pile up
    {
      std::lock_guard lock(log_mutex);
      for (const auto& m : batch) log.push_back(seq_of(m));
    }
    ++commits;
    running.fetch_sub(1);
  });

  constexpr int kThreads = 8;
  constexpr int kPerThread = 300;
  std::mutex order_mutex;  // makes "append order" a known global order: seq order
  int64_t next_seq = 0;
  std::atomic<int> not_durable_after_wait{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        uint64_t ticket = 0;
        int64_t seq = 0;
        {
          std::lock_guard lock(order_mutex);
          seq = ++next_seq;
          ticket = group.append(mutation::DeleteMessage{seq});
        }
        group.wait_durable(ticket);
        std::lock_guard lock(log_mutex);
        if (std::find(log.begin(), log.end(), seq) == log.end()) ++not_durable_after_wait;
      }
    });
  }
  for (auto& t : threads) t.join();

  CHECK(not_durable_after_wait == 0);
  CHECK_FALSE(overlapping);
  REQUIRE(log.size() == kThreads * kPerThread);
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i] != static_cast<int64_t>(i + 1)) {
      FAIL("mutation " << log[i] << " committed at position " << i);
    }
  }
  CHECK(commits < kThreads * kPerThread);  // followers rode along with leaders
  group.wait_durable(0);                   // an old ticket returns at once
}

TEST_CASE("a batch appended as a vector gets one ticket covering all of it") {
  std::vector<int64_t> log;
  GroupCommit group([&](std::vector<Mutation>& batch) {
    for (const auto& m : batch) log.push_back(seq_of(m));
  });
  uint64_t first = group.append(mutation::DeleteMessage{1});
  uint64_t second = group.append(std::vector<Mutation>{mutation::DeleteMessage{2}, mutation::DeleteMessage{3}});
  CHECK(first == 1);
  CHECK(second == 3);
  group.wait_durable(first);  // the leader takes everything pending, not just up to `first`
  CHECK(log == std::vector<int64_t>{1, 2, 3});
  group.wait_durable(second);
  CHECK(log.size() == 3);
  group.flush();
  CHECK(log.size() == 3);           // nothing pending: flush commits nothing new
  group.wait_durable(second + 50);  // a ticket never issued does not wait forever
  CHECK(log.size() == 3);
}

TEST_CASE("a failed commit throws to its waiters and is retried, in order, by the next commit") {
  std::atomic<int> calls{0};
  std::atomic<bool> disk_full{false};
  std::vector<int64_t> committed;  // seqs of DeleteMessage mutations, in commit order
  GroupCommit group([&](std::vector<Mutation>& batch) {
    ++calls;
    if (disk_full) throw StoreFailure("database or disk is full", true);
    for (const Mutation& m : batch) committed.push_back(std::get<mutation::DeleteMessage>(m).seq);
  });
  group.wait_durable(group.append(mutation::DeleteMessage{1}));
  CHECK_FALSE(group.failing());
  disk_full = true;
  uint64_t failing = group.append(mutation::DeleteMessage{2});

  std::atomic<int> errors{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&] {
      try {
        group.wait_durable(failing);
      } catch (const StoreFailure& e) {
        if (std::string(e.what()) == "database or disk is full" && e.disk_full()) ++errors;
      }
    });
  }
  for (auto& t : waiters) t.join();
  CHECK(errors == 4);
  // One attempt for waiters that arrived together; a waiter arriving after it failed tries again.
  const int failed_attempts = calls - 1;
  CHECK(failed_attempts >= 1);
  CHECK(failed_attempts <= 4);
  CHECK(group.failing());
  CHECK(committed == std::vector<int64_t>{1});

  // The next commit runs the failed mutation again, ahead of the new one, and clears the failure.
  disk_full = false;
  group.wait_durable(group.append(mutation::DeleteMessage{3}));
  CHECK(calls == failed_attempts + 2);
  CHECK_FALSE(group.failing());
  CHECK(committed == std::vector<int64_t>{1, 2, 3});
  group.wait_durable(failing);  // covered by the successful retry
}

TEST_CASE("a waiter arriving after a failure gets a commit attempt of its own") {
  int calls = 0;
  GroupCommit group([&](std::vector<Mutation>&) {
    if (++calls == 1) throw std::runtime_error("");  // no message: still a failure
  });
  uint64_t ticket = group.append(mutation::DeleteMessage{1});
  CHECK_THROWS_WITH_AS(group.wait_durable(ticket), "store commit failed", StoreFailure);
  CHECK(group.failing());
  group.wait_durable(ticket);  // a new attempt, which succeeds
  CHECK(calls == 2);
  CHECK_FALSE(group.failing());
}

TEST_CASE("threads writing to the SQLite store all become durable") {
  TempDir dir;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  {
    std::string error;
    auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
    REQUIRE(store);
    store->load();
    store->wait_durable(store->append(mutation::PutQueue{sample_queue(1)}));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&store, t] {
        for (int i = 0; i < kPerThread; ++i) {
          int64_t seq = 1 + t * kPerThread + i;
          store->wait_durable(store->append(mutation::InsertMessage{sample_message(1, seq, seq % 2 == 0)}));
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE(store);
  LoadedState state = store->load();
  REQUIRE(state.messages.size() == kThreads * kPerThread);
  int mismatches = 0;
  for (size_t i = 0; i < state.messages.size(); ++i) {
    auto seq = static_cast<int64_t>(i + 1);
    if (!same_message(state.messages[i], sample_message(1, seq, seq % 2 == 0))) ++mismatches;
  }
  CHECK(mismatches == 0);
}
