// ReceiveMessage (with dead-letter moves at receive time and long-poll watches), DeleteMessage
// and ChangeMessageVisibility with their batch forms.

#include <algorithm>
#include <charconv>

#include "engine/engine_impl.h"
#include "engine/receipt_handle.h"
#include "message_rules/message_rules.h"
#include "sluice/common/crypto.h"

namespace sluice::sqs::detail {
namespace {

constexpr int64_t kMaxVisibilitySeconds = 43200;
constexpr int64_t kAttemptWindowMs = int64_t{5} * 60 * 1000;

common::AwsError invalid(std::string message) {
  return common::aws_error(common::AwsErrorCode::InvalidParameterValue, std::move(message));
}

common::AwsError bad_handle(const std::string& handle) {
  return common::aws_error(common::AwsErrorCode::ReceiptHandleIsInvalid,
                           "The input receipt handle \"" + handle + "\" is not a valid receipt handle.");
}

common::AwsError expired_handle(const std::string& handle) {
  return invalid("Value " + handle +
                 " for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.");
}

class QueueWatch final : public ReceiveWatch {
 public:
  QueueWatch(std::weak_ptr<Queue> queue, std::shared_ptr<WatchState> state)
      : queue_(std::move(queue)), state_(std::move(state)) {}
  ~QueueWatch() override { cancel(); }
  void cancel() override {
    if (!state_) return;
    if (auto queue = queue_.lock()) {
      common::MutexLock lock(queue->mu);
      queue->watchers.remove(state_.get());
    }
    {
      std::lock_guard lock(state_->mu);
      state_->callback = nullptr;
    }
    state_.reset();
  }

