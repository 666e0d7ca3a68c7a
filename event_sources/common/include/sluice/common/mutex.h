#pragma once
// Mutexes the thread-safety analysis understands (sluice/common/thread_annotations.h): thin
// wrappers over std::mutex and std::shared_mutex with the same cost, plus RAII holders.
//
//   Mutex mu;                      SharedMutex registry_mu;
//   int n GUARDED_BY(mu);          std::map<K, V> m GUARDED_BY(registry_mu);
//   { MutexLock lock(mu); ++n; }   { ReaderLock lock(registry_mu); m.find(k); }
//
// Condition variables stay std::condition_variable; Mutex::wait() waits on one with the mutex held
// (as a MutexLock holds it), so the analysis sees the guarded state read before and after the
// wait under the same lock. Write the wait as a loop around the condition.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#include "sluice/common/thread_annotations.h"

namespace sluice::common {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  // Tells the analysis the mutex is held where it cannot see the lock being taken.
  void assert_held() const ASSERT_CAPABILITY(this) {}

  // Releases the mutex while waiting on cv; holds it again on return (spurious wake-ups included).
  void wait(std::condition_variable& cv) REQUIRES(this) {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    cv.wait(lock);
    lock.release();
  }
  // As wait(), until the deadline; false when it passed.
  template <typename Clock, typename Duration>
  bool wait_until(std::condition_variable& cv, const std::chrono::time_point<Clock, Duration>& deadline)
      REQUIRES(this) {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    bool woken = cv.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return woken;
  }

 private:
  std::mutex mu_;
};

// Holds a Mutex for its scope; unlock() and lock() let go of it and take it again inside the scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() RELEASE() {
    if (held_) mu_.unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void unlock() RELEASE() {
    mu_.unlock();
    held_ = false;
  }
  void lock() ACQUIRE() {
    mu_.lock();
    held_ = true;
  }

 private:
  Mutex& mu_;
  bool held_ = true;
};

// A reader/writer mutex: many holders in shared mode, or one in exclusive mode.
class CAPABILITY("shared mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  void lock_shared() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a SharedMutex in shared mode for its scope.
class SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderLock() RELEASE() { mu_.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

// Holds a SharedMutex in exclusive mode for its scope.
class SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(SharedMutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~WriterLock() RELEASE() { mu_.unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace sluice::common
