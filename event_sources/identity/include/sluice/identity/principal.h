#pragma once
// A principal is who signed a request, as AWS names it: an account's root user, an IAM user, or a
// role session (temporary credentials from sts:AssumeRole). The front door puts the caller's
// principal in every call's context; GetCallerIdentity answers it, and policy evaluation,
// SubscriptionPrincipal and CloudTrail's userIdentity read it.

#include <string>
#include <string_view>

namespace sluice::identity {

struct Principal {
  enum class Kind {
    Anonymous,    // an unsigned request (an operation AWS leaves unsigned)
    Root,         // arn:aws:iam::ACCOUNT:root
    User,         // arn:aws:iam::ACCOUNT:user/PATH/NAME
    AssumedRole,  // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
  };
  Kind kind = Kind::Anonymous;
  std::string account_id;
  std::string arn;
  // GetCallerIdentity's UserId: the account id (root), AIDA... (user), AROA...:SESSION (role).
  std::string user_id;
  std::string name;          // the user's or the role's name; "" for root
  std::string session_name;  // AssumedRole only
  // False when the access key was not checked against a secret (--auth off and an unknown key):
  // the principal is then only what the key's account digits said.
  bool authenticated = false;
};

Principal root_principal(std::string_view account_id);
// A user's ARN carries its IAM path ("/" or "/a/b/"); its id does not depend on the path, so a
// user moved with UpdateUser keeps it.
Principal user_principal(std::string_view account_id, std::string_view user_name, std::string_view path = "/");
Principal assumed_role_principal(std::string_view account_id, std::string_view role_name,
                                 std::string_view session_name);

// arn:aws:iam::ACCOUNT:role/NAME
std::string role_arn(std::string_view account_id, std::string_view role_name);
// The stable unique ids AWS gives users (AIDA...) and roles (AROA...): 21 characters, derived
// from the ARN so that they survive a restart.
std::string unique_id(std::string_view prefix, std::string_view arn);

}  // namespace sluice::identity
