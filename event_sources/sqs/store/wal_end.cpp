// See wal_end.h. The mark's 16 bytes: the log header's two salts as they are on disk (8 bytes),
// then the number of frames, big-endian (8 bytes). A WAL file starts with a 32-byte header (magic,
// format, page size, checkpoint sequence, salt-1, salt-2, checksums, all big-endian) followed by
// frames of a 24-byte frame header and one page each.

#include "store/wal_end.h"

#include "store/checkpointer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <utility>

namespace sluice::sqs::detail {
namespace {

constexpr size_t kWalHeaderBytes = 32;
constexpr size_t kFrameHeaderBytes = 24;
constexpr size_t kSaltOffset = 16;
constexpr size_t kSaltBytes = 8;
constexpr size_t kMarkBytes = 16;

uint64_t read_big_endian(const unsigned char* bytes, size_t count) {
  uint64_t value = 0;
  for (size_t i = 0; i < count; ++i) value = (value << 8) | bytes[i];
  return value;
}

// Reads exactly `size` bytes at `offset`; false when the file is shorter or unreadable.
bool read_exactly(int fd, unsigned char* out, size_t size, off_t offset) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, offset + static_cast<off_t>(done));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The whole file when it is exactly kMarkBytes long.
std::optional<std::array<unsigned char, kMarkBytes>> read_mark(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::array<unsigned char, kMarkBytes> mark{};
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && st.st_size == static_cast<off_t>(kMarkBytes) &&
            read_exactly(fd, mark.data(), mark.size(), 0);
  ::close(fd);
  if (!ok) return std::nullopt;
  return mark;
}

}  // namespace

WalEndMark::WalEndMark(std::string wal_path, std::string mark_path, int checkpoint_frames)
    : wal_path_(std::move(wal_path)), mark_path_(std::move(mark_path)), checkpoint_frames_(checkpoint_frames) {}

WalEndMark::~WalEndMark() {
  if (wal_fd_ >= 0) ::close(wal_fd_);
  if (mark_fd_ >= 0) ::close(mark_fd_);
}

void WalEndMark::attach(sqlite3* db) { sqlite3_wal_hook(db, &WalEndMark::on_commit, this); }

int WalEndMark::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* mark = static_cast<WalEndMark*>(self);
  mark->record(db, frames);
  if (Checkpointer* checkpointer = mark->checkpointer_.load()) {
    checkpointer->log_grew(frames);  // copied on the checkpointer's thread (checkpointer.h)
    return SQLITE_OK;
  }
  // What SQLite's own automatic checkpoint does, which a WAL hook of our own replaces. A failed
  // checkpoint is retried after the next commit; it never fails the commit that ran it.
  if (frames >= mark->checkpoint_frames_)
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return SQLITE_OK;
}

void WalEndMark::record(sqlite3* db, int frames) {
  // The WAL file exists from the first commit until the last connection closes (SQLite deletes it
  // then, and only then), so one descriptor serves the whole session.
  if (wal_fd_ < 0) wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (mark_fd_ < 0) mark_fd_ = ::open(mark_path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (wal_fd_ < 0 || mark_fd_ < 0) return;
  int pages_written = 0;
  int highest = 0;
  const bool counted = sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &pages_written, &highest, 0) == SQLITE_OK;
  const int64_t appended = static_cast<int64_t>(pages_written) - last_pages_written_;
  const bool same_log = counted && salt_known_ && last_frames_ > 0 &&
                        static_cast<int64_t>(frames) == static_cast<int64_t>(last_frames_) + appended;
  last_frames_ = frames;
  last_pages_written_ = pages_written;
  if (!same_log) {
    salt_known_ = read_exactly(wal_fd_, salt_, kSaltBytes, static_cast<off_t>(kSaltOffset));
    if (!salt_known_) return;
  }
  std::array<unsigned char, kMarkBytes> mark{};
  std::memcpy(mark.data(), salt_, kSaltBytes);
  const auto count = static_cast<uint64_t>(frames);
  for (size_t i = 0; i < 8; ++i) mark[kSaltBytes + i] = static_cast<unsigned char>(count >> (56 - 8 * i));
  if (::pwrite(mark_fd_, mark.data(), mark.size(), 0) != static_cast<ssize_t>(mark.size())) {
    // A mark that cannot be written (no space for the file's first bytes) must not keep an older
    // one that may no longer hold: an empty mark checks nothing.
    if (::ftruncate(mark_fd_, 0) != 0) return;
  }
}

std::optional<std::string> find_truncated_wal(const std::string& wal_path, const std::string& mark_path) {
  auto mark = read_mark(mark_path);
  if (!mark) return std::nullopt;
  const uint64_t frames = read_big_endian(mark->data() + kSaltBytes, 8);
  if (frames == 0) return std::nullopt;
  int fd = ::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::array<unsigned char, kWalHeaderBytes> header{};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  const bool has_header = stat_ok && read_exactly(fd, header.data(), header.size(), 0);
  ::close(fd);
  if (!stat_ok) return std::nullopt;
  const auto size = static_cast<uint64_t>(st.st_size);
  const std::string held = "the last commit left " + std::to_string(frames) + " frame(s) in it";
  if (!has_header)
    return wal_path + " has been cut short (" + std::to_string(size) + " bytes, not even its header, but " + held + ")";
  // A different salt: the log restarted after the mark was last written (a commit whose mark the
  // process did not live to write), so the mark says nothing about this log.
  if (std::memcmp(header.data() + kSaltOffset, mark->data(), kSaltBytes) != 0) return std::nullopt;
  uint64_t page_size = read_big_endian(header.data() + 8, 4);
  if (page_size == 1) page_size = 65536;  // how SQLite writes the largest page size
  const uint64_t needed = kWalHeaderBytes + frames * (kFrameHeaderBytes + page_size);
  if (size >= needed) return std::nullopt;
  return wal_path + " has been cut short (" + std::to_string(size) + " bytes, but " + held + ", " +
         std::to_string(needed) + " bytes)";
}

}  // namespace sluice::sqs::detail
