// See store_marker.h. The file is three short lines of text, so an operator can read it:
//
//   sluice-sqs-store
//   session 12
//   open
//
// ("closed" instead of "open" after a clean shutdown).

#include "store/store_marker.h"

#include "store/durable_file.h"

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
  return write_file_durably(path, text.str(), 0644, error);
}

}  // namespace sluice::sqs::detail
