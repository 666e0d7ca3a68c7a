// Loading from the store: the catalog at the start, each queue's messages on its first use.
//
// Engine::open reads only the queues (their configuration, tags, permissions and sequence
// counters), so a start takes the same few milliseconds with any number of stored messages. A queue
// read that way is not `loaded`: it holds none of its messages, and every call that reads or changes
// them (send, receive, delete, visibility, purge, dead-letter and move-task moves, GetQueueAttributes
// counts once loaded) first goes through ensure_loaded. The first caller reads the queue's rows and
// fills it under its lock; callers arriving meanwhile wait on load_mu and find it loaded, so a queue
// is read once and never answers as if empty. Calls that only touch the catalog (GetQueueUrl, tags,
// SetQueueAttributes, permissions, DeleteQueue, ListQueues) never load. GetQueueAttributes of a queue
// not yet loaded counts its stored rows instead. Housekeeping (retention, promotions) skips queues
// not yet loaded: nothing of theirs is in memory, and loading applies what came due meanwhile.
//
// Off the loop: a caller that must not wait for a read (the HTTP loop) holds a DeferLoads; its
// calls stop at the first queue not yet loaded, before changing anything, and name it. The caller
// reads it on a worker thread (load_queue) and calls again. preload_queues reads every queue in
// the background after the start, so most first uses find their queue loaded already.
//
// Messages stored sealed with a KMS data key are loaded still sealed (engine_kms.cpp: open_sealed),
// so that the calls that only delete or hide them need no KMS; preload_queues opens them when KMS
// allows, else the first read of the queue does.

#include <algorithm>
#include <cstdio>

#include "engine/engine_impl.h"
#include "message_rules/message_rules.h"
#include "sluice/common/crypto.h"

