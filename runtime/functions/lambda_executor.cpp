// See sluice/functions/lambda_executor.h.

#include "sluice/functions/lambda_executor.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "lambda_mappings.h"
#include "sluice/common/crypto.h"
#include "sluice/functions/runtime_function.h"

namespace sluice::functions {
namespace {

namespace fs = std::filesystem;

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// Managed runtimes run through the Runtime API. A custom runtime (provided*) does when its code
// has a bootstrap; without one, its code is taken as a handler library for sluice's native
// runtime, which is also what every other Runtime value means.
bool runs_through_runtime_api(const lambda::FunctionRecord& function) {
  if (!is_supported_runtime(function.runtime)) return false;
  if (!function.runtime.starts_with("provided")) return true;
  return is_file(fs::path(function.code.path) / "bootstrap");
}

class RegistryExecutor final : public lambda::Executor {
 public:
  RegistryExecutor(FunctionRegistry& registry, sqs::Engine& engine, LambdaExecutorOptions options)
      : registry_(registry), options_(std::move(options)), mappings_(registry, engine, options_) {}

  common::Outcome<common::Done, std::string> deploy(const lambda::FunctionRecord& function) override {
    FunctionSpec spec;
    if (runs_through_runtime_api(function)) {
      // Python, Node.js or a custom runtime's bootstrap.
      spec.runtime = function.runtime;
      spec.code_directory = function.code.path;
      spec.handler = function.handler;
    } else {
      // Any other Runtime value runs sluice's native runtime: a handler library in the code.
      auto library = find_native_handler(function.code.path, function.handler);
      if (!library) return common::Outcome<common::Done, std::string>::failure(library.error());
      spec.handler = *library;
    }
    spec.config.name = lambda::deployment_name(function);
    spec.config.function_arn = function.arn;
    spec.config.memory_size_mb = static_cast<uint32_t>(function.memory_size_mb);
    spec.config.timeout_ms = static_cast<uint32_t>(function.timeout_s * 1000);
    if (function.environment)
      spec.config.environment.assign(function.environment->begin(), function.environment->end());
    spec.host.clock = options_.clock;
    spec.host.mode = IsolationMode::Isolated;
    spec.host.max_workers = options_.workers_per_function;
    // Only hot-reload code changes in place: an unpacked zip is sluice's own copy, new code
    // comes as a new deployment. (A check is a stat of the file on every invocation.)
    spec.host.reload_on_change = function.code.hot_reload;
    spec.reserved_concurrency = function.reserved_concurrency;
    if (auto found = options_.declared.find(function.name);
        found != options_.declared.end() && function.version == "$LATEST") {
      if (found->second.in_process) spec.host.mode = IsolationMode::InProcessWhenConcurrent;
      spec.on_failure_destination = found->second.on_failure_destination;
      // As many environments as it may run invocations at once, as the configuration's functions
      // always had: its reserved concurrency, else the account's limit.
      spec.host.max_workers = static_cast<unsigned>(std::clamp<int64_t>(
          function.reserved_concurrency.value_or(kAccountConcurrencyLimit), 1, kAccountConcurrencyLimit));
    }
    auto declared = registry_.redeclare(std::move(spec));
    if (!declared) return common::Outcome<common::Done, std::string>::failure(declared.error());
    return common::Done{};
  }

  void retire(const std::string& deployment) override { registry_.forget(deployment); }

  common::Outcome<lambda::InvokeOutput> invoke(const lambda::FunctionRecord& function,
                                               const lambda::InvokeInput& input) override {
    auto declared = registry_.find(lambda::deployment_name(function));
    if (!declared) {
      return common::aws_error(
          common::AwsErrorCode::ResourceConflict,
          "The operation cannot be performed at this time. The function is currently in the following "
          "state: Pending");
    }
    InvocationRequest request;
    request.request_id = input.request_id;
    request.event = input.payload;
    // Invoke's header carries it in base64; the Runtime API hands the JSON itself.
    if (auto context = common::base64_decode(input.client_context); context && !input.client_context.empty())
      request.client_context = std::move(*context);
    InvocationResult result = declared->host->invoke(request);
    lambda::InvokeOutput output;
    output.request_id = result.request_id;
    output.payload = std::move(result.payload);
    if (!result.ok()) output.function_error = "Unhandled";
    output.duration_ms = result.duration_ms;
    if (input.tail_log) output.log = std::move(result.logs);
    return output;
  }

  common::Outcome<std::string> start_mapping(const lambda::MappingRecord& mapping,
                                             const lambda::FunctionRecord& function) override {
    return mappings_.start(mapping, function);
  }
  common::Outcome<std::string> update_mapping(const std::string& uuid, const std::string& changes_json) override {
    return mappings_.update(uuid, changes_json);
  }
  void stop_mapping(const std::string& uuid) override { mappings_.stop(uuid); }
  std::optional<std::string> mapping_configuration(const std::string& uuid) const override {
    return mappings_.configuration(uuid);
  }

 private:
  FunctionRegistry& registry_;
  const LambdaExecutorOptions options_;
  detail::LambdaMappings mappings_;
};

}  // namespace

common::Outcome<std::string, std::string> find_native_handler(const std::string& code_path,
                                                              const std::string& handler) {
  using Result = common::Outcome<std::string, std::string>;
  const fs::path code(code_path);
  if (is_file(code)) return code.string();
  std::vector<std::string> names;
  auto add_names = [&names](const std::string& name) {
    if (name.empty()) return;
    names.push_back(name);
    names.push_back("lib" + name + ".so");
    names.push_back(name + ".so");
  };
  add_names(handler);
  if (auto dot = handler.find('.'); dot != std::string::npos) add_names(handler.substr(0, dot));
  for (const std::string& name : names) {
    if (name.find("..") != std::string::npos) continue;
    if (is_file(code / name)) return (code / name).string();
  }
  std::vector<fs::path> libraries;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(code, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".so") libraries.push_back(entry.path());
  }
  if (libraries.size() == 1) return libraries.front().string();
  return Result::failure("The function's code has no handler library for Handler '" + handler +
                         "' (sluice's native runtime runs a shared library named by the Handler: NAME, libNAME.so "
                         "or NAME.so).");
}

std::unique_ptr<lambda::Executor> make_lambda_executor(FunctionRegistry& registry, sqs::Engine& engine,
                                                       LambdaExecutorOptions options) {
  return std::make_unique<RegistryExecutor>(registry, engine, std::move(options));
}

}  // namespace sluice::functions
