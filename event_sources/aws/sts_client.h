#pragma once
// The two STS calls the credential chain makes, over the Query protocol: AssumeRole (signed with
// the source credentials) and AssumeRoleWithWebIdentity (unsigned: the token is the credential).
// Where STS is comes from sts_endpoint(): a configured endpoint URL (AWS_ENDPOINT_URL_STS, the
// profile's services section, AWS_ENDPOINT_URL, the profile's endpoint_url) unless configured
// endpoints are ignored, else the regional endpoint, or the global one when sts_regional_endpoints
// is "legacy" and the region is one of the legacy global regions, or when no region is known.

#include <string>

#include "shared_config.h"
#include "sluice/aws/credentials.h"

namespace sluice::aws::detail {

struct StsEndpoint {
  std::string url;     // "https://sts.eu-west-1.amazonaws.com", or the override
  std::string region;  // the signing region
};

// `profile` may be null (no shared files). `region` empty means: AWS_REGION, AWS_DEFAULT_REGION,
// the profile's region.
StsEndpoint sts_endpoint(const SharedConfig* config, const Section* profile, std::string region = {});

// A configured endpoint URL for a service (its SDK identifier in upper case for the variable,
// e.g. "STS" and "sts", "SSO" and "sso"), or empty.
std::string configured_endpoint(const SharedConfig* config, const Section* profile, const std::string& env_suffix,
                                const std::string& services_key);

struct RoleRequest {
  std::string role_arn;
  std::string session_name;
  std::string external_id;   // AssumeRole only
  int duration_seconds = 0;  // 0: STS's default (3600)
};

ResolvedCredentials assume_role(const StsEndpoint& endpoint, const Credentials& source, const RoleRequest& request);
ResolvedCredentials assume_role_with_web_identity(const StsEndpoint& endpoint, const std::string& token,
                                                  const RoleRequest& request);

// "sluice-session-<unix seconds>" when the configuration names no session.
std::string default_session_name();

}  // namespace sluice::aws::detail
