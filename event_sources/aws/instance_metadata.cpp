// See sluice/aws/instance_metadata.h.
#include "sluice/aws/instance_metadata.h"

#include <cctype>

#include "http_util.h"

namespace sluice::aws {
namespace {

constexpr const char* kDefaultEndpoint = "http://169.254.169.254";
constexpr const char* kTokenTtlHeader = "x-aws-ec2-metadata-token-ttl-seconds";
constexpr const char* kTokenHeader = "x-aws-ec2-metadata-token";
constexpr int kTokenTtlSeconds = 21600;
// A token is fetched again this long before it expires, so no GET carries a stale one.
constexpr std::chrono::seconds kTokenRefreshAhead{60};

std::string describe(const httplib::Result& result) {
  if (!result) return httplib::to_string(result.error());
  return "HTTP " + std::to_string(result->status);
}

}  // namespace

InstanceMetadata::InstanceMetadata(InstanceMetadataOptions options) {
  endpoint_ = options.endpoint.empty() ? detail::env_or("AWS_EC2_METADATA_SERVICE_ENDPOINT", kDefaultEndpoint)
                                       : options.endpoint;
  std::string disabled = detail::env_or("AWS_EC2_METADATA_DISABLED");
  for (char& c : disabled) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (disabled == "true") {
    disabled_ = "the instance metadata service is disabled (AWS_EC2_METADATA_DISABLED)";
    return;
  }
  auto url = detail::parse_url(endpoint_);
  if (!url) {
    disabled_ = "not an instance metadata endpoint: " + endpoint_;
    return;
  }
  client_ = detail::make_client(*url, options.timeout, options.timeout);
}

InstanceMetadata::~InstanceMetadata() = default;

bool InstanceMetadata::refresh_token(std::string* error) {
  if (version1_) return true;
  if (!token_.empty() && std::chrono::steady_clock::now() < token_expires_) return true;
  httplib::Headers headers{{kTokenTtlHeader, std::to_string(kTokenTtlSeconds)}};
  auto result = client_->Put("/latest/api/token", headers, "", "text/plain");
  if (result && result->status == 200) {
    token_ = result->body;
    token_expires_ = std::chrono::steady_clock::now() + std::chrono::seconds(kTokenTtlSeconds) - kTokenRefreshAhead;
    return true;
  }
  if (result && (result->status == 403 || result->status == 404 || result->status == 405)) {
    version1_ = true;
    return true;
  }
  *error = "metadata token: " + describe(result);
  return false;
}

InstanceMetadata::Answer InstanceMetadata::get(const std::string& path) {
  Answer answer;
  if (!disabled_.empty()) {
    answer.error = disabled_;
    return answer;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!refresh_token(&answer.error)) return answer;
    httplib::Headers headers;
    if (!token_.empty()) headers.emplace(kTokenHeader, token_);
    auto result = client_->Get("/latest/meta-data/" + path, headers);
    if (!result) {
      answer.status = 0;
      answer.error = "metadata " + path + ": " + describe(result);
      return answer;
    }
    answer.status = result->status;
    if (result->status == 401 && attempt == 0) {  // the token expired or was revoked: fetch a new one
      token_.clear();
      continue;
    }
    if (result->status == 200) answer.body = result->body;
    else answer.error = "metadata " + path + ": " + describe(result);
    return answer;
  }
  return answer;
}

}  // namespace sluice::aws
