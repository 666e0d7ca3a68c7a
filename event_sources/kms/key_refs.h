#pragma once
// How callers name keys and aliases (KeyRefs), and KMS's texts for the ones that do not exist.

#include <optional>
#include <string>
#include <string_view>

#include "sluice/kms/kms.h"

namespace sluice::kms::detail {

struct ParsedRef {
  enum class Kind { KeyId, Alias } kind = Kind::KeyId;
  Scope scope;       // the ARN's account and region, else the caller's
  std::string name;  // key id, or "alias/..." name
};

// Key id, key ARN, alias name or alias ARN. nullopt for an ARN that is not a KMS key or alias ARN.
std::optional<ParsedRef> parse_key_ref(const Scope& caller, std::string_view ref);

std::string key_arn(const Scope& scope, std::string_view key_id);
std::string alias_arn(const Scope& scope, std::string_view alias_name);
bool is_key_id(std::string_view s);  // a UUID in its 8-4-4-4-12 lowercase hex form

common::AwsError key_not_found(const Scope& scope, std::string_view key_id);
common::AwsError alias_not_found(const Scope& scope, std::string_view alias_name);
common::AwsError invalid_key_id(std::string_view ref);

// The default key policy AWS writes for a key created without one: the account's root may do
// everything (IAM policies then decide), with AWS's own formatting.
std::string default_key_policy(std::string_view account_id);
// The policy of an AWS-managed key (alias/aws/sqs, alias/aws/sns): the account's principals may use
// the key through that service.
std::string managed_key_policy(std::string_view account_id, std::string_view region, std::string_view service);

}  // namespace sluice::kms::detail
