#pragma once
// IAM's entities of one account, as the IAM API manages them: users (with access keys and group
// memberships), groups, roles (with trust policies), customer managed policies (with up to five
// versions), instance profiles. The Directory keeps one IamAccount per account, changes it only
// through Directory::change_iam (which stores the result in identity.db before it returns), and
// hands out copies (Directory::iam_account).
//
// Names of users, groups, roles, policies and instance profiles are unique in an account without
// regard to case, as IAM's are: the maps are keyed by the lower-cased name (iam_key), the entity
// keeps the name as it was given.
//
// What IAM attaches to a user, a group or a role is the same shape (IamAttachments): inline
// policies by name and managed policy ARNs, so one piece of code serves all three.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::identity {

using IamTags = std::vector<std::pair<std::string, std::string>>;  // in the order they were added

// The key of an entity in its account's maps: the name in lower case.
std::string iam_key(std::string_view name);

struct IamAttachments {
  std::map<std::string, std::string> inline_policies;  // policy name -> document (JSON text)
  std::vector<std::string> managed_policy_arns;        // in the order they were attached
};

struct IamAccessKey {
  std::string access_key_id;  // AKIA...
  std::string secret_access_key;
  bool active = true;
  int64_t created_ms = 0;
  // GetAccessKeyLastUsed: when, where and for which service the key last signed a request.
  std::optional<int64_t> last_used_ms;
  std::string last_used_service;
  std::string last_used_region;
};

struct IamUser {
  std::string name;
  std::string path = "/";
  int64_t created_ms = 0;
  IamAttachments policies;
  std::string permissions_boundary_arn;  // "" when none
  IamTags tags;
  std::vector<IamAccessKey> access_keys;
  std::vector<std::string> group_keys;  // iam_key of each group, in the order joined
};

struct IamGroup {
  std::string name;
  std::string path = "/";
  int64_t created_ms = 0;
  IamAttachments policies;
};

struct IamRole {
  std::string name;
  std::string path = "/";
  int64_t created_ms = 0;
  std::string trust_policy;  // AssumeRolePolicyDocument as given; "" trusts the role's own account
  std::string description;
  int64_t max_session_duration_s = 3600;
  IamAttachments policies;
  std::string permissions_boundary_arn;
  IamTags tags;
};

struct IamPolicyVersion {
  std::string version_id;  // "v1", "v2", ...
  std::string document;
  int64_t created_ms = 0;
};

// A customer managed policy (AWS managed policies are a fixed catalogue: aws_managed_policies.h).
struct IamManagedPolicy {
  std::string name;
  std::string path = "/";
  std::string description;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::vector<IamPolicyVersion> versions;  // oldest first
  std::string default_version_id;
  int next_version = 2;  // the number CreatePolicyVersion gives next
  IamTags tags;
};

struct IamInstanceProfile {
  std::string name;
  std::string path = "/";
  int64_t created_ms = 0;
  std::vector<std::string> role_keys;  // iam_key of each role (IAM allows one)
  IamTags tags;
};

struct IamAccount {
  std::string account_id;
  std::map<std::string, IamUser> users;  // by iam_key(name)
  std::map<std::string, IamGroup> groups;
  std::map<std::string, IamRole> roles;
  std::map<std::string, IamManagedPolicy> policies;  // customer managed, by iam_key(name)
  std::map<std::string, IamInstanceProfile> instance_profiles;
};

// ARNs and ids as IAM writes them. The path is "/" or "/a/b/".
std::string iam_user_arn(std::string_view account_id, const IamUser& user);
std::string iam_group_arn(std::string_view account_id, const IamGroup& group);
std::string iam_role_arn(std::string_view account_id, const IamRole& role);
std::string iam_policy_arn(std::string_view account_id, const IamManagedPolicy& policy);
std::string iam_instance_profile_arn(std::string_view account_id, const IamInstanceProfile& profile);

// The default version's document of a customer managed policy ("" if it has none).
const std::string& default_document(const IamManagedPolicy& policy);

// The customer managed policy an ARN names in `account`, or null.
const IamManagedPolicy* find_customer_policy(const IamAccount& account, std::string_view arn);
IamManagedPolicy* find_customer_policy(IamAccount& account, std::string_view arn);

}  // namespace sluice::identity
