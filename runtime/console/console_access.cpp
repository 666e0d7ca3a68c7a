// See console_access.h.

#include "console_access.h"

#include <cstdio>
#include <vector>

namespace sluice::console::detail {

ConsoleAccess::ConsoleAccess(const ConsoleOptions& options)
    : mode_(options.auth), principal_(options.principal), policies_(options.policies), audit_log_(options.audit_log) {
  if (principal_) principal_->authenticated = true;  // named by the operator's configuration
  if (!audit_log_) {
    audit_log_ = [](std::string_view line) {
      std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    };
  }
}

void ConsoleAccess::refresh() const {
  common::MutexLock lock(mu_);
  const uint64_t generation = policies_ ? policies_->generation() : 0;
  if (compiled_.loaded && compiled_.generation == generation) return;
  Compiled fresh;
  fresh.generation = generation;
  fresh.loaded = true;
  if (policies_ && principal_) {
    const identity::PolicyDocuments own = policies_->policies_for(*principal_);
    // A malformed document allows nothing: it is left out, as IAM would never have stored it.
    for (const identity::PolicyDocument& document : own.identity) {
      if (auto policy = identity::compile_policy(document.document)) fresh.identity.push_back({document.name, *policy});
    }
    if (own.boundary) {
      if (auto policy = identity::compile_policy(own.boundary->document))
        fresh.boundary = identity::NamedPolicy{own.boundary->name, *policy};
      else fresh.boundary = identity::NamedPolicy{own.boundary->name, nullptr};
    }
  }
  compiled_ = std::move(fresh);
}

std::optional<common::AwsError> ConsoleAccess::check(std::string_view action, std::string_view resource,
                                                     std::string_view resource_account,
                                                     std::string_view resource_policy) const {
  if (mode_ == identity::AuthMode::Off) return std::nullopt;
  std::optional<common::AwsError> refusal;
  if (!principal_) {
    refusal = common::aws_error(common::AwsErrorCode::AccessDenied,
                                "The console has no principal to act as: name one with console.Principal in the "
                                "configuration to use it under --auth enforce.");
  } else {
    refresh();
    identity::PolicySet set;
    {
      common::MutexLock lock(mu_);
      set.identity = compiled_.identity;
      set.boundary = compiled_.boundary;
    }
    if (set.boundary && !set.boundary->policy) {
      set.boundary.reset();
      set.identity.clear();  // a boundary that cannot be read allows nothing
    }
    if (!resource_policy.empty()) {
      if (auto policy = identity::compile_policy(resource_policy))
        set.resource = identity::NamedPolicy{"resource policy of " + std::string(resource), *policy};
    }
    identity::AuthorizationRequest request;
    request.principal = &*principal_;
    request.action = std::string(action);
    request.resource = std::string(resource);
    request.resource_account = std::string(resource_account);
    identity::add_principal_keys(request.context, *principal_);
    const identity::Decision decision = identity::evaluate(request, set);
    if (!decision.allowed())
      refusal =
          common::aws_error(common::AwsErrorCode::AccessDenied, identity::access_denied_message(request, decision));
  }
  if (refusal && mode_ == identity::AuthMode::Audit) {
    audit_log_("sluice console: audit: would refuse: " + refusal->message);
    return std::nullopt;
  }
  return refusal;
}

}  // namespace sluice::console::detail

namespace sluice::console {

std::optional<identity::Principal> principal_from_arn(std::string_view arn) {
  // arn:PARTITION:SERVICE::ACCOUNT:RESOURCE
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    fields.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  const std::string_view service = fields[2], account = fields[4], resource = arn.substr(start);
  if (fields[0] != "arn" || account.size() != 12 || account.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  auto last_segment = [](std::string_view path) { return path.substr(path.rfind('/') + 1); };
  if (service == "iam" && resource == "root") return identity::root_principal(account);
  if (service == "iam" && resource.starts_with("user/") && !last_segment(resource).empty()) {
    const std::string_view name = last_segment(resource);
    const std::string_view path = resource.substr(4, resource.size() - 4 - name.size());  // "/" or "/a/b/"
    return identity::user_principal(account, name, path);
  }
  if (service == "iam" && resource.starts_with("role/") && !last_segment(resource).empty())
    return identity::assumed_role_principal(account, last_segment(resource), "sluice-console");
  if (service == "sts" && resource.starts_with("assumed-role/")) {
    const std::string_view rest = resource.substr(13);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) return std::nullopt;
    return identity::assumed_role_principal(account, rest.substr(0, slash), rest.substr(slash + 1));
  }
  return std::nullopt;
}

}  // namespace sluice::console
