#pragma once
// Identity: the accounts sluice knows, their users and roles with access keys, and the temporary
// credentials STS issues. The front door asks the Directory for the secret behind an access key id
// to check a signature; STS asks it for roles and issues sessions into it.
//
// Where identities come from: the "accounts" section of the `sluice up` configuration (see
// runtime/cli/config.h), and the IAM API (users, groups, roles, access keys, managed and inline
// policies, instance profiles: iam_entities.h; OpenID Connect providers). Temporary credentials
// and IAM's entities live in memory, and with a data directory also in its identity.db
// (keep_sessions_in), so that they outlive a restart. Users and roles of the configuration are
// IAM entities like the others; they are declared again at each start (a declared user or role
// deleted over the API comes back then, with its declared keys).
//
// Thread-safety: a Directory may be used from any thread; every method takes its one mutex for a
// short lookup or insert.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/mutex.h"
#include "sluice/identity/iam_entities.h"
#include "sluice/identity/identity_policies.h"
#include "sluice/identity/oidc_provider.h"
#include "sluice/identity/policy_source.h"
#include "sluice/identity/principal.h"

namespace sluice::identity {

// How the front door treats signatures (sluice up --auth).
enum class AuthMode {
  Off,      // nothing is verified; a 12-digit access key id selects the account (the default)
  Audit,    // everything is verified and allowed; what AWS would refuse is logged with the reason
  Enforce,  // what AWS would refuse is refused, with AWS's error
};
std::optional<AuthMode> parse_auth_mode(std::string_view text);  // "off", "audit", "enforce"
std::string_view auth_mode_name(AuthMode mode);

struct AccessKey {
  std::string access_key_id;
  std::string secret_access_key;
};

struct RoleDeclaration {
  std::string name;
  int64_t max_session_duration_s = 3600;  // 3600..43200, as IAM's MaxSessionDuration
  // The trust policy (AssumeRolePolicyDocument) as JSON text; "" trusts the role's own account.
  std::string trust_policy;
  // Inline identity policies and a permissions boundary (documents as JSON text).
  std::vector<PolicyDocument> policies;
  std::optional<std::string> permissions_boundary;
};

struct UserDeclaration {
  std::string name;
  std::vector<AccessKey> access_keys;
  std::vector<PolicyDocument> policies;  // inline identity policies
  std::optional<std::string> permissions_boundary;
};

struct AccountDeclaration {
  std::string id;  // 12 digits
  std::vector<AccessKey> root_access_keys;
  std::vector<UserDeclaration> users;
  std::vector<RoleDeclaration> roles;
};

// What an access key id stands for.
struct KeyRecord {
  std::string secret_access_key;
  std::string session_token;          // temporary credentials only
  std::optional<int64_t> expires_ms;  // temporary credentials only (epoch ms)
  Principal principal;                // authenticated = true
  // Session policies passed to AssumeRole, kept for policy evaluation.
  std::string session_policy;
  std::vector<std::string> session_policy_arns;
  // GetSessionToken's credentials: they may not call GetSessionToken again.
  bool from_get_session_token = false;
};

struct SessionCredentials {
  std::string access_key_id;  // ASIA...
  std::string secret_access_key;
  std::string session_token;
  int64_t expires_ms = 0;
};

struct SessionGrant {
  Principal principal;  // who the credentials act as
  int64_t expires_ms = 0;
  std::string session_policy;
  std::vector<std::string> session_policy_arns;
  bool from_get_session_token = false;
};

namespace detail {
class SessionStore;
}

// The Directory is also the PolicySource of the users and roles it was declared with.
class Directory final : public PolicySource {
 public:
  Directory();
  ~Directory() override;
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  // Keeps temporary credentials in the SQLite file at `path` from now on, and takes back those
  // it already holds. Fails with the reason when the file cannot be used.
  common::Outcome<common::Done, std::string> keep_sessions_in(const std::string& path);

  // Declares an account with its keys, users and roles. Fails (InvalidParameterValue with the
  // reason) on a second declaration of the same account or access key id.
  common::Status add_account(const AccountDeclaration& account);

  // Shared and immutable: a lookup on every request copies no secrets or names.
  std::shared_ptr<const KeyRecord> find_key(std::string_view access_key_id) const;
  std::optional<RoleDeclaration> find_role(std::string_view account_id, std::string_view role_name) const;
  bool has_account(std::string_view account_id) const;
  bool has_user(std::string_view account_id, std::string_view user_name) const;

