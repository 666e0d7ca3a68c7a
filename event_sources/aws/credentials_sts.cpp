// Providers that ask STS for a role's credentials.
//
// Web identity: a token file that something else keeps fresh (EKS writes a service account's token
// for IRSA), traded for a role's credentials by AssumeRoleWithWebIdentity. From the environment
// (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME) or from a profile
// (web_identity_token_file, role_arn, role_session_name).
//
// AssumeRole over credentials from another provider, for code that names the role itself.

#include <fstream>
#include <sstream>

#include "credential_sources.h"
#include "http_util.h"

namespace sluice::aws {
namespace detail {

ResolvedCredentials web_identity_credentials_from(const StsEndpoint& endpoint, const std::string& token_file,
                                                  const RoleRequest& request) {
  std::ifstream in(token_file);
  if (!in) return {std::nullopt, "web identity: cannot read the token file " + token_file};
  std::stringstream content;
  content << in.rdbuf();
  std::string token = content.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return {std::nullopt, "web identity: the token file " + token_file + " is empty"};
  return assume_role_with_web_identity(endpoint, token, request);
}

}  // namespace detail

namespace {

class WebIdentityEnvironmentProvider final : public CredentialsProvider {
 public:
  ResolvedCredentials resolve() override {
    std::string token_file = detail::env_or("AWS_WEB_IDENTITY_TOKEN_FILE");
    std::string role_arn = detail::env_or("AWS_ROLE_ARN");
    if (token_file.empty() || role_arn.empty()) {
      return {std::nullopt, "AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN not set"};
    }
    // The profile still says where STS is (region, endpoint settings).
    detail::SharedConfig config = detail::load_shared_config({});
    const detail::Section* profile = config.selected();
    detail::RoleRequest request{
        role_arn, detail::env_or("AWS_ROLE_SESSION_NAME", detail::default_session_name()), {}, 0};
    ResolvedCredentials result =
        detail::web_identity_credentials_from(detail::sts_endpoint(&config, profile), token_file, request);
    result.stop_chain = !result.ok();
    return result;
  }
};

class AssumeRoleProvider final : public CredentialsProvider {
 public:
  AssumeRoleProvider(std::shared_ptr<CredentialsProvider> source, AssumeRoleOptions options)
      : source_(std::move(source)), options_(std::move(options)) {}

  ResolvedCredentials resolve() override {
    ResolvedCredentials source = source_->resolve();
    if (!source.ok())
      return {std::nullopt, "AssumeRole " + options_.role_arn + ": source credentials: " + source.error};
    detail::StsEndpoint endpoint;
    if (!options_.endpoint.empty()) {
      endpoint = {options_.endpoint, options_.region.empty() ? "us-east-1" : options_.region};
    } else {
      detail::SharedConfig config = detail::load_shared_config({});
      endpoint = detail::sts_endpoint(&config, config.selected(), options_.region);
    }
    detail::RoleRequest request{options_.role_arn,
                                options_.session_name.empty() ? detail::default_session_name() : options_.session_name,
                                options_.external_id, options_.duration_seconds};
    return detail::assume_role(endpoint, *source.credentials, request);
  }

 private:
  std::shared_ptr<CredentialsProvider> source_;
  AssumeRoleOptions options_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> assume_role_credentials(std::shared_ptr<CredentialsProvider> source,
                                                             AssumeRoleOptions options) {
  return std::make_shared<AssumeRoleProvider>(std::move(source), std::move(options));
}

std::shared_ptr<CredentialsProvider> web_identity_environment_credentials() {
  return std::make_shared<WebIdentityEnvironmentProvider>();
}

}  // namespace sluice::aws
