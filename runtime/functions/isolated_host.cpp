// The environment pool behind the Isolated PluginHost and Runtime API functions.
//
// Environments (environment.h: isolated plugin workers or Runtime API processes) are tagged with the generation of the
// file they loaded. An invocation takes an idle environment, or reserves capacity and starts one (at most max_workers
// exist at once), runs on it, and gives it back; a dead environment is dropped and the next
// invocation starts a fresh one. After a reload, idle environments of older generations are
// stopped and busy ones are dropped when their invocation ends.
//
// Idle reaping: a reaper thread waits on the host's clock for the earliest moment an idle
// environment has been idle for idle_environment_ms and stops it; work given back wakes it.
//
// Locking: mutex_ guards the pool (identity_, generation_, idle_, busy_, stats_, stopping_).
// Workers are started and stopped outside it: both can take milliseconds.
#include "isolated_host.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "invocation.h"
#include "isolated_worker.h"
#include "sluice/common/crypto.h"

namespace sluice::functions::detail {
namespace {

std::string reload_error(const FunctionConfig& config, const std::string& path, const std::string& why) {
  return "function \"" + config.name + "\": handler file \"" + path + "\" cannot be reloaded: " + why;
}

// Real milliseconds since `start`: what Lambda's REPORT line bills.
double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

class EnvironmentPoolHost final : public PluginHost {
 public:
  EnvironmentPoolHost(std::string path, FunctionConfig config, PluginHostOptions options, FileIdentity id,
                      EnvironmentFactory factory, std::unique_ptr<Environment> first)
      : path_(std::move(path)),
        config_(std::move(config)),
        options_(std::move(options)),
        factory_(std::move(factory)),
        identity_(id) {
    if (options_.max_workers == 0) options_.max_workers = 1;
    stats_.started = 1;
    idle_.push_back({std::move(first), generation_, clock().now_ms(), {}});
    reaper_ = std::thread([this] { reap_idle(); });
  }

  ~EnvironmentPoolHost() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    reaper_cv_.notify_all();
    reaper_.join();
    std::vector<Slot> stopping;
    {
      std::lock_guard lock(mutex_);
      stopping.swap(idle_);
    }
  }

  InvocationResult invoke(const InvocationRequest& request) override {
    if (options_.reload_on_change) (void)reload_if_changed();
    Slot slot = acquire();  // may wait for a free environment: not charged to the timeout
    std::optional<double> init_ms;
    if (!slot.worker) {
      const auto init_start = std::chrono::steady_clock::now();
      auto started = factory_();
      init_ms = elapsed_ms(init_start);
      if (!started) {
        release(std::move(slot));
        PreparedRequest req = prepare(request, config_, clock());
        return error_result(req.request_id, InvocationResult::Status::FunctionError, "Runtime.InitError",
                            started.error());
      }
      slot.worker = std::move(started.value());
      {
        std::lock_guard lock(mutex_);
        ++stats_.started;
      }
      char line[96];
      std::snprintf(line, sizeof line, "environment started (init %.2f ms)", *init_ms);
      note(line);
    }
    PreparedRequest req = prepare(request, config_, clock());  // the timeout starts with the handler
    const auto start = std::chrono::steady_clock::now();
    InvocationResult result = slot.worker->invoke(req, clock());
    if (slot.environment_id.empty()) slot.environment_id = environment_id();
    result.environment_id = slot.environment_id;
    result.duration_ms = elapsed_ms(start);
    result.max_memory_used_bytes = slot.worker->peak_memory_bytes();
    result.init_duration_ms = init_ms;
    if (!slot.worker->alive())
      note("environment ended with invocation " + result.request_id + ": " + result.error_type + ": " +
           result.error_message);
    release(std::move(slot));
    return result;
  }

  common::Outcome<bool, std::string> reload_if_changed() override {
    std::lock_guard reload(reload_mutex_);
    auto id = identify_file(path_);
    if (!id) return common::Outcome<bool, std::string>::failure(reload_error(config_, path_, id.error()));
    {
      std::lock_guard lock(mutex_);
      if (id.value() == identity_) return false;
    }
    if (failed_ && id.value() == *failed_) return false;
    auto started = factory_();  // proves the new file loads before switching
    if (!started) {
      failed_ = id.value();
      return common::Outcome<bool, std::string>::failure(started.error());
    }
    std::vector<Slot> stopping;
    {
      std::lock_guard lock(mutex_);
      identity_ = id.value();
      ++generation_;
      ++stats_.started;
      stopping.swap(idle_);
      idle_.push_back({std::move(started.value()), generation_, clock().now_ms(), {}});
    }
    cv_.notify_all();
    reaper_cv_.notify_all();
    return true;  // `stopping` is destroyed here, outside the lock
  }

