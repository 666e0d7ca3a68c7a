#pragma once
// Long-poll wake-ups. A receive that found nothing may leave a one-shot callback with the queue;
// whoever makes messages available takes as many callbacks as messages became available, oldest
// first (under the queue lock), and runs them after releasing it: one message wakes one poll, not
// the thousands that may be parked. Cancelling is safe against a concurrent run: the callback runs under
// its own small mutex, so once cancel() returns it is neither running nor going to run.

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "sluice/sqs/engine.h"

namespace sluice::sqs::detail {

struct WatchState {
  std::mutex mu;
  WatchCallback callback;  // cleared once run or cancelled
};

class Watchers {
 public:
  void add(std::shared_ptr<WatchState> state) { states_.push_back(std::move(state)); }
  void remove(const WatchState* state) {
    std::erase_if(states_, [state](const auto& s) { return s.get() == state; });
  }
  // Takes every waiting callback; run them with fire() after unlocking the queue.
  std::vector<std::shared_ptr<WatchState>> take() { return std::exchange(states_, {}); }
  // Takes the `n` longest-waiting callbacks.
  std::vector<std::shared_ptr<WatchState>> take(size_t n) {
    n = std::min(n, states_.size());
    std::vector<std::shared_ptr<WatchState>> taken(states_.begin(), states_.begin() + static_cast<std::ptrdiff_t>(n));
    states_.erase(states_.begin(), states_.begin() + static_cast<std::ptrdiff_t>(n));
    return taken;
  }
  bool empty() const { return states_.empty(); }

  // Runs the callbacks not cancelled meanwhile; returns how many ran.
  static size_t fire(const std::vector<std::shared_ptr<WatchState>>& states) {
    size_t ran = 0;
    for (const auto& state : states) {
      std::lock_guard lock(state->mu);
      if (state->callback) {
        auto callback = std::move(state->callback);
        state->callback = nullptr;
        callback();
        ++ran;
      }
    }
    return ran;
  }

 private:
  std::vector<std::shared_ptr<WatchState>> states_;
};

}  // namespace sluice::sqs::detail
