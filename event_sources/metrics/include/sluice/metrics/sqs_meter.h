#pragma once
// SQS's metrics (namespace AWS/SQS, dimension QueueName), fed by an Engine that wraps the real one:
// every caller of the engine (the wire API, event-source mappings' pollers, SNS's queue
// deliveries) is counted alike, as on AWS where a Lambda poller's receives count too.
//
//   NumberOfMessagesSent, NumberOfMessagesReceived, NumberOfMessagesDeleted,
//   NumberOfEmptyReceives   Count, one datapoint per call (batches add their successful entries)
//   SentMessageSize         Bytes, one datapoint per message sent
//   ApproximateNumberOfMessagesVisible, ...NotVisible, ...Delayed
//                           Count, sampled for every queue each time Registry::sample() runs
//   ApproximateAgeOfOldestMessage
//                           Seconds, sampled with them: the age of the message that arrived first
//                           of those not deleted (in flight included), from its SentTimestamp, so
//                           a message moved in from another queue counts from its first send; 0
//                           for an empty queue; not sampled for a queue not loaded since the start
//
// NumberOfEmptyReceives counts receives answered empty: a long poll once, by the receive that ends
// it (a parked receive is not an answer; the poll's last attempt, made without a watch, is).
//
// Depths are sampled for the queues of every account and region the meter has seen a call for,
// and of `account_regions` (the server's own, so that queues loaded from a data directory are
// sampled before anyone calls).
//
// Lifecycle: the registry must outlive the metered engine; the sampler the meter registers becomes
// a no-op once the engine is destroyed.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/metrics/metrics.h"
#include "sluice/sqs/engine.h"

namespace sluice::metrics {

std::unique_ptr<sqs::Engine> meter_sqs(std::unique_ptr<sqs::Engine> engine, std::shared_ptr<Registry> registry,
                                       const std::vector<std::pair<std::string, std::string>>& account_regions = {});

}  // namespace sluice::metrics
