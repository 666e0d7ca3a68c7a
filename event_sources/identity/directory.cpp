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
  const std::string bytes = common::random_bytes(length);
  std::string out(prefix);
  for (size_t i = 0; out.size() < length; ++i) out.push_back(kAlphabet[static_cast<unsigned char>(bytes[i]) % 32]);
  return out;
}

// What the configuration declares (users with their keys, roles) and `stored` lacks is added to
// `stored`: the configuration wins over what an earlier run deleted.
void merge_declared(const IamAccount& declared, IamAccount& stored) {
  for (const auto& [key, role] : declared.roles) stored.roles.try_emplace(key, role);
  for (const auto& [key, user] : declared.users) {
    auto [it, added] = stored.users.try_emplace(key, user);
    if (added) continue;
    for (const IamAccessKey& declared_key : user.access_keys) {
      auto& keys = it->second.access_keys;
      if (std::none_of(keys.begin(), keys.end(),
                       [&](const IamAccessKey& k) { return k.access_key_id == declared_key.access_key_id; })) {
        keys.push_back(declared_key);
      }
    }
  }
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

common::Status Directory::add_account(const AccountDeclaration& account) {
  common::MutexLock lock(mu_);
  if (std::find(accounts_.begin(), accounts_.end(), account.id) != accounts_.end()) {
    return common::aws_error(common::AwsErrorCode::InvalidParameterValue,
                             "account " + account.id + " is declared twice");
  }
  std::vector<std::string> ids;
  for (const AccessKey& key : account.root_access_keys) ids.push_back(key.access_key_id);
  for (const UserDeclaration& user : account.users) {
    for (const AccessKey& key : user.access_keys) ids.push_back(key.access_key_id);
  }
  for (const std::string& id : ids) {
    if (keys_.count(id) != 0 || std::count(ids.begin(), ids.end(), id) > 1) {
      return common::aws_error(common::AwsErrorCode::InvalidParameterValue, "access key " + id + " is declared twice");
    }
  }
  IamAccount& iam = iam_[account.id];
  iam.account_id = account.id;
  for (const RoleDeclaration& role : account.roles) {
    if (iam.roles.count(iam_key(role.name)) != 0) {
      return common::aws_error(common::AwsErrorCode::InvalidParameterValue, "role " + role.name + " is declared twice");
    }
    IamRole& declared = iam.roles[iam_key(role.name)];
    declared.name = role.name;
    declared.trust_policy = role.trust_policy;
    declared.max_session_duration_s = role.max_session_duration_s;
  }
  for (const UserDeclaration& user : account.users) {
    IamUser& declared = iam.users[iam_key(user.name)];
    declared.name = user.name;
    for (const AccessKey& key : user.access_keys) {
      IamAccessKey kept;
      kept.access_key_id = key.access_key_id;
      kept.secret_access_key = key.secret_access_key;
      declared.access_keys.push_back(std::move(kept));
    }
  }
  accounts_.push_back(account.id);
  for (const AccessKey& key : account.root_access_keys) {
    KeyRecord record;
    record.secret_access_key = key.secret_access_key;
    record.principal = root_principal(account.id);
    record.principal.authenticated = true;
    keys_.emplace(key.access_key_id, std::make_shared<const KeyRecord>(std::move(record)));
  }
  auto declared = [](const auto& declaration, std::string_view kind) {
    PolicyDocuments policies;
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
    declared_policies_["user/" + account.id + "/" + iam_key(user.name)] = declared(user, "user");
  }
  for (const RoleDeclaration& role : account.roles) {
    declared_policies_["role/" + account.id + "/" + iam_key(role.name)] = declared(role, "role");
  }
  ++policies_generation_;
  return sync_user_keys(iam);
}

uint64_t Directory::generation() const {
  common::MutexLock lock(mu_);
  return policies_generation_;
}

PolicyDocuments Directory::policies_for(const Principal& principal) const {
  PolicyDocuments out;
  const PrincipalPolicies iam = identity_policies(principal);
  for (const SourcedPolicy& policy : iam.identity_policies) out.identity.push_back({policy.source, policy.document});
  if (iam.permissions_boundary) {
    out.boundary = PolicyDocument{iam.permissions_boundary->source, iam.permissions_boundary->document};
  }
  std::string key;
  if (principal.kind == Principal::Kind::User) {
    key = "user/" + principal.account_id + "/" + iam_key(principal.name);
  } else if (principal.kind == Principal::Kind::AssumedRole) {
    key = "role/" + principal.account_id + "/" + iam_key(principal.name);
  } else {
    return out;
  }
  common::MutexLock lock(mu_);
  auto it = declared_policies_.find(key);
  if (it == declared_policies_.end()) return out;
  out.identity.insert(out.identity.end(), it->second.identity.begin(), it->second.identity.end());
  if (!out.boundary) out.boundary = it->second.boundary;
  return out;
}

std::shared_ptr<const KeyRecord> Directory::find_key(std::string_view access_key_id) const {
  const std::string key(access_key_id);
  common::MutexLock lock(mu_);
  auto it = keys_.find(key);
  return it == keys_.end() ? nullptr : it->second;
}

std::optional<RoleDeclaration> Directory::find_role(std::string_view account_id, std::string_view role_name) const {
  common::MutexLock lock(mu_);
  auto account = iam_.find(std::string(account_id));
  if (account == iam_.end()) return std::nullopt;
  auto it = account->second.roles.find(iam_key(role_name));
  if (it == account->second.roles.end()) return std::nullopt;
  // Role names are matched without regard to case, as IAM does; the role keeps its own spelling.
  RoleDeclaration role;
  role.name = it->second.name;
  role.max_session_duration_s = it->second.max_session_duration_s;
  role.trust_policy = it->second.trust_policy;
  return role;
}

bool Directory::has_account(std::string_view account_id) const {
  common::MutexLock lock(mu_);
  return std::find(accounts_.begin(), accounts_.end(), account_id) != accounts_.end();
}

bool Directory::has_user(std::string_view account_id, std::string_view user_name) const {
  common::MutexLock lock(mu_);
  auto account = iam_.find(std::string(account_id));
  return account != iam_.end() && account->second.users.count(iam_key(user_name)) != 0;
}

Directory::Directory() = default;
Directory::~Directory() = default;

common::Outcome<common::Done, std::string> Directory::keep_sessions_in(const std::string& path) {
  std::string error;
  auto store = detail::SessionStore::open(path, &error);
  if (!store) return common::Outcome<common::Done, std::string>::failure(error);
  std::vector<std::pair<std::string, KeyRecord>> kept;
  std::vector<OidcProvider> providers;
  std::vector<IamAccount> iam_accounts;
  try {
    kept = store->load();
    providers = store->load_oidc_providers();
    iam_accounts = store->load_iam_accounts();
  } catch (const common::sqlite::Error& e) {
    return common::Outcome<common::Done, std::string>::failure("cannot read " + path + ": " + e.what());
  }
  common::MutexLock lock(mu_);
  for (auto& [access_key_id, record] : kept) {
    keys_.insert_or_assign(access_key_id, std::make_shared<const KeyRecord>(std::move(record)));
  }
  for (OidcProvider& provider : providers) {
    std::string arn = provider.arn;
    oidc_providers_.insert_or_assign(std::move(arn), std::move(provider));
  }
  for (IamAccount& stored : iam_accounts) {
    IamAccount& current = iam_[stored.account_id];
    merge_declared(current, stored);
    current = std::move(stored);
    if (common::Status synced = sync_user_keys(current); !synced) {
      return common::Outcome<common::Done, std::string>::failure("cannot use " + path + ": " + synced.error().message);
    }
  }
  sessions_ = std::move(store);
  return common::Done{};
}

common::Outcome<SessionCredentials> Directory::issue_session(SessionGrant grant) {
  SessionCredentials out;
  out.secret_access_key = common::base64_encode(common::random_bytes(30));  // 40 characters, as AWS's
  out.session_token = common::base64_encode(common::random_bytes(192));
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
  common::MutexLock lock(mu_);
  do {
    out.access_key_id = random_id("ASIA", 20);
  } while (keys_.count(out.access_key_id) != 0);
  if (sessions_) {
    try {
      sessions_->put(out.access_key_id, record);
    } catch (const common::sqlite::Error&) {
      // Credentials that a restart would forget are not handed out.
      return common::aws_error(common::AwsErrorCode::ServiceUnavailable,
                               "The temporary credentials could not be stored; try again.");
    }
  }
  keys_.emplace(out.access_key_id, std::make_shared<const KeyRecord>(std::move(record)));
  return out;
}

void Directory::forget_expired(int64_t now_ms) {
  common::MutexLock lock(mu_);
  if (sessions_) sessions_->erase_expired_before(now_ms - kExpiredGraceMs);
  std::erase_if(keys_, [&](const auto& entry) {
    return entry.second->expires_ms && *entry.second->expires_ms + kExpiredGraceMs < now_ms;
  });
}

size_t Directory::session_count() const {
  common::MutexLock lock(mu_);
  return static_cast<size_t>(std::count_if(keys_.begin(), keys_.end(),
                                           [](const auto& entry) { return entry.second->expires_ms.has_value(); }));
}

}  // namespace sluice::identity
