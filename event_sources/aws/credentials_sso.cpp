// IAM Identity Center (SSO) credentials. `aws sso login` leaves an access token in
// ~/.aws/sso/cache/<hex SHA-1 of the sso-session's name>.json (of the sso_start_url for the legacy
// form without an sso-session); the portal's GetRoleCredentials (GET /federation/credentials with
// the token in x-amz-sso_bearer_token) turns it into the role's credentials. The portal is
// https://portal.sso.<sso_region>.amazonaws.com unless an endpoint for "SSO" is configured.
// An expired token is an error that says to log in again: refreshing it through the OIDC service
// is not done.

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "credential_sources.h"
#include "http_util.h"
#include "sluice/common/crypto.h"

namespace sluice::aws::detail {
namespace {

namespace json = boost::json;

std::string sha1_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha1(), nullptr);
  return common::to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string text(const json::object& obj, const char* key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<json::object> read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream content;
  content << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(content.str(), ec);
  if (ec || !doc.is_object()) return std::nullopt;
  return std::move(doc.as_object());
}

}  // namespace

ResolvedCredentials sso_role_credentials(const SharedConfig& config, const Section& profile) {
  std::string session = setting(profile, "sso_session");
  std::string start_url = setting(profile, "sso_start_url");
  std::string region = setting(profile, "sso_region");
  if (!session.empty()) {
    auto it = config.sso_sessions.find(session);
    if (it == config.sso_sessions.end())
      return {std::nullopt, "sso-session " + session + " is not in " + config.config_file};
    start_url = setting(it->second, "sso_start_url");
    region = setting(it->second, "sso_region");
  }
  std::string account = setting(profile, "sso_account_id");
  std::string role = setting(profile, "sso_role_name");
  if (start_url.empty() || region.empty() || account.empty() || role.empty()) {
    return {std::nullopt, "SSO: sso_start_url, sso_region, sso_account_id and sso_role_name are all needed"};
  }

  std::string cache = expand_home("~/.aws/sso/cache/") + sha1_hex(!session.empty() ? session : start_url) + ".json";
  auto token_doc = read_json_file(cache);
  std::string relogin = "run aws sso login" + (session.empty() ? std::string() : " --sso-session " + session);
  if (!token_doc) return {std::nullopt, "SSO: no cached token in " + cache + " (" + relogin + ")"};
  std::string token = text(*token_doc, "accessToken");
  auto expires = parse_iso8601(text(*token_doc, "expiresAt"));
  if (token.empty() || !expires) return {std::nullopt, "SSO: unreadable cached token " + cache};
  if (*expires <= std::chrono::system_clock::now()) {
    return {std::nullopt, "SSO: the cached token in " + cache + " has expired (" + relogin + ")"};
  }

  std::string endpoint = configured_endpoint(&config, &profile, "SSO", "sso");
  if (endpoint.empty()) endpoint = "https://portal.sso." + region + ".amazonaws.com";
  auto url = parse_url(endpoint);
  if (!url) return {std::nullopt, "SSO: bad portal endpoint " + endpoint};
  auto client = make_client(*url, std::chrono::seconds(10), std::chrono::seconds(10));
  client->set_keep_alive(false);
  std::string base = url->path == "/" ? std::string() : url->path;
  httplib::Params params{{"account_id", account}, {"role_name", role}};
  auto result = client->Get(base + "/federation/credentials", params, {{"x-amz-sso_bearer_token", token}});
  std::string where = "SSO GetRoleCredentials " + account + "/" + role + " at " + url->origin();
  if (!result) return {std::nullopt, where + ": no answer (" + httplib::to_string(result.error()) + ")"};
  boost::system::error_code ec;
  json::value doc = json::parse(result->body, ec);
  if (result->status != 200) {
    std::string message = !ec && doc.is_object() ? text(doc.as_object(), "message") : std::string();
    std::string type = result->get_header_value("x-amzn-ErrorType");
    type = type.substr(0, type.find(':'));
    return {std::nullopt, where + ": HTTP " + std::to_string(result->status) + (type.empty() ? "" : " " + type) +
                              (message.empty() ? "" : ": " + message)};
  }
  const json::value* role_credentials =
      !ec && doc.is_object() ? doc.as_object().if_contains("roleCredentials") : nullptr;
  if (role_credentials == nullptr || !role_credentials->is_object()) {
    return {std::nullopt, where + ": the answer has no roleCredentials"};
  }
  const auto& rc = role_credentials->as_object();
  Credentials c{text(rc, "accessKeyId"), text(rc, "secretAccessKey"), text(rc, "sessionToken"), std::nullopt};
  if (const json::value* ms = rc.if_contains("expiration"); ms != nullptr && ms->is_number()) {
    c.expiration = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms->to_number<int64_t>()));
  }
  if (c.access_key_id.empty() || c.secret_access_key.empty())
    return {std::nullopt, where + ": incomplete roleCredentials"};
  return {std::move(c), {}};
}

}  // namespace sluice::aws::detail
