// Credentials over HTTP: the container credentials endpoint and the EC2 instance metadata service.
//
// IMDSv2: PUT /latest/api/token (with the TTL header) gives a session token that every later GET
// carries. The provider keeps the token for its TTL (less a minute) and asks for a new one when it
// runs out or a GET answers 401 (the token was revoked or the service restarted). A 403/404/405
// answer to the PUT means the instance (or a proxy in front of it) does not offer v2, so the GETs
// go without a token (IMDSv1) unless AWS_EC2_METADATA_V1_DISABLED is true. Every call is bounded by
// a short timeout so a machine that is not on EC2 learns it quickly.
//
// Where: AWS_EC2_METADATA_SERVICE_ENDPOINT, else AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4,
// the default, or IPv6).

#include <fstream>
#include <mutex>

#include <boost/json.hpp>

#include "http_util.h"
#include "sluice/aws/credentials.h"

namespace sluice::aws {
namespace detail {
std::optional<std::string> imds_region(const ImdsOptions& options);
}

namespace {

using detail::env_or;
namespace json = boost::json;

constexpr const char* kImdsDefault = "http://169.254.169.254";
constexpr const char* kImdsIpv6 = "http://[fd00:ec2::254]";
constexpr int kTokenTtlSeconds = 21600;
constexpr std::chrono::seconds kTokenMargin{60};
constexpr const char* kTokenTtlHeader = "x-aws-ec2-metadata-token-ttl-seconds";
constexpr const char* kTokenHeader = "x-aws-ec2-metadata-token";
constexpr const char* kRolesPath = "/latest/meta-data/iam/security-credentials/";

std::string describe(const httplib::Result& result) {
  if (!result) return "no answer (" + httplib::to_string(result.error()) + ")";
  return "HTTP " + std::to_string(result->status);
}

// The JSON both the metadata service and container endpoints answer with.
ResolvedCredentials parse_credentials_json(const std::string& body, const std::string& source) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return {std::nullopt, source + ": credentials are not a JSON object"};
  const auto& obj = doc.as_object();
  auto text = [&](const char* key) -> std::string {
    const json::value* v = obj.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (const json::value* code = obj.if_contains("Code");
      code != nullptr && code->is_string() && code->as_string() != "Success") {
    return {std::nullopt, source + ": credentials Code is " + std::string(code->as_string())};
  }
  Credentials c{text("AccessKeyId"), text("SecretAccessKey"), text("Token"), std::nullopt};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return {std::nullopt, source + ": AccessKeyId/SecretAccessKey missing"};
  }
  if (std::string expiration = text("Expiration"); !expiration.empty()) {
    c.expiration = detail::parse_iso8601(expiration);
    if (!c.expiration) return {std::nullopt, source + ": unreadable Expiration " + expiration};
  }
  return {std::move(c), {}};
}

bool env_true(const char* name) {
  std::string v = env_or(name);
  for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return v == "true";
}

bool metadata_disabled() { return env_true("AWS_EC2_METADATA_DISABLED"); }

std::string metadata_endpoint(const ImdsOptions& options) {
  if (!options.endpoint.empty()) return options.endpoint;
  std::string mode = env_or("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
  for (char& ch : mode) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return env_or("AWS_EC2_METADATA_SERVICE_ENDPOINT", mode == "ipv6" ? kImdsIpv6 : kImdsDefault);
}

// The session token, kept between conversations.
struct TokenCache {
  std::mutex mu;
  std::string token;  // empty: none, or the service speaks only v1
  std::chrono::steady_clock::time_point renew_at;
};

// One conversation with the metadata service: the token (if v2 is offered) and GETs.
class ImdsSession {
 public:
  ImdsSession(const ImdsOptions& options, TokenCache* cache) : cache_(cache) {
    std::string endpoint = metadata_endpoint(options);
    if (auto url = detail::parse_url(endpoint)) {
      client_ = detail::make_client(*url, options.timeout, options.timeout);
      client_->set_keep_alive(false);
    } else {
      error_ = "bad metadata endpoint " + endpoint;
    }
  }

  // False with error() set when the service cannot be used.
  bool start() {
    if (!client_) return false;
    if (cache_ != nullptr) {
      std::lock_guard lock(cache_->mu);
      if (!cache_->token.empty() && std::chrono::steady_clock::now() < cache_->renew_at) {
        token_ = cache_->token;
        return true;
      }
    }
    return fetch_token();
  }

  std::optional<std::string> get(const std::string& path) {
    auto result = get_once(path);
    if (result && result->status == 401 && !token_.empty() && fetch_token()) result = get_once(path);
    if (!result || result->status != 200) {
      error_ = "metadata " + path + ": " + describe(result);
      return std::nullopt;
    }
    return result->body;
  }

  const std::string& error() const { return error_; }

 private:
  bool fetch_token() {
    token_.clear();
    httplib::Headers headers{{kTokenTtlHeader, std::to_string(kTokenTtlSeconds)}};
    auto requested = std::chrono::steady_clock::now();
    auto result = client_->Put("/latest/api/token", headers, "", "text/plain");
    if (result && result->status == 200) {
      token_ = result->body;
      if (cache_ != nullptr) {
        std::lock_guard lock(cache_->mu);
        cache_->token = token_;
        cache_->renew_at = requested + std::chrono::seconds(kTokenTtlSeconds) - kTokenMargin;
      }
      return true;
    }
    if (result && (result->status == 403 || result->status == 404 || result->status == 405)) {
      if (!env_true("AWS_EC2_METADATA_V1_DISABLED")) return true;  // v1
      error_ = "metadata token: " + describe(result) + " and AWS_EC2_METADATA_V1_DISABLED forbids IMDSv1";
      return false;
    }
    error_ = "metadata token: " + describe(result);
    return false;
  }

  httplib::Result get_once(const std::string& path) {
    httplib::Headers headers;
    if (!token_.empty()) headers.emplace(kTokenHeader, token_);
    return client_->Get(path, headers);
  }

  TokenCache* cache_;
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
  std::string error_;
};

class ImdsProvider final : public CredentialsProvider {
 public:
  explicit ImdsProvider(ImdsOptions options) : options_(std::move(options)) {}

  ResolvedCredentials resolve() override {
    if (metadata_disabled()) return {std::nullopt, "instance metadata disabled"};
    ImdsSession session(options_, &tokens_);
    if (!session.start()) return {std::nullopt, session.error()};
    auto roles = session.get(kRolesPath);
    if (!roles) return {std::nullopt, session.error()};
    std::string role = roles->substr(0, roles->find('\n'));
    while (!role.empty() && (role.back() == '\r' || role.back() == ' ')) role.pop_back();
    if (role.empty()) return {std::nullopt, "instance metadata: no IAM role attached"};
    auto body = session.get(kRolesPath + role);
    if (!body) return {std::nullopt, session.error()};
    return parse_credentials_json(*body, "instance metadata");
  }

 private:
  ImdsOptions options_;
  TokenCache tokens_;
};

bool allowed_container_host(const detail::Url& url) {
  if (url.scheme == "https") return true;
  const std::string& h = url.host;
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0 || h == "169.254.170.2" || h == "169.254.170.23" ||
         h == "fd00:ec2::23";
}

class ContainerProvider final : public CredentialsProvider {
 public:
  ResolvedCredentials resolve() override {
    ResolvedCredentials result = fetch();
    // Configured (the variables are set) but failing: the chain stops here.
    result.stop_chain = !result.ok() && (!env_or("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
                                         !env_or("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty());
    return result;
  }

 private:
  static ResolvedCredentials fetch() {
    std::string relative = env_or("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    std::string full = env_or("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    std::string target;
    if (!relative.empty()) target = "http://169.254.170.2" + relative;
    else if (!full.empty()) target = full;
    else return {std::nullopt, "container credentials not configured"};
    auto url = detail::parse_url(target);
    if (!url) return {std::nullopt, "container credentials: bad URI " + target};
    if (relative.empty() && !allowed_container_host(*url)) {
      return {std::nullopt, "container credentials: host " + url->host + " not allowed over http"};
    }
    httplib::Headers headers;
    std::string token = env_or("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (std::string token_file = env_or("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !token_file.empty()) {
      std::ifstream in(token_file);
      std::getline(in, token);
    }
    if (token.find_first_of("\r\n") != std::string::npos) {
      return {std::nullopt, "container credentials: the authorization token holds a line break"};
    }
    if (!token.empty()) headers.emplace("Authorization", token);
    auto client = detail::make_client(*url, std::chrono::seconds(2), std::chrono::seconds(2));
    client->set_keep_alive(false);
    auto result = client->Get(url->path, headers);
    if (!result || result->status != 200) return {std::nullopt, "container credentials: " + describe(result)};
    return parse_credentials_json(result->body, "container credentials");
  }
};

}  // namespace

std::shared_ptr<CredentialsProvider> container_credentials() { return std::make_shared<ContainerProvider>(); }

std::shared_ptr<CredentialsProvider> imds_credentials(ImdsOptions options) {
  return std::make_shared<ImdsProvider>(std::move(options));
}

namespace detail {
std::optional<std::string> imds_region(const ImdsOptions& options) {
  if (metadata_disabled()) return std::nullopt;
  ImdsSession session(options, nullptr);
  if (!session.start()) return std::nullopt;
  auto region = session.get("/latest/meta-data/placement/region");
  if (!region || region->empty()) return std::nullopt;
  return region;
}
}  // namespace detail

}  // namespace sluice::aws
