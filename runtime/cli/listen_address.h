#pragma once
// --listen HOST:PORT: HOST may be a name ("localhost") as well as an IPv4 or IPv6 address
// ("[::1]:9324" or "::1:9324"); names are resolved here, since the HTTP server binds addresses.

#include <string>

namespace sluice::cli {

struct ListenAddress {
  std::string address;  // numeric, what the server binds
  std::string name;     // as written; equal to address when it was numeric
  int port = 0;
};

// Returns "" and fills *out, or a sentence saying what is wrong with `text`.
std::string parse_listen_address(const std::string& text, ListenAddress* out);

}  // namespace sluice::cli
