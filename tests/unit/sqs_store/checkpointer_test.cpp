// The WAL checkpointer (store/checkpointer.h): the log is copied into the database by its own
// thread and connection while the writer keeps committing, a log that keeps growing under a steady
// stream of commits is restarted, and the file stays the process's own.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/checkpointer.h"
#include "store/sqlite_store.h"
#include "store_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::detail;
using namespace sluice::sqs::detail::testing;

namespace {

constexpr auto kDeadline = std::chrono::seconds(60);  // generous: the machine may be loaded

uintmax_t size_or_zero(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// A writer connection whose WAL hook reports to a Checkpointer, as the store's does.
struct Writer {
  common::sqlite::Connection db;
  Checkpointer* checkpointer = nullptr;
  int last_frames = 0;

  explicit Writer(const std::string& path) : db(open_store_connection(path, true)) {
    db.exec("PRAGMA journal_mode = WAL");
    apply_connection_settings(db, SyncMode::Normal);
    db.exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)");
    sqlite3_wal_hook(db.get(), &Writer::hook, this);
  }
  static int hook(void* self, sqlite3*, const char*, int frames) {
    auto* w = static_cast<Writer*>(self);
    w->last_frames = frames;
    if (w->checkpointer != nullptr) w->checkpointer->log_grew(frames);
    return SQLITE_OK;
  }
  // One commit of a row that fills most of a page: a frame or two of log per commit.
  void commit(int64_t key) {
    common::sqlite::Statement insert(db.get(), "INSERT OR REPLACE INTO t(k, v) VALUES(?, zeroblob(3000))");
    insert.bind(1, key).run();
  }
};

}  // namespace

TEST_CASE("the checkpointer copies the log into the database on its own thread") {
  TempDir dir;
  const std::string path = dir.file("sluice.db");
  Writer writer(path);
  std::atomic<int> holds{0};
  Checkpointer checkpointer(open_store_connection(path, false), 100, 1'000'000,
                            [&holds](const std::function<void()>& copy) {
                              ++holds;
                              copy();
                            });
  writer.checkpointer = &checkpointer;
  const uintmax_t before = size_or_zero(path);
  for (int64_t key = 1; key <= 300; ++key) writer.commit(key);
  // Each row fills a page of its own, and each commit appends about three frames (the row's page
  // and the pages above it): the checkpoints leave fewer than 100 frames, about 34 rows, uncopied.
  const uintmax_t expected = before + 200 * 4096;
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (size_or_zero(path) < expected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(checkpointer.checkpoints_run() >= 1);
  CHECK(size_or_zero(path) >= expected);  // the pages reached the database file
  CHECK(holds.load() == 0);               // without ever holding commits off
}

TEST_CASE("a log that keeps growing under steady commits is restarted with commits held off") {
  TempDir dir;
  const std::string path = dir.file("sluice.db");
  Writer writer(path);
  common::Mutex commit_mu;  // what the store's connection mutex is to its commits
  std::atomic<int> holds{0};
  Checkpointer checkpointer(open_store_connection(path, false), 20, 200, [&](const std::function<void()>& copy) {
    common::MutexLock lock(commit_mu);
    ++holds;
    copy();
  });
  writer.checkpointer = &checkpointer;
  // Commits without a pause, so they land while checkpoints run, until a restart was forced.
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  int64_t key = 0;
  int largest_log = 0;
  while (checkpointer.restarts_forced() == 0 && std::chrono::steady_clock::now() < deadline) {
    common::MutexLock lock(commit_mu);
    writer.commit(++key % 500);
    largest_log = std::max(largest_log, writer.last_frames);
  }
  REQUIRE(checkpointer.restarts_forced() >= 1);
  CHECK(holds.load() >= 1);
  // After the forced step everything was copied: the log starts again from its beginning.
  {
    common::MutexLock lock(commit_mu);
    writer.commit(++key % 500);
  }
  CHECK(writer.last_frames < 200);
  CHECK(largest_log >= 200);
}

TEST_CASE("a store's file stays locked against other processes while its connections share it") {
  TempDir dir;
  std::string error;
  auto store = open_sqlite_store(dir.path(), SyncMode::Normal, &error);
  REQUIRE_MESSAGE(store, error);
  store->load();
  store->wait_durable(store->append(mutation::PutQueue{sample_queue(1)}));
  const std::string path = dir.file("sluice.db");
  // Another process asks the kernel (not SQLite, whose state the fork copied) whether any lock on
  // the file would stand in its way, and whose it is.
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int fd = ::open(path.c_str(), O_RDONLY);
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    const bool held =
        fd >= 0 && ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK && probe.l_pid == ::getppid();
    _exit(held ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // A second store of this process is refused too, and the open one still commits.
  CHECK_FALSE(open_sqlite_store(dir.path(), SyncMode::Normal, &error));
  CHECK(error.find(path + " is in use by another process") == 0);
  store->wait_durable(store->append(mutation::InsertMessage{sample_message(1, 1)}));
  CHECK_FALSE(store->failing());
}
