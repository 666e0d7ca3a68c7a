// See lambda_targets.h.

#include "lambda_targets.h"

namespace sluice::cli {
namespace {

constexpr size_t kErrorMessageBytes = 1024;  // AWS: the first 1 KB of the error message

bool is_topic_arn(const std::string& arn) { return arn.rfind("arn:aws:sns:", 0) == 0; }

}  // namespace

lambda::DeadLetterSender dead_letter_sender(sqs::Engine& engine, sns::Service& topics, const std::string& account_id,
                                            const std::string& region) {
  return [&engine, &topics, account_id, region](const std::string& target_arn, const std::string& event,
                                                const std::string& request_id, const std::string& error_message) {
    const std::string message = error_message.substr(0, kErrorMessageBytes);
    if (auto queue = sqs::parse_queue_arn(target_arn)) {
      sqs::SendMessageRequest request;
      request.body = event;
      request.message_attributes["RequestID"] = {"String", request_id, {}};
      request.message_attributes["ErrorCode"] = {"Number", "200", {}};
      request.message_attributes["ErrorMessage"] = {"String", message, {}};
      return engine.send_message(*queue, request).ok();
    }
    if (!is_topic_arn(target_arn)) return false;
    sns::PublishRequest request;
    request.topic_arn = target_arn;
    request.message = event;
    request.message_attributes["RequestID"] = {"String", request_id, std::nullopt};
    request.message_attributes["ErrorCode"] = {"Number", "200", std::nullopt};
    request.message_attributes["ErrorMessage"] = {"String", message, std::nullopt};
    return topics.publish(sns::CallContext(account_id, region), request).ok();
  };
}

lambda::DestinationSender destination_sender(sqs::Engine& engine, sns::Service& topics, const std::string& account_id,
                                             const std::string& region) {
  return [&engine, &topics, account_id, region](const std::string& target_arn, const std::string& record) {
    if (auto queue = sqs::parse_queue_arn(target_arn)) {
      sqs::SendMessageRequest request;
      request.body = record;
      return engine.send_message(*queue, request).ok();
    }
    if (!is_topic_arn(target_arn)) return false;
    sns::PublishRequest request;
    request.topic_arn = target_arn;
    request.message = record;
    return topics.publish(sns::CallContext(account_id, region), request).ok();
  };
}

}  // namespace sluice::cli
