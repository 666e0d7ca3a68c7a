// STS over the Query protocol: a form-encoded POST, an XML answer. Only the few elements the
// credential chain needs are read (Credentials' four members, an error's Code and Message), so a
// small tag reader does instead of an XML library.

#include "sts_client.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>

#include "http_util.h"
#include "sluice/aws/sigv4.h"

namespace sluice::aws::detail {
namespace {

constexpr std::chrono::seconds kStsTimeout{10};

// The regions whose STS answered on the global endpoint before regional endpoints existed.
constexpr std::array<std::string_view, 16> kLegacyGlobalRegions = {
    "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
    "eu-central-1",   "eu-north-1", "eu-west-1",      "eu-west-2",      "eu-west-3",  "sa-east-1",
    "us-east-1",      "us-east-2",  "us-west-1",      "us-west-2"};

bool is_true(std::string value) {
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value == "true";
}

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    size_t semi = text.find(';', i);
    std::string_view entity = semi == std::string_view::npos ? std::string_view() : text.substr(i + 1, semi - i - 1);
    char c = entity == "amp"    ? '&'
             : entity == "lt"   ? '<'
             : entity == "gt"   ? '>'
             : entity == "quot" ? '"'
             : entity == "apos" ? '\''
                                : '\0';
    if (c == '\0') {
      out += '&';
      continue;
    }
    out += c;
    i = semi;
  }
  return out;
}

// The text of the first <tag>...</tag> in `xml`, unescaped; empty when absent.
std::string element_text(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t begin = xml.find(open);
  if (begin == std::string_view::npos) return {};
  begin += open.size();
  size_t end = xml.find(close, begin);
  if (end == std::string_view::npos) return {};
  return xml_unescape(xml.substr(begin, end - begin));
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += uri_encode(name, false) + "=" + uri_encode(value, false);
  }
  return out;
}

ResolvedCredentials call_sts(const StsEndpoint& endpoint, const std::string& action, const RoleRequest& request,
                             std::vector<std::pair<std::string, std::string>> fields, const Credentials* signer) {
  auto url = parse_url(endpoint.url);
  if (!url) return {std::nullopt, action + ": bad STS endpoint " + endpoint.url};
  fields.insert(fields.begin(), {{"Action", action},
                                 {"Version", "2011-06-15"},
                                 {"RoleArn", request.role_arn},
                                 {"RoleSessionName", request.session_name}});
  if (request.duration_seconds > 0) fields.emplace_back("DurationSeconds", std::to_string(request.duration_seconds));
  std::string body = form_encode(fields);
  constexpr const char* kContentType = "application/x-www-form-urlencoded; charset=utf-8";

  httplib::Headers headers;
  if (signer != nullptr) {
    SignableRequest signable{
        "POST", url->path, {}, {{"Host", url->host_header()}, {"Content-Type", kContentType}}, body};
    sign(signable, *signer, {endpoint.region, "sts", format_amz_date(std::chrono::system_clock::now())});
    for (auto& [name, value] : signable.headers) {
      if (name != "Content-Type") headers.emplace(name, value);  // httplib sets it from the argument
    }
  }
  auto client = make_client(*url, kStsTimeout, kStsTimeout);
  client->set_keep_alive(false);
  auto result = client->Post(url->path, headers, body, kContentType);
  std::string where = action + " " + request.role_arn + " at " + url->origin();
  if (!result) return {std::nullopt, where + ": no answer (" + httplib::to_string(result.error()) + ")"};
  if (result->status != 200) {
    std::string code = element_text(result->body, "Code");
    std::string message = element_text(result->body, "Message");
    if (code.empty()) code = "HTTP " + std::to_string(result->status);
    return {std::nullopt, where + ": " + code + (message.empty() ? "" : ": " + message)};
  }
  std::string_view xml = result->body;
  size_t start = xml.find("<Credentials>");
  if (start == std::string_view::npos) return {std::nullopt, where + ": the answer has no Credentials"};
  xml.remove_prefix(start);
  Credentials c{element_text(xml, "AccessKeyId"), element_text(xml, "SecretAccessKey"),
                element_text(xml, "SessionToken"), std::nullopt};
  std::string expiration = element_text(xml, "Expiration");
  c.expiration = parse_iso8601(expiration);
  if (c.access_key_id.empty() || c.secret_access_key.empty() || !c.expiration) {
    return {std::nullopt, where + ": incomplete Credentials in the answer"};
  }
  return {std::move(c), {}};
}

}  // namespace

std::string configured_endpoint(const SharedConfig* config, const Section* profile, const std::string& env_suffix,
                                const std::string& services_key) {
  if (is_true(env_or("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
      is_true(setting(profile, "ignore_configured_endpoint_urls"))) {
    return {};
  }
  if (auto url = env_or(("AWS_ENDPOINT_URL_" + env_suffix).c_str()); !url.empty()) return url;
  if (config != nullptr) {
    if (std::string name = setting(profile, "services"); !name.empty()) {
      auto it = config->services.find(name);
      if (it != config->services.end()) {
        if (auto url = setting(it->second, services_key + ".endpoint_url"); !url.empty()) return url;
      }
    }
  }
  if (auto url = env_or("AWS_ENDPOINT_URL"); !url.empty()) return url;
  return setting(profile, "endpoint_url");
}

StsEndpoint sts_endpoint(const SharedConfig* config, const Section* profile, std::string region) {
  if (region.empty()) region = env_or("AWS_REGION", env_or("AWS_DEFAULT_REGION", setting(profile, "region")));
  StsEndpoint out;
  out.region = region.empty() ? "us-east-1" : region;
  if (auto url = configured_endpoint(config, profile, "STS", "sts"); !url.empty()) {
    out.url = url;
    return out;
  }
  std::string mode = env_or("AWS_STS_REGIONAL_ENDPOINTS", setting(profile, "sts_regional_endpoints"));
  bool legacy_region =
      std::find(kLegacyGlobalRegions.begin(), kLegacyGlobalRegions.end(), region) != kLegacyGlobalRegions.end();
  if (region.empty() || region == "aws-global" || (mode == "legacy" && legacy_region)) {
    out.url = "https://sts.amazonaws.com";
    out.region = "us-east-1";
    return out;
  }
  std::string suffix = region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  out.url = "https://sts." + region + "." + suffix;
  return out;
}

ResolvedCredentials assume_role(const StsEndpoint& endpoint, const Credentials& source, const RoleRequest& request) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (!request.external_id.empty()) fields.emplace_back("ExternalId", request.external_id);
  return call_sts(endpoint, "AssumeRole", request, std::move(fields), &source);
}

ResolvedCredentials assume_role_with_web_identity(const StsEndpoint& endpoint, const std::string& token,
                                                  const RoleRequest& request) {
  return call_sts(endpoint, "AssumeRoleWithWebIdentity", request, {{"WebIdentityToken", token}}, nullptr);
}

std::string default_session_name() {
  auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return "sluice-session-" + std::to_string(seconds);
}

}  // namespace sluice::aws::detail
