// SSE-KMS for queues with a KmsMasterKeyId (see EngineOptions::kms and engine_impl.h).
//
// The queue's data key comes from the KMS data-key cache (sluice/kms/data_keys.h) with the
// encryption context {"aws:sqs:arn": queue ARN}, as SQS asks KMS for it, and the queue's
// KmsDataKeyReusePeriodSeconds as the reuse period: KMS is consulted when a send needs a data key
// the queue has not generated within the period, or a receive needs one it has not decrypted
// within it. A KMS key disabled meanwhile is therefore refused at the next refresh, not at once.
//
// At rest a KMS queue's messages are sealed with that data key: the first send that uses a data
// key gives it an id and logs a PutDataKey (the blob, which the store keeps in data_keys, and the
// plaintext, which it keeps in memory only), and each message record names its data key. When a
// queue's stored messages are loaded, the store asks open_data_key for the plaintext of each data
// key they need, and KMS decrypts the blob: a KMS key disabled or pending deletion then fails the
// load, and the call that needed it answers KMS's refusal (the next call asks again). After a
// restart each queue's newest data key is handed back to the cache (restore_data_keys), so it is
// reused for the rest of its period instead of a new one being generated.
//
// A message moved into an SSE-KMS queue (dead-letter moves, move tasks) is sealed with the target's
// data key; if KMS refuses a new one, with the newest the store holds, or the store's own key: a
// move is never refused for KMS.
//
// KMS's refusals become SQS's own errors, JSON __type Kms* and Query code KMS.*Exception, with
// KMS's text and the tail SQS adds to it.

#include "engine/engine_impl.h"
#include "sluice/common/crypto.h"
#include "sluice/kms/data_keys.h"

namespace sluice::sqs::detail {
namespace {

common::AwsErrorCode sqs_code(common::AwsErrorCode kms_code) {
  switch (kms_code) {
    case common::AwsErrorCode::KmsKeyNotFound:
      return common::AwsErrorCode::KmsNotFound;
    case common::AwsErrorCode::KmsKeyDisabled:
      return common::AwsErrorCode::KmsDisabled;
    case common::AwsErrorCode::KmsKeyInvalidState:
    case common::AwsErrorCode::KmsInvalidCiphertext:
      return common::AwsErrorCode::KmsInvalidState;
    case common::AwsErrorCode::KmsUnsupportedOperation:
      return common::AwsErrorCode::KmsInvalidKeyUsage;
    default:
      return common::AwsErrorCode::KmsAccessDenied;
  }
}

common::AwsError sqs_error(const common::AwsError& kms_error) {
  const common::AwsErrorInfo& info = kms_error.info();
  return common::aws_error(sqs_code(kms_error.code),
                           kms_error.message + " (Service: AWSKMS; Status Code: " + std::to_string(info.http_status) +
                               "; Error Code: " + std::string(info.json_type) + "; Request ID: " + common::uuid4() +
                               "; Proxy: null)");
}

constexpr const char* kContextName = "aws:sqs:arn";

kms::DataKeyUse data_key_use(const Queue& queue, const std::string& key_ref) REQUIRES(queue.mu) {
  kms::DataKeyUse use;
  use.scope = kms::Scope{queue.address.account_id, queue.address.region};
  use.key_ref = key_ref;
  use.context_name = kContextName;
  use.resource_arn = queue.arn;
  use.reuse_period_ms = queue.config.kms_data_key_reuse_period_seconds * 1000;
  return use;
}

}  // namespace

std::optional<common::AwsError> EngineImpl::check_kms(Queue& queue, KmsUse use) {
  if (!queue.config.kms_master_key_id || !options_.kms) return std::nullopt;
  const kms::DataKeyUse key_use = data_key_use(queue, *queue.config.kms_master_key_id);
  if (use == KmsUse::Reading) {
    auto key = options_.kms->key_for_reading(key_use);
    if (!key) return sqs_error(key.error());
    return std::nullopt;
  }
  auto key = options_.kms->key_for_writing(key_use);
  if (!key) return sqs_error(key.error());
  QueueDataKey& current = queue.data_key;
  if (current.id == 0 || current.ciphertext_blob != key->ciphertext_blob) {
    current = QueueDataKey{++last_data_key_id_, key->ciphertext_blob, options_.kms->keys().clock().now_ms(), false};
  }
  if (durable_ && !current.with_store) {
    // Appended under the queue lock, ahead of the first message sealed with it.
    DataKeyRecord record;
    record.data_key_id = current.id;
    record.queue_id = queue.id;
    record.account_id = queue.address.account_id;
    record.region = queue.address.region;
    record.key_ref = key_use.key_ref;
    record.key_arn = key->key_arn;
    record.context_arn = queue.arn;
    record.ciphertext_blob = key->ciphertext_blob;
    record.generated_ms = current.generated_ms;
    store_->append(mutation::PutDataKey{std::move(record), key->plaintext});
    current.with_store = true;
  }
  return std::nullopt;
}

Sealing EngineImpl::sealing_for_move(Queue& target) {
  (void)check_kms(target, KmsUse::Writing);  // a refusal leaves the data key the store holds
  return target.sealing();
}

common::Outcome<std::string> EngineImpl::open_data_key(const DataKeyRecord& key) const {
  if (!options_.kms) {
    return common::aws_error(common::AwsErrorCode::KmsAccessDenied,
                             "The messages of this queue are encrypted with a KMS data key, and KMS is not available.");
  }
  // A load always asks KMS (reuse period 0): it runs once per queue and process, and it is where a
  // key disabled while the process was down must be noticed. (It also runs under the store's
  // connection lock, so it takes no queue lock to look the period up.)
  kms::DataKeyUse use;
  use.scope = kms::Scope{key.account_id, key.region};
  use.key_ref = key.key_ref;
  use.context_name = kContextName;
  use.resource_arn = key.context_arn;
  use.reuse_period_ms = 0;
  auto plaintext = options_.kms->open_data_key(use, key.ciphertext_blob);
  if (!plaintext) return sqs_error(plaintext.error());
  return plaintext;
}

void EngineImpl::restore_data_keys(const std::vector<DataKeyRecord>& keys) {
  if (keys.empty()) return;
  std::map<int64_t, std::shared_ptr<Queue>> by_id;
  for (const auto& [address, queue] : queues_) by_id[queue->id] = queue;
  for (const DataKeyRecord& key : keys) {
    auto found = by_id.find(key.queue_id);
    if (found == by_id.end()) continue;
    const std::shared_ptr<Queue>& queue = found->second;
    queue->data_key = QueueDataKey{key.data_key_id, key.ciphertext_blob, key.generated_ms, false};
    if (options_.kms)
      options_.kms->restore(data_key_use(*queue, key.key_ref), key.ciphertext_blob, key.key_arn, key.generated_ms);
  }
}

}  // namespace sluice::sqs::detail
