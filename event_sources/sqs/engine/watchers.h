#pragma once
// Long-poll wake-ups. A receive that found nothing may leave a one-shot callback with the queue;
// whoever makes messages available takes the queue's callbacks (under the queue lock) and runs
// them after releasing it. Cancelling is safe against a concurrent run: the callback runs under
// its own small mutex, so once cancel() returns it is neither running nor going to run.

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
  bool empty() const { return states_.empty(); }

  static void fire(const std::vector<std::shared_ptr<WatchState>>& states) {
    for (const auto& state : states) {
      std::lock_guard lock(state->mu);
      if (state->callback) {
        auto callback = std::move(state->callback);
        state->callback = nullptr;
        callback();
      }
    }
  }

 private:
  std::vector<std::shared_ptr<WatchState>> states_;
};

}  // namespace sluice::sqs::detail
