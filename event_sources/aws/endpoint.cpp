// See sluice/aws/endpoint.h.
#include "sluice/aws/endpoint.h"

#include <cctype>

#include "http_util.h"

namespace sluice::aws {
namespace {

bool env_true(const char* name) {
  std::string value = detail::env_or(name);
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value == "true";
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::string resolve_endpoint(const EndpointSettings& settings, std::string* error) {
  if (!settings.explicit_endpoint.empty()) return without_trailing_slash(settings.explicit_endpoint);
  if (!env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
    if (std::string url = detail::env_or(("AWS_ENDPOINT_URL_" + settings.env_suffix).c_str()); !url.empty())
      return without_trailing_slash(url);
    if (std::string url = detail::env_or("AWS_ENDPOINT_URL"); !url.empty()) return without_trailing_slash(url);
  }
  if (settings.region.empty()) {
    if (error != nullptr) *error = "no region for the " + settings.service + " endpoint (set AWS_REGION or --region)";
    return {};
  }
  const bool fips = settings.use_fips.value_or(env_true("AWS_USE_FIPS_ENDPOINT"));
  const bool dualstack = settings.use_dualstack.value_or(env_true("AWS_USE_DUALSTACK_ENDPOINT"));
  const bool china = settings.region.starts_with("cn-");
  const bool govcloud = settings.region.starts_with("us-gov-");
  // GovCloud's regional endpoints are FIPS validated: the FIPS variant is the same host.
  const std::string prefix = settings.service + (fips && !govcloud ? "-fips" : "");
  std::string domain;
  if (dualstack) domain = china ? "api.amazonwebservices.com.cn" : "api.aws";
  else domain = china ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://" + prefix + "." + settings.region + "." + domain;
}

}  // namespace sluice::aws
