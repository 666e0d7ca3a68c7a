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
// queue's stored messages are loaded, those sealed with a data key stay sealed in memory: on AWS
// only SendMessage and ReceiveMessage consult KMS, so deleting them, changing their visibility,
// purging or deleting the queue must work with a key disabled or pending deletion. The first read
// of them (a receive that hands out messages, a peek, a move) opens them all (open_sealed): KMS
// decrypts each data key's blob, and a refusal fails that read with KMS's error and changes
// nothing (the next read asks again). After a restart each queue's newest data key is handed back
// to the cache (restore_data_keys), so it is reused for the rest of its period instead of a new one
// being generated.
//
// A message moved into an SSE-KMS queue (dead-letter moves, move tasks) is sealed with the target's
// data key; if KMS refuses a new one, with the newest the store holds, or the store's own key: a
// move is never refused for KMS.
//
// KMS's refusals become SQS's own errors, JSON __type Kms* and Query code KMS.*Exception, with
// KMS's text and the tail SQS adds to it.

#include <cstdio>

#include "engine/engine_impl.h"
#include "message_rules/message_rules.h"
#include "sluice/common/crypto.h"
#include "sluice/kms/data_keys.h"
#include "store/sealed_payload.h"

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

std::optional<common::AwsError> EngineImpl::open_sealed(Queue& queue) {
  if (!queue.holds_sealed) return std::nullopt;
  for (auto& [id, key] : queue.sealed_keys) {
    if (key.cipher) continue;
    auto plaintext = open_data_key(key.record);
    if (!plaintext) return plaintext.take_error();
    key.cipher = AtRestCipher::from_key(std::move(*plaintext));
    if (!key.cipher) {
      std::fprintf(stderr, "sluice: data key %lld of queue %s is not an AES-256 key\n", static_cast<long long>(id),
                   queue.arn.c_str());
      return common::aws_error(common::AwsErrorCode::InternalFailure,
                               "The request processing has failed because of an unknown error, exception or failure.");
    }
  }
  // Collected first: replacing a record changes the index being walked.
  std::vector<int64_t> sealed;
  queue.for_each_message([&sealed](const Message& m) {
    if (m.extra && m.extra->sealed_with != 0) sealed.push_back(m.seq);
  });
  for (int64_t seq : sealed) {
    Message* message = queue.find(seq);
    auto key = queue.sealed_keys.find(message->extra->sealed_with);
    std::optional<OpenedPayload> opened;
    if (key != queue.sealed_keys.end()) opened = open_payload(*key->second.cipher, message->body(), seq, queue.id);
    if (!opened) {
      // Left sealed: every later read fails the same way, as a damaged row failed the queue's load.
      std::fprintf(stderr,
                   "sluice: message %lld of queue %s cannot be decrypted with its data key %lld (damaged row)\n",
                   static_cast<long long>(seq), queue.arn.c_str(), static_cast<long long>(message->extra->sealed_with));
      return common::aws_error(common::AwsErrorCode::InternalFailure,
                               "The request processing has failed because of an unknown error, exception or failure.");
    }
    Message* unsealed = queue.replace_body(*message, opened->body);
    const std::string md5 = common::md5_raw(opened->body);
    std::copy(md5.begin(), md5.end(), unsealed->body_md5.begin());
    MessageExtra& extra = *unsealed->extra;
    extra.sealed_with = 0;
    extra.md5_of_message_attributes = md5_of_message_attributes(opened->attributes).value_or("");
    extra.message_attributes = std::move(opened->attributes);
  }
  queue.holds_sealed = false;
  queue.sealed_keys.clear();
  return std::nullopt;
}

common::Outcome<std::string> EngineImpl::open_data_key(const DataKeyRecord& key) const {
  if (!options_.kms) {
    return common::aws_error(common::AwsErrorCode::KmsAccessDenied,
                             "The messages of this queue are encrypted with a KMS data key, and KMS is not available.");
  }
  // Opening a stored data key always asks KMS (reuse period 0): it happens once per data key and
  // process, and it is where a key disabled while the process was down must be noticed. (The
  // store's load() calls it under its connection lock, so it takes no queue lock to look the
  // period up.)
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
