#pragma once
// Internal helpers over cpp-httplib: URL parsing, client construction with timeouts, and the
// ISO 8601 timestamps that credential endpoints answer with.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <httplib.h>

namespace sluice::aws::detail {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;
  std::string path;  // "/" when absent, query included as written

  // scheme://host[:port] with the port only when it is not the scheme's default.
  std::string origin() const;
  // The Host header value: host[:port], the port only when not the default.
  std::string host_header() const;
};

std::optional<Url> parse_url(std::string_view text);

std::unique_ptr<httplib::Client> make_client(const Url& url, std::chrono::milliseconds connect_timeout,
                                             std::chrono::milliseconds read_timeout);

// "2026-01-02T03:04:05Z" (fractional seconds and "+00:00" accepted).
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

std::string env_or(const char* name, std::string fallback = {});

}  // namespace sluice::aws::detail
