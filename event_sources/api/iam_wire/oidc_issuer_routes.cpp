// sluice's test OpenID issuer over HTTP (see oidc_issuer_routes.h and iam_service.h).

#include "oidc_issuer_routes.h"

#include <boost/json.hpp>

#include "iam_actions.h"
#include "sluice/api/query/query.h"

namespace sluice::api::iam_wire::detail {
namespace {

namespace json = boost::json;
using identity::OidcIssuer;

constexpr int64_t kDefaultLifetimeS = 3600;

http::Response json_response(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

http::Response error_json(int status, std::string_view code, std::string_view message) {
  return json_response(status, json::serialize(json::object{{"Code", code}, {"Message", message}}));
}

int64_t wall_seconds() { return common::system_clock()->now_ms() / 1000; }

}  // namespace

bool is_issuer_path(std::string_view path) {
  return path.starts_with(OidcIssuer::kPath) &&
         (path.size() == OidcIssuer::kPath.size() || path[OidcIssuer::kPath.size()] == '/');
}

std::optional<http::Response> issuer_get(const OidcIssuer& issuer, const http::Request& request,
                                         std::string_view base_url) {
  const std::string issuer_url = std::string(base_url) + std::string(OidcIssuer::kPath);
  const std::string_view path = request.path;
  if (path == std::string(OidcIssuer::kPath) + "/.well-known/openid-configuration") {
    return json_response(200, issuer.discovery_json(issuer_url));
  }
  if (path == std::string(OidcIssuer::kPath) + "/jwks.json") return json_response(200, issuer.jwks_json());
  return std::nullopt;
}

http::Response mint_token(const OidcIssuer& issuer, const server::Call& call, identity::AuthMode mode) {
  if (call.request.method != "POST" || call.request.path != std::string(OidcIssuer::kPath) + "/token") {
    return error_json(404, "NotFound", "The issuer serves POST " + std::string(OidcIssuer::kPath) + "/token");
  }
  if (mode == identity::AuthMode::Enforce && !call.ctx.principal.authenticated) {
    return error_json(403, "AccessDenied", "Minting ID tokens requires a signed request under --auth enforce");
  }
  const std::string_view* sub = form_value(call, "sub");
  const std::vector<std::string_view> audiences = [&] {
    std::vector<std::string_view> out;
    for (const auto& [key, value] : call.form) {
      if (key == "aud") out.push_back(value);
    }
    return out;
  }();
  if (sub == nullptr || sub->empty() || audiences.empty()) {
    return error_json(400, "InvalidInput", "sub and aud are required");
  }
  auto seconds_param = [&](std::string_view name, int64_t fallback, bool* bad) {
    const std::string_view* text = form_value(call, name);
    int64_t value = fallback;
    if (text != nullptr && !query::parse_form_integer(*text, &value)) *bad = true;
    return value;
  };
  bool bad = false;
  const int64_t expires_in = seconds_param("expires_in", kDefaultLifetimeS, &bad);
  const bool has_nbf = form_value(call, "not_before_in") != nullptr;
  const int64_t not_before_in = seconds_param("not_before_in", 0, &bad);
  if (bad) return error_json(400, "InvalidInput", "expires_in and not_before_in are integers (seconds)");

  const std::string issuer_url = call.ctx.base_url + std::string(OidcIssuer::kPath);
  const int64_t now = wall_seconds();
  json::object claims{{"iss", issuer_url}, {"sub", *sub}, {"iat", now}, {"exp", now + expires_in}};
  if (audiences.size() == 1) {
    claims["aud"] = audiences.front();
  } else {
    json::array list;
    for (std::string_view aud : audiences) list.emplace_back(aud);
    claims["aud"] = std::move(list);
  }
  if (has_nbf) claims["nbf"] = now + not_before_in;
  json::array amr;
  for (const auto& [key, value] : call.form) {
    if (key == "amr") amr.emplace_back(value);
  }
  if (!amr.empty()) claims["amr"] = std::move(amr);
  const std::string token = issuer.sign(claims);
  if (token.empty()) return error_json(500, "ServiceFailure", "The token could not be signed");
  return json_response(
      200, json::serialize(json::object{{"IdToken", token}, {"Issuer", issuer_url}, {"Expiration", now + expires_in}}));
}

}  // namespace sluice::api::iam_wire::detail
