#pragma once
// Where Lambda's control plane sends what leaves an Event invocation, on this server: the
// function's dead-letter target (DeadLetterConfig.TargetArn, an SQS queue or an SNS topic) gets
// the failed event with Lambda's message attributes, and OnSuccess / OnFailure destinations that
// are queues or topics get the invocation record as the message body.

#include <string>

#include "sluice/lambda/control_plane.h"
#include "sluice/sns/sns.h"
#include "sluice/sqs/engine.h"

namespace sluice::cli {

// The dead-letter message: the event as its body; RequestID (String), ErrorCode (Number, the
// invocation's HTTP status: 200 for a function error) and ErrorMessage (String, its first 1 KB),
// as message attributes of the queue's message or of the topic's notification.
lambda::DeadLetterSender dead_letter_sender(sqs::Engine& engine, sns::Service& topics, const std::string& account_id,
                                            const std::string& region);

lambda::DestinationSender destination_sender(sqs::Engine& engine, sns::Service& topics, const std::string& account_id,
                                             const std::string& region);

}  // namespace sluice::cli
