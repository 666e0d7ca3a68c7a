#pragma once
// Internal: the 23 SQS actions over the engine, in AWS's JSON-protocol shapes.
//
// SqsActions::call() takes an action name and its JSON-protocol input object and answers the
// JSON-protocol output object or the AwsError AWS would send. Both wire protocols end here: the
// Query kit turns form parameters into the same JSON objects (wire.h). The hot message actions
// are also read and answered without a JSON tree (hot_path.h); sqs_service.cpp ties the pieces to
// the front door.

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

// Everything ReceiveMessage needs to park a long poll: the answer so far and, when the engine
// registered a wake-up, the watch to cancel and the times to retry at.
struct ReceiveAttempt {
  boost::json::object result;  // the JSON-protocol answer if answered now
  bool has_messages = false;
  int64_t wait_time_seconds = 0;           // effective long-poll time
  std::optional<int64_t> next_visible_ms;  // engine clock: earliest time something may show up
  std::unique_ptr<sluice::sqs::ReceiveWatch> watch;
};

class SqsActions {
 public:
  explicit SqsActions(sluice::sqs::Engine& engine) : engine_(engine) {}

  // Runs one action. Unknown action -> InvalidAction "The action X is not valid for this endpoint.".
  // ReceiveMessage through call() never waits: it answers what is there now.
  Outcome<boost::json::object> call(std::string_view action, const boost::json::object& input, const CallContext& ctx);

  // ReceiveMessage with an optional wake-up callback for long polling (see engine.h).
  Outcome<ReceiveAttempt> receive(const boost::json::object& input, const CallContext& ctx,
                                  sluice::sqs::WatchCallback on_wake);

  // True for the 23 action names SQS knows.
  static bool is_action(std::string_view action);

 private:
  sluice::sqs::Engine& engine_;
};

// Resolves a queue URL (any scheme and host, path /<account>/<name>) to the engine's address.
// The region comes from an AWS host (sqs.<region>.amazonaws.com, <region>.queue.amazonaws.com),
// else from ctx. Anything else -> QueueDoesNotExist.
Outcome<sluice::sqs::QueueAddress> resolve_queue_url(std::string_view url, const CallContext& ctx);
// <base_url>/<account>/<name>
std::string make_queue_url(const CallContext& ctx, const sluice::sqs::QueueAddress& queue);

}  // namespace sluice::api::sqs_wire
