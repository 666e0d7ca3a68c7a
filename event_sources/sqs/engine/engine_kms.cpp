// SSE-KMS for queues with a KmsMasterKeyId (see EngineOptions::kms and engine_impl.h).
//
// The queue's data key comes from the KMS data-key cache (sluice/kms/data_keys.h) with the
// encryption context {"aws:sqs:arn": queue ARN}, as SQS asks KMS for it, and the queue's
// KmsDataKeyReusePeriodSeconds as the reuse period: KMS is consulted when a send needs a data key
// the queue has not generated within the period, or a receive needs one it has not decrypted
// within it. A KMS key disabled meanwhile is therefore refused at the next refresh, not at once.
//
// At rest a KMS queue's bodies are sealed by the store's at-rest cipher (store/at_rest_cipher.h),
// as SSE-SQS queues' are; the data key governs who may send and receive, not the sealing.
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

}  // namespace

std::optional<common::AwsError> EngineImpl::check_kms(const Queue& queue, KmsUse use) const {
  if (!queue.config.kms_master_key_id || !options_.kms) return std::nullopt;
  kms::DataKeyUse key_use;
  key_use.scope = kms::Scope{queue.address.account_id, queue.address.region};
  key_use.key_ref = *queue.config.kms_master_key_id;
  key_use.context_name = "aws:sqs:arn";
  key_use.resource_arn = queue_arn(queue.address);
  key_use.reuse_period_ms = queue.config.kms_data_key_reuse_period_seconds * 1000;
  auto key = use == KmsUse::Writing ? options_.kms->key_for_writing(key_use) : options_.kms->key_for_reading(key_use);
  if (!key) return sqs_error(key.error());
  return std::nullopt;
}

}  // namespace sluice::sqs::detail
