// STS's actions. Limits and texts are AWS's: AssumeRole's DurationSeconds 900..43200 and at most
// the role's MaxSessionDuration (one hour when a role session assumes a role: role chaining);
// GetSessionToken's 900..129600, one hour at most for root (longer asks are cut to one hour, as
// AWS does), and never with temporary credentials; the root user may not assume roles.

#include "sts_actions.h"

#include <boost/json.hpp>

#include "sluice/api/query/query.h"
#include "sluice/api/query/validation.h"
#include "sluice/common/clock.h"

namespace sluice::api::sts_wire::detail {
namespace {

using identity::Principal;

constexpr int64_t kDefaultRoleDuration = 3600;
constexpr int64_t kChainedRoleMax = 3600;
constexpr int64_t kDefaultSessionTokenDuration = 43200;
constexpr int64_t kRootSessionTokenMax = 3600;
constexpr size_t kMaxPolicyLength = 2048;
constexpr size_t kMaxPolicyArns = 10;

// An integer parameter; false (and the error in *error) when it is not one.
bool read_duration(const server::Call& call, std::string_view name, int64_t* value,
                   std::optional<common::AwsError>* error) {
  const std::string_view* text = form_value(call, name);
  if (text == nullptr) return true;
  if (!query::parse_form_integer(*text, value)) {
    *error = query::form_integer_error(name, *text);
    return false;
  }
  return true;
}

common::AwsError not_authorized(const Principal& caller, std::string_view resource) {
  return common::aws_error(
      common::AwsErrorCode::AccessDenied,
      "User: " + caller.arn + " is not authorized to perform: sts:AssumeRole on resource: " + std::string(resource));
}

// Session policies: a JSON object no longer than 2048 characters; PolicyArns.member.N.arn.
std::optional<common::AwsError> read_session_policies(const server::Call& call, identity::SessionGrant& grant,
                                                      query::Validation& validation) {
  if (const std::string_view* policy = form_value(call, "Policy")) {
    validation.length("policy", *policy, 1, kMaxPolicyLength);
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(*policy, ec);
    if (!policy->empty() && policy->size() <= kMaxPolicyLength && (ec || !parsed.is_object())) {
      return common::aws_error(common::AwsErrorCode::MalformedPolicyDocument,
                               "The policy is not in the valid JSON format.");
    }
    grant.session_policy = std::string(*policy);
  }
  for (const auto& [key, value] : call.form) {
    if (key.starts_with("PolicyArns.member.") && key.ends_with(".arn")) grant.session_policy_arns.emplace_back(value);
  }
  if (grant.session_policy_arns.size() > kMaxPolicyArns) {
    return common::aws_error(
        common::AwsErrorCode::ValidationError,
        "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must "
        "have length less than or equal to " +
            std::to_string(kMaxPolicyArns));
  }
  return std::nullopt;
}

// How full the packed session policies are, in percent of what AWS accepts.
int64_t packed_policy_size(const identity::SessionGrant& grant) {
  size_t used = grant.session_policy.size();
  for (const std::string& arn : grant.session_policy_arns) used += arn.size();
  return static_cast<int64_t>((used * 100 + kMaxPolicyLength - 1) / kMaxPolicyLength);
}

// The principal's own keys, for sts:AssumeRole's trust policy.
void add_principal_keys(identity::ConditionContext& context, const Principal& caller) {
  context.set("aws:PrincipalAccount", caller.account_id);
  context.set("aws:userid", caller.user_id);
  switch (caller.kind) {
    case Principal::Kind::Root:
      context.set("aws:PrincipalArn", caller.arn);
      context.set("aws:PrincipalType", "Account");
      break;
    case Principal::Kind::User:
      context.set("aws:PrincipalArn", caller.arn);
      context.set("aws:PrincipalType", "User");
      context.set("aws:username", caller.name);
      break;
    case Principal::Kind::AssumedRole:
      // A role session's aws:PrincipalArn is its role's ARN.
      context.set("aws:PrincipalArn", identity::role_arn(caller.account_id, caller.name));
      context.set("aws:PrincipalType", "AssumedRole");
      break;
    case Principal::Kind::Anonymous:
      break;
  }
}

}  // namespace

const std::string_view* form_value(const server::Call& call, std::string_view name) {
  const std::string_view* found = nullptr;
  for (const auto& [key, value] : call.form) {
    if (key == name) found = &value;
  }
  return found;
}

void write_credentials(query::XmlWriter& w, const identity::SessionCredentials& credentials) {
  w.open("Credentials")
      .element("AccessKeyId", credentials.access_key_id)
      .element("SecretAccessKey", credentials.secret_access_key)
      .element("SessionToken", credentials.session_token)
      .element("Expiration", common::format_iso8601_ms(credentials.expires_ms))
      .close("Credentials");
}

// arn:aws:iam::ACCOUNT:role/[PATH/]NAME -> account and name.
bool parse_role_arn(std::string_view arn, std::string* account, std::string* name) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (arn.substr(0, kPrefix.size()) != kPrefix) return false;
  arn.remove_prefix(kPrefix.size());
  size_t colon = arn.find(':');
  if (colon != 12 || arn.substr(colon + 1, 5) != "role/") return false;
  *account = std::string(arn.substr(0, 12));
  for (char c : *account) {
    if (c < '0' || c > '9') return false;
  }
  std::string_view path = arn.substr(colon + 6);
  *name = std::string(path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1));
  return !name->empty();
}

