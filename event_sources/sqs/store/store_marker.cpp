// See store_marker.h. The file is three short lines of text, so an operator can read it:
//
//   sluice-sqs-store
//   session 12
//   open
//
// ("closed" instead of "open" after a clean shutdown).

#include "store/store_marker.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::sqs::detail {
namespace {

constexpr const char* kMarkerTitle = "sluice-sqs-store";

std::string errno_text() { return std::strerror(errno); }

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string directory_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

}  // namespace

std::optional<StoreMarker> read_store_marker(const std::string& path, std::string* error) {
  error->clear();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::nullopt;
  std::ifstream in(path);
  if (!in) {
    *error = path + " cannot be read (" + errno_text() + ")";
    return std::nullopt;
  }
  std::string title, session_word, state;
  StoreMarker marker;
  if (!std::getline(in, title) || title != kMarkerTitle || !(in >> session_word >> marker.session) ||
      session_word != "session" || marker.session < 0 || !(in >> state) || (state != "open" && state != "closed")) {
    *error = path + " is damaged (it is not a sluice store marker)";
    return std::nullopt;
  }
  marker.open = state == "open";
  return marker;
}

bool write_store_marker(const std::string& path, const StoreMarker& marker, std::string* error) {
  std::ostringstream text;
  text << kMarkerTitle << "\nsession " << marker.session << "\n" << (marker.open ? "open" : "closed") << "\n";
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = temp + " cannot be created (" + errno_text() + ")";
    return false;
  }
  bool ok = write_all(fd, text.str()) && ::fsync(fd) == 0;
  std::string reason = ok ? "" : errno_text();
  ::close(fd);
  if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    reason = errno_text();
  }
  if (!ok) {
    ::unlink(temp.c_str());
    *error = path + " cannot be written (" + reason + ")";
    return false;
  }
  int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace sluice::sqs::detail
