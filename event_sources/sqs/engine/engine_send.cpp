// SendMessage and SendMessageBatch: validation against the queue's configuration (AWS's error
// texts), FIFO deduplication and sequence numbers, and enqueueing.

#include <algorithm>
#include <span>

#include "engine/body_md5.h"
#include "engine/engine_impl.h"
#include "message_rules/message_rules.h"
#include "sluice/common/crypto.h"

namespace sluice::sqs::detail {
namespace {

constexpr int64_t kDedupWindowMs = int64_t{5} * 60 * 1000;
constexpr int64_t kMaxBatchBytes = 1048576;
constexpr uint64_t kSequenceBlock = 1024;

common::AwsError invalid(std::string message) {
  return common::aws_error(common::AwsErrorCode::InvalidParameterValue, std::move(message));
}

// The checks of a message that do not depend on the queue it goes to.
std::optional<common::AwsError> validate_content(const SendMessageRequest& request) {
  if (!request.body)
    return common::aws_error(common::AwsErrorCode::MissingParameter,
                             "The request must contain the parameter MessageBody.");
  if (auto error = check_message_body(*request.body)) return error;
  if (auto error = check_message_attributes(request.message_attributes)) return error;
  if (auto error = check_message_system_attributes(request.system_attributes)) return error;
  return std::nullopt;
}

// The checks of a message, whose content validate_content passed, against the queue. `in_batch`
// selects the texts AWS uses for batch entries.
std::optional<common::AwsError> validate_for_queue(const QueueConfig& config, const SendMessageRequest& request,
                                                   bool in_batch) {
  int64_t size = message_size(*request.body, request.message_attributes);
  if (auto error = check_message_size(size, config.maximum_message_size)) {
    if (in_batch) {
      std::string text = error->message;
      const std::string from = "One or more parameters are invalid.";
      if (text.starts_with(from)) text = "One or more parameters cannot be validated." + text.substr(from.size());
      return invalid(text);
    }
    return error;
  }
  if (request.delay_seconds) {
    int64_t delay = *request.delay_seconds;
    // FIFO queues take no per-message delay, but an explicit 0 is accepted (AWS does).
    if (config.fifo && delay != 0)
      return invalid("Value " + std::to_string(delay) +
                     " for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid "
                     "for this queue type.");
    if (delay < 0 || delay > 900)
      return invalid("Value " + std::to_string(delay) +
                     " for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.");
  }
  if (request.message_group_id)
    if (auto error = check_fifo_token(*request.message_group_id, "MessageGroupId")) return error;
  if (request.message_deduplication_id) {
    if (!config.fifo)
      return invalid("Value " + *request.message_deduplication_id +
                     " for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is "
                     "not valid for this queue type.");
    if (auto error = check_fifo_token(*request.message_deduplication_id, "MessageDeduplicationId")) return error;
  }
  if (config.fifo) {
    if (!request.message_group_id) {
      const char* text = "The request must contain the parameter MessageGroupId.";
      return in_batch ? invalid(text) : common::aws_error(common::AwsErrorCode::MissingParameter, text);
    }
    if (!request.message_deduplication_id && !config.content_based_deduplication)
      return invalid(
          "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
          "explicitly");
  }
  return std::nullopt;
}

// Checks one message against the queue. `in_batch` selects the texts AWS uses for batch entries.
std::optional<common::AwsError> validate(const QueueConfig& config, const SendMessageRequest& request, bool in_batch) {
  if (auto error = validate_content(request)) return error;
  return validate_for_queue(config, request, in_batch);
}

// In a FIFO batch an entry without a MessageGroupId, or without a deduplication id while
// content-based deduplication is off, fails the whole request rather than the entry (recorded).
std::optional<common::AwsError> check_fifo_batch(const QueueConfig& config,
                                                 std::span<const SendMessageRequest> entries) {
  if (!config.fifo) return std::nullopt;
  for (const auto& entry : entries)
    if (!entry.message_group_id) return invalid("The request must contain the parameter MessageGroupId.");
  for (const auto& entry : entries)
    if (!entry.message_deduplication_id && !config.content_based_deduplication)
      return invalid(
          "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
          "explicitly");
  return std::nullopt;
}

}  // namespace

// A durable engine stores only final bodies: the deferred parts of `entries` are filled in (on the
// calling thread, before any queue lock is taken) into copies, which `entries` then points at.
// Nothing is copied when there is nothing to fill in.
static void complete_for_store(std::span<const SendMessageRequest>& entries,
                               std::vector<SendMessageRequest>& completed) {
  bool any = false;
  for (const auto& entry : entries) any = any || (entry.deferred_part && entry.body);
  if (!any) return;
  completed.assign(entries.begin(), entries.end());
  for (auto& entry : completed) {
    if (!entry.deferred_part || !entry.body) continue;
    fill_deferred_part(*entry.body, *entry.deferred_part);
    entry.deferred_part.reset();
  }
  entries = completed;
}

// Enqueues one validated message under the queue lock. Appends its mutations to `changes`.
// `md5` is the body's digest, computed before the lock was taken. A deferred body part stays
// deferred in a standard queue of an in-memory engine (durable engines fill it in before the
// lock: complete_for_store); a FIFO queue fills it in now, as content-based deduplication hashes
// the final body.
// `attribute_digests`, when given, are the MD5s of the message's attributes and system attributes
// computed once for a message sent to many queues.
static SendMessageResult enqueue(
    EngineImpl& engine, Queue& q, const SendMessageRequest& request, std::array<uint8_t, 16> md5, int64_t now_ms,
    MutationLog& changes, size_t& available,
    const std::pair<std::optional<std::string>, std::optional<std::string>>* attribute_digests = nullptr)
    REQUIRES(q.mu) {
  SendMessageResult result;
  result.id = request.id;
  std::shared_ptr<DeferredBodyPart> deferred = request.deferred_part;
  std::string filled_body;
  if (deferred && q.fifo()) {
    filled_body = *request.body;
    fill_deferred_part(filled_body, *deferred);
    md5 = body_md5(filled_body);
    deferred.reset();
  }
  const std::string& body = request.deferred_part && !deferred ? filled_body : *request.body;
  if (!deferred)
    result.md5_of_message_body =
        common::to_hex(std::string_view(reinterpret_cast<const char*>(md5.data()), md5.size()));
  std::optional<std::string> md5_attributes;
  if (attribute_digests != nullptr) {
    md5_attributes = attribute_digests->first;
    result.md5_of_message_system_attributes = attribute_digests->second;
  } else {
    md5_attributes = md5_of_message_attributes(request.message_attributes);
    result.md5_of_message_system_attributes = md5_of_message_attributes(request.system_attributes);
  }
  result.md5_of_message_attributes = md5_attributes;

  std::string dedup_id, sequence_number;
  if (q.fifo()) {
    dedup_id = request.message_deduplication_id ? *request.message_deduplication_id : common::sha256_hex(body);
    q.expire_dedup(now_ms);
    // An entry keeps the scope it was recorded under: after DeduplicationScope changes, the ids
    // already sent under queue scope still deduplicate across groups and those sent under
    // messageGroup scope only within their group (as AWS was recorded doing).
    auto it = q.dedup.find("\n" + dedup_id);
    if (it == q.dedup.end()) it = q.dedup.find(*request.message_group_id + "\n" + dedup_id);
    if (it != q.dedup.end()) {
      // A duplicate is accepted but not delivered; the answer names the original message.
      result.message_id = it->second.message_id;
      result.sequence_number = it->second.sequence_number;
      return result;
    }
    sequence_number = q.next_sequence();
    if (q.next_sequence_number >= q.sequence_reserved) {
      q.sequence_reserved = q.next_sequence_number + kSequenceBlock;
      if (engine.durable()) changes.push_back(mutation::PutQueue{q.record()});
    }
    result.sequence_number = sequence_number;
  }

  Message* message = q.create(body);
  message->seq = engine.next_seq();
  message->id = new_message_id();
  std::copy(md5.begin(), md5.end(), message->body_md5.begin());
  message->sent_ms = now_ms;
  int64_t delay = q.fifo() ? q.config.delay_seconds : request.delay_seconds.value_or(q.config.delay_seconds);
  message->visible_at_ms = now_ms + delay * 1000;
  auto trace = request.system_attributes.find("AWSTraceHeader");
  const std::string& trace_header =
      trace != request.system_attributes.end() ? trace->second.string_value : request.trace_header;
  if (!request.message_attributes.empty() || q.fifo() || request.message_group_id || !trace_header.empty() ||
      deferred) {
    MessageExtra& extra = message->ensure_extra();
    extra.deferred_part = std::move(deferred);
    extra.message_attributes = request.message_attributes;
    extra.md5_of_message_attributes = md5_attributes.value_or("");
    extra.aws_trace_header = trace_header;
    if (request.message_group_id) extra.message_group_id = *request.message_group_id;
    extra.message_deduplication_id = dedup_id;
    extra.sequence_number = sequence_number;
  }
  result.message_id = format_message_id(message->id);

  if (q.fifo()) {
    std::string key =
        (q.config.deduplication_scope == "messageGroup" ? *request.message_group_id : std::string()) + "\n" + dedup_id;
    DedupEntry entry{now_ms + kDedupWindowMs, result.message_id, sequence_number};
    q.dedup[key] = entry;
    q.dedup_expiry.emplace_back(entry.expires_ms, key);
    if (engine.durable())
      changes.push_back(
          mutation::PutDedup{DedupRecord{q.id, key, entry.expires_ms, entry.message_id, sequence_number}});
  }
  if (engine.durable()) changes.push_back(mutation::InsertMessage{EngineImpl::to_record(q, *message)});
  if (delay == 0) ++available;
  q.insert(message, now_ms);
  return result;
}

common::Outcome<SendMessageResult> EngineImpl::send_message(const QueueAddress& address,
                                                            const SendMessageRequest& sent_request) {
  std::span<const SendMessageRequest> one(&sent_request, 1);
  std::vector<SendMessageRequest> completed;
  if (durable_) complete_for_store(one, completed);
  const SendMessageRequest& request = one.front();
  auto queue = require_queue(address);
  if (!queue) return queue.take_error();
  if (auto refused = refuse_while_store_failing()) return *refused;
  Queue& q = **queue;
  SendMessageResult result;
  uint64_t ticket = 0;
  size_t available = 0;
  std::vector<std::shared_ptr<WatchState>> wake;
  const std::array<uint8_t, 16> md5 = request.body ? body_md5(*request.body) : std::array<uint8_t, 16>{};
  {
    common::MutexLock lock(q.mu);
    if (auto error = validate(q.config, request, false)) return *error;
    if (auto refused = check_kms(q, KmsUse::Writing)) return *refused;
    MutationLog changes;
    result = enqueue(*this, q, request, md5, now(), changes, available);
    wake = q.watchers.take(available);
    ticket = log(changes);
  }
  this->wake(q, std::move(wake), available);
  if (auto failed = await(ticket)) return *failed;
  return result;
}

std::vector<common::Status> EngineImpl::send_message_to_queues(const std::vector<const QueueAddress*>& queues,
                                                               const SendMessageRequest& sent_request) {
  std::span<const SendMessageRequest> one(&sent_request, 1);
  std::vector<SendMessageRequest> completed;
  if (durable_) complete_for_store(one, completed);
  const SendMessageRequest& request = one.front();
  std::vector<common::Status> out;
  out.reserve(queues.size());
  // What does not depend on the queue, once.
  if (auto error = validate_content(request)) {
    out.assign(queues.size(), common::Status(*error));
    return out;
  }
  const std::array<uint8_t, 16> md5 = body_md5(*request.body);
  const std::pair<std::optional<std::string>, std::optional<std::string>> attribute_digests{
      md5_of_message_attributes(request.message_attributes), md5_of_message_attributes(request.system_attributes)};
  uint64_t ticket = 0;
  for (const QueueAddress* address : queues) {
    auto queue = require_queue(*address);
    if (!queue) {
      out.emplace_back(queue.take_error());
      continue;
    }
    if (auto refused = refuse_while_store_failing()) {
      out.emplace_back(*refused);
      continue;
    }
    Queue& q = **queue;
    size_t available = 0;
    std::vector<std::shared_ptr<WatchState>> wake;
    {
      common::MutexLock lock(q.mu);
      if (auto error = validate_for_queue(q.config, request, false)) {
        out.emplace_back(*error);
        continue;
      }
      if (auto refused = check_kms(q, KmsUse::Writing)) {
        out.emplace_back(*refused);
        continue;
      }
      MutationLog changes;
      (void)enqueue(*this, q, request, md5, now(), changes, available, &attribute_digests);
      wake = q.watchers.take(available);
      ticket = std::max(ticket, log(changes));
    }
    this->wake(q, std::move(wake), available);
    out.emplace_back(common::ok_status());
  }
  // One wait for every queue's commit; a failed commit fails every send it held.
  if (auto failed = await(ticket)) {
    for (common::Status& status : out)
      if (status) status = common::Status(*failed);
  }
  return out;
}

common::Outcome<BatchResult<SendMessageResult>> EngineImpl::send_message_batch(
    const QueueAddress& address, const std::vector<SendMessageRequest>& sent_entries) {
  std::span<const SendMessageRequest> entries(sent_entries);
  std::vector<SendMessageRequest> completed;
  if (durable_) complete_for_store(entries, completed);
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& entry : entries) ids.push_back(entry.id);
  if (auto error = check_batch_ids(ids)) return *error;
  int64_t total = 0;
  for (const auto& entry : entries)
    if (entry.body) total += message_size(*entry.body, entry.message_attributes);
  if (total > kMaxBatchBytes)
    return common::aws_error(common::AwsErrorCode::BatchRequestTooLong,
                             "Batch requests cannot be longer than " + std::to_string(kMaxBatchBytes) +
                                 " bytes. You have sent " + std::to_string(total) + " bytes.");
  auto queue = require_queue(address);
  if (!queue) return queue.take_error();
  if (auto refused = refuse_while_store_failing()) return *refused;
  Queue& q = **queue;
  BatchResult<SendMessageResult> result;
  uint64_t ticket = 0;
  size_t available = 0;
  std::vector<std::shared_ptr<WatchState>> wake;
  // Digests first, all at once and outside the lock (entries without a body fail validation).
  // A batch within AWS's 10 entries keeps them on the stack: no allocation per call.
  constexpr size_t kOnStack = 16;
  std::array<std::string_view, kOnStack> stack_bodies;
  std::array<std::array<uint8_t, 16>, kOnStack> stack_md5s;
  std::vector<std::string_view> heap_bodies;
  std::vector<std::array<uint8_t, 16>> heap_md5s;
  std::string_view* bodies = stack_bodies.data();
  std::array<uint8_t, 16>* md5s = stack_md5s.data();
  if (entries.size() > kOnStack) {
    heap_bodies.resize(entries.size());
    heap_md5s.resize(entries.size());
    bodies = heap_bodies.data();
    md5s = heap_md5s.data();
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    bodies[i] = entries[i].body ? std::string_view(*entries[i].body) : std::string_view();
  }
  body_md5_many(bodies, entries.size(), md5s);
  {
    common::MutexLock lock(q.mu);
    if (auto error = check_fifo_batch(q.config, entries)) return *error;
    if (auto refused = check_kms(q, KmsUse::Writing)) return *refused;
    MutationLog changes;
    int64_t now_ms = now();
    for (size_t i = 0; i < entries.size(); ++i) {
      const SendMessageRequest& entry = entries[i];
      if (auto error = validate(q.config, entry, true)) {
        result.failed.push_back({entry.id, std::move(*error), true});
        continue;
      }
      result.successful.push_back(enqueue(*this, q, entry, md5s[i], now_ms, changes, available));
    }
    wake = q.watchers.take(available);
    ticket = log(changes);
  }
  this->wake(q, std::move(wake), available);
  if (auto failed = await(ticket)) return *failed;
  return result;
}

}  // namespace sluice::sqs::detail
