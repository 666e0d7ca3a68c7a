// Long polling: see long_poll.h for the life of a parked poll. Deadlines are on the engine's
// Clock; a loop timer is armed with the real delay that brings the clock there.

#include "long_poll.h"

#include <algorithm>

namespace sluice::api::sqs_wire::detail {

PollParker::PollParker(http::Server& server, SqsActions& actions, std::shared_ptr<Clock> clock)
    : server_(server), actions_(actions), clock_(std::move(clock)) {}

PollParker::~PollParker() {
  for (auto& [id, poll] : polls_) {
    if (poll->timer) server_.cancel_timer(*poll->timer);
    if (poll->watch) poll->watch->cancel();
  }
}

void PollParker::start(std::shared_ptr<const WireRequest> request, http::ResponderPtr responder) {
  auto poll = std::make_shared<Poll>();
  poll->id = next_id_++;
  poll->request = std::move(request);
  poll->responder = std::move(responder);
  poll->started_ms = clock_->now_ms();
  polls_.emplace(poll->id, poll);
  run_attempt(poll, draining_);
}

void PollParker::run_attempt(PollPtr poll, bool final_attempt) {
  // `poll` is held by value: answering forgets it, which drops the map's reference.
  http::Server* server = &server_;
  const uint64_t id = poll->id;
  sluice::sqs::WatchCallback on_wake;
  if (!final_attempt) {
    // Runs on whichever thread made messages available; only hands the news to the loop.
    on_wake = [this, server, id] { server->post([this, id] { wake(id); }); };
  }
  const WireRequest& request = *poll->request;
  // A retry woken by the engine or a timer runs outside any request's scope: its changes (the
  // messages it hands out) are logged, and its answer waits for their commit.
  std::optional<sluice::sqs::DeferDurability> deferral;
  if (sluice::sqs::DeferDurability::current() == nullptr) deferral.emplace();
  std::optional<http::Response> answer;
  std::optional<ReceiveAttempt> parked;
  try {
    auto outcome = actions_.receive(request.input, request.ctx, std::move(on_wake));
    if (!outcome) {
      answer = render_error(request.protocol, outcome.error(), request.request_id);
    } else if (outcome->has_messages || !outcome->watch) {
      answer = render_result(request, outcome->result);
    } else {
      parked = std::move(*outcome);
    }
  } catch (const std::exception& e) {
    answer = render_error(request.protocol, aws_error(AwsErrorCode::InternalFailure, e.what()), request.request_id);
  }
  if (answer) {
    poll->responder->respond(std::move(*answer));
    forget(id);
    return;
  }
  // Parked from the loop's next turn, so a retry that parks again never nests inside park().
  std::shared_ptr<sluice::sqs::ReceiveWatch> watch(std::move(parked->watch));
  server->post([this, id, watch, wait = parked->wait_time_seconds, next = parked->next_visible_ms]() mutable {
    park(id, std::move(watch), wait, next);
  });
}

void PollParker::park(uint64_t id, std::shared_ptr<sluice::sqs::ReceiveWatch> watch, int64_t wait_seconds,
                      std::optional<int64_t> next_visible_ms) {
  auto it = polls_.find(id);
  if (it == polls_.end()) return;  // the watch is released with this call
  Poll& poll = *it->second;
  poll.running = false;
  if (!poll.deadline_ms) poll.deadline_ms = poll.started_ms + wait_seconds * 1000;
  poll.watch = std::move(watch);
  if (draining_) {
    answer_empty(poll);
    polls_.erase(it);
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
  run_attempt(polls_.at(poll.id), final_attempt);
}

void PollParker::forget(uint64_t id) {
  auto it = polls_.find(id);
  if (it == polls_.end()) return;
  if (it->second->timer) server_.cancel_timer(*it->second->timer);
  release_watch(*it->second);
  polls_.erase(it);
}

void PollParker::answer_empty(Poll& poll) {
  if (poll.timer) {
    server_.cancel_timer(*poll.timer);
    poll.timer.reset();
  }
  release_watch(poll);
  poll.responder->respond(render_result(*poll.request, boost::json::object{}));
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
}

}  // namespace sluice::api::sqs_wire::detail
