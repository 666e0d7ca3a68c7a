// The Directory's IAM entities (see identity.h and iam_entities.h): one IamAccount per account,
// changed copy-then-swap so that a change that fails or cannot be stored leaves nothing behind,
// and written through to identity.db before the change is answered. The access keys of IAM
// users live in two places: in the IamAccount (what the IAM API lists and changes) and in keys_
// (what signature checks look up); sync_user_keys makes the second follow the first.

#include <algorithm>
#include <cctype>

#include "iam_document.h"
#include "session_store.h"
#include "sluice/identity/aws_managed_policies.h"
#include "sluice/identity/identity.h"

namespace sluice::identity {
namespace {

std::string arn_of(std::string_view account_id, std::string_view kind, std::string_view path, std::string_view name) {
  return "arn:aws:iam::" + std::string(account_id) + ":" + std::string(kind) + std::string(path) + std::string(name);
}

// The documents a user, group or role holds: inline policies, then attached managed policies.
void collect(const IamAccount& account, const std::string& entity_arn, const IamAttachments& attachments,
             std::vector<SourcedPolicy>& out) {
  for (const auto& [name, document] : attachments.inline_policies) {
    out.push_back({entity_arn + "#inline/" + name, document});
  }
  for (const std::string& arn : attachments.managed_policy_arns) {
    if (const AwsManagedPolicy* aws = find_aws_managed_policy(arn)) {
      out.push_back({arn, std::string(aws->document)});
    } else if (const IamManagedPolicy* policy = find_customer_policy(account, arn)) {
      out.push_back({arn, default_document(*policy)});
    }
  }
}

std::optional<SourcedPolicy> boundary_of(const IamAccount& account, const std::string& arn) {
  if (arn.empty()) return std::nullopt;
  if (const AwsManagedPolicy* aws = find_aws_managed_policy(arn)) return SourcedPolicy{arn, std::string(aws->document)};
  if (const IamManagedPolicy* policy = find_customer_policy(account, arn)) {
    return SourcedPolicy{arn, default_document(*policy)};
  }
  return std::nullopt;
}

}  // namespace

std::string iam_key(std::string_view name) {
  std::string key(name);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::string iam_user_arn(std::string_view account_id, const IamUser& user) {
  return arn_of(account_id, "user", user.path, user.name);
}
std::string iam_group_arn(std::string_view account_id, const IamGroup& group) {
  return arn_of(account_id, "group", group.path, group.name);
}
std::string iam_role_arn(std::string_view account_id, const IamRole& role) {
  return arn_of(account_id, "role", role.path, role.name);
}
std::string iam_policy_arn(std::string_view account_id, const IamManagedPolicy& policy) {
  return arn_of(account_id, "policy", policy.path, policy.name);
}
std::string iam_instance_profile_arn(std::string_view account_id, const IamInstanceProfile& profile) {
  return arn_of(account_id, "instance-profile", profile.path, profile.name);
}

const std::string& default_document(const IamManagedPolicy& policy) {
  static const std::string kNone;
  for (const IamPolicyVersion& version : policy.versions) {
    if (version.version_id == policy.default_version_id) return version.document;
  }
  return kNone;
}

IamManagedPolicy* find_customer_policy(IamAccount& account, std::string_view arn) {
  // arn:aws:iam::ACCOUNT:policy/PATH/NAME: the name is the last segment.
  const size_t slash = arn.rfind('/');
  if (slash == std::string_view::npos) return nullptr;
  auto it = account.policies.find(iam_key(arn.substr(slash + 1)));
  if (it == account.policies.end() || iam_policy_arn(account.account_id, it->second) != arn) return nullptr;
  return &it->second;
}

const IamManagedPolicy* find_customer_policy(const IamAccount& account, std::string_view arn) {
  return find_customer_policy(const_cast<IamAccount&>(account), arn);
}

IamAccount Directory::iam_account(std::string_view account_id) const {
  common::MutexLock lock(mu_);
  auto it = iam_.find(std::string(account_id));
  if (it != iam_.end()) return it->second;
  IamAccount empty;
  empty.account_id = std::string(account_id);
  return empty;
}

common::Status Directory::change_iam(std::string_view account_id,
                                     const std::function<common::Status(IamAccount&)>& change) {
  common::MutexLock lock(mu_);
  auto it = iam_.find(std::string(account_id));
  IamAccount changed;
  if (it != iam_.end()) changed = it->second;
  changed.account_id = std::string(account_id);
  if (common::Status status = change(changed); !status) return status;
  // A new key id must not shadow any other key (another account's, a session's).
  for (const auto& [key, user] : changed.users) {
    for (const IamAccessKey& access_key : user.access_keys) {
      auto existing = keys_.find(access_key.access_key_id);
      if (existing != keys_.end() &&
          (existing->second->principal.account_id != changed.account_id ||
           existing->second->principal.kind != Principal::Kind::User || existing->second->expires_ms.has_value())) {
        return common::aws_error(common::AwsErrorCode::ServiceUnavailable, "The access key id is taken; try again.");
      }
    }
  }
  if (sessions_) {
    try {
      sessions_->put_iam_account(changed.account_id, detail::iam_account_document(changed));
    } catch (const common::sqlite::Error&) {
      return common::aws_error(common::AwsErrorCode::ServiceUnavailable, "The change could not be stored; try again.");
    }
  }
  IamAccount& current = iam_[changed.account_id];
  current = std::move(changed);
  ++policies_generation_;
  return sync_user_keys(current);
}

common::Status Directory::sync_user_keys(const IamAccount& account) {
  std::erase_if(keys_, [&](const auto& entry) {
    const KeyRecord& record = *entry.second;
    return !record.expires_ms && record.principal.kind == Principal::Kind::User &&
           record.principal.account_id == account.account_id;
  });
  for (const auto& [key, user] : account.users) {
    for (const IamAccessKey& access_key : user.access_keys) {
      if (!access_key.active) continue;
      KeyRecord record;
      record.secret_access_key = access_key.secret_access_key;
      record.principal = user_principal(account.account_id, user.name, user.path);
      record.principal.authenticated = true;
      if (!keys_.emplace(access_key.access_key_id, std::make_shared<const KeyRecord>(std::move(record))).second) {
        return common::aws_error(common::AwsErrorCode::InvalidParameterValue,
                                 "access key " + access_key.access_key_id + " is declared twice");
      }
    }
  }
  return common::ok_status();
}

PrincipalPolicies Directory::identity_policies(const Principal& principal) const {
  PrincipalPolicies out;
  common::MutexLock lock(mu_);
  auto account_it = iam_.find(principal.account_id);
  if (account_it == iam_.end()) return out;
  const IamAccount& account = account_it->second;
  if (principal.kind == Principal::Kind::User) {
    auto user = account.users.find(iam_key(principal.name));
    if (user == account.users.end()) return out;
    out.known = true;
    collect(account, iam_user_arn(account.account_id, user->second), user->second.policies, out.identity_policies);
    for (const std::string& group_key : user->second.group_keys) {
      auto group = account.groups.find(group_key);
      if (group == account.groups.end()) continue;
      collect(account, iam_group_arn(account.account_id, group->second), group->second.policies, out.identity_policies);
    }
    out.permissions_boundary = boundary_of(account, user->second.permissions_boundary_arn);
  } else if (principal.kind == Principal::Kind::AssumedRole) {
    auto role = account.roles.find(iam_key(principal.name));
    if (role == account.roles.end()) return out;
    out.known = true;
    collect(account, iam_role_arn(account.account_id, role->second), role->second.policies, out.identity_policies);
    out.permissions_boundary = boundary_of(account, role->second.permissions_boundary_arn);
  } else if (principal.kind == Principal::Kind::Root) {
    out.known = true;
  }
  return out;
}

}  // namespace sluice::identity
