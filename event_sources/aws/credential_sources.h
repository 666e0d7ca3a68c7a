#pragma once
// The sources a profile can name, each one call that answers credentials or says why not:
// credential_process, IAM Identity Center (SSO) and a web identity token file. The profile provider
// (credentials_profile.cpp) picks among them; the error texts start with what was tried.

#include <string>

#include "shared_config.h"
#include "sts_client.h"

namespace sluice::aws::detail {

// Runs `command` through /bin/sh and reads the JSON it prints (Version 1: AccessKeyId,
// SecretAccessKey, optional SessionToken and Expiration).
ResolvedCredentials run_credential_process(const std::string& command);

// The profile's SSO role credentials: the cached access token of its sso-session (or legacy
// sso_start_url), then the portal's GetRoleCredentials.
ResolvedCredentials sso_role_credentials(const SharedConfig& config, const Section& profile);

// Reads the token file (again on every call: tokens rotate) and assumes the role with it.
ResolvedCredentials web_identity_credentials_from(const StsEndpoint& endpoint, const std::string& token_file,
                                                  const RoleRequest& request);

}  // namespace sluice::aws::detail
