// PluginHost's two implementations. InProcessHost keeps a shared_ptr to the current loaded copy;
// an invocation holds its own reference, so a reload never pulls code from under a running call.
// IsolatedHost keeps a pool of worker processes tagged with the generation of the file they
// loaded; after a reload, idle workers of older generations are stopped and busy ones are
// dropped when their invocation ends.
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#include "invocation.h"
#include "isolated_worker.h"
#include "plugin_library.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::functions {
namespace {

using detail::FileIdentity;
using detail::IsolatedWorker;
using detail::LoadedPlugin;

std::string reload_error(const FunctionConfig& config, const std::string& path, const std::string& why) {
  return "function \"" + config.name + "\": handler file \"" + path + "\" cannot be reloaded: " + why;
}

class InProcessHost final : public PluginHost {
 public:
  InProcessHost(std::string path, FunctionConfig config, PluginHostOptions options, std::shared_ptr<LoadedPlugin> p)
      : path_(std::move(path)), config_(std::move(config)), options_(options), current_(std::move(p)) {}

  InvocationResult invoke(const InvocationRequest& request) override {
    if (options_.reload_on_change) (void)reload_if_changed();  // a broken new file keeps the old one serving
    std::shared_ptr<LoadedPlugin> plugin = current();
    detail::PreparedRequest req = detail::prepare(request, config_, *options_.clock);
    if (!(plugin->has_sqs_fast_path() && !req.sqs_records.empty())) req.ensure_event_json();
    detail::InvocationContext ctx(req.deadline_ms, *options_.clock);
    sluice_invocation inv = detail::make_invocation(req, ctx);
    try {
      plugin->call(inv, req.sqs_records);
    } catch (...) {  // the C ABI forbids this; a handler written without the SDK macros may still do it
      ctx.fail("Runtime.UnhandledException", "an exception escaped the handler");
    }
    InvocationResult result = ctx.finish(req.request_id);
    if (options_.clock->now_ms() > req.deadline_ms)  // too late: AWS would have cut it off
      return detail::timeout_result(req.request_id, req.timeout_ms, std::move(result.logs));
    return result;
  }

  Outcome<bool, std::string> reload_if_changed() override {
    std::lock_guard reload(reload_mutex_);
    auto id = detail::identify_file(path_);
    if (!id) return Outcome<bool, std::string>::failure(reload_error(config_, path_, id.error()));
    if (id.value() == current()->identity() || (failed_ && id.value() == *failed_)) return false;
    auto loaded = LoadedPlugin::load(path_, config_);
    if (!loaded) {
      failed_ = id.value();
      return Outcome<bool, std::string>::failure(loaded.error());
    }
    std::lock_guard lock(mutex_);
    current_ = std::move(loaded.value());
    ++generation_;
    return true;
  }

  uint64_t generation() const override {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  const FunctionConfig& config() const override { return config_; }

 private:
  std::shared_ptr<LoadedPlugin> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

  const std::string path_;
  const FunctionConfig config_;
  const PluginHostOptions options_;
  std::mutex reload_mutex_;  // one reload at a time; guards failed_
  std::optional<FileIdentity> failed_;
  mutable std::mutex mutex_;  // guards current_, generation_
  std::shared_ptr<LoadedPlugin> current_;
  uint64_t generation_ = 1;
};

class IsolatedHost final : public PluginHost {
 public:
  IsolatedHost(std::string path, FunctionConfig config, PluginHostOptions options, FileIdentity id,
               std::unique_ptr<IsolatedWorker> first)
      : path_(std::move(path)), config_(std::move(config)), options_(options), identity_(id) {
    if (options_.max_workers == 0) options_.max_workers = 1;
    idle_.push_back({std::move(first), generation_});
  }

  ~IsolatedHost() override {
    std::vector<Slot> stopping;
    std::lock_guard lock(mutex_);
    stopping.swap(idle_);
  }