identity::ConditionContext request_context(const server::Call& call, const StsContext& sts) {
  identity::ConditionContext context;
  context.set("aws:CurrentTime", common::format_iso8601_ms(sts.now_ms));
  context.set("aws:EpochTime", std::to_string(sts.now_ms / 1000));
  context.set("aws:SecureTransport", call.ctx.secure_transport ? "true" : "false");
  if (const std::string_view* name = form_value(call, "RoleSessionName")) {
    context.set("sts:RoleSessionName", std::string(*name));
  }
  std::vector<std::string> tag_keys;
  for (const auto& [key, value] : call.form) {
    // Tags.member.N.Key, with its Tags.member.N.Value
    if (!key.starts_with("Tags.member.") || !key.ends_with(".Key")) continue;
    const std::string value_name = std::string(key.substr(0, key.size() - 4)) + ".Value";
    const std::string_view* tag_value = form_value(call, value_name);
    context.set("aws:RequestTag/" + std::string(value), tag_value ? std::string(*tag_value) : std::string());
    tag_keys.emplace_back(value);
  }
  if (!tag_keys.empty()) context.set_all("aws:TagKeys", std::move(tag_keys));
  return context;
}

common::Outcome<std::string> get_caller_identity(const server::Call& call, StsContext& sts) {
  (void)sts;
  const Principal& caller = call.ctx.principal;
  std::string out;
  query::XmlWriter(out)
      .element("Arn", caller.arn)
      .element("UserId", caller.user_id)
      .element("Account", caller.account_id);
  return out;
}

