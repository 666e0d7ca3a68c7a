// The final step of a failed delivery: the subscription's RedrivePolicy queue, as SNS does it. The
// body is what the endpoint would have received: the bare message for raw subscriptions (with
// the message attributes as SQS attributes), the JSON envelope otherwise.

#include <boost/json.hpp>

#include "internal.h"
#include "sluice/sqs/engine.h"

namespace sluice::sns::detail {

bool send_to_dead_letter_queue(sqs::Engine* sqs, const Delivery& d,
                               const std::function<void(const Delivery&, bool moved)>& on_dead_letter) {
  if (sqs == nullptr) return false;
  auto redrive = d.subscription_attributes.find("RedrivePolicy");
  if (redrive == d.subscription_attributes.end()) return false;
  boost::system::error_code ec;
  boost::json::value policy = boost::json::parse(redrive->second, ec);
  if (ec || !policy.is_object()) return false;
  const auto* target = policy.as_object().if_contains("deadLetterTargetArn");
  if (target == nullptr || !target->is_string()) return false;
  auto queue = sqs::parse_queue_arn(target->as_string());
  const auto told = [&](bool moved) {
    if (on_dead_letter) on_dead_letter(d, moved);
    return moved;
  };
  if (!queue) return told(false);
  sqs::SendMessageRequest send;
  if (d.raw && d.type == "Notification") {
    send.body = d.message;
    for (const auto& [name, a] : d.message_attributes) {
      sqs::MessageAttribute m;
      m.data_type = a.type;
      if (a.type.substr(0, 6) == "Binary") {
        m.binary_value = a.value;
      } else {
        m.string_value = a.value;
      }
      send.message_attributes[name] = std::move(m);
    }
  } else {
    send.body = d.envelope_json();
  }
  return told(sqs->send_message(*queue, send).ok());
}

}  // namespace sluice::sns::detail
