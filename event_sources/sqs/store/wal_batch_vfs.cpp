// See wal_batch_vfs.h. A shim VFS: every file is opened by the underlying VFS into memory that
// follows our own file object, and our methods forward to it; only WAL files carry a buffer.

#include "store/wal_batch_vfs.h"

#include <sqlite3.h>

#include <cstddef>
#include <new>
#include <vector>

namespace sluice::sqs::detail {
namespace {

constexpr const char* kUnderlyingVfs = "unix-excl";
constexpr const char* kName = "sluice-wal-batch";
constexpr int kWalHeaderBytes = 32;
constexpr int kWalFrameHeaderBytes = 24;
// What one write may carry: the unix VFS writes at most 128 KiB per call (it keeps 17 bits of the
// length), so a larger commit goes out in pieces of at most 64 KiB, one page more than that never.
constexpr size_t kMaxWriteBytes = size_t{64} << 10;

sqlite3_vfs* underlying = nullptr;  // set once, before the VFS is registered

struct BatchFile {
  sqlite3_file base;  // first: SQLite sees a BatchFile as an sqlite3_file
  sqlite3_file* real = nullptr;
  bool wal = false;
  bool frame_open = false;         // the last write gathered was a frame's header
  bool commit_frame_open = false;  // ... and that frame ends a commit
  sqlite3_int64 offset = 0;        // where buffer[0] goes in the file
  std::vector<char> buffer;