  // New temporary credentials (an ASIA access key id, a secret and a session token), kept before
  // they are returned; ServiceUnavailable when they cannot be kept.
  common::Outcome<SessionCredentials> issue_session(SessionGrant grant);
  // Temporary credentials that expired before now_ms are forgotten after a grace period (kept so
  // that their holders get ExpiredToken rather than InvalidClientTokenId for a while).
  void forget_expired(int64_t now_ms);

  size_t session_count() const;

  // PolicySource: what the IAM API holds for a user or a session's role (identity_policies()),
  // with the policies and boundary the configuration declared for it (the IAM boundary wins).
  PolicyDocuments policies_for(const Principal& principal) const override;
  uint64_t generation() const override;

  // OpenID Connect providers (IAM), kept in identity.db with the sessions. Errors are IAM's:
  // EntityAlreadyExists for a second provider of one URL in an account, LimitExceeded beyond
  // `per_account_limit`, NoSuchEntity for an unknown ARN, ServiceUnavailable when the change
  // cannot be stored.
  common::Status add_oidc_provider(OidcProvider provider, size_t per_account_limit);
  std::optional<OidcProvider> find_oidc_provider(std::string_view arn) const;
  std::vector<OidcProvider> oidc_providers(std::string_view account_id) const;  // sorted by ARN
  common::Status remove_oidc_provider(std::string_view arn);
  // Applies `change` to a copy of the provider and stores the result, unless `change` fails.
  // `change` runs under the directory's lock: it must not call the directory.
  common::Status change_oidc_provider(std::string_view arn, const std::function<common::Status(OidcProvider&)>& change);

  // IAM's entities of an account (iam_entities.h): a copy (empty for an account without any).
  IamAccount iam_account(std::string_view account_id) const;
  // Applies `change` to a copy of the account's entities and, unless `change` fails, stores the
  // result (identity.db; ServiceUnavailable when it cannot be stored) and makes it current: from
  // then on the active access keys of its users sign requests and its roles can be assumed.
  // `change` runs under the directory's lock: it must not call the directory.
  common::Status change_iam(std::string_view account_id, const std::function<common::Status(IamAccount&)>& change);
  // The identity-based policies and permissions boundary of a principal, for policy evaluation
  // (see identity_policies.h). Copies documents; callers that evaluate often cache by principal.
  PrincipalPolicies identity_policies(const Principal& principal) const;

 private:
  // Makes keys_ hold exactly the active long-term keys of the account's IAM users.
  common::Status sync_user_keys(const IamAccount& account) REQUIRES(mu_);
  mutable common::Mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const KeyRecord>> keys_ GUARDED_BY(mu_);
  std::vector<std::string> accounts_ GUARDED_BY(mu_);
  std::unordered_map<std::string, IamAccount> iam_ GUARDED_BY(mu_);  // by account id
  // Policies declared in the configuration file with a user or role, by "user/ACCOUNT/<iam_key>"
  // or "role/ACCOUNT/<iam_key>": evaluated beside what the IAM API attached (policies_for()).
  std::unordered_map<std::string, PolicyDocuments> declared_policies_ GUARDED_BY(mu_);
  uint64_t policies_generation_ GUARDED_BY(mu_) = 0;  // bumped by every change that may touch policies
  std::unordered_map<std::string, OidcProvider> oidc_providers_ GUARDED_BY(mu_);  // by ARN
  std::unique_ptr<detail::SessionStore> sessions_ GUARDED_BY(mu_);                // null: sessions in memory only
};

class ConditionContext;

// Who asks to assume a role, and how: the request a trust policy is evaluated for.
struct TrustRequest {
  std::string_view action = "sts:AssumeRole";  // or "sts:AssumeRoleWithWebIdentity"
  const Principal* caller = nullptr;           // the signer (AssumeRole), matched under "AWS"
  std::string federated_provider;              // an OpenID Connect provider ARN, matched under "Federated"
  const ConditionContext* context = nullptr;   // the request's condition keys; null = none
};

// True when the role's trust policy allows the request (see trust_policy.cpp for what the
// evaluation covers). A malformed policy trusts no one; a role without one trusts its own account.
bool trust_policy_allows(const RoleDeclaration& role, std::string_view role_account, const TrustRequest& request);
// sts:AssumeRole by `caller` without condition keys.
bool trust_policy_allows(const RoleDeclaration& role, std::string_view role_account, const Principal& caller);

}  // namespace sluice::identity