  InvocationResult invoke(const InvocationRequest& request) override {
    if (options_.reload_on_change) (void)reload_if_changed();
    detail::PreparedRequest req = detail::prepare(request, config_, *options_.clock);
    Slot slot = acquire();
    if (!slot.worker) {
      auto started = IsolatedWorker::start(path_, config_);
      if (!started) {
        release(std::move(slot));
        return detail::error_result(req.request_id, InvocationResult::Status::FunctionError, "Runtime.InitError",
                                    started.error());
      }
      slot.worker = std::move(started.value());
    }
    InvocationResult result = slot.worker->invoke(req, *options_.clock);
    release(std::move(slot));
    return result;
  }

  Outcome<bool, std::string> reload_if_changed() override {
    std::lock_guard reload(reload_mutex_);
    auto id = detail::identify_file(path_);
    if (!id) return Outcome<bool, std::string>::failure(reload_error(config_, path_, id.error()));
    {
      std::lock_guard lock(mutex_);
      if (id.value() == identity_) return false;
    }
    if (failed_ && id.value() == *failed_) return false;
    auto started = IsolatedWorker::start(path_, config_);  // proves the new file loads before switching
    if (!started) {
      failed_ = id.value();
      return Outcome<bool, std::string>::failure(started.error());
    }
    std::vector<Slot> stopping;
    {
      std::lock_guard lock(mutex_);
      identity_ = id.value();
      ++generation_;
      stopping.swap(idle_);
      idle_.push_back({std::move(started.value()), generation_});
    }
    cv_.notify_one();
    return true;  // `stopping` is destroyed here, outside the lock
  }

  uint64_t generation() const override {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  const FunctionConfig& config() const override { return config_; }

 private:
  struct Slot {
    std::unique_ptr<IsolatedWorker> worker;  // null: capacity reserved, worker still to start
    uint64_t generation = 0;
  };

  Slot acquire() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!idle_.empty()) {
        Slot s = std::move(idle_.back());
        idle_.pop_back();
        ++busy_;
        return s;
      }
      if (busy_ < options_.max_workers) {
        ++busy_;
        return Slot{nullptr, generation_};
      }
      cv_.wait(lock);
    }
  }

  void release(Slot slot) {
    {
      std::lock_guard lock(mutex_);
      --busy_;
      if (slot.worker && slot.worker->alive() && slot.generation == generation_) idle_.push_back(std::move(slot));
    }
    cv_.notify_one();
  }  // a dead or outdated worker is destroyed here, outside the lock

  const std::string path_;
  const FunctionConfig config_;
  PluginHostOptions options_;
  std::mutex reload_mutex_;  // one reload at a time; guards failed_
  std::optional<FileIdentity> failed_;
  mutable std::mutex mutex_;  // guards identity_, generation_, idle_, busy_
  std::condition_variable cv_;
  FileIdentity identity_;
  uint64_t generation_ = 1;
  std::vector<Slot> idle_;
  unsigned busy_ = 0;
};

}  // namespace

Outcome<std::unique_ptr<PluginHost>, std::string> PluginHost::open(std::string path, FunctionConfig config,
                                                                   PluginHostOptions options) {
  using Out = Outcome<std::unique_ptr<PluginHost>, std::string>;
  if (!options.clock) options.clock = system_clock();
  auto id = detail::identify_file(path);
  if (!id)
    return Out::failure("function \"" + config.name + "\": handler file \"" + path +
                        "\" cannot be loaded: " + id.error());
  if (options.mode == IsolationMode::InProcess) {
    auto loaded = LoadedPlugin::load(path, config);
    if (!loaded) return Out::failure(loaded.error());
    return std::unique_ptr<PluginHost>(
        new InProcessHost(std::move(path), std::move(config), options, std::move(loaded.value())));
  }
  auto worker = IsolatedWorker::start(path, config);
  if (!worker) return Out::failure(worker.error());
  return std::unique_ptr<PluginHost>(
      new IsolatedHost(std::move(path), std::move(config), options, id.value(), std::move(worker.value())));
}

}  // namespace sluice::functions
