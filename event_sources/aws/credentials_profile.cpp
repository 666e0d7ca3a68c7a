// The profile provider: one profile of the shared files, resolved as the AWS SDKs do. Within a
// profile the first kind that is configured wins:
//
//   role_arn + web_identity_token_file           AssumeRoleWithWebIdentity
//   role_arn + source_profile | credential_source AssumeRole with the source's credentials
//   sso_session | sso_start_url                  IAM Identity Center role credentials
//   aws_access_key_id + aws_secret_access_key    static keys
//   credential_process                           the command's output
//
// A source profile that holds static keys gives those keys even when it has a role_arn of its own
// (so a profile may name itself as its source); otherwise it is resolved in full, which is how
// roles chain. A profile met twice on the way is a loop and an error. Every error names the
// profile it arose in.

#include <algorithm>

#include "credential_sources.h"
#include "http_util.h"
#include "sluice/aws/credentials.h"

namespace sluice::aws {
namespace {

using detail::Section;
using detail::setting;

constexpr const char* kCredentialKeys[] = {"role_arn", "sso_session", "sso_start_url", "aws_access_key_id",
                                           "credential_process"};

class ProfileResolver {
 public:
  ProfileResolver(const detail::SharedConfig& config, ImdsOptions imds) : config_(config), imds_(std::move(imds)) {}

  ResolvedCredentials resolve(const std::string& name) {
    const Section* profile = config_.profile(name);
    if (profile == nullptr) return fail(name, "not found in " + config_.files());
    if (std::find(visited_.begin(), visited_.end(), name) != visited_.end()) return fail(name, loop_text(name));
    visited_.push_back(name);

    if (!setting(profile, "role_arn").empty()) {
      if (std::string token_file = setting(profile, "web_identity_token_file"); !token_file.empty()) {
        return named(name,
                     detail::web_identity_credentials_from(endpoint_for(*profile), token_file, role_request(*profile)));
      }
      return assume_role(name, *profile);
    }
    if (!setting(profile, "sso_session").empty() || !setting(profile, "sso_start_url").empty()) {
      return named(name, detail::sso_role_credentials(config_, *profile));
    }
    if (auto keys = detail::static_credentials_in(*profile)) return {std::move(keys), {}};
    if (std::string command = setting(profile, "credential_process"); !command.empty()) {
      return named(name, detail::run_credential_process(command));
    }
    return fail(
        name, "no credentials (aws_access_key_id, role_arn, sso_session or credential_process) in " + config_.files());
  }

 private:
  static ResolvedCredentials fail(const std::string& profile, const std::string& why) {
    return {std::nullopt, "profile " + profile + ": " + why};
  }

  static ResolvedCredentials named(const std::string& profile, ResolvedCredentials result) {
    if (!result.ok()) result.error = "profile " + profile + ": " + result.error;
    return result;
  }

  std::string loop_text(const std::string& name) const {
    std::string path;
    for (const auto& step : visited_) path += step + " -> ";
    return "source_profile loop " + path + name;
  }

  detail::RoleRequest role_request(const Section& profile) const {
    detail::RoleRequest request;
    request.role_arn = setting(profile, "role_arn");
    request.session_name = setting(profile, "role_session_name");
    if (request.session_name.empty()) request.session_name = detail::default_session_name();
    request.external_id = setting(profile, "external_id");
    return request;
  }

  // The profile's own region, else the selected profile's; endpoint settings from the profile.
  detail::StsEndpoint endpoint_for(const Section& profile) const {
    std::string region = detail::env_or("AWS_REGION", detail::env_or("AWS_DEFAULT_REGION"));
    if (region.empty()) region = setting(profile, "region");
    if (region.empty()) region = setting(config_.selected(), "region");
    return detail::sts_endpoint(&config_, &profile, region);
  }

  ResolvedCredentials source_credentials(const std::string& name, const Section& profile) {
    std::string source_profile = setting(profile, "source_profile");
    std::string credential_source = setting(profile, "credential_source");
    if (!source_profile.empty() && !credential_source.empty()) {
      return fail(name, "source_profile and credential_source are both set; a role takes one");
    }
    if (!credential_source.empty()) {
      std::shared_ptr<CredentialsProvider> source;
      if (credential_source == "Environment") source = environment_credentials();
      else if (credential_source == "Ec2InstanceMetadata") source = imds_credentials(imds_);
      else if (credential_source == "EcsContainer") source = container_credentials();
      else {
        return fail(name, "credential_source " + credential_source +
                              " is not one of Environment, Ec2InstanceMetadata, EcsContainer");
      }
      ResolvedCredentials r = source->resolve();
      if (!r.ok()) r.error = "profile " + name + ": credential_source " + credential_source + ": " + r.error;
      return r;
    }
    if (source_profile.empty()) return fail(name, "role_arn needs source_profile or credential_source");
    const Section* source = config_.profile(source_profile);
    if (source == nullptr) return fail(name, "source_profile " + source_profile + " not found in " + config_.files());
    auto keys = detail::static_credentials_in(*source);
    // Naming itself is how a profile assumes its role with its own keys.
    if (keys &&
        (source_profile == name || std::find(visited_.begin(), visited_.end(), source_profile) == visited_.end())) {
      return {std::move(keys), {}};
    }
    return resolve(source_profile);
  }

  ResolvedCredentials assume_role(const std::string& name, const Section& profile) {
    if (!setting(profile, "mfa_serial").empty()) {
      return fail(name, "mfa_serial needs a token code typed at a prompt, which a service cannot do");
    }
    detail::RoleRequest request = role_request(profile);
    if (std::string duration = setting(profile, "duration_seconds"); !duration.empty()) {
      if (duration.size() > 6 || duration.find_first_not_of("0123456789") != std::string::npos) {
        return fail(name, "duration_seconds " + duration + " is not a number of seconds");
      }
      request.duration_seconds = std::stoi(duration);
    }
    ResolvedCredentials source = source_credentials(name, profile);
    if (!source.ok()) return source;
    return named(name, detail::assume_role(endpoint_for(profile), *source.credentials, request));
  }

  const detail::SharedConfig& config_;
  ImdsOptions imds_;
  std::vector<std::string> visited_;
};

class ProfileProvider final : public CredentialsProvider {
 public:
  ProfileProvider(ProfileOptions options, ImdsOptions imds) : options_(std::move(options)), imds_(std::move(imds)) {}

  ResolvedCredentials resolve() override {
    detail::SharedConfig config = detail::load_shared_config(options_);
    ResolvedCredentials result = ProfileResolver(config, imds_).resolve(config.profile_name);
    // A profile that names a way to get credentials, or one asked for by name that is missing,
    // ends the chain when it fails; a profile holding only other settings (a region) does not.
    const Section* profile = config.selected();
    bool named = !options_.profile.empty() || !detail::env_or("AWS_PROFILE").empty();
    bool configured =
        profile != nullptr && std::any_of(std::begin(kCredentialKeys), std::end(kCredentialKeys),
                                          [&](const char* key) { return !setting(profile, key).empty(); });
    result.stop_chain = !result.ok() && (configured || (profile == nullptr && named));
    return result;
  }

 private:
  ProfileOptions options_;
  ImdsOptions imds_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> profile_credentials(ProfileOptions options, ImdsOptions imds) {
  return std::make_shared<ProfileProvider>(std::move(options), std::move(imds));
}

}  // namespace sluice::aws
