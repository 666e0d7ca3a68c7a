#pragma once
// The WAL checkpointer: copies the write-ahead log back into the database file on a thread of its
// own, over a second connection, so that no commit waits for it.
//
// Why: a checkpoint reads every frame of the log, writes the pages into the database and syncs
// both files. Run from the committing connection's WAL hook (SQLite's automatic checkpoint does
// that), it made every ~1000th commit, and every answer held for that commit, wait milliseconds
// for it. A second connection to the same file can run the checkpoint while the first one keeps
// appending to the log: SQLite lets a checkpoint and a writer proceed together, and the
// checkpoint copies only the frames committed before it began.
//
// How it is asked: the writer's WAL hook (wal_end.h) passes on, after each commit, how many frames
// the log holds; once `checkpoint_frames` of them are not yet copied the thread wakes and runs a
// PASSIVE checkpoint, which never waits for the writer.
//
// Restarting the log: the writer starts the log again from its beginning (the file stops growing)
// only when a commit begins with every frame already copied. Under a steady stream of commits that
// rarely happens, since commits land while the checkpoint runs. So when the log has grown past
// `restart_frames`, the thread copies the rest with commits held off (`hold_commits`): only the
// frames of the last checkpoint's duration, a short pause once per restart_frames of log.
//
// Durability does not depend on it: a commit is durable once it is in the log (the store's sync
// mode says how: a write() for kill -9, an fsync for power loss), and SQLite replays the log after
// a crash whatever the checkpoint had copied. A checkpoint that fails (a full disk) is retried
// after the next commit.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <thread>

#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"

namespace sluice::sqs::detail {

class Checkpointer {
 public:
  // Runs `copy` with commits held off (the store holds its connection mutex around it).
  using HoldCommits = std::function<void(const std::function<void()>& copy)>;

  // `db` is the second connection (same file, same VFS, the store's sync mode). Starts the thread.
  // Throws sqlite::Error when the connection cannot read the database.
  Checkpointer(common::sqlite::Connection db, int checkpoint_frames, int restart_frames, HoldCommits hold_commits);
  // Stops the thread and closes its connection (before the writer's, which then checkpoints and
  // deletes the log as the last connection to close).
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // The writer's WAL hook, after a commit: the log now holds `frames` frames. Cheap; never waits
  // for a checkpoint.
  void log_grew(int frames) EXCLUDES(mutex_);

  // Checkpoints finished (copied or not), for tests.
  uint64_t checkpoints_run() const EXCLUDES(mutex_);
  // Checkpoints that ran with commits held off to let the log restart, for tests.
  uint64_t restarts_forced() const EXCLUDES(mutex_);

 private:
  void run() EXCLUDES(mutex_);
  bool due() const REQUIRES(mutex_);
  // One PASSIVE checkpoint; the log's size and the frames copied, or false on failure.
  bool checkpoint(int* log_frames, int* copied_frames);

  common::sqlite::Connection db_;  // used by the thread only
  const int checkpoint_frames_;
  const int restart_frames_;
  HoldCommits hold_commits_;
  mutable common::Mutex mutex_;
  std::condition_variable wake_;
  int log_frames_ GUARDED_BY(mutex_) = 0;     // frames in the log after the last commit
  int copied_frames_ GUARDED_BY(mutex_) = 0;  // frames of the current log already in the database
  bool running_ GUARDED_BY(mutex_) = false;   // a checkpoint is in progress
  bool stopping_ GUARDED_BY(mutex_) = false;
  uint64_t checkpoints_ GUARDED_BY(mutex_) = 0;
  uint64_t restarts_forced_ GUARDED_BY(mutex_) = 0;
  std::thread thread_;  // started last, joined first
};

}  // namespace sluice::sqs::detail