 private:
  std::weak_ptr<Queue> queue_;
  std::shared_ptr<WatchState> state_;
};

// The selected system attributes, resolved once per receive rather than compared by name for
// every message.
enum class SystemAttribute : uint8_t {
  SenderId,
  SentTimestamp,
  ApproximateReceiveCount,
  ApproximateFirstReceiveTimestamp,
  SequenceNumber,
  MessageDeduplicationId,
  MessageGroupId,
  AWSTraceHeader,
  DeadLetterQueueSourceArn,
  Other
};

struct SystemSelection {
  std::vector<std::pair<SystemAttribute, const std::string*>> attributes;  // kind, name
};

SystemSelection resolve_system_names(const std::vector<std::string>& names) {
  static constexpr std::pair<std::string_view, SystemAttribute> kKinds[] = {
      {"SenderId", SystemAttribute::SenderId},
      {"SentTimestamp", SystemAttribute::SentTimestamp},
      {"ApproximateReceiveCount", SystemAttribute::ApproximateReceiveCount},
      {"ApproximateFirstReceiveTimestamp", SystemAttribute::ApproximateFirstReceiveTimestamp},
      {"SequenceNumber", SystemAttribute::SequenceNumber},
      {"MessageDeduplicationId", SystemAttribute::MessageDeduplicationId},
      {"MessageGroupId", SystemAttribute::MessageGroupId},
      {"AWSTraceHeader", SystemAttribute::AWSTraceHeader},
      {"DeadLetterQueueSourceArn", SystemAttribute::DeadLetterQueueSourceArn},
  };
  SystemSelection out;
  out.attributes.reserve(names.size());
  for (const std::string& name : names) {
    SystemAttribute kind = SystemAttribute::Other;
    for (const auto& [known, k] : kKinds)
      if (name == known) kind = k;
    out.attributes.emplace_back(kind, &name);
  }
  return out;
}

std::string decimal(int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  return std::string(digits, end);
}

ReceivedMessage describe(const Queue& q, Message& m, const SystemSelection& system,
                         const std::vector<std::string>& attribute_selectors) REQUIRES(q.mu) {
  complete_body(m);  // a body part sent for later (SNS's signature) is filled in before anyone sees it
  ReceivedMessage out;
  out.message_id = format_message_id(m.id);
  out.receipt_handle = encode_receipt_handle({q.id, m.seq, m.receive_count});
  out.body = m.body();
  out.md5_of_body =
      common::to_hex(std::string_view(reinterpret_cast<const char*>(m.body_md5.data()), m.body_md5.size()));
  out.attributes.reserve(system.attributes.size());
  for (const auto& [kind, name] : system.attributes) {
    const std::string* value = nullptr;
    switch (kind) {
      case SystemAttribute::SenderId:
        out.attributes.emplace_back(*name, q.address.account_id);
        continue;
      case SystemAttribute::SentTimestamp:
        out.attributes.emplace_back(*name, decimal(m.sent_ms));
        continue;
      case SystemAttribute::ApproximateReceiveCount:
        out.attributes.emplace_back(*name, decimal(m.receive_count));
        continue;
      case SystemAttribute::ApproximateFirstReceiveTimestamp:
        out.attributes.emplace_back(*name, decimal(m.first_receive_ms));
        continue;
      case SystemAttribute::Other:
        continue;
      default:
        break;
    }
    if (!m.extra) continue;
    const MessageExtra& x = *m.extra;
    switch (kind) {
      case SystemAttribute::SequenceNumber:
        value = &x.sequence_number;
        break;
      case SystemAttribute::MessageDeduplicationId:
        value = &x.message_deduplication_id;
        break;
      case SystemAttribute::MessageGroupId:
        value = &x.message_group_id;
        break;
      case SystemAttribute::AWSTraceHeader:
        value = &x.aws_trace_header;
        break;
      case SystemAttribute::DeadLetterQueueSourceArn:
        value = &x.dead_letter_source_arn;
        break;
      default:
        break;
    }
    if (value && !value->empty()) out.attributes.emplace_back(*name, *value);
  }
  if (m.extra && !m.extra->message_attributes.empty() && !attribute_selectors.empty()) {
    out.message_attributes = select_message_attributes(m.extra->message_attributes, attribute_selectors);
    if (out.message_attributes.size() == m.extra->message_attributes.size())
      out.md5_of_message_attributes = m.extra->md5_of_message_attributes;
    else out.md5_of_message_attributes = md5_of_message_attributes(out.message_attributes);
  }
  return out;
}

}  // namespace

common::Outcome<ReceiveMessageResult> EngineImpl::receive_message(const QueueAddress& address,
                                                                  const ReceiveMessageRequest& request,
                                                                  WatchCallback watch_callback) {
  int64_t max = request.max_number_of_messages.value_or(1);
  if (max < 1 || max > 10)
    return invalid("Value " + std::to_string(max) +
                   " for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
  return receive_up_to(address, request, max, std::move(watch_callback));
}

common::Outcome<ReceiveMessageResult> EngineImpl::receive_up_to(const QueueAddress& address,
                                                                const ReceiveMessageRequest& request, int64_t max,
                                                                WatchCallback watch_callback) {
  if (max < 1) return invalid("Value " + std::to_string(max) + " for parameter MaxNumberOfMessages is invalid.");
  if (request.wait_time_seconds && (*request.wait_time_seconds < 0 || *request.wait_time_seconds > 20))
    return invalid("Value " + std::to_string(*request.wait_time_seconds) +
                   " for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
  if (request.visibility_timeout &&
      (*request.visibility_timeout < 0 || *request.visibility_timeout > kMaxVisibilitySeconds))
    return invalid("Value " + std::to_string(*request.visibility_timeout) +
                   " for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.");
  auto system_names = select_system_attribute_names(request.system_attribute_names);
  if (!system_names) return system_names.take_error();
  auto queue = require_queue(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  const SystemSelection system = resolve_system_names(*system_names);

  // The dead-letter target is looked up before taking the source lock (never two queue locks).
  std::optional<RedrivePolicy> redrive;
  {
    common::MutexLock lock(q.mu);
    redrive = q.config.redrive_policy;
  }
  std::shared_ptr<Queue> dead_letter;
  Sealing dead_letter_sealing;
  if (redrive) {
    dead_letter = find_queue_by_arn(redrive->dead_letter_target_arn);
    if (dead_letter) {
      // Loaded before a move is logged into it, or its load would read the moved rows as well.
      if (auto unreadable = ensure_loaded(*dead_letter)) return *unreadable;
      common::MutexLock lock(dead_letter->mu);
      dead_letter_sealing = sealing_for_move(*dead_letter);
    }
  }

  ReceiveMessageResult result;
  std::vector<MessagePtr> moved;
  std::vector<DeadLetterMove> dead_lettered;  // told to options_.on_dead_letter once moved
  uint64_t ticket = 0;
  {
    common::MutexLock lock(q.mu);
    if (q.deleted)
      return common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist.");
    int64_t now_ms = now();
    int64_t visibility_ms = request.visibility_timeout.value_or(q.config.visibility_timeout) * 1000;
    result.wait_time_seconds = request.wait_time_seconds.value_or(q.config.receive_message_wait_time_seconds);
    q.promote(now_ms);
    // A receive that would hand out messages needs the queue's data key (an empty one does not).
    if (q.visible_count() > 0) {
      if (auto refused = check_kms(q, KmsUse::Reading)) return *refused;
      if (auto refused = open_sealed(q)) return *refused;
    }
    MutationLog changes;
    result.messages.reserve(static_cast<size_t>(std::min<int64_t>(max, static_cast<int64_t>(q.visible_count()))));

    // A FIFO retry with the same ReceiveRequestAttemptId gets the same messages and handles while
    // none of them was deleted or changed since.
    ReceiveAttempt* attempt = nullptr;
    if (q.fifo() && request.receive_request_attempt_id) {
      q.expire_dedup(now_ms);
      auto it = q.receive_attempts.find(*request.receive_request_attempt_id);
      if (it != q.receive_attempts.end()) {
        bool intact = true;
        for (auto [seq, count] : it->second.messages) {
          Message* m = q.find(seq);
          intact = intact && m && m->receive_count == count && m->state == MessageState::InFlight;
        }
        if (intact && !it->second.messages.empty()) {
          for (auto [seq, count] : it->second.messages) {
            Message* m = q.find(seq);
            q.set_visibility(*m, now_ms, visibility_ms);
            if (durable_)
              changes.push_back(mutation::UpdateMessage{seq, m->visible_at_ms, m->first_receive_ms, m->receive_count});
            result.messages.push_back(describe(q, *m, system, request.message_attribute_names));
          }
          ticket = log(changes);
          attempt = &it->second;
        }
      }
      if (!attempt) {
        attempt = &q.receive_attempts[*request.receive_request_attempt_id];
        attempt->expires_ms = now_ms + kAttemptWindowMs;
        attempt->messages.clear();
      } else {
        // Answered from the attempt above.
        goto answered;
      }
    }

    while (static_cast<int64_t>(result.messages.size()) < max) {
      Message* m = q.next_visible();
      if (!m) break;
      if (q.expired(*m, now_ms)) {
        if (durable_) changes.push_back(mutation::DeleteMessage{m->seq});
        q.remove(m->seq);
        continue;
      }
      if (redrive && dead_letter && m->receive_count >= redrive->max_receive_count) {
        // The move happens at receive time, as on AWS: the message is not returned.
        MessagePtr message = q.take(m->seq);
        MessageExtra& extra = message->ensure_extra();
        extra.dead_letter_source_arn = q.arn;
        if (q.fifo()) extra.message_deduplication_id = format_message_id(message->id);
        if (durable_) {
          changes.push_back(mutation::DeleteMessage{message->seq});
          changes.push_back(
              mutation::InsertMessage{to_record(dead_letter->id, dead_letter_sealing, q.address.account_id, *message)});
        }
        if (options_.on_dead_letter)
          dead_lettered.push_back({q.arn, dead_letter->arn, format_message_id(message->id), message->receive_count});
        moved.push_back(std::move(message));
        continue;
      }
      q.mark_in_flight(*m, now_ms, visibility_ms);
      if (durable_)
        changes.push_back(mutation::UpdateMessage{m->seq, m->visible_at_ms, m->first_receive_ms, m->receive_count});
      if (attempt) attempt->messages.emplace_back(m->seq, m->receive_count);
      result.messages.push_back(describe(q, *m, system, request.message_attribute_names));
    }
    q.end_receive();
    if (result.messages.empty() && watch_callback && result.wait_time_seconds > 0) {
      auto state = std::make_shared<WatchState>();
      state->callback = std::move(watch_callback);
      q.watchers.add(state);
      result.watch = std::make_unique<QueueWatch>(*queue, std::move(state));
    }
    result.next_visible_ms = q.next_visible_ms();
    ticket = log(changes);
  answered:;
  }
  if (!moved.empty()) accept_moved(dead_letter, std::move(moved));
  for (const auto& move : dead_lettered) options_.on_dead_letter(move);
  if (auto failed = await(ticket)) return *failed;
  return result;
}

// DeleteMessage under the queue lock. Standard queues accept any handle of the message (an old
// one may delete it); FIFO queues only the handle of the current, unexpired receive.
static std::optional<common::AwsError> delete_locked(EngineImpl& engine, Queue& q, const std::string& text,
                                                     MutationLog& changes, size_t& available) REQUIRES(q.mu) {
  auto handle = decode_receipt_handle(text);
  if (!handle || handle->queue_id != q.id) return bad_handle(text);
  q.promote(engine.now());
  Message* m = q.find(handle->seq);
  if (!m) return std::nullopt;  // already deleted: deleting again succeeds
  if (q.fifo() && (m->receive_count != handle->receive_count || m->state != MessageState::InFlight))
    return expired_handle(text);
  if (engine.durable()) changes.push_back(mutation::DeleteMessage{m->seq});
  q.remove(m->seq);
  if (q.fifo()) ++available;  // the message group may be unlocked now
  return std::nullopt;
}

static std::optional<common::AwsError> change_visibility_locked(EngineImpl& engine, Queue& q, const std::string& text,
                                                                std::optional<int64_t> timeout, MutationLog& changes,
                                                                size_t& available) REQUIRES(q.mu) {
  if (!timeout)
    return common::aws_error(common::AwsErrorCode::MissingParameter,
                             "The request must contain the parameter VisibilityTimeout.");
  auto handle = decode_receipt_handle(text);
  if (!handle || handle->queue_id != q.id) return bad_handle(text);
  if (*timeout < 0 || *timeout > kMaxVisibilitySeconds)
    return invalid("Value " + std::to_string(*timeout) +
                   " for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.");
  int64_t now_ms = engine.now();
  q.promote(now_ms);
  Message* m = q.find(handle->seq);
  if (!m)
    return invalid("Value " + text +
                   " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for "
                   "visibility timeout change.");
  // A standard queue accepts any handle of a message that still exists: one whose visibility is
  // over, or an older handle of a message received again since (AWS answers success to both).
  // A FIFO queue only the handle of the current, unexpired receive.
  if (q.fifo() && (m->receive_count != handle->receive_count || m->state != MessageState::InFlight))
    return expired_handle(text);
  if ((now_ms - m->last_receive_ms) + *timeout * 1000 > kMaxVisibilitySeconds * 1000)
    return invalid("Value " + std::to_string(*timeout) +
                   " for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is "
                   "beyond the limit [43200 seconds]");
  if (q.set_visibility(*m, now_ms, *timeout * 1000)) ++available;
  if (engine.durable())
    changes.push_back(mutation::UpdateMessage{m->seq, m->visible_at_ms, m->first_receive_ms, m->receive_count});
  return std::nullopt;
}

// Runs one receipt-handle operation under the queue lock, then wakes waiters and awaits the commit.
template <typename Apply>
static common::Status run_single(EngineImpl& engine, const QueueAddress& address, Apply apply) {
  auto queue = engine.require_queue(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  uint64_t ticket = 0;
  size_t available = 0;
  std::vector<std::shared_ptr<WatchState>> wake;
  {
    common::MutexLock lock(q.mu);
    MutationLog changes;
    if (auto error = apply(q, changes, available)) return *error;
    wake = q.watchers.take(available);
    ticket = engine.log(changes);
  }
  engine.wake(q, std::move(wake), available);
  if (auto failed = engine.await(ticket)) return *failed;
  return common::ok_status();
}

common::Status EngineImpl::delete_message(const QueueAddress& address, const std::string& receipt_handle) {
  return run_single(*this, address, [&](Queue& q, MutationLog& changes, size_t& available) {
    q.mu.assert_held();  // run_single calls this under the queue lock
    return delete_locked(*this, q, receipt_handle, changes, available);
  });
}

common::Status EngineImpl::change_message_visibility(const QueueAddress& address, const std::string& receipt_handle,
                                                     std::optional<int64_t> visibility_timeout) {
  return run_single(*this, address, [&](Queue& q, MutationLog& changes, size_t& available) {
    q.mu.assert_held();  // run_single calls this under the queue lock
    return change_visibility_locked(*this, q, receipt_handle, visibility_timeout, changes, available);
  });
}

// Runs `apply` for each entry under one queue lock; per-entry errors become Failed entries.
// An empty entry_type skips the checks of the entry ids (count, form, distinctness): the embedded
// consumers' bulk calls, whose ids are their own.
template <typename Entry, typename Apply>
static common::Outcome<BatchResult<BatchEntryOk>> run_batch(EngineImpl& engine, const QueueAddress& address,
                                                            const std::vector<Entry>& entries,
                                                            std::string_view entry_type, Apply apply) {
  if (!entry_type.empty()) {
    std::vector<std::string> ids;
    ids.reserve(entries.size());
    for (const auto& entry : entries) ids.push_back(entry.id);
    if (auto error = check_batch_ids(ids, entry_type)) return *error;
  }
  auto queue = engine.require_queue(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  BatchResult<BatchEntryOk> result;
  // No reserve here: sizing this vector up front made deep queues 35% slower (engine-depth,
  // measured): the different allocation sizes pushed glibc into consolidating and searching bins
  // over the cold chunks of a million queued messages.
  uint64_t ticket = 0;
  size_t available = 0;
  std::vector<std::shared_ptr<WatchState>> wake;
  {
    common::MutexLock lock(q.mu);
    MutationLog changes;
    for (const auto& entry : entries) {
      if (auto error = apply(q, entry, changes, available))
        result.failed.push_back({entry.id, std::move(*error), true});
      else result.successful.push_back({entry.id});
    }
    wake = q.watchers.take(available);
    ticket = engine.log(changes);
  }
  engine.wake(q, std::move(wake), available);
  if (auto failed = engine.await(ticket)) return *failed;
  return result;
}

common::Outcome<BatchResult<BatchEntryOk>> EngineImpl::delete_message_batch(
    const QueueAddress& address, const std::vector<DeleteMessageBatchEntry>& entries) {
  return run_batch(*this, address, entries, "DeleteMessageBatchRequestEntry",
                   [this](Queue& q, const DeleteMessageBatchEntry& e, MutationLog& c, size_t& w) {
                     q.mu.assert_held();  // run_batch calls this under the queue lock
                     return delete_locked(*this, q, e.receipt_handle, c, w);
                   });
}

common::Outcome<BatchResult<BatchEntryOk>> EngineImpl::delete_many(
    const QueueAddress& address, const std::vector<DeleteMessageBatchEntry>& entries) {
  return run_batch(*this, address, entries, "",
                   [this](Queue& q, const DeleteMessageBatchEntry& e, MutationLog& c, size_t& w) {
                     q.mu.assert_held();  // run_batch calls this under the queue lock
                     return delete_locked(*this, q, e.receipt_handle, c, w);
                   });
}

common::Outcome<BatchResult<BatchEntryOk>> EngineImpl::change_visibility_many(
    const QueueAddress& address, const std::vector<ChangeVisibilityBatchEntry>& entries) {
  return run_batch(*this, address, entries, "",
                   [this](Queue& q, const ChangeVisibilityBatchEntry& e, MutationLog& c, size_t& w) {
                     q.mu.assert_held();  // run_batch calls this under the queue lock
                     return change_visibility_locked(*this, q, e.receipt_handle, e.visibility_timeout, c, w);
                   });
}

common::Outcome<BatchResult<BatchEntryOk>> EngineImpl::change_message_visibility_batch(
    const QueueAddress& address, const std::vector<ChangeVisibilityBatchEntry>& entries) {
  return run_batch(*this, address, entries, "ChangeMessageVisibilityBatchRequestEntry",
                   [this](Queue& q, const ChangeVisibilityBatchEntry& e, MutationLog& c, size_t& w) {
                     q.mu.assert_held();  // run_batch calls this under the queue lock
                     return change_visibility_locked(*this, q, e.receipt_handle, e.visibility_timeout, c, w);
                   });
}

}  // namespace sluice::sqs::detail
