#pragma once
// STS on the front door: AWS Security Token Service's Query API (boto3, the AWS CLI and the SDKs
// all speak Query to STS, old and new alike). The front door routes a request here when its SigV4
// scope names "sts" or its Version is 2011-06-15.
//
// Actions: GetCallerIdentity (the caller's account, ARN and user id; answered to every caller
// whose signature holds, as on AWS), AssumeRole (temporary credentials for a role session, with
// DurationSeconds, Policy and PolicyArns kept as session policies), GetSessionToken (temporary
// credentials for the calling user or root), AssumeRoleWithWebIdentity (unsigned, as on AWS: the
// OpenID Connect ID token is the credential; see web_identity.cpp for what is verified). Temporary credentials go into
// the identity directory, so the front door verifies requests signed with them and refuses them once expired.
//
// Who may assume a role depends on the auth mode: with Off any role ARN is assumable (it need not
// be declared); with Audit and Enforce the role must be declared in the configuration and its
// trust policy must allow the caller (see identity.h for what the evaluation covers). Audit logs a
// refusal and carries on.
//
// Calls run on the loop thread (nothing blocks). The directory must outlive the service.

#include <functional>
#include <memory>
#include <string_view>

#include "sluice/api/server/server.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/oidc_issuer.h"

namespace sluice::api::sts_wire {

struct StsOptions {
  std::shared_ptr<identity::Directory> directory;  // required
  identity::AuthMode mode = identity::AuthMode::Off;
  // Where Audit mode writes the refusals it lets through; default stderr.
  std::function<void(std::string_view line)> audit_log;
  // sluice's own OpenID issuer: AssumeRoleWithWebIdentity verifies its tokens' signatures.
  std::shared_ptr<identity::OidcIssuer> issuer;
};

std::shared_ptr<server::Service> make_sts_service(StsOptions options);

}  // namespace sluice::api::sts_wire
