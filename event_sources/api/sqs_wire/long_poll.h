#pragma once
// Parked ReceiveMessage requests. A long poll is an entry in a map plus at most one loop timer and
// one engine watch; it never holds a thread. Everything runs on the loop thread: attempts (under
// DeferDurability, so the engine never blocks the loop), the map, timers and wake-ups. A poll
// holds the typed request (ReceiveCall, message_actions.h) its codec read once.
//
// One poll's life: start() -> attempt. Messages, an error, or no watch (wait time 0) answer at
// once, and such a poll never enters the map. Otherwise the poll is mapped and the attempt posts
// park() with the engine's watch: the poll waits for (a) the watch's wake-up, posted to the loop
// by the engine's callback, (b) a timer at the earlier of its deadline and the engine's
// next_visible_ms (delays and visibility expiry are not pushed), or (c) drain. (a) and (b) cancel
// the other and retry; a retry at or past the deadline runs without a callback and answers
// whatever it finds. A wake-up that arrives while an attempt is still running is remembered, so
// none is lost between the engine's registration and park(). (d) The client going away
// (Responder::on_cancel) drops the poll with its timer and watch, unanswered.
//
// One parker per front-door loop (server.h): its polls, timers and wake-ups stay on that loop,
// while the engine's callback may run on any thread (a send on another loop, a worker, a
// mapping's poller): it only posts the wake-up to the poll's own loop.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

#include "message_actions.h"
#include "sluice/api/http/server.h"
#include "sluice/common/clock.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire::detail {

class PollParker {
 public:
  PollParker(http::Server& server, sluice::sqs::Engine& engine, std::shared_ptr<common::Clock> clock);
  ~PollParker();  // cancels every watch and timer
  PollParker(const PollParker&) = delete;
  PollParker& operator=(const PollParker&) = delete;

  void start(ReceiveCall call, http::ResponderPtr responder);  // loop thread
  // Loop thread: answers parked polls empty; polls still running answer empty instead of parking.
  void drain();
  // Parked and running polls; any thread.
  size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  struct Poll {
    uint64_t id = 0;
    ReceiveCall call;
    http::ResponderPtr responder;
    int64_t started_ms = 0;  // on the engine's clock, as is the deadline
    // Loop-thread state.
    std::optional<int64_t> deadline_ms;
    std::shared_ptr<sluice::sqs::ReceiveWatch> watch;
    std::optional<uint64_t> timer;
    bool running = true;
    bool wake_pending = false;
    bool cancelled = false;  // the client went away while an attempt was running
  };
  using PollPtr = std::shared_ptr<Poll>;

  // Runs the receive once; true when it parked (the poll then waits in polls_).
  bool run_attempt(Poll& poll, bool final_attempt);
  void park(uint64_t id, std::shared_ptr<sluice::sqs::ReceiveWatch> watch, int64_t wait_seconds,
            std::optional<int64_t> next_visible_ms);
  void wake(uint64_t id);
  void cancelled(uint64_t id);  // the client went away
  void timer_fired(uint64_t id);
  void retry(Poll& poll);
  void forget(uint64_t id);
  void answer_empty(Poll& poll);
  void release_watch(Poll& poll);
  void recount() { size_.store(polls_.size(), std::memory_order_relaxed); }

  http::Server& server_;
  sluice::sqs::Engine& engine_;
  std::shared_ptr<common::Clock> clock_;
  std::unordered_map<uint64_t, PollPtr> polls_;
  std::atomic<size_t> size_{0};  // polls_.size(), for other threads
  uint64_t next_id_ = 1;
  bool draining_ = false;
};

}  // namespace sluice::api::sqs_wire::detail
