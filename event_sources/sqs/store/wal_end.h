#pragma once
// The WAL's end mark: a 16-byte file beside the database (sluice.wal-end) that says how far the
// write-ahead log reached after the last commit, so that a WAL cut short between two runs is seen.
//
// SQLite reads a WAL frame by frame and stops, silently, at the first frame that is missing or
// does not check out; a truncated WAL therefore opens as an older store, without a word. After
// each commit SQLite tells its WAL hook how many frames the log holds; the mark records that count
// with the salt of the log's header (which changes each time the log restarts from its beginning
// after a checkpoint). At the next start, a log whose header carries the same salt but whose file
// is shorter than that many frames has lost committed frames.
//
// The mark is written with one pwrite() per commit (no fsync: like the WAL itself in the Normal
// sync mode, it must survive the process being killed, which a write does). The salt is read from
// the log's header only when the log may have restarted: a commit that appended exactly the pages
// it wrote (SQLite's count of pages written, SQLITE_DBSTATUS_CACHE_WRITE) to the frames the last
// commit left went on in the same log, so the salt kept from before still holds; anything else
// (a restart, which starts the count again from this commit's pages) reads it again. It can only lag the
// log: a process killed between a commit and its mark leaves the previous mark, smaller or of an
// older salt, which never makes a whole log look short. A missing or unreadable mark means there
// is nothing to check against.

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace sluice::sqs::detail {

inline constexpr const char* kWalEndFileName = "sluice.wal-end";

class Checkpointer;

// Keeps the mark up to date for one connection: attach() installs the connection's WAL hook
// (which replaces SQLite's automatic checkpoint, so the hook checkpoints the same way, after
// `checkpoint_frames` frames, until a Checkpointer takes that over). The object must outlive the
// connection's last commit.
class WalEndMark {
 public:
  WalEndMark(std::string wal_path, std::string mark_path, int checkpoint_frames);
  ~WalEndMark();
  WalEndMark(const WalEndMark&) = delete;
  WalEndMark& operator=(const WalEndMark&) = delete;

  void attach(sqlite3* db);
  // From now on the hook tells `checkpointer` how large the log is instead of checkpointing on
  // the committing thread (null: back to checkpointing inline). Set before commits run.
  void hand_checkpoints_to(Checkpointer* checkpointer) { checkpointer_.store(checkpointer); }

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  void record(sqlite3* db, int frames);

  std::string wal_path_;
  std::string mark_path_;
  int checkpoint_frames_;
  std::atomic<Checkpointer*> checkpointer_{nullptr};
  int wal_fd_ = -1;
  int mark_fd_ = -1;
  // Kept between commits (only the committing thread calls the hook): the salt last read, the
  // frame count the last commit left, and SQLite's count of pages written at that point.
  unsigned char salt_[8] = {};
  bool salt_known_ = false;
  int last_frames_ = 0;
  int last_pages_written_ = 0;
};

// Compares the WAL at `wal_path` with the mark at `mark_path` before SQLite opens it. A sentence
// saying how much of the log is missing when it is shorter than the mark says it was; nullopt
// when it is whole, or when there is no mark or no WAL (a lost WAL is the store marker's case).
std::optional<std::string> find_truncated_wal(const std::string& wal_path, const std::string& mark_path);

}  // namespace sluice::sqs::detail
