// The console's state-changing endpoints: send a message, purge a queue, start a dead-letter
// queue redrive. Each reads a small JSON body, is authorized as the IAM action it stands for and
// calls the SQS engine once, with SQS's own validation and errors.

#include <boost/json.hpp>

#include "console_api.h"

namespace sluice::console::detail {
namespace {

namespace json = boost::json;

common::AwsError invalid(std::string message) {
  return common::aws_error(common::AwsErrorCode::ValidationError, std::move(message));
}

// The body as an object, or the error to answer.
common::Outcome<json::object> object_of(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return invalid("The request body must be a JSON object.");
  return std::move(value.as_object());
}

// A string member, nullopt when absent; the error when it is not a string.
common::Outcome<std::optional<std::string>> string_member(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (!value || value->is_null()) return std::optional<std::string>();
  if (!value->is_string()) return invalid(std::string(name) + " must be a string.");
  return std::optional<std::string>(std::string(value->as_string()));
}

common::Outcome<std::string> queue_name(const json::object& body) {
  auto name = string_member(body, "queue");
  if (!name) return name.take_error();
  if (!*name || (*name)->empty()) return invalid("queue is required.");
  return std::move(**name);
}

}  // namespace

ApiAnswer ConsoleApi::act(std::string_view endpoint, std::string_view body) const {
  if (endpoint == "send") return send(body);
  if (endpoint == "purge") return purge(body);
  if (endpoint == "redrive") return redrive(body);
  return error_answer(
      common::aws_error(common::AwsErrorCode::ResourceNotFound, "No console action " + std::string(endpoint) + "."));
}

ApiAnswer ConsoleApi::send(std::string_view text) const {
  auto body = object_of(text);
  if (!body) return error_answer(body.error());
  auto name = queue_name(*body);
  if (!name) return error_answer(name.error());
  if (auto refused = check_queue("sqs:SendMessage", *name)) return error_answer(*refused);
  sqs::SendMessageRequest request;
  auto message = string_member(*body, "body");
  if (!message) return error_answer(message.error());
  request.body = *message;  // absent: the engine's MissingParameter
  for (auto [member, target] : {std::pair{"messageGroupId", &request.message_group_id},
                                std::pair{"messageDeduplicationId", &request.message_deduplication_id}}) {
    auto value = string_member(*body, member);
    if (!value) return error_answer(value.error());
    if (*value && !(*value)->empty()) *target = **value;
  }
  if (const json::value* delay = body->if_contains("delaySeconds"); delay && !delay->is_null()) {
    if (!delay->is_int64()) return error_answer(invalid("delaySeconds must be a whole number."));
    request.delay_seconds = delay->as_int64();
  }
  if (!options_.engine)
    return error_answer(
        common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist."));
  auto sent = options_.engine->send_message(address(*name), request);
  if (!sent) return error_answer(sent.error());
  json::object out{{"messageId", sent->message_id}, {"md5OfMessageBody", sent->md5_of_message_body}};
  if (sent->sequence_number) out["sequenceNumber"] = *sent->sequence_number;
  return {200, json::serialize(out)};
}

ApiAnswer ConsoleApi::purge(std::string_view text) const {
  auto body = object_of(text);
  if (!body) return error_answer(body.error());
  auto name = queue_name(*body);
  if (!name) return error_answer(name.error());
  if (auto refused = check_queue("sqs:PurgeQueue", *name)) return error_answer(*refused);
  if (!options_.engine)
    return error_answer(
        common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist."));
  if (common::Status purged = options_.engine->purge_queue(address(*name)); !purged)
    return error_answer(purged.error());
  return {200, json::serialize(json::object{{"purged", *name}})};
}

ApiAnswer ConsoleApi::redrive(std::string_view text) const {
  auto body = object_of(text);
  if (!body) return error_answer(body.error());
  auto name = queue_name(*body);
  if (!name) return error_answer(name.error());
  auto destination = string_member(*body, "destinationArn");
  if (!destination) return error_answer(destination.error());
  if (*destination && (*destination)->empty()) destination->reset();
  // StartMessageMoveTask is authorized on the source (the dead-letter queue), as on AWS.
  if (auto refused = check_queue("sqs:StartMessageMoveTask", *name)) return error_answer(*refused);
  if (!options_.engine)
    return error_answer(
        common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist."));
  auto task = options_.engine->start_message_move_task(sqs::queue_arn(address(*name)), *destination, std::nullopt);
  if (!task) return error_answer(task.error());
  return {200, json::serialize(json::object{{"taskHandle", *task}})};
}

}  // namespace sluice::console::detail