namespace sluice::sqs::detail {
namespace {

MessagePtr message_from_record(MessageRecord& record, int64_t now_ms) {
  MessagePtr message = make_message(record.body);
  message->seq = record.seq;
  message->id = parse_message_id(record.message_id).value_or(new_message_id());
  if (record.sealed) {
    // Opened, and its digest taken, when the queue's messages are first read (open_sealed).
    message->ensure_extra().sealed_with = record.data_key_id;
  } else {
    std::string md5 = common::md5_raw(record.body);
    std::copy(md5.begin(), md5.end(), message->body_md5.begin());
  }
  message->receive_count = record.receive_count;
  message->sent_ms = record.sent_ms;
  message->visible_at_ms = record.visible_at_ms;
  message->first_receive_ms = record.first_receive_ms;
  message->last_receive_ms = record.receive_count > 0 ? now_ms : 0;
  record.body = {};
  if (!record.message_attributes.empty() || !record.aws_trace_header.empty() || !record.message_group_id.empty() ||
      !record.message_deduplication_id.empty() || !record.sequence_number.empty() ||
      !record.dead_letter_source_arn.empty()) {
    MessageExtra& extra = message->ensure_extra();
    extra.md5_of_message_attributes = md5_of_message_attributes(record.message_attributes).value_or("");
    extra.message_attributes = std::move(record.message_attributes);
    extra.aws_trace_header = std::move(record.aws_trace_header);
    extra.message_group_id = std::move(record.message_group_id);
    extra.message_deduplication_id = std::move(record.message_deduplication_id);
    extra.sequence_number = std::move(record.sequence_number);
    extra.dead_letter_source_arn = std::move(record.dead_letter_source_arn);
  }
  return message;
}

// What a caller hears when its queue's stored messages cannot be read; the reason goes to the log.
common::AwsError unreadable_queue_error(const std::string& reason) {
  std::fprintf(stderr, "sluice: %s\n", reason.c_str());
  return common::aws_error(common::AwsErrorCode::InternalFailure,
                           "The request processing has failed because of an unknown error, exception or failure.");
}

}  // namespace

void EngineImpl::load() {
  LoadedState state = store_->load_catalog();
  last_queue_id_ = state.max_queue_id;
  last_seq_ = state.max_seq;
  last_data_key_id_ = state.max_data_key_id;
  for (QueueRecord& record : state.queues) {
    auto config = config_for_create(record.address.name, record.attributes);
    // A stored queue whose attributes no longer validate keeps the defaults rather than vanish.
    auto queue = std::make_shared<Queue>(record.queue_id, record.address, config.ok() ? *config : QueueConfig{});
    queue->tags = std::move(record.tags);
    queue->permissions_json = std::move(record.permissions_json);
    queue->created_ms = record.created_ms;
    queue->modified_ms = record.modified_ms;
    queue->last_purge_ms = record.last_purge_ms;
    queue->next_sequence_number = queue->sequence_reserved = record.next_sequence_number;
    queue->loaded.store(false, std::memory_order_relaxed);  // published with the registry
    queues_[record.address] = queue;
  }
  restore_data_keys(state.data_keys);
}

std::optional<common::AwsError> EngineImpl::ensure_loaded(Queue& queue) const {
  if (queue.loaded.load(std::memory_order_acquire)) return std::nullopt;
  if (DeferLoads* deferral = DeferLoads::current()) {
    deferral->defer(queue.address);
    // Not an answer: the caller sees pending() and calls again once the queue is read.
    return common::aws_error(common::AwsErrorCode::InternalFailure, "The queue's messages are not loaded yet.");
  }
  return read_queue(queue);
}

std::optional<common::AwsError> EngineImpl::read_queue(Queue& queue) const {
  common::MutexLock load_lock(queue.load_mu);
  if (queue.loaded.load(std::memory_order_acquire)) return std::nullopt;  // loaded while we waited
  QueueContents contents;
  std::string error;
  if (!store_->load_queue(queue.id, &contents, &error)) return unreadable_queue_error(error);
  const int64_t now_ms = now();
  std::vector<MessagePtr> messages;
  messages.reserve(contents.messages.size());
  for (MessageRecord& record : contents.messages) messages.push_back(message_from_record(record, now_ms));
  contents.messages = {};
  common::MutexLock lock(queue.mu);
  for (auto& message : messages) {
    queue.holds_sealed = queue.holds_sealed || (message->extra && message->extra->sealed_with != 0);
    queue.insert(std::move(message), now_ms);
  }
  for (DataKeyRecord& key : contents.data_keys) {
    const int64_t id = key.data_key_id;
    queue.sealed_keys[id].record = std::move(key);
  }
  for (DedupRecord& record : contents.dedup) {
    if (record.expires_ms <= now_ms) continue;
    queue.dedup[record.key] = {record.expires_ms, record.message_id, record.sequence_number};
    queue.dedup_expiry.emplace_back(record.expires_ms, record.key);
  }
  std::sort(queue.dedup_expiry.begin(), queue.dedup_expiry.end());
  queue.loaded.store(true, std::memory_order_release);
  return std::nullopt;
}

std::shared_ptr<Queue> EngineImpl::dead_letter_queue_of(Queue& queue) const {
  std::optional<RedrivePolicy> redrive;
  {
    common::MutexLock lock(queue.mu);
    redrive = queue.config.redrive_policy;
  }
  return redrive ? find_queue_by_arn(redrive->dead_letter_target_arn) : nullptr;
}

common::Status EngineImpl::load_queue(const QueueAddress& address) {
  auto queue = require_queue_catalog(address);
  if (!queue) return queue.take_error();
  if (auto unreadable = read_queue(**queue)) return *unreadable;
  // A dead-letter queue that cannot be read fails the receive that needs it, not this load.
  if (auto dead_letter = dead_letter_queue_of(**queue)) (void)read_queue(*dead_letter);
  return common::ok_status();
}

bool EngineImpl::queue_loaded(const QueueAddress& address) const {
  auto queue = find_queue(address);
  if (!queue) return true;
  if (!queue->loaded.load(std::memory_order_acquire)) return false;
  auto dead_letter = dead_letter_queue_of(*queue);
  return !dead_letter || dead_letter->loaded.load(std::memory_order_acquire);
}

bool EngineImpl::every_queue_loaded() const {
  if (every_queue_loaded_.load(std::memory_order_acquire)) return true;
  for (const auto& queue : all_queues())
    if (!queue->loaded.load(std::memory_order_acquire)) return false;
  // Queues made after the start are loaded from birth, so this stays true.
  every_queue_loaded_.store(true, std::memory_order_release);
  return true;
}

size_t EngineImpl::preload_queues(const std::function<bool()>& stop) {
  size_t read = 0;
  for (const auto& queue : all_queues()) {
    if (stop && stop()) break;
    if (queue->loaded.load(std::memory_order_acquire)) continue;
    {
      common::MutexLock lock(queue->mu);
      if (queue->deleted) continue;
    }
    // An unreadable queue is reported by read_queue and stays unloaded: its callers get the error.
    if (read_queue(*queue)) continue;
    ++read;
    // Messages sealed with KMS data keys are opened here when KMS allows, so that the first receive
    // does not decrypt a deep queue on a front-door loop; a refusal leaves them to that receive.
    common::MutexLock lock(queue->mu);
    (void)open_sealed(*queue);
  }
  return read;
}

std::optional<common::AwsError> EngineImpl::stored_counts(const Queue& queue, StoredCounts* counts) const {
  std::string error;
  if (!store_->count_queue(queue.id, now(), counts, &error)) return unreadable_queue_error(error);
  return std::nullopt;
}

}  // namespace sluice::sqs::detail
