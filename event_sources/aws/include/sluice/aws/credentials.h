#pragma once
// Where signing credentials come from. Each source is a CredentialsProvider; the default chain
// asks, in order: explicit credentials, the environment (AWS_ACCESS_KEY_ID, ...), the shared
// files (~/.aws/credentials then ~/.aws/config, AWS_PROFILE), container credentials
// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI) and the EC2 instance metadata service
// (IMDSv2 with a session token, falling back to IMDSv1 when the token call answers 403/404/405).
// The chain is wrapped in a cache that keeps temporary credentials until 5 minutes before their
// Expiration. Environment variables and files are read when a provider resolves, not when it is
// made. All providers are thread-safe.

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
std::shared_ptr<CredentialsProvider> profile_credentials(ProfileOptions options = {});

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

// Asks each provider in turn; the first that has credentials wins.
std::shared_ptr<CredentialsProvider> provider_chain(std::vector<std::shared_ptr<CredentialsProvider>> providers);

inline constexpr std::chrono::minutes kRefreshAhead{5};
// Keeps what the inner provider answered; asks again once the credentials are within
// kRefreshAhead of expiring on `clock` (default: the system clock). If that refresh fails while
// the old credentials are still valid, the old ones are used.
std::shared_ptr<CredentialsProvider> caching_provider(std::shared_ptr<CredentialsProvider> inner,
                                                      std::shared_ptr<Clock> clock = nullptr);

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
