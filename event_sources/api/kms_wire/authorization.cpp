// The IAM side of a KMS call, as the KMS Developer Guide's "Permissions reference" and "Controlling
// access to aliases" pages list it:
//
//   - The action is "kms:" + the API action; ReEncrypt needs kms:ReEncryptFrom on the key of the
//     ciphertext and kms:ReEncryptTo on the destination key.
//   - The resource is the key the call names (KeyId as a key id, key ARN, alias name or alias ARN,
//     resolved to its key; for Decrypt the key the ciphertext names). CreateKey, ListKeys,
//     ListAliases and GenerateRandom are authorized on "*".
//   - The key's policy is the resource policy, with KMS's rule (sluice/identity/evaluation.h, rule 5):
//     IAM policies count only when the key policy allows the account.
//   - An alias action needs permission on the alias (IAM policies only: an alias has no policy) and
//     on every key it affects: CreateAlias the target key, UpdateAlias the current and the new
//     target, DeleteAlias the current target.
//   - Condition keys: kms:CallerAccount on every call; kms:EncryptionContext:<key> and
//     kms:EncryptionContextKeys for Encrypt, Decrypt and the data keys; aws:ResourceTag/<key> of the
//     key; aws:RequestTag/<key> and aws:TagKeys for CreateKey and TagResource, aws:TagKeys for
//     UntagResource. kms:ViaService is never set: SQS's and SNS's own use of their queues' and topics'
//     keys calls the KeyManager directly, not KMS on behalf of the caller, so it is not authorized
//     here (nor is ReEncrypt's pair of encryption contexts read into conditions).

#include "authorization.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kms_request.h"
#include "sluice/kms/ciphertext.h"

namespace sluice::api::kms_wire::detail {
namespace {

// Actions authorized on "*": they name no key.
bool on_any_resource(std::string_view action) {
  return action == "CreateKey" || action == "ListKeys" || action == "ListAliases" || action == "GenerateRandom";
}

bool is_alias_action(std::string_view action) {
  return action == "CreateAlias" || action == "UpdateAlias" || action == "DeleteAlias";
}

server::AuthorizedResource key_resource(const kms::KeyMetadata& key, std::string action = {}) {
  server::AuthorizedResource resource;
  resource.action = std::move(action);
  resource.resource = key.arn;
  resource.resource_account = key.account_id;
  resource.resource_policy = key.policy;
  resource.key_policy = true;
  return resource;
}

void set_resource(server::AuthorizationTarget& target, const kms::KeyMetadata& key) {
  target.resource = key.arn;
  target.resource_account = key.account_id;
  target.resource_policy = key.policy;
  target.key_policy = true;
  for (const auto& [tag, value] : key.tags) target.condition_keys.push_back({"aws:ResourceTag/" + tag, {value}});
}

void add_encryption_context(KmsRequest& request, server::AuthorizationTarget& target) {
  std::optional<kms::EncryptionContext> context = request.context("EncryptionContext");
  if (!context || context->empty()) return;
  std::vector<std::string> keys;
  for (const auto& [key, value] : *context) {
    keys.push_back(key);
    target.condition_keys.push_back({"kms:EncryptionContext:" + key, {value}});
  }
  target.condition_keys.push_back({"kms:EncryptionContextKeys", std::move(keys)});
}

// Tags [{TagKey, TagValue}] as aws:RequestTag/<key> and aws:TagKeys.
void add_request_tags(KmsRequest& request, server::AuthorizationTarget& target) {
  std::optional<kms::Tags> tags = request.tags("Tags");
  if (!tags || tags->empty()) return;
  std::vector<std::string> keys;
  for (const auto& [key, value] : *tags) {
    keys.push_back(key);
    target.condition_keys.push_back({"aws:RequestTag/" + key, {value}});
  }
  target.condition_keys.push_back({"aws:TagKeys", std::move(keys)});
}

std::optional<server::AuthorizationTarget> alias_target(kms::KeyManager& keys, KmsRequest& request,
                                                        const kms::Scope& scope, server::AuthorizationTarget target) {
  std::optional<std::string> alias = request.string("AliasName");
  if (!alias || !alias->starts_with("alias/")) return std::nullopt;  // the action answers its validation error
  target.resource = "arn:aws:kms:" + scope.region + ":" + scope.account_id + ":" + *alias;
  // The key the alias points at now (UpdateAlias, DeleteAlias) and the one it is to point at.
  if (target.action != "kms:CreateAlias") {
    if (auto current = keys.describe_key(scope, *alias)) target.also.push_back(key_resource(*current));
  }
  if (target.action != "kms:DeleteAlias") {
    std::optional<std::string> target_key = request.string("TargetKeyId");
    if (target_key) {
      auto key = keys.describe_key(scope, *target_key);
      if (key) target.also.push_back(key_resource(*key));
    }
  }
  return target;
}

}  // namespace

std::optional<server::AuthorizationTarget> authorization_target(kms::KeyManager& keys, const server::Call& call) {
  const std::string& action = call.action;
  auto request = KmsRequest::parse(call.request.body);
  if (!request) return std::nullopt;  // the action answers SerializationException
  const kms::Scope scope{call.ctx.account_id, call.ctx.region};
  server::AuthorizationTarget target;
  target.action = "kms:" + (action == "ReEncrypt" ? std::string("ReEncryptFrom") : action);
  target.resource = "*";
  target.resource_account = call.ctx.account_id;
  target.condition_keys.push_back({"kms:CallerAccount", {call.ctx.principal.account_id}});

  if (on_any_resource(action)) {
    if (action == "CreateKey") add_request_tags(*request, target);
    return target;
  }
  if (is_alias_action(action)) return alias_target(keys, *request, scope, std::move(target));

  std::optional<kms::KeyMetadata> key;
  if (action == "Decrypt" || action == "ReEncrypt") {
    std::optional<std::string> blob = request->blob("CiphertextBlob");
    std::optional<std::string> key_id = blob ? kms::ciphertext_key_id(*blob) : std::nullopt;
    if (key_id) {
      auto described = keys.describe_key(scope, *key_id);
      if (described) key = std::move(*described);
    }
  } else if (std::optional<std::string> key_id = request->string("KeyId")) {
    auto described = keys.describe_key(scope, *key_id);
    if (described) key = std::move(*described);
  }
  if (!key) return std::nullopt;
  set_resource(target, *key);

  if (action == "Encrypt" || action == "Decrypt" || action == "GenerateDataKey" ||
      action == "GenerateDataKeyWithoutPlaintext") {
    add_encryption_context(*request, target);
  } else if (action == "TagResource") {
    add_request_tags(*request, target);
  } else if (action == "UntagResource") {
    if (auto removed = request->strings("TagKeys"); removed && !removed->empty()) {
      target.condition_keys.push_back({"aws:TagKeys", std::move(*removed)});
    }
  } else if (action == "ReEncrypt") {
    std::optional<std::string> destination = request->string("DestinationKeyId");
    if (destination) {
      if (auto to = keys.describe_key(scope, *destination)) target.also.push_back(key_resource(*to, "kms:ReEncryptTo"));
    }
  }
  return target;
}

}  // namespace sluice::api::kms_wire::detail