common::Outcome<std::string> assume_role(const server::Call& call, StsContext& sts) {
  const Principal& caller = call.ctx.principal;
  const std::string_view* role_arn = form_value(call, "RoleArn");
  const std::string_view* session_name = form_value(call, "RoleSessionName");
  query::Validation validation;
  validation.not_null("roleArn", role_arn != nullptr);
  validation.not_null("roleSessionName", session_name != nullptr);
  if (role_arn != nullptr) validation.length("roleArn", *role_arn, 20, 2048);
  if (session_name != nullptr) {
    validation.length("roleSessionName", *session_name, 2, 64);
    validation.session_name_pattern("roleSessionName", *session_name);
  }
  int64_t duration = kDefaultRoleDuration;
  std::optional<common::AwsError> integer_error;
  if (!read_duration(call, "DurationSeconds", &duration, &integer_error)) return *integer_error;
  if (const std::string_view* text = form_value(call, "DurationSeconds")) {
    validation.range("durationSeconds", *text, duration, 900, 43200);
  }
  identity::SessionGrant grant;
  if (auto error = read_session_policies(call, grant, validation)) return *error;
  if (auto error = validation.error()) return *error;

  std::string role_account;
  std::string role_name;
  if (!parse_role_arn(*role_arn, &role_account, &role_name)) {
    return common::aws_error(common::AwsErrorCode::ValidationError, std::string(*role_arn) + " is invalid");
  }
  if (caller.kind == Principal::Kind::Root && caller.authenticated) {
    return common::aws_error(common::AwsErrorCode::AccessDenied, "Roles may not be assumed by root accounts.");
  }
  std::optional<identity::RoleDeclaration> role = sts.directory.find_role(role_account, role_name);
  if (sts.mode != identity::AuthMode::Off) {
    std::optional<common::AwsError> refusal;
    identity::ConditionContext context = request_context(call, sts);
    add_principal_keys(context, caller);
    if (const std::string_view* external_id = form_value(call, "ExternalId")) {
      context.set("sts:ExternalId", std::string(*external_id));
    }
    identity::TrustRequest request;
    request.caller = &caller;
    request.context = &context;
    if (!role || !identity::trust_policy_allows(*role, role_account, request))
      refusal = not_authorized(caller, *role_arn);
    if (refusal && sts.mode == identity::AuthMode::Enforce) return *refusal;
    if (refusal && sts.audit_log) {
      sts.audit_log("sluice auth audit: would refuse sts:AssumeRole (request " + call.ctx.request_id +
                    "): AccessDenied: " + refusal->message);
    }
  }
  const int64_t max_duration = role ? role->max_session_duration_s : kDefaultRoleDuration;
  if (caller.kind == Principal::Kind::AssumedRole && duration > kChainedRoleMax) {
    return common::aws_error(common::AwsErrorCode::ValidationError,
                             "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
                             "chaining.");
  }
  if (duration > max_duration) {
    return common::aws_error(common::AwsErrorCode::ValidationError,
                             "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }

  grant.principal = identity::assumed_role_principal(role_account, role_name, *session_name);
  grant.expires_ms = sts.now_ms + duration * 1000;
  const bool has_policies = !grant.session_policy.empty() || !grant.session_policy_arns.empty();
  const int64_t packed = packed_policy_size(grant);
  const Principal assumed = grant.principal;
  sts.directory.forget_expired(sts.now_ms);
  auto credentials = sts.directory.issue_session(std::move(grant));
  if (!credentials) return credentials.take_error();

  std::string out;
  query::XmlWriter w(out);
  write_credentials(w, *credentials);
  w.open("AssumedRoleUser")
      .element("AssumedRoleId", assumed.user_id)
      .element("Arn", assumed.arn)
      .close("AssumedRoleUser");
  if (has_policies) w.raw_element("PackedPolicySize", std::to_string(packed));
  return out;
}

common::Outcome<std::string> get_session_token(const server::Call& call, StsContext& sts) {
  const Principal& caller = call.ctx.principal;
  int64_t duration = kDefaultSessionTokenDuration;
  std::optional<common::AwsError> integer_error;
  if (!read_duration(call, "DurationSeconds", &duration, &integer_error)) return *integer_error;
  query::Validation validation;
  if (const std::string_view* text = form_value(call, "DurationSeconds")) {
    validation.range("durationSeconds", *text, duration, 900, 129600);
  }
  if (auto error = validation.error()) return *error;
  if (caller.kind == Principal::Kind::AssumedRole) {
    return common::aws_error(common::AwsErrorCode::AccessDenied,
                             "Cannot call GetSessionToken with session credentials");
  }
  if (caller.authenticated) {
    if (auto key = sts.directory.find_key(call.ctx.access_key_id); key && key->from_get_session_token) {
      return common::aws_error(common::AwsErrorCode::AccessDenied,
                               "Cannot call GetSessionToken with session credentials");
    }
  }
  if (caller.kind == Principal::Kind::Root) duration = std::min(duration, kRootSessionTokenMax);
  identity::SessionGrant grant;
  grant.principal = caller;
  grant.expires_ms = sts.now_ms + duration * 1000;
  grant.from_get_session_token = true;
  sts.directory.forget_expired(sts.now_ms);
  auto credentials = sts.directory.issue_session(std::move(grant));
  if (!credentials) return credentials.take_error();
  std::string out;
  query::XmlWriter w(out);
  write_credentials(w, *credentials);
  return out;
}

}  // namespace sluice::api::sts_wire::detail
