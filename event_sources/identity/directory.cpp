// The Directory: access keys by id (long-term keys from the configuration and temporary ones from
// STS), roles by account and name. One mutex; every call is a hash lookup or an insert.

#include <algorithm>

#include "session_store.h"
#include "sluice/common/crypto.h"
#include "sluice/identity/identity.h"

namespace sluice::identity {
namespace {

// Expired temporary credentials are remembered this long, so that their holders are told they
// expired (ExpiredToken) instead of that they never existed.
constexpr int64_t kExpiredGraceMs = 24LL * 3600 * 1000;

std::string random_id(std::string_view prefix, size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const std::string bytes = random_bytes(length);
  std::string out(prefix);
  for (size_t i = 0; out.size() < length; ++i) out.push_back(kAlphabet[static_cast<unsigned char>(bytes[i]) % 32]);
  return out;
}

std::string scoped(std::string_view account_id, std::string_view name) {
  std::string key(account_id);
  key += '/';
  key += name;
  return key;
}

}  // namespace

std::optional<AuthMode> parse_auth_mode(std::string_view text) {
  if (text == "off") return AuthMode::Off;
  if (text == "audit") return AuthMode::Audit;
  if (text == "enforce") return AuthMode::Enforce;
  return std::nullopt;
}

std::string_view auth_mode_name(AuthMode mode) {
  switch (mode) {
    case AuthMode::Off:
      return "off";
    case AuthMode::Audit:
      return "audit";
    case AuthMode::Enforce:
      return "enforce";
  }
  return "off";
}

Status Directory::add_account(const AccountDeclaration& account) {
  MutexLock lock(mu_);
  if (std::find(accounts_.begin(), accounts_.end(), account.id) != accounts_.end()) {
    return aws_error(AwsErrorCode::InvalidParameterValue, "account " + account.id + " is declared twice");
  }
  std::vector<std::pair<AccessKey, Principal>> keys;
  for (const AccessKey& key : account.root_access_keys) keys.emplace_back(key, root_principal(account.id));
  for (const UserDeclaration& user : account.users) {
    for (const AccessKey& key : user.access_keys) keys.emplace_back(key, user_principal(account.id, user.name));
  }
  for (const auto& entry : keys) {
    // A named reference, not a structured binding: clang 14 cannot capture a binding in a lambda.
    const std::string& id = entry.first.access_key_id;
    if (keys_.count(id) != 0 ||
        std::count_if(keys.begin(), keys.end(), [&](const auto& k) { return k.first.access_key_id == id; }) > 1) {
      return aws_error(AwsErrorCode::InvalidParameterValue, "access key " + id + " is declared twice");
    }
  }
  for (const RoleDeclaration& role : account.roles) {
    if (roles_.count(scoped(account.id, role.name)) != 0) {
      return aws_error(AwsErrorCode::InvalidParameterValue, "role " + role.name + " is declared twice");
    }
  }
  accounts_.push_back(account.id);
  for (const UserDeclaration& user : account.users) users_.push_back(scoped(account.id, user.name));
  for (auto& [key, principal] : keys) {
    KeyRecord record;
    record.secret_access_key = key.secret_access_key;
    record.principal = std::move(principal);
    record.principal.authenticated = true;
    keys_.emplace(key.access_key_id, std::make_shared<const KeyRecord>(std::move(record)));
  }
  for (const RoleDeclaration& role : account.roles) roles_.emplace(scoped(account.id, role.name), role);
  auto declared_policies = [](const auto& declaration, std::string_view kind) {
    PrincipalPolicies policies;
    for (const PolicyDocument& policy : declaration.policies) {
      policies.identity.push_back(
          {std::string(kind) + "/" + declaration.name + " inline policy " + policy.name, policy.document});
    }
    if (declaration.permissions_boundary) {
      policies.boundary = PolicyDocument{std::string(kind) + "/" + declaration.name + " permissions boundary",
                                         *declaration.permissions_boundary};
    }
    return policies;
  };
  for (const UserDeclaration& user : account.users) {
    policies_.emplace("user/" + scoped(account.id, user.name), declared_policies(user, "user"));
  }
  for (const RoleDeclaration& role : account.roles) {
    policies_.emplace("role/" + scoped(account.id, role.name), declared_policies(role, "role"));
  }
  ++policies_generation_;
  return ok_status();
}

uint64_t Directory::generation() const {
  MutexLock lock(mu_);
  return policies_generation_;
}

PrincipalPolicies Directory::policies_for(const Principal& principal) const {
  std::string key;
  if (principal.kind == Principal::Kind::User) key = "user/" + scoped(principal.account_id, principal.name);
  else if (principal.kind == Principal::Kind::AssumedRole) key = "role/" + scoped(principal.account_id, principal.name);
  else return {};
  MutexLock lock(mu_);
  auto it = policies_.find(key);
  return it == policies_.end() ? PrincipalPolicies{} : it->second;
}

std::shared_ptr<const KeyRecord> Directory::find_key(std::string_view access_key_id) const {
  const std::string key(access_key_id);
  MutexLock lock(mu_);
  auto it = keys_.find(key);
  return it == keys_.end() ? nullptr : it->second;
}

std::optional<RoleDeclaration> Directory::find_role(std::string_view account_id, std::string_view role_name) const {
  MutexLock lock(mu_);
  auto it = roles_.find(scoped(account_id, role_name));
  if (it == roles_.end()) return std::nullopt;
  return it->second;
}

bool Directory::has_account(std::string_view account_id) const {
  MutexLock lock(mu_);
  return std::find(accounts_.begin(), accounts_.end(), account_id) != accounts_.end();
}

bool Directory::has_user(std::string_view account_id, std::string_view user_name) const {
  MutexLock lock(mu_);
  return std::find(users_.begin(), users_.end(), scoped(account_id, user_name)) != users_.end();
}

Directory::Directory() = default;
Directory::~Directory() = default;

Outcome<Done, std::string> Directory::keep_sessions_in(const std::string& path) {
  std::string error;
  auto store = detail::SessionStore::open(path, &error);
  if (!store) return Outcome<Done, std::string>::failure(error);
  std::vector<std::pair<std::string, KeyRecord>> kept;
  std::vector<OidcProvider> providers;
  try {
    kept = store->load();
    providers = store->load_oidc_providers();
  } catch (const sqlite::Error& e) {
    return Outcome<Done, std::string>::failure("cannot read " + path + ": " + e.what());
  }
  MutexLock lock(mu_);
  for (auto& [access_key_id, record] : kept) {
    keys_.insert_or_assign(access_key_id, std::make_shared<const KeyRecord>(std::move(record)));
  }
  for (OidcProvider& provider : providers) {
    std::string arn = provider.arn;
    oidc_providers_.insert_or_assign(std::move(arn), std::move(provider));
  }
  sessions_ = std::move(store);
  return Done{};
}

Outcome<SessionCredentials> Directory::issue_session(SessionGrant grant) {
  SessionCredentials out;
  out.secret_access_key = base64_encode(random_bytes(30));  // 40 characters, as AWS's
  out.session_token = base64_encode(random_bytes(192));
  out.expires_ms = grant.expires_ms;
  KeyRecord record;
  record.secret_access_key = out.secret_access_key;
  record.session_token = out.session_token;
  record.expires_ms = grant.expires_ms;
  record.principal = std::move(grant.principal);
  record.principal.authenticated = true;
  record.session_policy = std::move(grant.session_policy);
  record.session_policy_arns = std::move(grant.session_policy_arns);
  record.from_get_session_token = grant.from_get_session_token;
  MutexLock lock(mu_);
  do {
    out.access_key_id = random_id("ASIA", 20);
  } while (keys_.count(out.access_key_id) != 0);
  if (sessions_) {
    try {
      sessions_->put(out.access_key_id, record);
    } catch (const sqlite::Error&) {
      // Credentials that a restart would forget are not handed out.
      return aws_error(AwsErrorCode::ServiceUnavailable, "The temporary credentials could not be stored; try again.");
    }
  }
  keys_.emplace(out.access_key_id, std::make_shared<const KeyRecord>(std::move(record)));
  return out;
}

void Directory::forget_expired(int64_t now_ms) {
  MutexLock lock(mu_);
  if (sessions_) sessions_->erase_expired_before(now_ms - kExpiredGraceMs);
  std::erase_if(keys_, [&](const auto& entry) {
    return entry.second->expires_ms && *entry.second->expires_ms + kExpiredGraceMs < now_ms;
  });
}

size_t Directory::session_count() const {
  MutexLock lock(mu_);
  return static_cast<size_t>(std::count_if(keys_.begin(), keys_.end(),
                                           [](const auto& entry) { return entry.second->expires_ms.has_value(); }));
}

}  // namespace sluice::identity
