#pragma once
// Where signing credentials come from. Each source is a CredentialsProvider; the default chain
// asks, in the AWS SDKs' order: explicit credentials, the environment (AWS_ACCESS_KEY_ID, ...), a
// web identity from the environment (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), the selected
// profile of the shared files (AWS_PROFILE; see profile_credentials), container credentials
// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI) and the EC2 instance metadata service
// (IMDSv2 with a session token, falling back to IMDSv1 when the token call answers 403/404/405).
// The chain is wrapped in a cache that keeps temporary credentials until 5 minutes before their
// Expiration. Environment variables and files are read when a provider resolves, not when it is
// made. All providers are thread-safe. An error text names the provider and the profile.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/aws/sigv4.h"
#include "sluice/common/clock.h"

namespace sluice::aws {

struct ResolvedCredentials {
  std::optional<Credentials> credentials;
  std::string error;  // why none were found, when credentials is empty
  // The source was configured but failed (a profile whose role cannot be assumed, a container
  // endpoint that refuses): a chain reports it rather than trying the next source, as the SDKs do.
  bool stop_chain = false;
  bool ok() const { return credentials.has_value(); }
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // May block on the network (container and metadata providers, bounded by their timeouts).
  virtual ResolvedCredentials resolve() = 0;
};

std::shared_ptr<CredentialsProvider> static_credentials(Credentials credentials);
std::shared_ptr<CredentialsProvider> environment_credentials();

// Shared files. Empty fields mean: AWS_PROFILE (else "default"), AWS_SHARED_CREDENTIALS_FILE (else
// ~/.aws/credentials), AWS_CONFIG_FILE (else ~/.aws/config).
struct ProfileOptions {
  std::string profile;
  std::string credentials_file;
  std::string config_file;
};

// ECS/EKS-style credentials endpoint. Plain http is allowed only to loopback and the documented
// link-local container hosts.
std::shared_ptr<CredentialsProvider> container_credentials();

// Instance metadata. An empty endpoint means AWS_EC2_METADATA_SERVICE_ENDPOINT, else
// http://169.254.169.254. Disabled (an error without a network call) when
// AWS_EC2_METADATA_DISABLED=true.
struct ImdsOptions {
  std::string endpoint;
  std::chrono::milliseconds timeout{1000};
};
std::shared_ptr<CredentialsProvider> imds_credentials(ImdsOptions options = {});

// One profile, with the settings the SDKs read: role_arn with web_identity_token_file, or with
// source_profile / credential_source (Environment, Ec2InstanceMetadata, EcsContainer) and
// role_session_name, external_id, duration_seconds (AssumeRole; roles chain through source
// profiles, a loop is an error); sso_session / sso_start_url with sso_account_id and sso_role_name
// (IAM Identity Center, from the token `aws sso login` cached); static keys; credential_process.
// STS is found through region, sts_regional_endpoints, AWS_ENDPOINT_URL_STS, a services section,
// AWS_ENDPOINT_URL or endpoint_url; the SSO portal through AWS_ENDPOINT_URL_SSO likewise. `imds`
// serves credential_source = Ec2InstanceMetadata.
std::shared_ptr<CredentialsProvider> profile_credentials(ProfileOptions options = {}, ImdsOptions imds = {});

// AssumeRoleWithWebIdentity (unsigned) with the token in AWS_WEB_IDENTITY_TOKEN_FILE, the role in
// AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME (else a generated name).
std::shared_ptr<CredentialsProvider> web_identity_environment_credentials();

// AssumeRole signed with what `source` resolves. An empty endpoint means STS as the selected
// profile finds it (see profile_credentials); an empty region, the usual region lookup.
struct AssumeRoleOptions {
  std::string role_arn;
  std::string session_name;  // empty: generated
  std::string external_id;
  int duration_seconds = 0;  // 0: STS's default, one hour
  std::string region;
  std::string endpoint;
};
std::shared_ptr<CredentialsProvider> assume_role_credentials(std::shared_ptr<CredentialsProvider> source,
                                                             AssumeRoleOptions options);

// Asks each provider in turn; the first that has credentials wins, and one that was configured but
// failed (stop_chain) ends the search with its error.
std::shared_ptr<CredentialsProvider> provider_chain(std::vector<std::shared_ptr<CredentialsProvider>> providers);

inline constexpr std::chrono::minutes kRefreshAhead{5};
// Keeps what the inner provider answered; asks again once the credentials are within
// kRefreshAhead of expiring on `clock` (default: the system clock). One caller refreshes while the
// others go on with the old credentials as long as they are valid. If that refresh fails while
// the old credentials are still valid, the old ones are used.
std::shared_ptr<CredentialsProvider> caching_provider(std::shared_ptr<CredentialsProvider> inner,
                                                      std::shared_ptr<common::Clock> clock = nullptr);

struct DefaultChainOptions {
  std::optional<Credentials> explicit_credentials;
  // An explicit profile leaves the environment credentials out, as the AWS SDKs do.
  std::string profile;
  ImdsOptions imds;
};
std::shared_ptr<CredentialsProvider> default_credentials_chain(DefaultChainOptions options = {});

// AWS_REGION, AWS_DEFAULT_REGION, the profile's "region" in the config file, then the metadata
// service's placement/region (unless disabled).
std::optional<std::string> resolve_region(const ProfileOptions& profile = {}, const ImdsOptions& imds = {});

}  // namespace sluice::aws
