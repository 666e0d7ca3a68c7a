#pragma once
// Internal: SQS's queue-management actions (queues, attributes, tags, permissions, dead-letter
// queues and move tasks) over the engine, in AWS's JSON-protocol shapes.
//
// SqsActions::call() takes an action name and its JSON-protocol input object and answers the
// JSON-protocol output object or the AwsError AWS would send. Both wire protocols end here: the
// Query kit turns form parameters into the same JSON objects (wire.h). The seven message actions
// are not here: each has a typed codec that reads and answers both protocols without a tree
// (message_actions.h). sqs_service.cpp ties the pieces to the front door.

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/api/server/server.h"
#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire {

using server::CallContext;

class SqsActions {
 public:
  explicit SqsActions(sluice::sqs::Engine& engine) : engine_(engine) {}

  // Runs one queue-management action. Another name (a message action's too) -> InvalidAction
  // "The action X is not valid for this endpoint.".
  common::Outcome<boost::json::object> call(std::string_view action, const boost::json::object& input,
                                            const CallContext& ctx);

  // True for the 23 action names SQS knows, message actions included.
  static bool is_action(std::string_view action);

 private:
  sluice::sqs::Engine& engine_;
};

// Resolves a queue URL (any scheme and host, path [/<region>]/<account>/<name>) to the engine's
// address. The region comes from an AWS host (sqs.<region>.amazonaws.com,
// <region>.queue.amazonaws.com), else from the path, else it is ctx.default_region. A bare queue
// name is the caller's queue (ctx's account and region). Anything else -> QueueDoesNotExist.
common::Outcome<sluice::sqs::QueueAddress> resolve_queue_url(std::string_view url, const CallContext& ctx);
// <base_url>/<account>/<name> for the default region, <base_url>/<region>/<account>/<name> else.
std::string make_queue_url(const CallContext& ctx, const sluice::sqs::QueueAddress& queue);

}  // namespace sluice::api::sqs_wire
