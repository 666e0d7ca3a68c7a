// ManualClock's waits. A waiter registers (under mu_, while holding its own mutex) and then
// blocks on its own condition variable. advance_ms() moves the time under mu_, then, for each
// registered waiter, takes and releases the waiter's mutex before notifying it: the waiter holds
// that mutex from its registration until cv.wait() releases it, so the notification cannot fall
// between the two and be lost.
//
// advance_ms() must not hold mu_ while it takes a waiter's mutex (a waiter takes them the other
// way round), so a registration stays alive through `pokes` instead: a waiter leaving
// wait_until() with pokes > 0 lets go of its mutex and waits for the poking to finish.
#include <algorithm>

#include "sluice/common/clock.h"

namespace sluice::common {

bool ManualClock::wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                             int64_t deadline_ms) const {
  Waiter self{&cv, lock.mutex(), deadline_ms};
  {
    std::lock_guard guard(mu_);
    if (now_ms() >= deadline_ms) return true;
    waiters_.push_back(&self);
  }
  cv.wait(lock);
  std::unique_lock guard(mu_);
  std::erase(waiters_, &self);
  if (self.pokes > 0) {
    lock.unlock();  // advance_ms() is about to take it
    poked_.wait(guard, [&] { return self.pokes == 0; });
    guard.unlock();
    lock.lock();
  }
  return now_ms() >= deadline_ms;
}

void ManualClock::advance_ms(int64_t ms) {
  std::vector<Waiter*> woken;
  {
    std::lock_guard guard(mu_);
    now_.store(now_.load(std::memory_order_relaxed) + ms, std::memory_order_release);
    woken = waiters_;
    for (Waiter* w : woken) {
      ++w->pokes;
      w->woken = true;
    }
  }
  for (Waiter* w : woken) {
    { std::lock_guard waiter_lock(*w->mu); }
    w->cv->notify_all();
    std::lock_guard guard(mu_);
    if (--w->pokes == 0) poked_.notify_all();  // `w` may be gone once its pokes reach 0
  }
}

bool ManualClock::has_waiter(int64_t deadline_ms) const {
  std::lock_guard guard(mu_);
  return std::any_of(waiters_.begin(), waiters_.end(),
                     [&](const Waiter* w) { return !w->woken && w->deadline_ms == deadline_ms; });
}

}  // namespace sluice::common
