// See checkpointer.h. The log's frame count comes from the writer's WAL hook; after a restart of
// the log the count falls below what was copied, which is how a restart is noticed (nothing of the
// new log is copied yet).

#include "store/checkpointer.h"

#include <utility>

namespace sluice::sqs::detail {

Checkpointer::Checkpointer(common::sqlite::Connection db, int checkpoint_frames, int restart_frames,
                           HoldCommits hold_commits)
    : db_(std::move(db)),
      checkpoint_frames_(checkpoint_frames),
      restart_frames_(restart_frames),
      hold_commits_(std::move(hold_commits)) {
  // A connection that has not read the database yet has not opened the log either, and SQLite
  // (before 3.41) then checkpoints nothing, without an error: read the schema once.
  db_.exec("SELECT count(*) FROM sqlite_master");
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    common::MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::log_grew(int frames) {
  bool wake = false;
  {
    common::MutexLock lock(mutex_);
    if (frames < log_frames_ || frames < copied_frames_) copied_frames_ = 0;  // the log restarted
    log_frames_ = frames;
    wake = !running_ && due();
  }
  if (wake) wake_.notify_one();
}

bool Checkpointer::due() const { return log_frames_ - copied_frames_ >= checkpoint_frames_; }

uint64_t Checkpointer::checkpoints_run() const {
  common::MutexLock lock(mutex_);
  return checkpoints_;
}

uint64_t Checkpointer::restarts_forced() const {
  common::MutexLock lock(mutex_);
  return restarts_forced_;
}

bool Checkpointer::checkpoint(int* log_frames, int* copied_frames) {
  *log_frames = 0;
  *copied_frames = 0;
  return sqlite3_wal_checkpoint_v2(db_.get(), "main", SQLITE_CHECKPOINT_PASSIVE, log_frames, copied_frames) ==
             SQLITE_OK &&
         *log_frames >= 0;  // -1: the connection is not in WAL mode, nothing was copied
}

void Checkpointer::run() {
  common::MutexLock lock(mutex_);
  for (;;) {
    while (!stopping_ && !due()) mutex_.wait(wake_);
    if (stopping_) return;
    running_ = true;
    lock.unlock();
    int log = 0, copied = 0;
    bool ok = checkpoint(&log, &copied);
    bool forced = false;
    if (ok && log >= restart_frames_ && copied < log) {
      // Commits kept landing during the checkpoint, so the log would go on growing: copy what is
      // left while no commit runs, and the next commit starts the log from its beginning.
      hold_commits_([&] { ok = checkpoint(&log, &copied); });
      forced = true;
    }
    lock.lock();
    running_ = false;
    ++checkpoints_;
    if (forced) ++restarts_forced_;
    // A failed checkpoint copied nothing that counts; the next commit asks again.
    if (ok && log >= copied_frames_ && log <= log_frames_) copied_frames_ = copied;
    if (!ok) {
      copied_frames_ = 0;
      log_frames_ = 0;
    }
  }
}

}  // namespace sluice::sqs::detail
