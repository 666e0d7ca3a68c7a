// KeyRefs and the texts of KMS's NotFoundException (see key_refs.h).

#include "key_refs.h"

#include "key_cipher.h"

namespace sluice::kms::detail {

bool is_key_id(std::string_view s) {
  if (s.size() != kKeyIdSize) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::optional<ParsedRef> parse_key_ref(const Scope& caller, std::string_view ref) {
  ParsedRef parsed;
  parsed.scope = caller;
  if (ref.substr(0, 4) == "arn:") {
    // arn:PARTITION:kms:REGION:ACCOUNT:key/ID | alias/NAME
    std::string_view rest = ref;
    std::string_view parts[5];
    for (auto& part : parts) {
      size_t colon = rest.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      part = rest.substr(0, colon);
      rest.remove_prefix(colon + 1);
    }
    if (parts[2] != "kms" || parts[3].empty() || parts[4].empty()) return std::nullopt;
    parsed.scope = Scope{std::string(parts[4]), std::string(parts[3])};
    if (rest.substr(0, 4) == "key/") {
      parsed.name = std::string(rest.substr(4));
      return parsed;
    }
    if (rest.substr(0, 6) == "alias/") {
      parsed.kind = ParsedRef::Kind::Alias;
      parsed.name = std::string(rest);
      return parsed;
    }
    return std::nullopt;
  }
  if (ref.substr(0, 6) == "alias/") parsed.kind = ParsedRef::Kind::Alias;
  parsed.name = std::string(ref);
  return parsed;
}

std::string key_arn(const Scope& scope, std::string_view key_id) {
  return "arn:aws:kms:" + scope.region + ":" + scope.account_id + ":key/" + std::string(key_id);
}

std::string alias_arn(const Scope& scope, std::string_view alias_name) {
  return "arn:aws:kms:" + scope.region + ":" + scope.account_id + ":" + std::string(alias_name);
}

common::AwsError key_not_found(const Scope& scope, std::string_view key_id) {
  return common::aws_error(common::AwsErrorCode::KmsKeyNotFound, "Key '" + key_arn(scope, key_id) + "' does not exist");
}

common::AwsError alias_not_found(const Scope& scope, std::string_view alias_name) {
  return common::aws_error(common::AwsErrorCode::KmsKeyNotFound,
                           "Alias " + alias_arn(scope, alias_name) + " is not found.");
}

common::AwsError invalid_key_id(std::string_view ref) {
  return common::aws_error(common::AwsErrorCode::KmsKeyNotFound, "Invalid keyId '" + std::string(ref) + "'");
}

std::string default_key_policy(std::string_view account_id) {
  // AWS's own layout: " : " between names and values, two-space indents.
  return "{\n"
         "  \"Version\" : \"2012-10-17\",\n"
         "  \"Id\" : \"key-default-1\",\n"
         "  \"Statement\" : [ {\n"
         "    \"Sid\" : \"Enable IAM User Permissions\",\n"
         "    \"Effect\" : \"Allow\",\n"
         "    \"Principal\" : {\n"
         "      \"AWS\" : \"arn:aws:iam::" +
         std::string(account_id) +
         ":root\"\n"
         "    },\n"
         "    \"Action\" : \"kms:*\",\n"
         "    \"Resource\" : \"*\"\n"
         "  } ]\n"
         "}";
}

std::string managed_key_policy(std::string_view account_id, std::string_view region, std::string_view service) {
  const std::string account(account_id);
  const std::string via = std::string(service) + "." + std::string(region) + ".amazonaws.com";
  return "{\n"
         "  \"Version\" : \"2012-10-17\",\n"
         "  \"Id\" : \"auto-" +
         std::string(service) +
         "-2\",\n"
         "  \"Statement\" : [ {\n"
         "    \"Sid\" : \"Allow access through " +
         std::string(service == "sqs" ? "Simple Queue Service" : "Simple Notification Service") +
         " for all principals in the account that are authorized to use it\",\n"
         "    \"Effect\" : \"Allow\",\n"
         "    \"Principal\" : {\n"
         "      \"AWS\" : \"*\"\n"
         "    },\n"
         "    \"Action\" : [ \"kms:Encrypt\", \"kms:Decrypt\", \"kms:ReEncrypt*\", \"kms:GenerateDataKey*\", "
         "\"kms:CreateGrant\", \"kms:DescribeKey\" ],\n"
         "    \"Resource\" : \"*\",\n"
         "    \"Condition\" : {\n"
         "      \"StringEquals\" : {\n"
         "        \"kms:CallerAccount\" : \"" +
         account +
         "\",\n"
         "        \"kms:ViaService\" : \"" +
         via +
         "\"\n"
         "      }\n"
         "    }\n"
         "  }, {\n"
         "    \"Sid\" : \"Allow direct access to key metadata to the account\",\n"
         "    \"Effect\" : \"Allow\",\n"
         "    \"Principal\" : {\n"
         "      \"AWS\" : \"arn:aws:iam::" +
         account +
         ":root\"\n"
         "    },\n"
         "    \"Action\" : [ \"kms:Describe*\", \"kms:Get*\", \"kms:List*\", \"kms:RevokeGrant\" ],\n"
         "    \"Resource\" : \"*\"\n"
         "  } ]\n"
         "}";
}

}  // namespace sluice::kms::detail
