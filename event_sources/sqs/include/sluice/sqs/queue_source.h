#pragma once
// QueueSource: the one interface through which the Lambda-style runtime sees a queue. An
// embedded queue (this engine, called directly: no HTTP, no JSON) and a queue at any SQS endpoint
// (event_sources/aws, the SQS JSON protocol over HTTP(S)) both implement it, so an event-source
// mapping never knows which one it polls.
//
// Threading: every method may be called from any thread, concurrently. receive() blocks for at
// most wait_time_seconds (a long poll); interrupt() makes every blocked and future receive()
// return at once with what it has (used to stop pollers).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/sqs/engine.h"

namespace sluice::sqs {

class QueueSource {
 public:
  virtual ~QueueSource() = default;
  virtual const std::string& arn() const = 0;
  virtual const std::string& region() const = 0;
  // Messages come with all system attributes and all message attributes.
  virtual common::Outcome<std::vector<ReceivedMessage>> receive(int max_messages, int wait_time_seconds,
                                                                std::optional<int64_t> visibility_timeout) = 0;
  virtual common::Outcome<BatchResult<BatchEntryOk>> delete_messages(
      const std::vector<DeleteMessageBatchEntry>& entries) = 0;
  virtual common::Outcome<BatchResult<BatchEntryOk>> change_visibility(
      const std::vector<ChangeVisibilityBatchEntry>& entries) = 0;
  virtual common::Outcome<AttributeMap> attributes(const std::vector<std::string>& names) = 0;
  virtual void interrupt() = 0;
};

// A queue of an embedded engine. The engine must outlive the source.
std::unique_ptr<QueueSource> make_embedded_queue_source(Engine& engine, QueueAddress queue);

}  // namespace sluice::sqs
