// Crash safety: a child process writes acknowledged messages until it is killed with SIGKILL;
// every message it acknowledged must be in the store afterwards, intact.

#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <set>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

// Every 10th step also deletes the message inserted 5 steps earlier, in the same batch.
bool deletes_earlier(int64_t seq) { return seq % 10 == 0; }

[[noreturn]] void child_main(const std::string& dir, int ack_fd) {
  std::string error;
  auto store = open_sqlite_store(dir, SyncMode::Normal, &error);
  if (!store) _exit(2);
  store->load();
  store->wait_durable(store->append(mutation::PutQueue{sample_queue(1)}));
  for (int64_t seq = 1; seq < 10000000; ++seq) {
    std::vector<Mutation> batch{mutation::InsertMessage{sample_message(1, seq, seq % 3 == 0)}};
    if (deletes_earlier(seq)) batch.emplace_back(mutation::DeleteMessage{seq - 5});
    store->wait_durable(store->append(std::move(batch)));
    if (write(ack_fd, &seq, sizeof seq) != sizeof seq) _exit(3);
  }
  _exit(0);
}

}  // namespace

TEST_CASE("acknowledged messages survive kill -9 of the writing process") {
  TempDir dir;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    child_main(dir.path(), fds[1]);
  }
  close(fds[1]);

  std::vector<int64_t> acked;
  bool killed = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    if (!killed && acked.size() >= 1500) {
      kill(child, SIGKILL);  // mid-stream: the child is between commits or inside one
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 1000) < 0 || std::chrono::steady_clock::now() > deadline) break;
    int64_t seq = 0;
    ssize_t n = read(fds[0], &seq, sizeof seq);
    if (n == 0) break;  // the child is gone and the pipe drained
    if (n == static_cast<ssize_t>(sizeof seq)) acked.push_back(seq);
  }
  if (!killed) kill(child, SIGKILL);
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(killed);
  CHECK(WIFSIGNALED(status));
  REQUIRE(acked.size() >= 1500);

  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  INFO(error);
  REQUIRE(store);
  LoadedState state = store->load();
  std::map<int64_t, const MessageRecord*> present;
  for (const auto& m : state.messages) present[m.seq] = &m;
  // The kill can land after a batch committed but before its acknowledgement reached the pipe:
  // that one batch (the step after the last acknowledged) may be in the store, deletes included.
  std::vector<int64_t> committed_steps = acked;
  const int64_t unacknowledged_step = acked.back() + 1;
  if (present.count(unacknowledged_step) != 0) committed_steps.push_back(unacknowledged_step);
  std::set<int64_t> deleted;
  for (int64_t seq : committed_steps) {
    if (deletes_earlier(seq)) deleted.insert(seq - 5);
  }

  int missing = 0;
  int damaged = 0;
  int undeleted = 0;
  for (int64_t seq : acked) {
    auto it = present.find(seq);
    if (deleted.count(seq) != 0) {
      if (it != present.end()) ++undeleted;
      continue;
    }
    if (it == present.end()) {
      ++missing;
    } else if (!same_message(*it->second, sample_message(1, seq, seq % 3 == 0))) {
      ++damaged;
    }
  }
  CHECK(missing == 0);
  CHECK(damaged == 0);
  CHECK(undeleted == 0);
  // Anything beyond the last acknowledgement was at most committed, never half-written.
  CHECK(state.messages.size() >= acked.size() - deleted.size());
  CHECK(state.max_seq >= acked.back());
}
