#pragma once
// Internal: application event notifications of platform applications. An application's
// EventEndpointCreated, EventEndpointDeleted, EventEndpointUpdated and EventDeliveryFailure
// attributes each name a topic; when the event happens to one of its endpoints, a JSON message
// describing it is published to that topic (an unset attribute, or a topic that does not exist,
// sends nothing).
//
// Events are gathered while the mobile mutex is held and published after it is released (a
// publish takes the topic side's locks and may deliver back into the outbox): an
// ApplicationEvents is declared before the lock in a call, so it goes out of scope after it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/sns/sns.h"

namespace sluice::sns::detail {

// Publishes `message` to `topic_arn`, in the topic's own account and region.
using EventPublisher = std::function<void(const std::string& topic_arn, const std::string& message)>;

enum class EndpointEvent { Created, Deleted, Updated };

// The message of an endpoint event: {"EndpointArn", "EventType": "EndpointCreated" |
// "EndpointDeleted" | "EndpointUpdated", "Resource": <application ARN>, "Service": "SNS",
// "Time": ISO-8601}.
std::string endpoint_event_message(EndpointEvent event, const std::string& endpoint_arn,
                                   const std::string& application_arn, int64_t now_ms);

// The message of a delivery failure: the endpoint event's members plus "DeliveryAttempts",
// "FailureMessage", "FailureType" (an AWS error code, e.g. "EndpointDisabled") and "MessageId".
std::string delivery_failure_message(const std::string& endpoint_arn, const std::string& application_arn,
                                     const std::string& message_id, const std::string& failure_type,
                                     const std::string& failure_message, int64_t now_ms);

// The attribute of an application that names the topic of `event`.
const char* event_attribute(EndpointEvent event);

class ApplicationEvents {
 public:
  explicit ApplicationEvents(const EventPublisher& publisher) : publisher_(publisher) {}
  ApplicationEvents(const ApplicationEvents&) = delete;
  ApplicationEvents& operator=(const ApplicationEvents&) = delete;
  ~ApplicationEvents() {
    if (!publisher_) return;
    for (const auto& [topic, message] : pending_) publisher_(topic, message);
  }

  // Queues `message` for the topic named by `attributes[attribute]`, if set.
  void add(const AttributeMap& attributes, const char* attribute, std::string message) {
    auto it = attributes.find(attribute);
    if (it == attributes.end() || it->second.empty()) return;
    pending_.emplace_back(it->second, std::move(message));
  }

 private:
  const EventPublisher& publisher_;
  std::vector<std::pair<std::string, std::string>> pending_;
};

}  // namespace sluice::sns::detail
