// STS AssumeRoleWithWebIdentity: an OpenID Connect ID token (a JWT) for a role session. Unsigned,
// as on AWS. What is verified, in order:
//   1. the token is a JWT (InvalidIdentityToken otherwise);
//   2. its iss names an OpenID Connect provider registered (IAM CreateOpenIDConnectProvider) in
//      the role's account (InvalidIdentityToken);
//   3. its signature: for sluice's own issuer (an issuer URL whose path is /_sluice/oidc) an
//      RS256 signature by the issuer's key, named by kid (InvalidIdentityToken). Tokens of other
//      issuers are NOT signature-checked: sluice fetches no one's JWKS (it makes no traffic beyond
//      its own port); their claims below are checked all the same;
//   4. its aud (a string or a list) contains one of the provider's client ids (InvalidIdentityToken);
//   5. exp is in the future (ExpiredTokenException, AWS's text); nbf and iat are not later than now
//      plus five minutes of clock skew (InvalidIdentityToken). Token times are wall-clock times;
//   6. with --auth audit or enforce, the role is declared and its trust policy allows
//      sts:AssumeRoleWithWebIdentity to the provider ARN under "Federated", with Conditions on
//      <issuer>:sub, <issuer>:aud, <issuer>:amr and the common keys (AccessDenied).
// The answer carries Credentials, SubjectFromWebIdentityToken, AssumedRoleUser, Provider (the
// issuer without scheme) and Audience.

#include <boost/json.hpp>

#include <algorithm>

#include "sluice/api/query/validation.h"
#include "sluice/common/clock.h"
#include "sluice/identity/jwt.h"
#include "sts_actions.h"