  const sqlite3_io_methods& io() const { return *real->pMethods; }
};

static_assert(alignof(BatchFile) >= alignof(sqlite3_int64), "the underlying file follows a BatchFile");

BatchFile& self(sqlite3_file* file) { return *reinterpret_cast<BatchFile*>(file); }

// Sends what is gathered, keeping track of the frame being written.
int send_gathered(BatchFile& f) {
  if (f.buffer.empty()) return SQLITE_OK;
  const int rc = f.io().xWrite(f.real, f.buffer.data(), static_cast<int>(f.buffer.size()), f.offset);
  f.buffer.clear();  // written or failed: SQLite handles a failure as it would its own write's
  return rc;
}

// Sends what is gathered before the file is used otherwise: what follows is no longer a frame.
int flush(BatchFile& f) {
  f.frame_open = false;
  f.commit_frame_open = false;
  return send_gathered(f);
}

// A frame header's bytes 4..7 are the database size in pages after a commit, 0 in other frames.
bool is_commit_frame_header(const void* data) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

// Only the shapes SQLite writes a log in are gathered: its 32-byte header at the start of the
// file, a frame's 24-byte header, and the page that follows a frame header. Any other write
// (SQLite writing differently one day) first sends what is gathered and then goes to the file
// at once, so a change in SQLite can cost the gain but never leave a commit in the buffer.
int file_write(sqlite3_file* file, const void* data, int size, sqlite3_int64 offset) {
  BatchFile& f = self(file);
  if (!f.wal) return f.io().xWrite(f.real, data, size, offset);
  const bool log_header = offset == 0 && size == kWalHeaderBytes;
  const bool frame_header = size == kWalFrameHeaderBytes;
  const bool frame_page = f.frame_open && !frame_header && !log_header;
  const bool contiguous = f.buffer.empty() || offset == f.offset + static_cast<sqlite3_int64>(f.buffer.size());
  if (!contiguous || !(log_header || frame_header || frame_page)) {
    f.frame_open = false;
    f.commit_frame_open = false;
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    if (!(log_header || frame_header)) return f.io().xWrite(f.real, data, size, offset);
  }
  if (f.buffer.size() + static_cast<size_t>(size) > kMaxWriteBytes) {
    if (const int rc = send_gathered(f); rc != SQLITE_OK) return rc;
  }
  if (f.buffer.empty()) f.offset = offset;
  const auto* bytes = static_cast<const char*>(data);
  f.buffer.insert(f.buffer.end(), bytes, bytes + size);
  const bool commit_done = frame_page && f.commit_frame_open;
  f.frame_open = frame_header;
  f.commit_frame_open = frame_header && is_commit_frame_header(data);
  if (commit_done) return send_gathered(f);
  return SQLITE_OK;
}

int file_close(sqlite3_file* file) {
  BatchFile& f = self(file);
  const int flushed = flush(f);
  const int closed = f.io().xClose(f.real);
  f.~BatchFile();
  return flushed != SQLITE_OK ? flushed : closed;
}

int file_read(sqlite3_file* file, void* out, int size, sqlite3_int64 offset) {
  BatchFile& f = self(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f.io().xRead(f.real, out, size, offset);
}

int file_truncate(sqlite3_file* file, sqlite3_int64 size) {
  BatchFile& f = self(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f.io().xTruncate(f.real, size);
}

int file_sync(sqlite3_file* file, int flags) {
  BatchFile& f = self(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f.io().xSync(f.real, flags);
}

int file_size(sqlite3_file* file, sqlite3_int64* size) {
  BatchFile& f = self(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f.io().xFileSize(f.real, size);
}

int file_control(sqlite3_file* file, int op, void* arg) {
  BatchFile& f = self(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f.io().xFileControl(f.real, op, arg);
}

int file_lock(sqlite3_file* file, int level) { return self(file).io().xLock(self(file).real, level); }
int file_unlock(sqlite3_file* file, int level) { return self(file).io().xUnlock(self(file).real, level); }
int check_reserved_lock(sqlite3_file* file, int* out) {
  return self(file).io().xCheckReservedLock(self(file).real, out);
}
int sector_size(sqlite3_file* file) { return self(file).io().xSectorSize(self(file).real); }
int device_characteristics(sqlite3_file* file) { return self(file).io().xDeviceCharacteristics(self(file).real); }

// Shared memory (the WAL index) and memory mapping belong to the database file: forwarded when
// the underlying file has them (version 2 and 3 of its methods).
int shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  BatchFile& f = self(file);
  if (f.io().iVersion < 2 || f.io().xShmMap == nullptr) return SQLITE_IOERR_SHMMAP;
  return f.io().xShmMap(f.real, region, size, extend, out);
}
int shm_lock(sqlite3_file* file, int offset, int count, int flags) {
  BatchFile& f = self(file);
  if (f.io().iVersion < 2 || f.io().xShmLock == nullptr) return SQLITE_IOERR_SHMLOCK;
  return f.io().xShmLock(f.real, offset, count, flags);
}
void shm_barrier(sqlite3_file* file) {
  BatchFile& f = self(file);
  if (f.io().iVersion >= 2 && f.io().xShmBarrier != nullptr) f.io().xShmBarrier(f.real);
}
int shm_unmap(sqlite3_file* file, int remove) {
  BatchFile& f = self(file);
  if (f.io().iVersion < 2 || f.io().xShmUnmap == nullptr) return SQLITE_OK;
  return f.io().xShmUnmap(f.real, remove);
}
int fetch(sqlite3_file* file, sqlite3_int64 offset, int size, void** out) {
  BatchFile& f = self(file);
  if (f.io().iVersion < 3 || f.io().xFetch == nullptr) {
    *out = nullptr;  // no mapping: SQLite reads instead
    return SQLITE_OK;
  }
  return f.io().xFetch(f.real, offset, size, out);
}
int unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  BatchFile& f = self(file);
  if (f.io().iVersion < 3 || f.io().xUnfetch == nullptr) return SQLITE_OK;
  return f.io().xUnfetch(f.real, offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    file_close,
    file_read,
    file_write,
    file_truncate,
    file_sync,
    file_size,
    file_lock,
    file_unlock,
    check_reserved_lock,
    file_control,
    sector_size,
    device_characteristics,
    shm_map,
    shm_lock,
    shm_barrier,
    shm_unmap,
    fetch,
    unfetch,
};

int vfs_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = new (file) BatchFile{};
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  const int rc = underlying->xOpen(underlying, name, f->real, flags, out_flags);
  if (f->real->pMethods == nullptr) {
    f->~BatchFile();  // SQLite calls no close for a file without methods
    file->pMethods = nullptr;
    return rc;
  }
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->base.pMethods = &kMethods;
  return rc;
}

// The rest of the VFS is the underlying one's, called with the underlying VFS.
int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) { return underlying->xDelete(underlying, name, sync_dir); }
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return underlying->xAccess(underlying, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return underlying->xFullPathname(underlying, name, size, out);
}
void* vfs_dl_open(sqlite3_vfs*, const char* name) { return underlying->xDlOpen(underlying, name); }
void vfs_dl_error(sqlite3_vfs*, int size, char* out) { underlying->xDlError(underlying, size, out); }
void (*vfs_dl_sym(sqlite3_vfs*, void* library, const char* symbol))() {
  return underlying->xDlSym(underlying, library, symbol);
}
void vfs_dl_close(sqlite3_vfs*, void* library) { underlying->xDlClose(underlying, library); }
int vfs_randomness(sqlite3_vfs*, int size, char* out) { return underlying->xRandomness(underlying, size, out); }
int vfs_sleep(sqlite3_vfs*, int microseconds) { return underlying->xSleep(underlying, microseconds); }
int vfs_current_time(sqlite3_vfs*, double* out) { return underlying->xCurrentTime(underlying, out); }
int vfs_last_error(sqlite3_vfs*, int size, char* out) { return underlying->xGetLastError(underlying, size, out); }
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return underlying->xCurrentTimeInt64(underlying, out); }

sqlite3_vfs* make_vfs() {
  underlying = sqlite3_vfs_find(kUnderlyingVfs);
  if (underlying == nullptr) return nullptr;
  static sqlite3_vfs vfs{};
  vfs.iVersion = 2;  // up to xCurrentTimeInt64; the system-call overrides are the underlying's own
  vfs.szOsFile = static_cast<int>(sizeof(BatchFile)) + underlying->szOsFile;
  vfs.mxPathname = underlying->mxPathname;
  vfs.zName = kName;
  vfs.xOpen = vfs_open;
  vfs.xDelete = vfs_delete;
  vfs.xAccess = vfs_access;
  vfs.xFullPathname = vfs_full_pathname;
  vfs.xDlOpen = vfs_dl_open;
  vfs.xDlError = vfs_dl_error;
  vfs.xDlSym = vfs_dl_sym;
  vfs.xDlClose = vfs_dl_close;
  vfs.xRandomness = vfs_randomness;
  vfs.xSleep = vfs_sleep;
  vfs.xCurrentTime = vfs_current_time;
  vfs.xGetLastError = vfs_last_error;
  vfs.xCurrentTimeInt64 = vfs_current_time_int64;
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) return nullptr;
  return &vfs;
}

}  // namespace

const char* wal_batch_vfs_name() {
  static sqlite3_vfs* vfs = make_vfs();
  return vfs != nullptr ? vfs->zName : nullptr;
}

}  // namespace sluice::sqs::detail
