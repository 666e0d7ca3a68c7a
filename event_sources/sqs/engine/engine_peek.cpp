// peek_messages: a read of a queue's messages that changes nothing, for the web console. Messages
// are kept by seq in a hash map, so the oldest max_messages are picked in one pass under the queue
// lock; nothing is promoted, received or logged. A hidden message whose
// time has come is reported visible, as the next receive would find it.

#include <algorithm>

#include "engine/engine_impl.h"

namespace sluice::sqs::detail {
namespace {

std::string_view state_name(const Message& m, int64_t now_ms) {
  if (m.state == MessageState::Visible || m.visible_at_ms <= now_ms) return "visible";
  return m.state == MessageState::Delayed ? "delayed" : "inFlight";
}

}  // namespace

common::Outcome<std::vector<PeekedMessage>> EngineImpl::peek_messages(const QueueAddress& address,
                                                                      size_t max_messages) {
  auto queue = require_queue(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  std::vector<PeekedMessage> out;
  common::MutexLock lock(q.mu);
  if (q.deleted)
    return common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist.");
  if (auto refused = open_sealed(q)) return *refused;  // a peek reads bodies, as a receive does
  const int64_t now_ms = now();
  // The oldest max_messages by seq, in a max-heap of that size: O(n log k) time, O(k) memory, so a
  // peek at a deep queue allocates nothing in proportion to its depth.
  const auto sent_before = [](const Message* a, const Message* b) { return a->seq < b->seq; };
  std::vector<const Message*> oldest;
  oldest.reserve(std::min(max_messages, q.size()));
  q.for_each_message([&](const Message& m) {
    q.mu.assert_held();  // for_each_message runs under the queue lock
    if (max_messages == 0 || q.expired(m, now_ms)) return;
    if (oldest.size() < max_messages) {
      oldest.push_back(&m);
      std::push_heap(oldest.begin(), oldest.end(), sent_before);
    } else if (m.seq < oldest.front()->seq) {
      std::pop_heap(oldest.begin(), oldest.end(), sent_before);
      oldest.back() = &m;
      std::push_heap(oldest.begin(), oldest.end(), sent_before);
    }
  });
  std::sort_heap(oldest.begin(), oldest.end(), sent_before);
  const size_t n = oldest.size();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Message& m = *oldest[i];
    PeekedMessage p;
    p.message_id = format_message_id(m.id);
    p.body = completed_body(m);
    p.state = state_name(m, now_ms);
    p.receive_count = m.receive_count;
    p.sent_ms = m.sent_ms;
    p.visible_at_ms = p.state == "visible" ? 0 : m.visible_at_ms;
    if (m.extra) {
      p.message_group_id = m.extra->message_group_id;
      p.dead_letter_source_arn = m.extra->dead_letter_source_arn;
      p.message_attributes = m.extra->message_attributes;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace sluice::sqs::detail
