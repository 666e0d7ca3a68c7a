// `sluice explain`: one policy evaluation, offline. The principal's policies come from the
// configuration's accounts through the same identity Directory that `sluice up` uses, so the
// answer is the one `sluice up --auth enforce CONFIG` would give for the same policies.

#include <cstdio>
#include <fstream>
#include <sstream>

#include "config.h"
#include "explain_options.h"
#include "sluice/common/clock.h"
#include "sluice/common/defaults.h"
#include "sluice/identity/evaluation.h"
#include "sluice/identity/identity.h"

namespace sluice::cli {
namespace {

// "@FILE" -> the file's text; anything else as it is.
bool document_text(const std::string& value, std::string* out) {
  if (!value.starts_with("@")) {
    *out = value;
    return true;
  }
  std::ifstream in(value.substr(1));
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

// The principal an ARN names; a role ARN stands for a session of the role.
std::optional<identity::Principal> principal_of(const std::string& arn) {
  auto field = [&](int n) -> std::string {
    size_t pos = 0;
    for (int i = 0; i < n; ++i) {
      pos = arn.find(':', pos);
      if (pos == std::string::npos) return "";
      ++pos;
    }
    return arn.substr(pos, n == 5 ? std::string::npos : arn.find(':', pos) - pos);
  };
  if (!arn.starts_with("arn:")) return std::nullopt;
  const std::string account = field(4);
  const std::string resource = field(5);
  if (account.size() != 12) return std::nullopt;
  if (resource == "root") return identity::root_principal(account);
  if (resource.starts_with("user/")) {
    identity::Principal user = identity::user_principal(account, resource.substr(resource.rfind('/') + 1));
    user.arn = arn;
    return user;
  }
  if (resource.starts_with("role/")) {
    return identity::assumed_role_principal(account, resource.substr(resource.rfind('/') + 1), "explain");
  }
  if (resource.starts_with("assumed-role/")) {
    const std::string rest = resource.substr(13);
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) return std::nullopt;
    return identity::assumed_role_principal(account, rest.substr(0, slash), rest.substr(slash + 1));
  }
  return std::nullopt;
}

// The account field of a resource ARN; "" for "*" and for ARNs without one.
std::string account_of(const std::string& arn) {
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  return arn.substr(pos, arn.find(':', pos) - pos);
}

std::optional<identity::NamedPolicy> compiled(const std::string& name, const std::string& text) {
  auto policy = identity::compile_policy(text);
  if (!policy) {
    std::fprintf(stderr, "sluice explain: %s: %s\n", name.c_str(), policy.error().c_str());
    return std::nullopt;
  }
  return identity::NamedPolicy{name, *policy};
}

}  // namespace

int run_explain(const ExplainOptions& options) {
  auto principal = principal_of(options.principal);
  if (!principal) {
    std::fprintf(stderr, "sluice explain: --principal %s is not a user, role, assumed-role or root ARN\n",
                 options.principal.c_str());
    return 2;
  }
  principal->authenticated = true;
  identity::Directory directory;
  if (!options.config_path.empty()) {
    Config config;
    std::string error;
    if (!load_config_file(options.config_path, common::kDefaultAccountId, common::kDefaultRegion, &config, &error)) {
      std::fprintf(stderr, "sluice explain: %s\n", error.c_str());
      return 2;
    }
    for (const identity::AccountDeclaration& account : config.accounts) {
      if (common::Status added = directory.add_account(account); !added) {
        std::fprintf(stderr, "sluice explain: %s\n", added.error().message.c_str());
        return 2;
      }
    }
  }

  identity::PolicySet policies;
  identity::PolicyDocuments own = directory.policies_for(*principal);
  for (const identity::PolicyDocument& document : own.identity) {
    auto policy = compiled(document.name, document.document);
    if (!policy) return 2;
    policies.identity.push_back(std::move(*policy));
  }
  if (own.boundary) {
    policies.boundary = compiled(own.boundary->name, own.boundary->document);
    if (!policies.boundary) return 2;
  }
  std::string text;
  if (!options.session_policy.empty()) {
    if (!document_text(options.session_policy, &text)) return 2;
    auto policy = compiled("session policy", text);
    if (!policy) return 2;
    policies.session.push_back(std::move(*policy));
  }
  if (!options.resource_policy.empty()) {
    if (!document_text(options.resource_policy, &text)) return 2;
    policies.resource = compiled("resource policy", text);
    if (!policies.resource) return 2;
  }

  identity::AuthorizationRequest request;
  request.principal = &*principal;
  request.action = options.action;
  request.resource = options.resource;
  request.resource_account = account_of(options.resource);
  identity::add_principal_keys(request.context, *principal);
  request.context.set("aws:CurrentTime", common::format_iso8601_ms(common::system_clock()->now_ms()));
  for (const std::string& pair : options.context_keys) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "sluice explain: --context %s is not KEY=VALUE\n", pair.c_str());
      return 2;
    }
    request.context.set(pair.substr(0, eq), pair.substr(eq + 1));
  }

  const identity::Decision decision = identity::evaluate(request, policies);
  std::printf("%s: %s\n", decision.allowed() ? "ALLOWED" : "DENIED", decision.explanation().c_str());
  if (!decision.allowed())
    std::printf("AccessDenied: %s\n", identity::access_denied_message(request, decision).c_str());
  return decision.allowed() ? 0 : 1;
}

}  // namespace sluice::cli
