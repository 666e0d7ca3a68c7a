// Compact JWTs: splitting, base64url and JSON (see sluice/identity/jwt.h). Signatures are checked
// by whoever holds the key (oidc_issuer.cpp).

#include "sluice/identity/jwt.h"

#include <boost/json.hpp>

#include "sluice/common/crypto.h"

namespace sluice::identity {

std::string base64url_encode(std::string_view bytes) {
  std::string out = common::base64_encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return std::nullopt;
  }
  if (standard.size() % 4 == 1) return std::nullopt;
  while (standard.size() % 4 != 0) standard.push_back('=');
  return common::base64_decode(standard);
}

std::optional<Jwt> parse_jwt(std::string_view token) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  auto header = base64url_decode(token.substr(0, first));
  auto claims = base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !claims || !signature) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value header_json = boost::json::parse(*header, ec);
  if (ec || !header_json.is_object()) return std::nullopt;
  boost::json::value claims_json = boost::json::parse(*claims, ec);
  if (ec || !claims_json.is_object()) return std::nullopt;
  Jwt jwt;
  jwt.header = std::move(header_json.as_object());
  jwt.claims = std::move(claims_json.as_object());
  jwt.signing_input = std::string(token.substr(0, second));
  jwt.signature = std::move(*signature);
  return jwt;
}

}  // namespace sluice::identity
