#pragma once
// One store per database file in a process. The store's connections use SQLite's "unix-excl" VFS,
// whose lock keeps every other process out of the file but lets any connection of this process in
// (the store's writer and its checkpointer share the file that way). A second store opened on the
// same file in this process would then write beside the first; the claim refuses it instead, as
// another process is refused.
//
// The file is named by device and inode, so another path to it (a link, "dir/../dir") is the same
// file.

#include <sys/types.h>

#include <memory>
#include <string>

namespace sluice::sqs::detail {

class FileClaim {
 public:
  // Claims the existing file at `path` for the caller; null when another claim holds it (or the
  // file cannot be looked at).
  static std::unique_ptr<FileClaim> take(const std::string& path);
  ~FileClaim();
  FileClaim(const FileClaim&) = delete;
  FileClaim& operator=(const FileClaim&) = delete;

 private:
  FileClaim(dev_t device, ino_t inode) : device_(device), inode_(inode) {}
  dev_t device_;
  ino_t inode_;
};

}  // namespace sluice::sqs::detail
