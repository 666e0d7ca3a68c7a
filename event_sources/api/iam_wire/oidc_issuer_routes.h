#pragma once
// Internal: the HTTP face of sluice's test OpenID issuer (see iam_service.h): the discovery
// document and JWKS (plain GETs, public), and the token endpoint (a call routed to IAM).

#include <optional>

#include "sluice/api/server/server.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/oidc_issuer.h"

namespace sluice::api::iam_wire::detail {

// True for paths under the issuer's path.
bool is_issuer_path(std::string_view path);
// The answer to a GET of the discovery document or the JWKS, or nullopt for other paths.
std::optional<http::Response> issuer_get(const identity::OidcIssuer& issuer, const http::Request& request,
                                         std::string_view base_url);
// POST /_sluice/oidc/token: a new ID token, or IAM's error.
http::Response mint_token(const identity::OidcIssuer& issuer, const server::Call& call, identity::AuthMode mode);

}  // namespace sluice::api::iam_wire::detail