  uint64_t generation() const override {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  const FunctionConfig& config() const override { return config_; }
  IsolationMode mode() const override { return IsolationMode::Isolated; }

  EnvironmentStats environments() const override {
    std::lock_guard lock(mutex_);
    EnvironmentStats s = stats_;
    s.idle = static_cast<unsigned>(idle_.size());
    s.busy = busy_;
    return s;
  }

 private:
  struct Slot {
    std::unique_ptr<Environment> worker;  // null: capacity reserved, worker still to start
    uint64_t generation = 0;
    int64_t idle_since_ms = 0;   // on the host's clock
    std::string environment_id;  // given at the environment's first invocation
  };

  // 32 hex digits, as Lambda names an environment in its log stream names.
  static std::string environment_id() {
    std::string id = common::uuid4();
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    return id;
  }

  const common::Clock& clock() const { return *options_.clock; }

  void note(const std::string& line) const {
    if (options_.environment_log) options_.environment_log(line);
  }

  Slot acquire() {
    std::unique_lock lock(mutex_);
    for (;;) {
      // An environment whose process ended while idle (a runtime that exits after answering) is
      // dropped here rather than failing the invocation it would be handed.
      while (!idle_.empty() && !idle_.back().worker->alive()) idle_.pop_back();
      if (!idle_.empty()) {  // the most recently used: warmest, and lets the others go idle
        Slot s = std::move(idle_.back());
        idle_.pop_back();
        ++busy_;
        return s;
      }
      if (busy_ < options_.max_workers) {
        ++busy_;
        return Slot{nullptr, generation_, 0, {}};
      }
      cv_.wait(lock);
    }
  }

  // One slot comes back: one waiting invocation can use it. The reaper is woken only when it
  // waits without a deadline: an environment made idle now is due later than whatever deadline
  // the reaper already waits for (it rescans then). Waking it whenever the idle list was empty
  // cost a context switch per invocation of a function with one environment.
  void release(Slot slot) {
    bool wake_reaper = false;
    {
      std::lock_guard lock(mutex_);
      --busy_;
      if (slot.worker && slot.worker->alive() && slot.generation == generation_) {
        slot.idle_since_ms = clock().now_ms();
        wake_reaper = reaper_due_ms_ == kNoDeadline;
        idle_.push_back(std::move(slot));
      }
    }
    cv_.notify_one();
    if (wake_reaper) reaper_cv_.notify_one();
  }  // a dead or outdated worker is destroyed here, outside the lock

  // The reaper thread: stops environments idle for idle_environment_ms.
  void reap_idle() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      int64_t oldest = INT64_MAX;
      for (const auto& s : idle_) oldest = std::min(oldest, s.idle_since_ms);
      if (oldest == INT64_MAX) {
        reaper_due_ms_ = kNoDeadline;
        reaper_cv_.wait(lock);
        continue;
      }
      const int64_t due = oldest + options_.idle_environment_ms;
      if (clock().now_ms() < due) {
        reaper_due_ms_ = due;
        clock().wait_until(reaper_cv_, lock, due);
        continue;
      }
      std::vector<Slot> expired;
      const int64_t now = clock().now_ms();
      auto stale = [&](const Slot& s) { return now - s.idle_since_ms >= options_.idle_environment_ms; };
      for (auto& s : idle_)
        if (stale(s)) expired.push_back(std::move(s));
      idle_.erase(std::remove_if(idle_.begin(), idle_.end(), [](const Slot& s) { return !s.worker; }), idle_.end());
      stats_.reaped_when_idle += expired.size();
      lock.unlock();
      for (size_t i = 0; i < expired.size(); ++i) note("environment stopped after being idle");
      expired.clear();  // stops the workers outside the lock
      lock.lock();
    }
  }

  const std::string path_;
  const FunctionConfig config_;
  PluginHostOptions options_;
  const EnvironmentFactory factory_;
  std::mutex reload_mutex_;  // one reload at a time; guards failed_
  std::optional<FileIdentity> failed_;
  mutable std::mutex mutex_;           // guards everything below but reaper_
  std::condition_variable cv_;         // an environment came back, the file changed, or the host stops
  std::condition_variable reaper_cv_;  // the idle list got its first entry, the file changed, or the host stops
  FileIdentity identity_;
  uint64_t generation_ = 1;
  std::vector<Slot> idle_;
  static constexpr int64_t kNoDeadline = INT64_MAX;
  int64_t reaper_due_ms_ = kNoDeadline;  // what the reaper waits for: kNoDeadline = until woken
  unsigned busy_ = 0;
  EnvironmentStats stats_;
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace

common::Outcome<std::unique_ptr<PluginHost>, std::string> open_isolated_host(std::string path, FunctionConfig config,
                                                                             PluginHostOptions options,
                                                                             FileIdentity id) {
  EnvironmentFactory factory = [path, config]() -> common::Outcome<std::unique_ptr<Environment>, std::string> {
    auto worker = IsolatedWorker::start(path, config);
    if (!worker) return common::Outcome<std::unique_ptr<Environment>, std::string>::failure(worker.error());
    return std::unique_ptr<Environment>(std::move(worker.value()));
  };
  return open_environment_pool(std::move(path), std::move(config), std::move(options), id, std::move(factory));
}

common::Outcome<std::unique_ptr<PluginHost>, std::string> open_environment_pool(std::string watched_file,
                                                                                FunctionConfig config,
                                                                                PluginHostOptions options,
                                                                                FileIdentity id,
                                                                                EnvironmentFactory factory) {
  auto first = factory();
  if (!first) return common::Outcome<std::unique_ptr<PluginHost>, std::string>::failure(first.error());
  return std::unique_ptr<PluginHost>(new EnvironmentPoolHost(std::move(watched_file), std::move(config),
                                                             std::move(options), id, std::move(factory),
                                                             std::move(first.value())));
}

}  // namespace sluice::functions::detail
