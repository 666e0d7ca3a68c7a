// PluginHost::open and the in-process host. InProcessHost keeps a shared_ptr to the current loaded
// copy; an invocation holds its own reference, so a reload never pulls code from under a running
// call. The Isolated host (a pool of execution environments) is isolated_host.cpp.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#include "invocation.h"
#include "isolated_host.h"
#include "plugin_library.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::functions {
namespace {

using detail::FileIdentity;
using detail::LoadedPlugin;

std::string reload_error(const FunctionConfig& config, const std::string& path, const std::string& why) {
  return "function \"" + config.name + "\": handler file \"" + path + "\" cannot be reloaded: " + why;
}

class InProcessHost final : public PluginHost {
 public:
  InProcessHost(std::string path, FunctionConfig config, PluginHostOptions options, std::shared_ptr<LoadedPlugin> p)
      : path_(std::move(path)), config_(std::move(config)), options_(std::move(options)), current_(std::move(p)) {}

  InvocationResult invoke(const InvocationRequest& request) override {
    if (options_.reload_on_change) (void)reload_if_changed();  // a broken new file keeps the old one serving
    std::shared_ptr<LoadedPlugin> plugin = current();
    detail::PreparedRequest req = detail::prepare(request, config_, *options_.clock);
    if (!(plugin->has_sqs_fast_path() && !req.sqs_records.empty())) req.ensure_event_json();
    detail::InvocationContext ctx(req.deadline_ms, *options_.clock);
    sluice_invocation inv = detail::make_invocation(req, ctx);
    const auto start = std::chrono::steady_clock::now();
    try {
      plugin->call(inv, req.sqs_records);
    } catch (...) {  // the C ABI forbids this; a handler written without the SDK macros may still do it
      ctx.fail("Runtime.UnhandledException", "an exception escaped the handler");
    }
    InvocationResult result = ctx.finish(req.request_id);
    const double duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (options_.clock->now_ms() > req.deadline_ms)  // too late: AWS would have cut it off
      result = detail::timeout_result(req.request_id, req.timeout_ms, std::move(result.logs));
    result.duration_ms = duration_ms;
    return result;
  }

  common::Outcome<bool, std::string> reload_if_changed() override {
    std::lock_guard reload(reload_mutex_);
    auto id = detail::identify_file(path_);
    if (!id) return common::Outcome<bool, std::string>::failure(reload_error(config_, path_, id.error()));
    if (id.value() == current()->identity() || (failed_ && id.value() == *failed_)) return false;
    auto loaded = LoadedPlugin::load(path_, config_);
    if (!loaded) {
      failed_ = id.value();
      return common::Outcome<bool, std::string>::failure(loaded.error());
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
  IsolationMode mode() const override { return IsolationMode::InProcess; }

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

}  // namespace

common::Outcome<std::unique_ptr<PluginHost>, std::string> PluginHost::open(std::string path, FunctionConfig config,
                                                                           PluginHostOptions options) {
  using Out = common::Outcome<std::unique_ptr<PluginHost>, std::string>;
  if (!options.clock) options.clock = common::system_clock();
  auto id = detail::identify_file(path);
  if (!id)
    return Out::failure("function \"" + config.name + "\": handler file \"" + path +
                        "\" cannot be loaded: " + id.error());
  if (options.mode != IsolationMode::Isolated) {
    auto loaded = LoadedPlugin::load(path, config);
    if (!loaded) return Out::failure(loaded.error());
    // The fast path is for handlers that can share this process with their own concurrency; any
    // other handler reaches its concurrency through separate environments instead.
    if (options.mode == IsolationMode::InProcess || loaded.value()->concurrent())
      return std::unique_ptr<PluginHost>(
          new InProcessHost(std::move(path), std::move(config), options, std::move(loaded.value())));
  }
  return detail::open_isolated_host(std::move(path), std::move(config), options, id.value());
}

}  // namespace sluice::functions
