// The delivery journal under a full disk (the process's file size limit, which needs no
// privileges): writes that fail are held in order and retried ahead of the next write, so once
// space returns the journal holds exactly what the runners hold, and ids are never handed out
// twice, across failures and reopens.

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "internal.h"

using sluice::sns::detail::Journal;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    path = (std::filesystem::temp_directory_path() / ("sns-journal-test-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// Lowers the soft file size limit to the largest file of `dir` until lift(): every write that
// would grow one of them fails, as on a full file system. SIGXFSZ is ignored meanwhile so the
// write fails instead of ending the process.
class DiskFull {
 public:
  explicit DiskFull(const std::string& dir) {
    previous_ = signal(SIGXFSZ, SIG_IGN);
    uintmax_t largest = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) largest = std::max(largest, entry.file_size());
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(largest);
    REQUIRE(setrlimit(RLIMIT_FSIZE, &lowered) == 0);
  }
  ~DiskFull() { lift(); }
  DiskFull(const DiskFull&) = delete;
  DiskFull& operator=(const DiskFull&) = delete;
  void lift() {
    if (lifted_) return;
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, previous_);
    lifted_ = true;
  }

 private:
  rlimit saved_{};
  sighandler_t previous_ = SIG_DFL;
  bool lifted_ = false;
};

std::unique_ptr<Journal> open_journal(const TempDir& dir) {
  std::string error;
  auto journal = Journal::open(dir.path + "/sns_deliveries.db", &error);
  REQUIRE_MESSAGE(journal, error);
  return journal;
}

}  // namespace

TEST_CASE("journal writes that fail on a full disk are held and committed, in order, once space returns") {
  TempDir dir;
  auto journal = open_journal(dir);
  const int64_t first = journal->insert("http", "first");
  const int64_t second = journal->insert("http", "second");
  CHECK_FALSE(journal->failing());

  DiskFull full(dir.path);
  // Large enough that the WAL must grow past the limit.
  const int64_t third = journal->insert("http", std::string(64 * 1024, 't'));
  CHECK(third > second);
  CHECK(journal->failing());
  journal->erase(first);
  journal->set_attempts(third, 2);
  CHECK(journal->failing());
  {
    auto rows = journal->load("http");  // reads go on: only what was committed
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == first);
  }
  full.lift();

  journal->set_attempts(second, 5);  // the next write carries the held ones before it
  CHECK_FALSE(journal->failing());
  auto rows = journal->load("http");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].id == second);
  CHECK(rows[0].attempts == 5);
  CHECK(rows[1].id == third);
  CHECK(rows[1].attempts == 2);
  CHECK(rows[1].delivery.size() == 64 * 1024);

  journal.reset();
  auto reopened = open_journal(dir);
  CHECK(reopened->load("http").size() == 2);
  CHECK(reopened->insert("http", "fourth") > third);  // ids are never handed out twice
}

TEST_CASE("the HTTP and Lambda journals on one file never hand out the same id") {
  TempDir dir;
  auto http = open_journal(dir);
  auto lambda = open_journal(dir);
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(http->insert("http", "h" + std::to_string(i)));
    ids.push_back(lambda->insert("lambda", "l" + std::to_string(i)));
  }
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  CHECK_FALSE(http->failing());
  CHECK_FALSE(lambda->failing());
  CHECK(http->load("http").size() == 5);
  CHECK(lambda->load("lambda").size() == 5);
}

TEST_CASE("an HTTP sink stops accepting while its journal holds writes, and accepts again once one gets through") {
  TempDir dir;
  sluice::sns::HttpDeliveryOptions options;
  options.data_dir = dir.path;
  options.request_timeout_ms = 1000;
  std::string error;
  auto sink = sluice::sns::HttpDelivery::open(options, &error);
  REQUIRE_MESSAGE(sink, error);
  sluice::sns::Delivery delivery;
  delivery.type = "Notification";
  delivery.protocol = "http";
  delivery.endpoint = "http://127.0.0.1:9/";       // loopback only; nothing listens there
  delivery.message = std::string(64 * 1024, 'm');  // the journal's WAL must grow to hold it
  CHECK(sink->accepting());

  DiskFull full(dir.path);
  sink->deliver(delivery);
  CHECK_FALSE(sink->accepting());
  full.lift();
  delivery.message = "after";
  sink->deliver(delivery);
  CHECK(sink->accepting());
}