namespace sluice::api::sts_wire::detail {
namespace {

namespace json = boost::json;
using identity::Principal;

constexpr int64_t kDefaultDuration = 3600;
constexpr int64_t kClockSkewS = 300;

common::AwsError invalid_token(std::string message) {
  return common::aws_error(common::AwsErrorCode::InvalidIdentityToken, std::move(message));
}

std::vector<std::string> string_or_list(const json::value* value) {
  std::vector<std::string> out;
  if (value == nullptr) return out;
  if (value->is_string()) out.emplace_back(value->as_string());
  if (value->is_array()) {
    for (const auto& item : value->as_array()) {
      if (item.is_string()) out.emplace_back(item.as_string());
    }
  }
  return out;
}

std::optional<int64_t> seconds_claim(const json::object& claims, std::string_view name) {
  const json::value* value = claims.if_contains(name);
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<int64_t>(value->as_uint64());
  if (value->is_double()) return static_cast<int64_t>(value->as_double());
  return std::nullopt;
}

bool from_sluice_issuer(std::string_view issuer_id) { return issuer_id.ends_with(identity::OidcIssuer::kPath); }

}  // namespace

common::Outcome<std::string> assume_role_with_web_identity(const server::Call& call, StsContext& sts) {
  const std::string_view* role_arn = form_value(call, "RoleArn");
  const std::string_view* session_name = form_value(call, "RoleSessionName");
  const std::string_view* token = form_value(call, "WebIdentityToken");
  query::Validation validation;
  validation.not_null("roleArn", role_arn != nullptr);
  validation.not_null("roleSessionName", session_name != nullptr);
  validation.not_null("webIdentityToken", token != nullptr);
  if (role_arn != nullptr) validation.length("roleArn", *role_arn, 20, 2048);
  if (session_name != nullptr) {
    validation.length("roleSessionName", *session_name, 2, 64);
    validation.session_name_pattern("roleSessionName", *session_name);
  }
  if (token != nullptr) validation.length("webIdentityToken", *token, 4, 20000);
  int64_t duration = kDefaultDuration;
  if (const std::string_view* text = form_value(call, "DurationSeconds")) {
    if (!query::parse_form_integer(*text, &duration)) return query::form_integer_error("DurationSeconds", *text);
    validation.range("durationSeconds", *text, duration, 900, 43200);
  }
  if (auto error = validation.error()) return *error;
  std::string role_account;
  std::string role_name;
  if (!parse_role_arn(*role_arn, &role_account, &role_name)) {
    return common::aws_error(common::AwsErrorCode::ValidationError, std::string(*role_arn) + " is invalid");
  }

  auto jwt = identity::parse_jwt(*token);
  if (!jwt)
    return invalid_token(
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
  const json::value* iss = jwt->claims.if_contains("iss");
  if (iss == nullptr || !iss->is_string())
    return invalid_token("The ID Token provided does not name its issuer (iss).");
  const std::string issuer_url(iss->as_string());
  const std::string issuer_id = identity::oidc_issuer_id(issuer_url);
  const std::string provider_arn = identity::oidc_provider_arn(role_account, issuer_url);
  auto provider = sts.directory.find_oidc_provider(provider_arn);
  if (!provider) return invalid_token("No OpenIDConnect provider found in your account for " + issuer_url);

  if (from_sluice_issuer(issuer_id)) {
    const json::value* alg = jwt->header.if_contains("alg");
    const json::value* kid = jwt->header.if_contains("kid");
    if (sts.issuer == nullptr || kid == nullptr || !kid->is_string() || kid->as_string() != sts.issuer->key_id()) {
      return invalid_token(
          "Couldn't retrieve verification key from your identity provider,  please reference "
          "AssumeRoleWithWebIdentity documentation for requirements");
    }
    if (alg == nullptr || *alg != "RS256" || !sts.issuer->verify(jwt->signing_input, jwt->signature)) {
      return invalid_token(
          "The web identity token that was passed could not be validated by AWS. Get a new identity token from "
          "the identity provider and then retry the request.");
    }
  }

  const std::vector<std::string> audiences = string_or_list(jwt->claims.if_contains("aud"));
  std::string audience;
  for (const std::string& aud : audiences) {
    if (std::find(provider->client_ids.begin(), provider->client_ids.end(), aud) != provider->client_ids.end()) {
      audience = aud;
      break;
    }
  }
  if (audience.empty()) return invalid_token("Incorrect token audience");

  const int64_t now_s = common::system_clock()->now_ms() / 1000;
  auto exp = seconds_claim(jwt->claims, "exp");
  if (!exp) return invalid_token("The ID Token provided has no expiration time (exp).");
  if (now_s >= *exp) {
    return common::aws_error(common::AwsErrorCode::ExpiredIdentityToken,
                             "Token expired: current date/time " + std::to_string(now_s) +
                                 " must be before the expiration date/time" + std::to_string(*exp));
  }
  for (std::string_view claim : {"nbf", "iat"}) {
    if (auto when = seconds_claim(jwt->claims, claim); when && *when > now_s + kClockSkewS) {
      return invalid_token("The ID Token provided is not yet valid (" + std::string(claim) + " is in the future).");
    }
  }
  const json::value* sub_claim = jwt->claims.if_contains("sub");
  const std::string subject = sub_claim != nullptr && sub_claim->is_string() ? std::string(sub_claim->as_string()) : "";

  std::optional<identity::RoleDeclaration> role = sts.directory.find_role(role_account, role_name);
  if (sts.mode != identity::AuthMode::Off) {
    identity::ConditionContext context = request_context(call, sts);
    context.set(issuer_id + ":sub", subject);
    context.set_all(issuer_id + ":aud", audiences);
    if (auto amr = string_or_list(jwt->claims.if_contains("amr")); !amr.empty())
      context.set_all(issuer_id + ":amr", amr);
    context.set("aws:FederatedProvider", provider_arn);
    identity::TrustRequest request;
    request.action = "sts:AssumeRoleWithWebIdentity";
    request.federated_provider = provider_arn;
    request.context = &context;
    if (!role || !identity::trust_policy_allows(*role, role_account, request)) {
      common::AwsError refusal = common::aws_error(common::AwsErrorCode::AccessDenied,
                                                   "Not authorized to perform sts:AssumeRoleWithWebIdentity");
      if (sts.mode == identity::AuthMode::Enforce) return refusal;
      if (sts.audit_log) {
        sts.audit_log("sluice auth audit: would refuse sts:AssumeRoleWithWebIdentity (request " + call.ctx.request_id +
                      "): AccessDenied: " + refusal.message);
      }
    }
  }
  const int64_t max_duration = role ? role->max_session_duration_s : kDefaultDuration;
  if (duration > max_duration) {
    return common::aws_error(common::AwsErrorCode::ValidationError,
                             "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }

  identity::SessionGrant grant;
  grant.principal = identity::assumed_role_principal(role_account, role_name, *session_name);
  grant.expires_ms = sts.now_ms + duration * 1000;
  if (const std::string_view* policy = form_value(call, "Policy")) grant.session_policy = std::string(*policy);
  const Principal assumed = grant.principal;
  sts.directory.forget_expired(sts.now_ms);
  auto credentials = sts.directory.issue_session(std::move(grant));
  if (!credentials) return credentials.take_error();

  std::string out;
  query::XmlWriter w(out);
  write_credentials(w, *credentials);
  w.element("SubjectFromWebIdentityToken", subject);
  w.open("AssumedRoleUser")
      .element("AssumedRoleId", assumed.user_id)
      .element("Arn", assumed.arn)
      .close("AssumedRoleUser");
  w.element("Provider", issuer_id);
  w.element("Audience", audience);
  return out;
}

}  // namespace sluice::api::sts_wire::detail
