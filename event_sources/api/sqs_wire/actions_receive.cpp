// ReceiveMessage. The same request reading serves a plain call (answer what is there now) and a
// long poll attempt (pass a wake-up callback; when nothing is there the engine registers it and
// the caller parks the request, see long_poll.cpp).

#include "actions_internal.h"

namespace sluice::api::sqs_wire::detail {
namespace {

Outcome<sluice::sqs::ReceiveMessageRequest> read_receive_request(const json::object& in) {
  sluice::sqs::ReceiveMessageRequest request;
  auto max = opt_int(in, "MaxNumberOfMessages");
  if (!max) return max.take_error();
  request.max_number_of_messages = *max;
  auto visibility = opt_int(in, "VisibilityTimeout");
  if (!visibility) return visibility.take_error();
  request.visibility_timeout = *visibility;
  auto wait = opt_int(in, "WaitTimeSeconds");
  if (!wait) return wait.take_error();
  request.wait_time_seconds = *wait;
  // The deprecated AttributeNames and MessageSystemAttributeNames select from the same set.
  auto names = opt_string_list(in, "AttributeNames");
  if (!names) return names.take_error();
  auto system_names = opt_string_list(in, "MessageSystemAttributeNames");
  if (!system_names) return system_names.take_error();
  request.system_attribute_names = std::move(*names);
  for (auto& n : *system_names) request.system_attribute_names.push_back(std::move(n));
  auto attribute_names = opt_string_list(in, "MessageAttributeNames");
  if (!attribute_names) return attribute_names.take_error();
  request.message_attribute_names = std::move(*attribute_names);
  auto attempt = opt_string(in, "ReceiveRequestAttemptId");
  if (!attempt) return attempt.take_error();
  request.receive_request_attempt_id = std::move(*attempt);
  return request;
}

// Built in `sp` (the request's storage) so the parts move into their parents.
json::object messages_json(const std::vector<sluice::sqs::ReceivedMessage>& messages, const json::storage_ptr& sp) {
  json::object out(sp);
  if (messages.empty()) return out;  // AWS omits Messages when there are none
  json::array list(sp);
  list.reserve(messages.size());
  for (const auto& m : messages) {
    json::object msg(sp);
    msg["MessageId"] = m.message_id;
    msg["ReceiptHandle"] = m.receipt_handle;
    msg["MD5OfBody"] = m.md5_of_body;
    msg["Body"] = m.body;
    if (!m.attributes.empty()) {
      json::object attributes(sp);
      for (const auto& [name, value] : m.attributes) attributes[name] = value;
      msg["Attributes"] = std::move(attributes);
    }
    if (m.md5_of_message_attributes) msg["MD5OfMessageAttributes"] = *m.md5_of_message_attributes;
    if (!m.message_attributes.empty()) msg["MessageAttributes"] = message_attributes_json(m.message_attributes);
    list.emplace_back(std::move(msg));
  }
  out["Messages"] = std::move(list);
  return out;
}

}  // namespace

Outcome<ReceiveAttempt> receive_attempt(Engine& engine, const json::object& in, const CallContext& ctx,
                                        sluice::sqs::WatchCallback on_wake) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto request = read_receive_request(in);
  if (!request) return request.take_error();
  auto result = engine.receive_message(*queue, *request, std::move(on_wake));
  if (!result) return result.take_error();
  // Constructed (not assigned) so the result keeps the request's storage instead of being copied.
  ReceiveAttempt attempt{.result = messages_json(result->messages, in.storage()),
                         .has_messages = !result->messages.empty(),
                         .wait_time_seconds = result->wait_time_seconds,
                         .next_visible_ms = result->next_visible_ms,
                         .watch = std::move(result->watch)};
  return attempt;
}

Outcome<json::object> receive_message(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto attempt = receive_attempt(engine, in, ctx, nullptr);
  if (!attempt) return attempt.take_error();
  return std::move(attempt->result);
}

}  // namespace sluice::api::sqs_wire::detail
