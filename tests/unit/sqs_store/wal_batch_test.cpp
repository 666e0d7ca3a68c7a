// The store's log writes (wal_batch_vfs.h): a commit reaches the WAL file in one write() call per
// 64 KiB instead of two per page, and is in the file when the commit returns. The
// write calls are counted through SQLite's own system-call table, which the unix VFSes share.

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "store_test_support.h"

using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

using Pwrite64 = ssize_t (*)(int, const void*, size_t, off_t);

std::atomic<int> wal_writes{0};
sqlite3_syscall_ptr real_pwrite64 = nullptr;

bool is_wal_file(int fd) {
  char target[PATH_MAX];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = readlink(link.c_str(), target, sizeof target);
  return n > 0 && std::string_view(target, static_cast<size_t>(n)).ends_with("-wal");
}

ssize_t counting_pwrite64(int fd, const void* data, size_t size, off_t offset) {
  if (is_wal_file(fd)) ++wal_writes;
  return reinterpret_cast<Pwrite64>(real_pwrite64)(fd, data, size, offset);
}

// Counts the WAL writes of every unix VFS while it lives.
class CountWalWrites {
 public:
  CountWalWrites() : vfs_(sqlite3_vfs_find("unix-excl")) {
    REQUIRE(vfs_ != nullptr);
    real_pwrite64 = vfs_->xGetSystemCall(vfs_, "pwrite64");
    const bool found = real_pwrite64 != nullptr;
    REQUIRE(found);
    wal_writes = 0;
    REQUIRE(vfs_->xSetSystemCall(vfs_, "pwrite64", reinterpret_cast<sqlite3_syscall_ptr>(counting_pwrite64)) ==
            SQLITE_OK);
  }
  ~CountWalWrites() { vfs_->xSetSystemCall(vfs_, "pwrite64", nullptr); }  // back to the default
  CountWalWrites(const CountWalWrites&) = delete;
  CountWalWrites& operator=(const CountWalWrites&) = delete;
  int writes() const { return wal_writes.load(); }

 private:
  sqlite3_vfs* vfs_;
};

}  // namespace

// Messages of 1,500 bytes each, sealed every other one (as SSE queues' are).
std::vector<Mutation> inserts(int64_t first_seq, int count) {
  std::vector<Mutation> batch;
  for (int64_t seq = first_seq; seq < first_seq + count; ++seq) {
    MessageRecord m = sample_message(1, seq, seq % 2 == 0);
    m.body.assign(1500, 'x');
    batch.emplace_back(mutation::InsertMessage{std::move(m)});
  }
  return batch;
}

TEST_CASE("a commit reaches the log in writes of up to 64 KiB, not two per page, complete when it returns") {
  TempDir dir;
  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(store, error);
  store->load();
  store->wait_durable(store->append(mutation::PutQueue{sample_queue(1)}));
  const std::string wal = dir.file("sluice.db-wal");

  // A write carries at most 64 KiB (the unix VFS writes at most 128 KiB per call): 15 frames of a
  // 24-byte header and a 4 KiB page. Unbatched, SQLite makes two writes per frame.
  constexpr uint64_t kFramesPerWrite = 15 * (24 + 4096);

  // 18 KB of rows, and the pages a first insert into a queue's range changes: all in the file by
  // now (what kill -9 leaves is what the file holds), in as few writes as the pieces allow.
  auto before = std::filesystem::file_size(wal);
  int writes = 0;
  {
    CountWalWrites count;
    store->wait_durable(store->append(inserts(1, 12)));
    writes = count.writes();
  }
  const auto first_grown = std::filesystem::file_size(wal) - before;
  CHECK(first_grown >= 4 * (24 + 4096));
  CHECK_MESSAGE(writes <= static_cast<int>(first_grown / kFramesPerWrite) + 1, "the log grew by " << first_grown);

  // 150 KB: more than one write may carry (the unix VFS writes at most 128 KiB per call), so a few
  // writes of at most 64 KiB, and every row is stored.
  before = std::filesystem::file_size(wal);
  {
    CountWalWrites count;
    store->wait_durable(store->append(inserts(13, 100)));
    writes = count.writes();
  }
  const auto grown = std::filesystem::file_size(wal) - before;
  CHECK(grown >= 36 * (24 + 4096));
  CHECK(writes >= 3);
  CHECK_MESSAGE(writes <= static_cast<int>(grown / kFramesPerWrite) + 1, "the log grew by " << grown);

  // And the store reads back what it wrote.
  store.reset();
  auto reopened = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(reopened, error);
  LoadedState state = reopened->load();
  REQUIRE(state.messages.size() == 112);
  CHECK(state.messages.back().body == std::string(1500, 'x'));
}
