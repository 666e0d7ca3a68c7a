#pragma once
// Internal: the trail's JSON-lines files in <data_dir>/cloudtrail/. Each file is named
// trail-<UTC start time>-<number>.jsonl so that names sort in writing order; a file is closed once
// it holds max_file_bytes or is max_file_age_ms old, and only the newest max_files are kept.
// One writer at a time (the trail's lane).

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::audit::detail {

class TrailFiles {
 public:
  TrailFiles(std::string dir, size_t max_file_bytes, int64_t max_file_age_ms, size_t max_files);
  ~TrailFiles();
  TrailFiles(const TrailFiles&) = delete;
  TrailFiles& operator=(const TrailFiles&) = delete;

  // Makes the directory (mode 0700). False with *error when it cannot.
  bool prepare(std::string* error);
  // The files there now, oldest first (full paths).
  std::vector<std::string> existing() const;
  // Appends lines (each ending in '\n') at `now_ms`, rotating first when the current file is full
  // or old. False when the write failed (the lines are lost; the next append tries a new file).
  bool append(const std::string& lines, int64_t now_ms);
  // Rewrites every file without the lines `drop` picks: a file is replaced through a temporary
  // file and a rename (mode 0600), one left empty is deleted. The current file is closed first,
  // so the next append opens a new one. False when a file could not be rewritten (it is kept).
  bool remove_lines(const std::function<bool(std::string_view line)>& drop);

 private:
  bool open_new(int64_t now_ms);
  void close_current();
  void prune();

  const std::string dir_;
  const size_t max_file_bytes_;
  const int64_t max_file_age_ms_;
  const size_t max_files_;
  std::FILE* current_ = nullptr;
  size_t current_bytes_ = 0;
  int64_t current_opened_ms_ = 0;
  uint64_t opened_count_ = 0;
};

}  // namespace sluice::audit::detail
