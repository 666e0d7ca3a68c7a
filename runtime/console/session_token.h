#pragma once
// Internal: the console's per-session tokens. Each page load gets a token (issue()); every POST
// must carry one that valid() accepts. A token is a random nonce and the HMAC-SHA-256 of it under
// a key made when the server starts, so the server keeps no list of sessions and a token of an
// earlier run of the server is refused. A web page of another origin cannot read the console's
// page (the front door sends no CORS headers for foreign origins), so it cannot learn a token.

#include <string>
#include <string_view>

namespace sluice::console::detail {

class SessionTokens {
 public:
  SessionTokens();
  std::string issue() const;
  bool valid(std::string_view token) const;

 private:
  std::string mac_of(std::string_view nonce_hex) const;
  const std::string key_;
};

}  // namespace sluice::console::detail
