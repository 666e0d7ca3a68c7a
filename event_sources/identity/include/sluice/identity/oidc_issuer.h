#pragma once
// sluice's own OpenID Connect issuer, for tests of web identity federation: one RS256 key, kept in
// the data directory (oidc-issuer-key.pem, mode 0600) so that tokens and registered providers
// outlive a restart, or in memory without a data directory. The front door publishes its discovery
// document and JWKS under the issuer URL `<scheme>://<host:port>/_sluice/oidc` and mints ID tokens
// on request (see sluice/api/iam_wire/iam_service.h); STS verifies tokens of this issuer against
// this key.
//
// Thread-safety: immutable after open(); any thread may sign and verify.

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace sluice::identity {

class OidcIssuer {
 public:
  // The path of the issuer URL on sluice's port.
  static constexpr std::string_view kPath = "/_sluice/oidc";
  static constexpr std::string_view kKeyFile = "oidc-issuer-key.pem";

  // Loads the key at key_path, or makes one there (mode 0600) when the file does not exist;
  // key_path "" keeps a new key in memory only. Null and *error when the key cannot be used.
  static std::shared_ptr<OidcIssuer> open(const std::string& key_path, std::string* error);

  virtual ~OidcIssuer() = default;
  // The key's id (its RFC 7638 thumbprint), the "kid" of every token this issuer signs.
  virtual const std::string& key_id() const = 0;
  // {"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":...,"n":...,"e":...}]}
  virtual std::string jwks_json() const = 0;
  // The discovery document (/.well-known/openid-configuration) for this issuer URL.
  virtual std::string discovery_json(std::string_view issuer_url) const = 0;
  // A compact RS256 JWT with these claims.
  virtual std::string sign(const boost::json::object& claims) const = 0;
  // True when `signature` is this key's RS256 signature of `signing_input`.
  virtual bool verify(std::string_view signing_input, std::string_view signature) const = 0;
};

}  // namespace sluice::identity
