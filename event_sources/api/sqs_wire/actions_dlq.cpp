// Dead-letter queues: which queues redrive into a DLQ, and the message move tasks that redrive
// messages back out of it. Move tasks are addressed by ARN, not URL.

#include <algorithm>

#include "actions_internal.h"

namespace sluice::api::sqs_wire::detail {

common::Outcome<json::object> list_dead_letter_source_queues(Engine& engine, const json::object& in,
                                                             const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto sources = engine.list_dead_letter_source_queues(*queue);
  if (!sources) return sources.take_error();
  // Sources share the DLQ's account and region; accept ARNs as well as names from the engine.
  std::vector<std::string> names;
  for (const auto& source : *sources) {
    if (auto arn = sluice::sqs::parse_queue_arn(source)) {
      names.push_back(arn->name);
    } else {
      names.push_back(source);
    }
  }
  std::sort(names.begin(), names.end());
  return paginate_urls(names, in, ctx, queue->account_id, queue->region, "queueUrls");
}

common::Outcome<json::object> start_message_move_task(Engine& engine, const json::object& in, const CallContext&) {
  auto source = req_string(in, "SourceArn");
  if (!source) return source.take_error();
  auto destination = opt_string(in, "DestinationArn");
  if (!destination) return destination.take_error();
  auto rate = opt_int(in, "MaxNumberOfMessagesPerSecond");
  if (!rate) return rate.take_error();
  auto handle = engine.start_message_move_task(*source, *destination, *rate);
  if (!handle) return handle.take_error();
  json::object out;
  out["TaskHandle"] = *handle;
  return out;
}

common::Outcome<json::object> list_message_move_tasks(Engine& engine, const json::object& in, const CallContext&) {
  auto source = req_string(in, "SourceArn");
  if (!source) return source.take_error();
  auto max = opt_int(in, "MaxResults");
  if (!max) return max.take_error();
  auto tasks = engine.list_message_move_tasks(*source, *max);
  if (!tasks) return tasks.take_error();
  json::array results;
  for (const auto& task : *tasks) {
    json::object t;
    if (!task.task_handle.empty()) t["TaskHandle"] = task.task_handle;
    t["Status"] = task.status;
    t["SourceArn"] = task.source_arn;
    if (task.destination_arn) t["DestinationArn"] = *task.destination_arn;
    if (task.max_number_of_messages_per_second) {
      t["MaxNumberOfMessagesPerSecond"] = *task.max_number_of_messages_per_second;
    }
    t["ApproximateNumberOfMessagesMoved"] = task.approximate_number_of_messages_moved;
    t["ApproximateNumberOfMessagesToMove"] = task.approximate_number_of_messages_to_move;
    if (task.failure_reason) t["FailureReason"] = *task.failure_reason;
    t["StartedTimestamp"] = task.started_timestamp_ms;
    results.emplace_back(std::move(t));
  }
  json::object out;
  out["Results"] = std::move(results);
  return out;
}

common::Outcome<json::object> cancel_message_move_task(Engine& engine, const json::object& in, const CallContext&) {
  auto handle = req_string(in, "TaskHandle");
  if (!handle) return handle.take_error();
  auto moved = engine.cancel_message_move_task(*handle);
  if (!moved) return moved.take_error();
  json::object out;
  out["ApproximateNumberOfMessagesMoved"] = *moved;
  return out;
}

}  // namespace sluice::api::sqs_wire::detail
