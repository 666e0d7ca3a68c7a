// The trail's rotating JSON-lines files (see trail_files.h).

#include "trail_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "event_record.h"

namespace sluice::audit::detail {
namespace {

constexpr std::string_view kPrefix = "trail-";
constexpr std::string_view kSuffix = ".jsonl";

bool is_trail_file(const std::string& name) {
  return name.size() > kPrefix.size() + kSuffix.size() && name.compare(0, kPrefix.size(), kPrefix) == 0 &&
         name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

// "20261207T093102Z" from "2026-12-07T09:31:02Z": no characters a file name should avoid.
std::string compact_time(int64_t ms) {
  std::string out;
  for (char c : iso_time(ms)) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

}  // namespace

TrailFiles::TrailFiles(std::string dir, size_t max_file_bytes, int64_t max_file_age_ms, size_t max_files)
    : dir_(std::move(dir)),
      max_file_bytes_(max_file_bytes),
      max_file_age_ms_(max_file_age_ms),
      max_files_(std::max<size_t>(max_files, 1)) {}

TrailFiles::~TrailFiles() { close_current(); }

bool TrailFiles::prepare(std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    if (error != nullptr) *error = "cannot make " + dir_ + ": " + ec.message();
    return false;
  }
  ::chmod(dir_.c_str(), 0700);
  return true;
}

std::vector<std::string> TrailFiles::existing() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    if (is_trail_file(name)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  for (auto& name : names) name = dir_ + "/" + name;
  return names;
}

bool TrailFiles::open_new(int64_t now_ms) {
  close_current();
  // The number after the time keeps names apart (and in order) when two files open in one second.
  char number[32];
  std::snprintf(number, sizeof number, "%06llu", static_cast<unsigned long long>(++opened_count_));
  const std::string path = dir_ + "/" + std::string(kPrefix) + compact_time(now_ms) + "-" + std::to_string(::getpid()) +
                           "-" + number + std::string(kSuffix);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  current_ = ::fdopen(fd, "a");
  if (current_ == nullptr) {
    ::close(fd);
    return false;
  }
  current_bytes_ = 0;
  current_opened_ms_ = now_ms;
  prune();
  return true;
}

void TrailFiles::close_current() {
  if (current_ != nullptr) std::fclose(current_);
  current_ = nullptr;
}

void TrailFiles::prune() {
  std::vector<std::string> files = existing();
  if (files.size() <= max_files_) return;
  for (size_t i = 0; i + max_files_ < files.size(); ++i) ::unlink(files[i].c_str());
}

bool TrailFiles::append(const std::string& lines, int64_t now_ms) {
  const bool full = current_ != nullptr && current_bytes_ > 0 && current_bytes_ + lines.size() > max_file_bytes_;
  const bool old = current_ != nullptr && now_ms - current_opened_ms_ >= max_file_age_ms_;
  if ((current_ == nullptr || full || old) && !open_new(now_ms)) return false;
  const bool written =
      std::fwrite(lines.data(), 1, lines.size(), current_) == lines.size() && std::fflush(current_) == 0;
  current_bytes_ += lines.size();
  if (!written) close_current();
  return written;
}

bool TrailFiles::remove_lines(const std::function<bool(std::string_view line)>& drop) {
  close_current();
  bool all_rewritten = true;
  for (const std::string& path : existing()) {
    std::ifstream in(path, std::ios::binary);
    std::string kept, line;
    bool dropped = false;
    while (std::getline(in, line)) {
      if (drop(line)) {
        dropped = true;
      } else {
        kept += line;
        kept += '\n';
      }
    }
    in.close();
    if (!dropped) continue;
    if (kept.empty()) {
      ::unlink(path.c_str());
      continue;
    }
    const std::string temporary = path + ".rewrite";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool written = fd >= 0;
    for (size_t done = 0; written && done < kept.size();) {
      const ssize_t n = ::write(fd, kept.data() + done, kept.size() - done);
      written = n > 0;
      if (written) done += static_cast<size_t>(n);
    }
    if (fd >= 0) written = ::close(fd) == 0 && written;
    if (written && ::rename(temporary.c_str(), path.c_str()) == 0) continue;
    ::unlink(temporary.c_str());
    all_rewritten = false;
  }
  return all_rewritten;
}

}  // namespace sluice::audit::detail
