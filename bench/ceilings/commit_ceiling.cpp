// commit-ceiling: how many commits per second SQLite's WAL allows on this machine with the SQS
// store's own settings (store/sqlite_store.h: the store's VFS and apply_connection_settings, and
// its checkpointer copying the log on a second connection and thread, store/checkpointer.h),
// committing from one thread for a fixed time per case. The durable figures (http-cycle with a data
// directory, engine-cycle durable) are judged against it: a durable message costs at least its
// share of a commit.
//
// Cases, each printed as commits_per_second and cpu_us_per_commit (CPU time of the process, its
// checkpointer included, per commit: steadier than the rate when other work shares the machine):
//   empty      BEGIN IMMEDIATE; COMMIT with nothing written: the locking round trip alone (SQLite
//              appends no frame for it).
//   one_frame  the smallest commit that writes: one row of one page updated, one frame appended to
//              the log with a write() (synchronous=NORMAL). Survives kill -9, not power loss:
//              this is the ceiling of the store's default mode.
//   one_frame_fsync  the same with synchronous=FULL, an fsync of the log per commit: the ceiling
//              of the power-loss mode (`sluice up --durability power-loss`).
// The empty case never grows the log; the others append a frame per commit, which the checkpointer
// copies back every kCheckpointFrames frames, as in the store.
//
//   bench_commit_ceiling [--seconds S]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>

#include <time.h>
#include <unistd.h>

#include "store/checkpointer.h"
#include "store/sqlite_store.h"

using namespace sluice;
using namespace sluice::sqs::detail;
using SteadyClock = std::chrono::steady_clock;

namespace {

void figure(const char* name, const char* mode, double value, const char* unit, double seconds) {
  std::printf(
      "{\"bench\":\"commit-ceiling\",\"figure\":\"%s\",\"case\":\"%s\",\"value\":%.2f,\"unit\":\"%s\","
      "\"seconds\":%.1f}\n",
      name, mode, value, unit, seconds);
  std::fflush(stdout);
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct CaseResult {
  double commits_per_second = 0;
  double cpu_us_per_commit = 0;  // the whole process, the checkpointer's thread included
};

// Commits for `seconds`.
CaseResult run_case(const std::string& path, sqs::SyncMode sync, bool write_frame, double seconds) {
  common::sqlite::Connection db = open_store_connection(path, true);
  db.exec("PRAGMA journal_mode = WAL");
  apply_connection_settings(db, sync);
  db.exec("CREATE TABLE IF NOT EXISTS one(k INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
  db.exec("INSERT OR REPLACE INTO one(k, v) VALUES(1, 0)");
  // The store's WAL hook hands the log's size to its checkpointer; commits run under the mutex the
  // checkpointer holds for its restart step, as the store's run under its connection mutex.
  common::Mutex commit_mu;
  common::sqlite::Connection checkpoint_db = open_store_connection(path, false);
  apply_connection_settings(checkpoint_db, sync);
  Checkpointer checkpointer(std::move(checkpoint_db), kCheckpointFrames, kRestartFrames,
                            [&commit_mu](const std::function<void()>& copy) {
                              common::MutexLock lock(commit_mu);
                              copy();
                            });
  sqlite3_wal_hook(
      db.get(),
      [](void* target, sqlite3*, const char*, int frames) {
        static_cast<Checkpointer*>(target)->log_grew(frames);
        return SQLITE_OK;
      },
      &checkpointer);
  common::sqlite::Statement begin(db.get(), "BEGIN IMMEDIATE");
  common::sqlite::Statement commit(db.get(), "COMMIT");
  common::sqlite::Statement bump(db.get(), "UPDATE one SET v = v + 1 WHERE k = 1");
  const auto end = SteadyClock::now() + std::chrono::duration<double>(seconds);
  int64_t commits = 0;
  const double cpu_start = process_cpu_seconds();
  const auto start = SteadyClock::now();
  auto now = start;
  while (now < end) {
    for (int i = 0; i < 64; ++i) {  // the clock is read once per 64 commits
      common::MutexLock lock(commit_mu);
      begin.run();
      if (write_frame) bump.run();
      commit.run();
    }
    commits += 64;
    now = SteadyClock::now();
  }
  sqlite3_wal_hook(db.get(), nullptr, nullptr);
  CaseResult result;
  result.commits_per_second = static_cast<double>(commits) / std::chrono::duration<double>(now - start).count();
  result.cpu_us_per_commit = (process_cpu_seconds() - cpu_start) * 1e6 / static_cast<double>(commits);
  return result;
}

void report(const char* mode, const CaseResult& r, double seconds) {
  figure("commits_per_second", mode, r.commits_per_second, "commit/s", seconds);
  figure("cpu_us_per_commit", mode, r.cpu_us_per_commit, "us", seconds);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--seconds") seconds = std::atof(argv[i + 1]);
  }
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("sluice-commit-ceiling-" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  try {  // a file of its own per case
    report("empty", run_case(dir + "/empty.db", sqs::SyncMode::Normal, false, seconds), seconds);
    report("one_frame", run_case(dir + "/one_frame.db", sqs::SyncMode::Normal, true, seconds), seconds);
    report("one_frame_fsync", run_case(dir + "/one_frame_fsync.db", sqs::SyncMode::PowerLoss, true, seconds), seconds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "commit-ceiling: %s\n", e.what());
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
