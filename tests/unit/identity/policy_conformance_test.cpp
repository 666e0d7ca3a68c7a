// The policy evaluation conformance table: data/policy_conformance.jsonl holds one case a line —
// the policies that apply (identity, permissions boundary, session, resource), the request (a
// principal, an action, a resource, context keys) and the decision AWS documents for it, with the
// documentation page it comes from or "derived" (read from the evaluation rules, not an example).
// See data/README.md for the fields.

#include <boost/json.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "sluice/identity/evaluation.h"

namespace {

namespace json = boost::json;
using namespace sluice::identity;

std::string text(const json::object& row, std::string_view key) {
  const json::value* v = row.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// "arn:aws:iam::A:user/N", "arn:aws:iam::A:root", "arn:aws:sts::A:assumed-role/R/S", "anonymous".
Principal principal_from(std::string_view arn) {
  if (arn == "anonymous" || arn.empty()) return Principal{};
  const size_t account_start = arn.find("::") + 2;
  const size_t account_end = arn.find(':', account_start);
  const std::string account(arn.substr(account_start, account_end - account_start));
  const std::string_view rest = arn.substr(account_end + 1);
  if (rest == "root") return root_principal(account);
  if (rest.starts_with("user/")) {
    Principal user = user_principal(account, rest.substr(rest.rfind('/') + 1));
    user.arn = std::string(arn);  // keeps a path (user/division/carol)
    return user;
  }
  const std::string_view role_and_session = rest.substr(std::string_view("assumed-role/").size());
  const size_t slash = role_and_session.find('/');
  return assumed_role_principal(account, role_and_session.substr(0, slash), role_and_session.substr(slash + 1));
}

// The 12 digits of an ARN's account field, or "".
std::string account_of(std::string_view arn) {
  size_t pos = 0;
  for (int field = 0; field < 4; ++field) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return "";
    ++pos;
  }
  return std::string(arn.substr(pos, arn.find(':', pos) - pos));
}

std::string document(const json::value& policy) {
  return policy.is_string() ? std::string(policy.as_string()) : json::serialize(policy);
}

NamedPolicy compiled(const json::value& policy, const std::string& name) {
  auto outcome = compile_policy(document(policy));
  REQUIRE_MESSAGE(outcome.ok(), name << ": " << (outcome.ok() ? "" : outcome.error()));
  return {name, *outcome};
}

std::string expected_type_name(std::string_view type) {
  if (type == "identity") return std::string(policy_type_name(PolicyType::Identity));
  if (type == "boundary") return std::string(policy_type_name(PolicyType::PermissionsBoundary));
  if (type == "session") return std::string(policy_type_name(PolicyType::Session));
  if (type == "resource") return std::string(policy_type_name(PolicyType::Resource));
  return std::string(type);
}

std::string effect_name(Decision::Effect effect) {
  switch (effect) {
    case Decision::Effect::Allow:
      return "Allow";
    case Decision::Effect::ExplicitDeny:
      return "ExplicitDeny";
    case Decision::Effect::ImplicitDeny:
      return "ImplicitDeny";
  }
  return "?";
}

void run_case(const json::object& row) {
  const std::string name = text(row, "name");
  const std::string expect = text(row, "expect");
  CAPTURE(name);
  REQUIRE_FALSE(text(row, "source").empty());
  if (expect == "Malformed") {
    auto outcome = compile_policy(document(row.at("policy")));
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().find(text(row, "error")) != std::string::npos);
    return;
  }
  PolicySet policies;
  if (const json::value* list = row.if_contains("identity")) {
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      policies.identity.push_back(compiled(list->as_array()[i], "identity-" + std::to_string(i)));
    }
  }
  if (const json::value* boundary = row.if_contains("boundary")) policies.boundary = compiled(*boundary, "boundary");
  if (const json::value* list = row.if_contains("session")) {
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      policies.session.push_back(compiled(list->as_array()[i], "session-" + std::to_string(i)));
    }
  }
  if (const json::value* resource = row.if_contains("resource_policy")) {
    policies.resource = compiled(*resource, "resource-policy");
  }

  const Principal principal = principal_from(text(row, "principal"));
  AuthorizationRequest request;
  request.principal = &principal;
  request.service_principal = text(row, "service");
  request.action = text(row, "action");
  request.resource = text(row, "resource");
  request.resource_account =
      row.contains("resource_account") ? text(row, "resource_account") : account_of(request.resource);
  if (const json::value* key_policy = row.if_contains("key_policy")) request.key_policy = key_policy->as_bool();
  add_principal_keys(request.context, principal);
  if (const json::value* context = row.if_contains("context")) {
    for (const auto& [key, value] : context->as_object()) {
      if (value.is_array()) {
        std::vector<std::string> values;
        for (const json::value& v : value.as_array()) values.emplace_back(v.as_string());
        request.context.set_all(key, std::move(values));
      } else {
        request.context.set(key, std::string(value.as_string()));
      }
    }
  }

  const Decision decision = evaluate(request, policies);
  CAPTURE(decision.explanation());
  CHECK(effect_name(decision.effect) == expect);
  if (row.contains("type"))
    CHECK(std::string(policy_type_name(decision.policy_type)) == expected_type_name(text(row, "type")));
  if (row.contains("sid")) CHECK(decision.sid == text(row, "sid"));
  if (row.contains("message")) CHECK(access_denied_message(request, decision) == text(row, "message"));
}

}  // namespace

TEST_CASE("policy evaluation conformance table") {
  std::ifstream in(POLICY_CONFORMANCE_TABLE);
  REQUIRE(in.good());
  std::string line;
  size_t cases = 0, documented = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    json::value row = json::parse(line, ec);
    REQUIRE_MESSAGE(!ec, "line " << cases + 1 << " is not JSON");
    run_case(row.as_object());
    ++cases;
    if (text(row.as_object(), "source").starts_with("https://docs.aws.amazon.com/")) ++documented;
  }
  CHECK(cases >= 150);
  CHECK(documented >= 30);
}
