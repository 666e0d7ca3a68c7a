// The messages of application event notifications (see application_events.h). Members in the
// order AWS's examples show them (alphabetical).

#include "application_events.h"

#include <boost/json.hpp>

#include "sluice/common/clock.h"

namespace sluice::sns::detail {

namespace json = boost::json;

namespace {

const char* event_type(EndpointEvent event) {
  switch (event) {
    case EndpointEvent::Created:
      return "EndpointCreated";
    case EndpointEvent::Deleted:
      return "EndpointDeleted";
    case EndpointEvent::Updated:
      return "EndpointUpdated";
  }
  return "";
}

}  // namespace

const char* event_attribute(EndpointEvent event) {
  switch (event) {
    case EndpointEvent::Created:
      return "EventEndpointCreated";
    case EndpointEvent::Deleted:
      return "EventEndpointDeleted";
    case EndpointEvent::Updated:
      return "EventEndpointUpdated";
  }
  return "";
}

std::string endpoint_event_message(EndpointEvent event, const std::string& endpoint_arn,
                                   const std::string& application_arn, int64_t now_ms) {
  json::object o;
  o["EndpointArn"] = endpoint_arn;
  o["EventType"] = event_type(event);
  o["Resource"] = application_arn;
  o["Service"] = "SNS";
  o["Time"] = common::format_iso8601_ms(now_ms);
  return json::serialize(o);
}

std::string delivery_failure_message(const std::string& endpoint_arn, const std::string& application_arn,
                                     const std::string& message_id, const std::string& failure_type,
                                     const std::string& failure_message, int64_t now_ms) {
  json::object o;
  o["DeliveryAttempts"] = 1;
  o["EndpointArn"] = endpoint_arn;
  o["EventType"] = "DeliveryFailure";
  o["FailureMessage"] = failure_message;
  o["FailureType"] = failure_type;
  o["MessageId"] = message_id;
  o["Resource"] = application_arn;
  o["Service"] = "SNS";
  o["Time"] = common::format_iso8601_ms(now_ms);
  return json::serialize(o);
}

}  // namespace sluice::sns::detail
