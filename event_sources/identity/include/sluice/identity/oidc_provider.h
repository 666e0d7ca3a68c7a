#pragma once
// OpenID Connect identity providers, as IAM registers them (CreateOpenIDConnectProvider): an
// issuer URL trusted by one account, the client ids (audiences) its tokens may carry, the
// thumbprints of its certificates, and tags. A role trusts web identities from it by naming the
// provider's ARN under "Federated" in its trust policy.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::identity {

struct OidcProvider {
  std::string arn;         // arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH
  std::string account_id;  // the account that registered it
  std::string url;         // as registered, with its scheme: https://HOST/PATH
  std::vector<std::string> client_ids;
  std::vector<std::string> thumbprints;  // 40 hex digits each
  std::vector<std::pair<std::string, std::string>> tags;
  int64_t created_ms = 0;
};

// The issuer URL without its scheme and trailing slash ("HOST/PATH"): what the provider's ARN
// ends with and what prefixes its condition keys ("HOST/PATH:aud").
std::string oidc_issuer_id(std::string_view url);
std::string oidc_provider_arn(std::string_view account_id, std::string_view url);

}  // namespace sluice::identity
