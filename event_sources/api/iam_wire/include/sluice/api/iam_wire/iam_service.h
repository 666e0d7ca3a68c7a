#pragma once
// IAM on the front door: the Query API of AWS Identity and Access Management (Version 2010-05-08,
// signing name "iam", signed in us-east-1 as IAM is global). Every SDK speaks Query to IAM.
//
// Actions: users, access keys, groups and memberships, roles, instance profiles, customer and
// AWS managed policies with versions, attachments and inline policies of users, groups and roles,
// permissions boundaries, tags, and the OpenID Connect provider actions; all kept in the identity
// directory (identity.db). The dispatch is a sorted table (iam_service.cpp) over one file per
// resource kind; what users, groups and roles hold is written once for the three
// (attachment_actions.cpp).
//
// sluice's test OpenID issuer is served here as well (see sluice/identity/oidc_issuer.h), under the
// issuer URL `<scheme>://<host:port>/_sluice/oidc` (https with --tls; the public base URL when one
// is set):
//   GET  /_sluice/oidc/.well-known/openid-configuration   the discovery document
//   GET  /_sluice/oidc/jwks.json                          the issuer's public key
//   POST /_sluice/oidc/token                              mints an RS256 ID token
// The token request is a form (or query string): sub (required), aud (required, repeatable),
// expires_in (seconds from now, default 3600; negative gives an expired token), not_before_in
// (seconds from now, sets nbf), amr (repeatable). It answers JSON {"IdToken", "Issuer",
// "Expiration"} (epoch seconds). Times are wall-clock times, whatever --time-scale says. With
// --auth enforce the request must be SigV4-signed by a known identity (as an IAM call, e.g. signed
// for service "iam"); an anonymous request is refused with AccessDenied.
//
// Calls run on the loop thread (a directory change is one short SQLite write).

#include <memory>
#include <string>

#include "sluice/api/server/server.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/oidc_issuer.h"

namespace sluice::api::iam_wire {

struct IamOptions {
  std::shared_ptr<identity::Directory> directory;  // required
  std::shared_ptr<identity::OidcIssuer> issuer;    // null: no test issuer is served
  identity::AuthMode mode = identity::AuthMode::Off;
  std::string public_base_url;  // the issuer URL's scheme and host when set (see ApiOptions)
};

std::shared_ptr<server::Service> make_iam_service(IamOptions options);

}  // namespace sluice::api::iam_wire
