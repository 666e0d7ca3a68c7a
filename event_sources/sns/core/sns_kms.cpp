// SSE-KMS for topics with a KmsMasterKeyId (see ServiceOptions::kms).
//
// Each Publish takes a data key from the topic's KMS key with the encryption context
// {"aws:sns:topicArn": topic ARN}; SNS has no reuse period, so a KMS key disabled or scheduled for
// deletion refuses the very next publish. The message itself is kept as SNS keeps every message
// (sns.db and the delivery journal, both in the data directory): the data key governs whether a
// publish may happen, not how the bytes are sealed.
//
// KMS's refusals become SNS's own Query codes (KMSDisabled, KMSNotFound, KMSInvalidState, ...).

#include "service_impl.h"
#include "sluice/kms/data_keys.h"

namespace sluice::sns::detail {
namespace {

common::AwsErrorCode sns_code(common::AwsErrorCode kms_code) {
  switch (kms_code) {
    case common::AwsErrorCode::KmsKeyNotFound:
      return common::AwsErrorCode::SnsKmsNotFound;
    case common::AwsErrorCode::KmsKeyDisabled:
      return common::AwsErrorCode::SnsKmsDisabled;
    case common::AwsErrorCode::KmsKeyInvalidState:
    case common::AwsErrorCode::KmsInvalidCiphertext:
      return common::AwsErrorCode::SnsKmsInvalidState;
    default:
      return common::AwsErrorCode::SnsKmsAccessDenied;
  }
}

}  // namespace

std::optional<common::AwsError> ServiceImpl::check_kms(const Topic& topic) const {
  auto key = topic.attributes.find("KmsMasterKeyId");
  if (key == topic.attributes.end() || !options_.kms) return std::nullopt;
  kms::DataKeyUse use;
  use.scope = kms::Scope{topic.account_id, topic.region};
  use.key_ref = key->second;
  use.context_name = "aws:sns:topicArn";
  use.resource_arn = topic.arn;
  use.reuse_period_ms = 0;
  auto data_key = options_.kms->key_for_writing(use);
  if (!data_key) {
    const common::AwsErrorInfo& info = data_key.error().info();
    return common::aws_error(sns_code(data_key.error().code),
                             data_key.error().message +
                                 " (Service: AWSKMS; Status Code: " + std::to_string(info.http_status) +
                                 "; Error Code: " + std::string(info.json_type) + ")");
  }
  return std::nullopt;
}

}  // namespace sluice::sns::detail
