// Long polling: see long_poll.h for the life of a parked poll. Deadlines are on the engine's
// Clock; a loop timer is armed with the real delay that brings the clock there.

#include "long_poll.h"

#include <algorithm>

#include "wire.h"

namespace sluice::api::sqs_wire::detail {

PollParker::PollParker(http::Server& server, sluice::sqs::Engine& engine, std::shared_ptr<common::Clock> clock)
    : server_(server), engine_(engine), clock_(std::move(clock)) {}

PollParker::~PollParker() {
  for (auto& [id, poll] : polls_) {
    if (poll->timer) server_.cancel_timer(*poll->timer);
    if (poll->watch) poll->watch->cancel();
  }
}

void PollParker::start(ReceiveCall call, http::ResponderPtr responder) {
  Poll poll;
  poll.id = next_id_++;
  poll.call = std::move(call);
  poll.responder = std::move(responder);
  poll.started_ms = clock_->now_ms();
  // Wake-ups and park() are posted to the loop, so they find the poll mapped by then.
  if (!run_attempt(poll, draining_)) return;
  const uint64_t id = poll.id;
  auto mapped = polls_.emplace(id, std::make_shared<Poll>(std::move(poll))).first->second;
  recount();
  // A client that goes away takes its poll with it: a poll left parked would take messages off
  // the queue for nobody, hidden until their visibility timeout. Posted, since the connection may
  // call it from inside this registration or while closing.
  mapped->responder->on_cancel([this, id] { server_.post([this, id] { cancelled(id); }); });
}

void PollParker::cancelled(uint64_t id) {
  auto it = polls_.find(id);
  if (it == polls_.end()) return;  // answered meanwhile
  if (it->second->running) {
    it->second->cancelled = true;  // park() lets it go
    return;
  }
  forget(id);
}

bool PollParker::run_attempt(Poll& poll, bool final_attempt) {
  const uint64_t id = poll.id;
  sluice::sqs::WatchCallback on_wake;
  if (!final_attempt) {
    // Runs on whichever thread made messages available; only hands the news to the loop. Two
    // words of capture: std::function keeps them without allocating.
    on_wake = [this, id] { server_.post([this, id] { wake(id); }); };
  }
  const ReceiveCall& call = poll.call;
  // A retry woken by the engine or a timer runs outside any request's scope: its changes (the
  // messages it hands out) are logged, and its answer waits for their commit.
  std::optional<sluice::sqs::DeferDurability> deferral;
  if (sluice::sqs::DeferDurability::current() == nullptr) deferral.emplace();
  std::optional<http::Response> answer;
  std::unique_ptr<sluice::sqs::ReceiveWatch> watch;
  int64_t wait_seconds = 0;
  std::optional<int64_t> next_visible_ms;
  try {
    auto outcome = engine_.receive_message(call.queue, call.request, std::move(on_wake));
    if (!outcome) {
      answer = render_error(call.protocol, outcome.error(), call.request_id);
    } else if (!outcome->messages.empty() || !outcome->watch) {
      answer = receive_answer(call, outcome->messages);
    } else {
      watch = std::move(outcome->watch);
      wait_seconds = outcome->wait_time_seconds;
      next_visible_ms = outcome->next_visible_ms;
    }
  } catch (const std::exception& e) {
    answer = render_error(call.protocol, common::aws_error(common::AwsErrorCode::InternalFailure, e.what()),
                          call.request_id);
  }
  if (answer) {
    poll.responder->respond(std::move(*answer));
    return false;
  }
  // Parked from the loop's next turn, so a retry that parks again never nests inside park().
  std::shared_ptr<sluice::sqs::ReceiveWatch> shared_watch(std::move(watch));
  server_.post([this, id, shared_watch, wait_seconds, next_visible_ms]() mutable {
    park(id, std::move(shared_watch), wait_seconds, next_visible_ms);
  });
  return true;
}

void PollParker::park(uint64_t id, std::shared_ptr<sluice::sqs::ReceiveWatch> watch, int64_t wait_seconds,
                      std::optional<int64_t> next_visible_ms) {
  auto it = polls_.find(id);
  if (it == polls_.end()) return;  // the watch is released with this call
  Poll& poll = *it->second;
  poll.running = false;
  if (!poll.deadline_ms) poll.deadline_ms = poll.started_ms + wait_seconds * 1000;
  poll.watch = std::move(watch);
  if (poll.cancelled) {
    forget(id);
    return;
  }
  if (draining_) {
    answer_empty(poll);
    polls_.erase(it);
    recount();
    return;
  }
  const int64_t now_ms = clock_->now_ms();
  if (poll.wake_pending || now_ms >= *poll.deadline_ms) {
    poll.wake_pending = false;
    retry(poll);
    return;
  }
  int64_t delay = *poll.deadline_ms - now_ms;
  if (next_visible_ms) delay = std::min(delay, std::max<int64_t>(0, *next_visible_ms - now_ms));
  // A clock that moves only when told has no real delay: the timer re-checks it after the nominal one.
  const int64_t real_delay = clock_->real_delay_ms(delay).value_or(delay);
  poll.timer = server_.add_timer(static_cast<uint64_t>(real_delay), [this, id] { timer_fired(id); });
}

void PollParker::wake(uint64_t id) {
  auto it = polls_.find(id);
  if (it == polls_.end()) return;
  Poll& poll = *it->second;
  if (poll.running) {
    poll.wake_pending = true;
    return;
  }
  retry(poll);
}

void PollParker::timer_fired(uint64_t id) {
  auto it = polls_.find(id);
  if (it == polls_.end()) return;
  it->second->timer.reset();
  if (!it->second->running) retry(*it->second);
}

void PollParker::retry(Poll& poll) {
  if (poll.timer) {
    server_.cancel_timer(*poll.timer);
    poll.timer.reset();
  }
  release_watch(poll);  // after this the engine will not call it
  poll.running = true;
  bool final_attempt = draining_ || (poll.deadline_ms && clock_->now_ms() >= *poll.deadline_ms);
  if (!run_attempt(poll, final_attempt)) forget(poll.id);  // answered
}

void PollParker::forget(uint64_t id) {
  auto it = polls_.find(id);
  if (it == polls_.end()) return;
  if (it->second->timer) server_.cancel_timer(*it->second->timer);
  release_watch(*it->second);
  polls_.erase(it);
  recount();
}

void PollParker::answer_empty(Poll& poll) {
  if (poll.timer) {
    server_.cancel_timer(*poll.timer);
    poll.timer.reset();
  }
  release_watch(poll);
  poll.responder->respond(receive_answer(poll.call, {}));
}

void PollParker::release_watch(Poll& poll) {
  if (poll.watch) poll.watch->cancel();
  poll.watch.reset();
}

void PollParker::drain() {
  draining_ = true;
  for (auto it = polls_.begin(); it != polls_.end();) {
    if (it->second->running) {
      ++it;  // answers by itself: its attempt sees draining_ when it parks
      continue;
    }
    answer_empty(*it->second);
    it = polls_.erase(it);
  }
  recount();
}

}  // namespace sluice::api::sqs_wire::detail
