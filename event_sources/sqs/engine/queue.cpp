#include "engine/queue.h"

#include <algorithm>
#include <cstdio>

namespace sluice::sqs::detail {
namespace {
constexpr size_t kCompactSlack = 1024;
constexpr uint64_t kSequenceBase = 10'000'000'000'000'000'000ull;  // 20-digit sequence numbers
}  // namespace

Queue::Queue(int64_t queue_id, QueueAddress queue_address, QueueConfig queue_config)
    : id(queue_id), address(std::move(queue_address)), arn(queue_arn(address)), config(std::move(queue_config)) {}

// No other thread holds the queue any more. Every record is freed (its extra, and a large one's
// block), then the pool's slabs with the pool.
Queue::~Queue() {
  messages_.for_each([this](Message& m) NO_THREAD_SAFETY_ANALYSIS { free_record(&m); });
}

QueueRecord Queue::record() const {
  QueueRecord r;
  r.queue_id = id;
  r.address = address;
  r.attributes = settable_attributes(config);
  r.tags = tags;
  r.permissions_json = permissions_json;
  r.created_ms = created_ms;
  r.modified_ms = modified_ms;
  r.last_purge_ms = last_purge_ms;
  r.next_sequence_number = sequence_reserved;
  return r;
}

void Queue::count(MessageState state, int delta) {
  size_t& counter = state == MessageState::Visible ? visible_ : state == MessageState::Delayed ? delayed_ : in_flight_;
  counter = static_cast<size_t>(static_cast<int64_t>(counter) + delta);
}

void Queue::push_ready(Message& message) {
  if (message.in_ready) return;
  message.in_ready = true;
  ready_.push_back(message.seq);
}

void Queue::push_hidden(const Message& message) {
  hidden_.push_back({message.visible_at_ms, message.seq, message.version});
  std::push_heap(hidden_.begin(), hidden_.end(), std::greater<>{});
}

Message* Queue::create(std::string_view content) {
  return Message::construct(pool_.allocate(Message::record_bytes(content.size())), content);
}

void Queue::free_record(Message* message) {
  const size_t bytes = message->record_bytes();
  message->~Message();
  pool_.free(message, bytes);
}

void Queue::insert(MessagePtr message, int64_t now_ms) {
  insert(Message::relocate(pool_.allocate(message->record_bytes()), *message), now_ms);
}

void Queue::insert(Message* message, int64_t now_ms) {
  Message& m = *message;
  m.in_ready = false;  // whatever list it was on belonged to the queue it came from
  arrivals_.push_back(m.seq);
  messages_.insert(message);
  if (fifo()) {
    Group& group = groups_[m.group_id()];
    // Moved and loaded messages may be older than the group's newest: keep sequence order.
    auto at = std::upper_bound(group.seqs.begin(), group.seqs.end(), m.seq);
    group.seqs.insert(at, m.seq);
  }
  if (m.visible_at_ms > now_ms) {
    MessageState state = m.receive_count > 0 ? MessageState::InFlight : MessageState::Delayed;
    m.state = state;
    count(state, +1);
    push_hidden(m);
  } else {
    m.state = MessageState::Visible;
    count(MessageState::Visible, +1);
    if (fifo()) {
      list_group_if_available(m.group_id(), groups_[m.group_id()]);
    } else {
      push_ready(m);
    }
  }
}

bool Queue::group_available(const Group& group) const {
  if (group.seqs.empty()) return false;
  const Message* m = messages_.find(group.seqs.front());
  return m != nullptr && m->state == MessageState::Visible;
}

void Queue::list_group_if_available(const std::string& name, Group& group) {
  if (!group.listed && group_available(group)) {
    group.listed = true;
    ready_groups_.push_back(name);
  }
}

void Queue::make_visible(Message& message) {
  count(message.state, -1);
  count(MessageState::Visible, +1);
  message.state = MessageState::Visible;
  message.version++;
  if (fifo()) {
    auto& name = message.group_id();
    list_group_if_available(name, groups_[name]);
  } else {
    push_ready(message);
  }
}

void Queue::hide(Message& message, int64_t visible_at_ms, MessageState state) {
  count(message.state, -1);
  count(state, +1);
  message.state = state;
  message.visible_at_ms = visible_at_ms;
  message.version++;
  push_hidden(message);
}

bool Queue::promote(int64_t now_ms) {
  bool any = false;
  while (!hidden_.empty() && hidden_.front().visible_at_ms <= now_ms) {
    HiddenEntry entry = hidden_.front();
    std::pop_heap(hidden_.begin(), hidden_.end(), std::greater<>{});
    hidden_.pop_back();
    Message* m = find(entry.seq);
    if (!m || m->version != entry.version || m->state == MessageState::Visible) continue;
    make_visible(*m);
    any = true;
  }
  compact_indexes();
  return any;
}

Message* Queue::next_visible() {
  if (!fifo()) {
    while (!ready_.empty()) {
      const int64_t seq = ready_.front();
      ready_.pop_front();
      Message* m = find(seq);
      if (!m) continue;
      m->in_ready = false;
      if (m->state == MessageState::Visible) return m;
    }
    return nullptr;
  }
  for (;;) {
    if (serving_group_) {
      Group& group = *serving_group_;
      // The message handed out last is either still in place, now in flight (step past it), or
      // was removed by the caller (expired, dead-lettered), which moved the next one up.
      if (serving_pos_ < group.seqs.size() && group.seqs[serving_pos_] == serving_last_seq_) ++serving_pos_;
      if (serving_pos_ < group.seqs.size()) {
        Message* m = find(group.seqs[serving_pos_]);
        if (m && m->state == MessageState::Visible) {
          serving_last_seq_ = m->seq;
          return m;
        }
      }
      serving_group_ = nullptr;
      continue;
    }
    if (ready_groups_.empty()) return nullptr;
    std::string name = std::move(ready_groups_.front());
    ready_groups_.pop_front();
    auto it = groups_.find(name);
    if (it == groups_.end()) continue;
    it->second.listed = false;
    if (group_available(it->second)) {
      serving_group_ = &it->second;
      serving_pos_ = 0;
      serving_last_seq_ = -1;
    }
  }
}

void Queue::mark_in_flight(Message& message, int64_t now_ms, int64_t visibility_ms) {
  message.receive_count++;
  if (message.first_receive_ms == 0) message.first_receive_ms = now_ms;
  message.last_receive_ms = now_ms;
  hide(message, now_ms + visibility_ms, MessageState::InFlight);
}

bool Queue::set_visibility(Message& message, int64_t now_ms, int64_t visibility_ms) {
  if (visibility_ms == 0) {
    if (message.state != MessageState::Visible) {
      message.visible_at_ms = now_ms;
      make_visible(message);
    }
    return true;
  }
  hide(message, now_ms + visibility_ms, MessageState::InFlight);
  return false;
}

Message* Queue::unlink(int64_t seq) {
  Message* message = messages_.erase(seq);
  if (message == nullptr) return nullptr;
  count(message->state, -1);
  if (fifo()) {
    auto git = groups_.find(message->group_id());
    if (git != groups_.end()) {
      Group& group = git->second;
      auto pos = std::find(group.seqs.begin(), group.seqs.end(), seq);
      if (pos != group.seqs.end()) group.seqs.erase(pos);
      if (group.seqs.empty()) {
        if (serving_group_ == &group) serving_group_ = nullptr;
        if (!group.listed) groups_.erase(git);
      } else {
        list_group_if_available(git->first, group);
      }
    }
  }
  return message;
}

bool Queue::remove(int64_t seq) {
  Message* message = unlink(seq);
  if (message == nullptr) return false;
  free_record(message);
  return true;
}

MessagePtr Queue::take(int64_t seq) {
  Message* message = unlink(seq);
  if (message == nullptr) return nullptr;
  MessagePtr detached(Message::relocate(::operator new (message->record_bytes(), std::align_val_t{16}), *message));
  free_record(message);
  return detached;
}

Message* Queue::replace_body(Message& message, std::string_view body) {
  const int64_t seq = message.seq;
  Message* fresh = Message::relocate(pool_.allocate(Message::record_bytes(body.size())), message, body);
  messages_.erase(seq);
  messages_.insert(fresh);
  free_record(&message);
  return fresh;
}

size_t Queue::purge() {
  size_t n = messages_.size();
  holds_sealed = false;
  sealed_keys.clear();
  // The index only reads its slots as it goes, so each record can be freed as it is visited.
  messages_.for_each([this](Message& m) {
    mu.assert_held();  // purge runs under the queue lock
    free_record(&m);
  });
  messages_.clear();
  hidden_.clear();
  ready_.clear();
  arrivals_.clear();
  groups_.clear();
  ready_groups_.clear();
  serving_group_ = nullptr;
  visible_ = delayed_ = in_flight_ = 0;
  return n;
}

bool Queue::expired(const Message& message, int64_t now_ms) const {
  return message.sent_ms + config.message_retention_period * 1000 <= now_ms;
}

std::vector<int64_t> Queue::expire(int64_t now_ms) {
  std::vector<int64_t> gone;
  while (!arrivals_.empty()) {
    Message* m = find(arrivals_.front());
    if (m && !expired(*m, now_ms)) break;
    if (m) {
      gone.push_back(m->seq);
      remove(m->seq);
    }
    arrivals_.pop_front();
  }
  if (arrivals_.size() > 2 * messages_.size() + kCompactSlack)
    std::erase_if(arrivals_, [this](int64_t seq) REQUIRES(mu) { return find(seq) == nullptr; });
  return gone;
}

std::optional<int64_t> Queue::oldest_sent_ms() {
  // Deleted messages leave their seqs in arrivals_; the ones at the front are dropped here, as
  // expire() drops them.
  while (!arrivals_.empty()) {
    if (const Message* m = find(arrivals_.front())) return m->sent_ms;
    arrivals_.pop_front();
  }
  return std::nullopt;
}

std::optional<int64_t> Queue::next_visible_ms() {
  while (!hidden_.empty()) {
    const HiddenEntry& top = hidden_.front();
    Message* m = find(top.seq);
    if (m && m->version == top.version && m->state != MessageState::Visible) return top.visible_at_ms;
    std::pop_heap(hidden_.begin(), hidden_.end(), std::greater<>{});
    hidden_.pop_back();
  }
  return std::nullopt;
}

void Queue::compact_indexes() {
  size_t hidden_live = delayed_ + in_flight_;
  if (hidden_.size() > 2 * hidden_live + kCompactSlack) {
    std::erase_if(hidden_, [this](const HiddenEntry& e) REQUIRES(mu) {
      Message* m = find(e.seq);
      return !m || m->version != e.version || m->state == MessageState::Visible;
    });
    std::make_heap(hidden_.begin(), hidden_.end(), std::greater<>{});
  }
  if (ready_.size() > 2 * visible_ + kCompactSlack) {
    std::erase_if(ready_, [this](int64_t seq) REQUIRES(mu) {
      Message* m = find(seq);
      if (m && m->state == MessageState::Visible) return false;
      if (m) m->in_ready = false;
      return true;
    });
  }
}

void Queue::expire_dedup(int64_t now_ms) {
  while (!dedup_expiry.empty() && dedup_expiry.front().first <= now_ms) {
    auto it = dedup.find(dedup_expiry.front().second);
    if (it != dedup.end() && it->second.expires_ms <= now_ms) dedup.erase(it);
    dedup_expiry.pop_front();
  }
  for (auto it = receive_attempts.begin(); it != receive_attempts.end();) {
    if (it->second.expires_ms <= now_ms) it = receive_attempts.erase(it);
    else ++it;
  }
}

std::string Queue::next_sequence() {
  char buffer[32];
  const unsigned long long sequence = kSequenceBase + next_sequence_number++;
  std::snprintf(buffer, sizeof buffer, "%llu", sequence);
  return buffer;
}

}  // namespace sluice::sqs::detail
