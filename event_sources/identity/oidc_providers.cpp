// The Directory's OpenID Connect providers (see identity.h and oidc_provider.h): a map by ARN,
// written through to identity.db before a change is answered. Error texts are IAM's.

#include <algorithm>

#include "session_store.h"
#include "sluice/identity/identity.h"

namespace sluice::identity {
namespace {

common::AwsError no_such_provider(std::string_view arn) {
  return common::aws_error(common::AwsErrorCode::NoSuchEntity,
                           "OpenIDConnect Provider not found for arn " + std::string(arn));
}

common::AwsError not_stored() {
  return common::aws_error(common::AwsErrorCode::ServiceUnavailable, "The change could not be stored; try again.");
}

}  // namespace

std::string oidc_issuer_id(std::string_view url) {
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

std::string oidc_provider_arn(std::string_view account_id, std::string_view url) {
  return "arn:aws:iam::" + std::string(account_id) + ":oidc-provider/" + oidc_issuer_id(url);
}

common::Status Directory::add_oidc_provider(OidcProvider provider, size_t per_account_limit) {
  common::MutexLock lock(mu_);
  if (oidc_providers_.count(provider.arn) != 0) {
    return common::aws_error(common::AwsErrorCode::EntityAlreadyExists,
                             "Provider with url " + provider.url + " already exists.");
  }
  const size_t owned =
      static_cast<size_t>(std::count_if(oidc_providers_.begin(), oidc_providers_.end(),
                                        [&](const auto& e) { return e.second.account_id == provider.account_id; }));
  if (owned >= per_account_limit) {
    return common::aws_error(
        common::AwsErrorCode::IamLimitExceeded,
        "Cannot exceed quota for OpenIdConnectProvidersPerAccount: " + std::to_string(per_account_limit));
  }
  if (sessions_) {
    try {
      sessions_->put_oidc_provider(provider);
    } catch (const common::sqlite::Error&) {
      return not_stored();
    }
  }
  std::string arn = provider.arn;
  oidc_providers_.emplace(std::move(arn), std::move(provider));
  return common::ok_status();
}

std::optional<OidcProvider> Directory::find_oidc_provider(std::string_view arn) const {
  common::MutexLock lock(mu_);
  auto it = oidc_providers_.find(std::string(arn));
  if (it == oidc_providers_.end()) return std::nullopt;
  return it->second;
}

std::vector<OidcProvider> Directory::oidc_providers(std::string_view account_id) const {
  std::vector<OidcProvider> out;
  {
    common::MutexLock lock(mu_);
    for (const auto& [arn, provider] : oidc_providers_) {
      if (provider.account_id == account_id) out.push_back(provider);
    }
  }
  std::sort(out.begin(), out.end(), [](const OidcProvider& a, const OidcProvider& b) { return a.arn < b.arn; });
  return out;
}

common::Status Directory::remove_oidc_provider(std::string_view arn) {
  common::MutexLock lock(mu_);
  auto it = oidc_providers_.find(std::string(arn));
  if (it == oidc_providers_.end()) return no_such_provider(arn);
  if (sessions_) {
    try {
      sessions_->erase_oidc_provider(it->first);
    } catch (const common::sqlite::Error&) {
      return not_stored();
    }
  }
  oidc_providers_.erase(it);
  return common::ok_status();
}

common::Status Directory::change_oidc_provider(std::string_view arn,
                                               const std::function<common::Status(OidcProvider&)>& change) {
  common::MutexLock lock(mu_);
  auto it = oidc_providers_.find(std::string(arn));
  if (it == oidc_providers_.end()) return no_such_provider(arn);
  OidcProvider changed = it->second;
  if (common::Status status = change(changed); !status) return status;
  if (sessions_) {
    try {
      sessions_->put_oidc_provider(changed);
    } catch (const common::sqlite::Error&) {
      return not_stored();
    }
  }
  it->second = std::move(changed);
  return common::ok_status();
}

}  // namespace sluice::identity
