// A full disk under the SQLite store. The disk is made full with the process's file size limit
// (RLIMIT_FSIZE, which needs no privileges; the store ignores SIGXFSZ): every write that would
// grow a file past it fails, as on a file system without free space. A commit then fails with
// StoreFailure marked disk_full, is rolled back whole, and is retried by the next commit; once the
// limit is lifted that retry stores everything, in order, including the store's own bookkeeping
// (id high-water marks, which rows belong to which queue).

#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

// Lowers the soft file size limit for its lifetime.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    rlimit lowered = saved_;
    lowered.rlim_cur = bytes;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &lowered) == 0);
  }
  ~FileSizeLimit() { lift(); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  void lift() {
    if (!lifted_) setrlimit(RLIMIT_FSIZE, &saved_);
    lifted_ = true;
  }

 private:
  rlimit saved_{};
  bool lifted_ = false;
};

uintmax_t size_or_zero(const std::string& path) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

TEST_CASE("a commit on a full disk fails as disk full, and the next one after space returns stores it all") {
  TempDir dir;
  constexpr int64_t kFar = 200000;  // past the first reserved block of seqs: rewrites the mark
  {
    std::string error;
    auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
    REQUIRE_MESSAGE(store, error);
    store->load();
    std::vector<Mutation> initial{mutation::PutQueue{sample_queue(1)}};
    for (int64_t seq = 1; seq <= 20; ++seq) initial.emplace_back(mutation::InsertMessage{sample_message(1, seq)});
    store->wait_durable(store->append(std::move(initial)));
    REQUIRE(store->commit_stats().has_value());
    CHECK(store->commit_stats()->duration.count() == 1);
    CHECK(store->commit_stats()->mutations == 21);
    CHECK(store->commit_stats()->failures == 0);

    MessageRecord large = sample_message(1, kFar);
    large.body.assign(256 * 1024, 'x');
    uint64_t failed_ticket = 0;
    {
      FileSizeLimit full(std::max(size_or_zero(dir.file("sluice.db")), size_or_zero(dir.file("sluice.db-wal"))));
      failed_ticket = store->append(std::vector<Mutation>{mutation::InsertMessage{large}, mutation::DeleteMessage{1}});
      bool disk_full = false;
      try {
        store->wait_durable(failed_ticket);
      } catch (const StoreFailure& e) {
        disk_full = e.disk_full();
        CHECK(std::string(e.what()).find("the disk is full") != std::string::npos);
      }
      CHECK(disk_full);
      CHECK(store->failing());
      // Still full: the purge is retried together with the failed insert, and fails with it.
      CHECK_THROWS_AS(store->wait_durable(store->append(mutation::PurgeQueue{1})), StoreFailure);
      full.lift();
    }
    // Space is back: one commit stores the failed insert and delete, the purge (which must find
    // the rows of both attempts) and the new message.
    uint64_t after = store->append(mutation::InsertMessage{sample_message(1, kFar + 1)});
    store->wait_durable(after);
    CHECK_FALSE(store->failing());
    store->wait_durable(failed_ticket);  // covered by the retry
    // Two attempts failed; the retry that got through carried all four held changes.
    const StoreCommitStats stats = *store->commit_stats();
    CHECK(stats.failures == 2);
    CHECK(stats.duration.count() == 2);
    CHECK(stats.mutations == 21 + 4);
    CHECK(stats.duration.sum_ns > 0);
  }
  std::string error;
  auto reopened = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(reopened, error);
  LoadedState state = reopened->load();
  REQUIRE(state.messages.size() == 1);
  CHECK(state.messages[0].seq == kFar + 1);
  // The high-water mark raised inside the failed attempt was written by the retry: no seq used
  // before the restart can be handed out again.
  CHECK(state.max_seq >= kFar + (1 << 16));
}

TEST_CASE("with the disk still full, the store keeps failing without losing the held changes") {
  TempDir dir;
  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(store, error);
  store->load();
  store->wait_durable(store->append(mutation::PutQueue{sample_queue(1)}));
  MessageRecord large = sample_message(1, 1);
  large.body.assign(256 * 1024, 'y');
  {
    FileSizeLimit full(std::max(size_or_zero(dir.file("sluice.db")), size_or_zero(dir.file("sluice.db-wal"))));
    uint64_t ticket = store->append(mutation::InsertMessage{large});
    for (int attempt = 0; attempt < 3; ++attempt) CHECK_THROWS_AS(store->wait_durable(ticket), StoreFailure);
  }
  store.reset();  // closing commits what is held, now that there is room
  auto reopened = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(reopened, error);
  LoadedState state = reopened->load();
  REQUIRE(state.messages.size() == 1);
  CHECK(state.messages[0].body == large.body);
}
