// Dead-letter queues: ListDeadLetterSourceQueues, message move tasks (DLQ redrive), and the
// housekeeping that expires retained messages and advances move tasks.

#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "engine/engine_impl.h"
#include "sluice/common/crypto.h"

namespace sluice::sqs::detail {
namespace {

constexpr int64_t kMaxMovesPerSecond = 500;
constexpr int64_t kRecreateDelayMs = 60'000;

common::AwsError not_found(std::string message) {
  return common::aws_error(common::AwsErrorCode::ResourceNotFound, std::move(message));
}
common::AwsError invalid(std::string message) {
  return common::aws_error(common::AwsErrorCode::InvalidParameterValue, std::move(message));
}

// A task handle names the source queue and the task, as AWS's do.
std::string make_task_handle(const std::string& task_id, const std::string& source_arn) {
  return common::base64_encode(
      boost::json::serialize(boost::json::object{{"taskId", task_id}, {"sourceArn", source_arn}}));
}

std::optional<std::pair<std::string, std::string>> parse_task_handle(const std::string& handle) {
  auto text = common::base64_decode(handle);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto value = boost::json::parse(*text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& object = value.as_object();
  auto task = object.if_contains("taskId"), source = object.if_contains("sourceArn");
  if (!task || !source || !task->is_string() || !source->is_string()) return std::nullopt;
  return std::make_pair(std::string(task->as_string()), std::string(source->as_string()));
}

}  // namespace

common::Outcome<std::vector<std::string>> EngineImpl::list_dead_letter_source_queues(
    const QueueAddress& dead_letter_queue) {
  auto dlq = require_queue_catalog(dead_letter_queue);
  if (!dlq) return dlq.take_error();
  const std::string arn = (*dlq)->arn;
  std::vector<std::string> names;
  for (const auto& queue : all_queues()) {
    common::MutexLock lock(queue->mu);
    if (queue->config.redrive_policy && queue->config.redrive_policy->dead_letter_target_arn == arn)
      names.push_back(queue->address.name);
  }
  return names;
}

common::Outcome<std::string> EngineImpl::start_message_move_task(const std::string& source_arn,
                                                                 const std::optional<std::string>& destination_arn,
                                                                 std::optional<int64_t> max_per_second) {
  auto source = find_queue_by_arn(source_arn);
  if (!source) return not_found("The resource that you specified for the SourceArn parameter doesn't exist.");
  bool is_dead_letter_queue = false;
  for (const auto& queue : all_queues()) {
    common::MutexLock lock(queue->mu);
    if (queue->config.redrive_policy && queue->config.redrive_policy->dead_letter_target_arn == source->arn)
      is_dead_letter_queue = true;
  }
  if (!is_dead_letter_queue) return invalid("Source queue must be configured as a Dead Letter Queue.");
  if (auto unreadable = ensure_loaded(*source)) return *unreadable;  // its count is the task's size
  if (destination_arn && !find_queue_by_arn(*destination_arn))
    return not_found("The resource that you specified for the DestinationArn parameter doesn't exist.");
  if (max_per_second && (*max_per_second < 1 || *max_per_second > kMaxMovesPerSecond))
    return invalid("Value " + std::to_string(*max_per_second) +
                   " for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.");
  size_t to_move;
  {
    common::MutexLock lock(source->mu);
    source->promote(now());
    to_move = source->visible_count();
  }
  common::MutexLock lock(move_tasks_.mu);
  for (const auto& task : move_tasks_.tasks)
    if (task.view.source_arn == source->arn && task.view.status == "RUNNING")
      return invalid(
          "There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
  MoveTaskState task;
  task.view.task_handle = make_task_handle(common::uuid4(), source->arn);
  task.view.status = "RUNNING";
  task.view.source_arn = source->arn;
  task.view.destination_arn = destination_arn;
  task.view.max_number_of_messages_per_second = max_per_second;
  task.view.approximate_number_of_messages_to_move = static_cast<int64_t>(to_move);
  task.view.started_timestamp_ms = task.last_progress_ms = now();
  move_tasks_.tasks.push_back(task);
  return task.view.task_handle;
}

common::Outcome<std::vector<MessageMoveTask>> EngineImpl::list_message_move_tasks(const std::string& source_arn,
                                                                                  std::optional<int64_t> max_results) {
  if (!find_queue_by_arn(source_arn))
    return not_found("The resource that you specified for the SourceArn parameter doesn't exist.");
  int64_t max = max_results.value_or(1);
  if (max < 1 || max > 10)
    return invalid("Value " + std::to_string(max) +
                   " for parameter MaxResults is invalid. Reason: Must be between 1 and 10.");
  std::vector<MessageMoveTask> out;
  common::MutexLock lock(move_tasks_.mu);
  for (auto it = move_tasks_.tasks.rbegin(); it != move_tasks_.tasks.rend() && static_cast<int64_t>(out.size()) < max;
       ++it) {
    if (it->view.source_arn != source_arn) continue;
    MessageMoveTask view = it->view;
    if (view.status != "RUNNING") view.task_handle.clear();
    out.push_back(std::move(view));
  }
  return out;
}

common::Outcome<int64_t> EngineImpl::cancel_message_move_task(const std::string& task_handle) {
  auto parsed = parse_task_handle(task_handle);
  if (!parsed) return invalid("Value for parameter TaskHandle is invalid.");
  if (!find_queue_by_arn(parsed->second))
    return not_found("The resource that you specified for the SourceArn parameter doesn't exist.");
  common::MutexLock lock(move_tasks_.mu);
  for (auto& task : move_tasks_.tasks) {
    if (task.view.task_handle != task_handle) continue;
    if (task.view.status != "RUNNING") return invalid("Only active tasks can be cancelled.");
    task.view.status = "CANCELLED";
    return task.view.approximate_number_of_messages_moved;
  }
  return not_found("Task does not exist.");
}

// What one slice of a move task did: how many messages it moved and, when a destination queue
// is gone, the task's FailureReason (AWS's code for a missing queue, as recorded).
namespace {
struct MoveSlice {
  int64_t moved = 0;
  std::optional<std::string> failure;
};

std::string missing_queue_reason() {
  return std::string(common::error_info(common::AwsErrorCode::QueueDoesNotExist).query_code);
}
}  // namespace

// Moves up to `budget` visible messages out of the source. Each becomes a new message (new id,
// new enqueue time, fresh receive count) in the task's destination or, without one, in the queue
// it was dead-lettered from. Messages for a destination that no longer exists go back to the
// source, and the slice reports the failure with what it moved before.
static MoveSlice move_slice(EngineImpl& engine, Queue& source, const MessageMoveTask& task, int64_t budget) {
  std::vector<MessagePtr> taken;
  int64_t now_ms = engine.now();
  {
    common::MutexLock lock(source.mu);
    // A moved message is sealed again for its target, so it must be opened first.
    if (auto refused = engine.open_sealed(source)) {
      MoveSlice refused_slice;
      refused_slice.failure = std::string(refused->info().query_code);
      return refused_slice;
    }
    source.promote(now_ms);
    while (static_cast<int64_t>(taken.size()) < budget) {
      Message* m = source.next_visible();
      if (!m) break;
      taken.push_back(source.take(m->seq));
    }
    source.end_receive();
  }
  std::map<std::string, std::vector<MessagePtr>> by_destination;
  for (auto& message : taken) {
    std::string destination =
        task.destination_arn.value_or(message->extra ? message->extra->dead_letter_source_arn : "");
    by_destination[destination].push_back(std::move(message));
  }
  MoveSlice slice;
  for (auto& [arn, messages] : by_destination) {
    auto target = engine.find_queue_by_arn(arn);
    // The target is loaded before the move is logged into it (or its load would read the moved
    // rows as well); one that cannot be read is treated as missing.
    if (!target || engine.ensure_loaded(*target)) {
      slice.failure = missing_queue_reason();
      engine.accept_moved(engine.find_queue_by_arn(source.arn), std::move(messages));
      continue;
    }
    Sealing sealing;
    {
      common::MutexLock lock(target->mu);
      sealing = engine.sealing_for_move(*target);
    }
    MutationLog changes;
    for (auto& message : messages) {
      if (engine.durable()) changes.push_back(mutation::DeleteMessage{message->seq});
      message->seq = engine.next_seq();
      message->id = new_message_id();
      message->sent_ms = now_ms;
      message->visible_at_ms = now_ms;
      message->receive_count = 0;
      message->first_receive_ms = message->last_receive_ms = 0;
      if (message->extra) message->extra->dead_letter_source_arn.clear();
      if (engine.durable())
        changes.push_back(
            mutation::InsertMessage{EngineImpl::to_record(target->id, sealing, target->address.account_id, *message)});
    }
    slice.moved += static_cast<int64_t>(messages.size());
    uint64_t ticket = engine.log(changes);
    engine.accept_moved(target, std::move(messages));
    // A failed commit is retried with the next one (the moved messages are logged, in order), so
    // the task goes on; only its progress report may run ahead of the disk for a while.
    (void)engine.await(ticket);
  }
  return slice;
}

uint64_t EngineImpl::expire_messages(Queue& queue, int64_t now_ms) {
  common::MutexLock lock(queue.mu);
  queue.promote(now_ms);
  auto gone = queue.expire(now_ms);
  queue.expire_dedup(now_ms);
  MutationLog changes;
  if (durable_)
    for (int64_t seq : gone) changes.push_back(mutation::DeleteMessage{seq});
  return log(changes);
}

void EngineImpl::run_housekeeping() {
  int64_t now_ms = now();
  for (const auto& queue : all_queues()) {
    // A queue not yet loaded has nothing in memory to promote or expire; its load applies both.
    if (!queue->loaded.load(std::memory_order_acquire)) continue;
    const uint64_t ticket = expire_messages(*queue, now_ms);
    // Housekeeping answers no one: a failed commit stays logged and is retried by the next one.
    // This periodic commit is also what notices that space has returned to a full disk.
    (void)await(ticket);
  }
  if (durable_) {
    MutationLog changes{mutation::ExpireDedup{now_ms}};
    (void)await(log(changes));
  }
  {
    common::WriterLock lock(registry_mu_);
    std::erase_if(recently_deleted_, [&](const auto& entry) { return now_ms - entry.second >= kRecreateDelayMs; });
  }

  // Advance running move tasks without holding the task list's lock while moving.
  std::vector<std::pair<std::string, MessageMoveTask>> running;
  {
    common::MutexLock lock(move_tasks_.mu);
    for (auto& task : move_tasks_.tasks) {
      if (task.view.status != "RUNNING") continue;
      int64_t rate = task.view.max_number_of_messages_per_second.value_or(kMaxMovesPerSecond);
      task.credit += static_cast<double>(rate) * static_cast<double>(now_ms - task.last_progress_ms) / 1000.0;
      task.credit = std::min(task.credit, static_cast<double>(rate));
      task.last_progress_ms = now_ms;
      running.emplace_back(task.view.task_handle, task.view);
    }
  }
  for (auto& [handle, view] : running) {
    int64_t budget;
    {
      common::MutexLock lock(move_tasks_.mu);
      const std::string& wanted = handle;  // clang before 16 cannot capture a structured binding
      auto it = std::find_if(move_tasks_.tasks.begin(), move_tasks_.tasks.end(),
                             [&](const MoveTaskState& t) { return t.view.task_handle == wanted; });
      if (it == move_tasks_.tasks.end() || it->view.status != "RUNNING") continue;
      budget = static_cast<int64_t>(it->credit);
    }
    auto source = find_queue_by_arn(view.source_arn);
    if (source && ensure_loaded(*source)) source = nullptr;  // unreadable: reported, treated as missing
    MoveSlice slice;
    if (source) slice = move_slice(*this, *source, view, budget);
    else slice.failure = missing_queue_reason();
    bool source_empty = true;
    if (source) {
      common::MutexLock lock(source->mu);
      source_empty = source->visible_count() == 0;
    }
    common::MutexLock lock(move_tasks_.mu);
    for (auto& task : move_tasks_.tasks) {
      if (task.view.task_handle != handle) continue;
      // What moved before a failure stays counted.
      task.credit -= static_cast<double>(slice.moved);
      task.view.approximate_number_of_messages_moved += slice.moved;
      if (slice.failure) {
        task.view.status = "FAILED";
        task.view.failure_reason = slice.failure;
      } else if (task.view.status == "RUNNING" &&
                 (source_empty ||
                  task.view.approximate_number_of_messages_moved >= task.view.approximate_number_of_messages_to_move)) {
        task.view.status = "COMPLETED";
      }
    }
  }
}

}  // namespace sluice::sqs::detail
