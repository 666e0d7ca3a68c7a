#pragma once
// JSON Web Tokens (RFC 7519) in their compact form, as OpenID Connect ID tokens are:
// base64url(header) "." base64url(claims) "." base64url(signature).

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sluice::identity {

struct Jwt {
  boost::json::object header;  // "alg", "kid", "typ"
  boost::json::object claims;  // "iss", "sub", "aud", "exp", ...
  std::string signing_input;   // the first two parts with their dot: what the signature covers
  std::string signature;       // raw bytes
};

// The token's parts, or nullopt when it is not three base64url parts of which the first two are
// JSON objects.
std::optional<Jwt> parse_jwt(std::string_view token);

std::string base64url_encode(std::string_view bytes);  // unpadded
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace sluice::identity
