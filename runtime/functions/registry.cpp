// See sluice/functions/registry.h. The registry is a name → DeclaredFunction map under one mutex,
// held only to look a function up or change the set; invocations run outside it.

#include "sluice/functions/registry.h"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "logged_host.h"
#include "sluice/common/crypto.h"

namespace sluice::functions {
namespace {

// Lambda's invocation record for a destination (aws-facts 3.8).
std::string invocation_record(const std::string& function_arn, const std::string& event_json, int attempts,
                              const AsyncInvokeError& error, int64_t now_ms) {
  boost::system::error_code ec;
  boost::json::value payload = boost::json::parse(event_json, ec);
  boost::json::object record{
      {"version", "1.0"},
      {"timestamp", common::format_iso8601_ms(now_ms)},
      {"requestContext",
       {{"requestId", common::uuid4()},
        {"functionArn", function_arn + ":$LATEST"},
        {"condition", "RetriesExhausted"},
        {"approximateInvokeCount", attempts}}},
      {"requestPayload", ec ? boost::json::value(event_json) : payload},
      {"responseContext", {{"statusCode", 200}, {"executedVersion", "$LATEST"}, {"functionError", "Unhandled"}}},
      {"responsePayload", {{"errorType", error.type}, {"errorMessage", error.message}}}};
  return boost::json::serialize(record);
}

}  // namespace

std::string function_name_of(std::string_view name_or_arn) {
  std::string_view name = name_or_arn;
  if (auto at = name_or_arn.find(":function:"); at != std::string_view::npos) {
    name = name_or_arn.substr(at + 10);
    name = name.substr(0, name.find(':'));
  }
  return std::string(name);
}

namespace {

RegistryOptions with_clock(RegistryOptions options) {
  if (!options.clock) options.clock = common::system_clock();
  return options;
}

}  // namespace

FunctionRegistry::FunctionRegistry(RegistryOptions options) : options_(with_clock(std::move(options))) {}

FunctionRegistry::~FunctionRegistry() = default;

common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string> FunctionRegistry::open_function(
    FunctionSpec spec) const {
  const std::string name = spec.config.name;
  if (spec.config.function_arn.empty())
    spec.config.function_arn = "arn:aws:lambda:" + options_.region + ":" + options_.account_id + ":function:" + name;
  if (options_.log && !spec.host.environment_log) {
    if (options_.log_format == LogFormat::Json) {
      spec.host.environment_log = [log = options_.log, clock = options_.clock, name](const std::string& line) {
        log(json_system_record(clock->now_ms(), "sluice.environment", name, {{"message", line}}) + "\n");
      };
    } else {
      spec.host.environment_log = [log = options_.log, name](const std::string& line) {
        log("[" + name + "] " + line + "\n");
      };
    }
  }
  // Lambda tells its runtimes the format through the environment (the shims read it).
  if (options_.log_format == LogFormat::Json && !spec.runtime.empty())
    spec.config.environment.emplace_back("AWS_LAMBDA_LOG_FORMAT", "JSON");
  auto opened = spec.runtime.empty()
                    ? PluginHost::open(spec.handler, std::move(spec.config), spec.host)
                    : open_runtime_function({spec.runtime, spec.code_directory, spec.handler, options_.region},
                                            std::move(spec.config), spec.host);
  if (!opened)
    return common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string>::failure("function " + name + ": " +
                                                                                          opened.error());
  std::shared_ptr<PluginHost> host = std::move(opened.value());
  if (options_.log || options_.records)
    host =
        detail::make_logged_host(std::move(host), options_.log, options_.records, options_.log_format, options_.clock);
  return std::make_shared<const DeclaredFunction>(
      DeclaredFunction{std::move(host), spec.reserved_concurrency, std::move(spec.on_failure_destination)});
}

common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string> FunctionRegistry::declare(FunctionSpec spec) {
  const std::string name = spec.config.name;
  if (find(name))
    return common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string>::failure("function " + name +
                                                                                          ": declared twice");
  auto declared = open_function(std::move(spec));
  if (!declared) return declared;
  common::MutexLock lock(mu_);
  // Two declarations of one name racing past the check above: the first one filed wins.
  if (!functions_.emplace(name, declared.value()).second)
    return common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string>::failure("function " + name +
                                                                                          ": declared twice");
  return declared;
}

std::shared_ptr<const DeclaredFunction> FunctionRegistry::find(std::string_view name_or_arn) const {
  const std::string name = function_name_of(name_or_arn);
  common::MutexLock lock(mu_);
  auto found = functions_.find(name);
  return found == functions_.end() ? nullptr : found->second;
}

std::vector<std::shared_ptr<const DeclaredFunction>> FunctionRegistry::all() const {
  common::MutexLock lock(mu_);
  std::vector<std::shared_ptr<const DeclaredFunction>> functions;
  functions.reserve(functions_.size());
  for (const auto& entry : functions_) functions.push_back(entry.second);
  return functions;
}

common::Outcome<InvocationResult, std::string> FunctionRegistry::invoke(std::string_view name_or_arn,
                                                                        const InvocationRequest& request) {
  auto function = find(name_or_arn);
  if (!function)
    return common::Outcome<InvocationResult, std::string>::failure("Function not found: " + std::string(name_or_arn));
  return function->host->invoke(request);
}

std::optional<AsyncInvokeError> FunctionRegistry::invoke_async(std::string_view name_or_arn, std::string event_json) {
  InvocationRequest request;
  request.event = std::move(event_json);
  auto result = invoke(name_or_arn, request);
  if (!result) return AsyncInvokeError{"ResourceNotFoundException", result.error()};
  return async_error(result.value());
}

std::optional<AsyncInvokeError> FunctionRegistry::async_error(const InvocationResult& result) {
  if (result.ok()) return std::nullopt;
  return AsyncInvokeError{"Unhandled", result.error_type + ": " + result.error_message};
}

bool FunctionRegistry::on_failure(std::string_view name_or_arn, const std::string& event_json, int attempts,
                                  const AsyncInvokeError& error) {
  auto function = find(name_or_arn);
  if (!function || function->on_failure_destination.empty() || !options_.send_to_destination) return false;
  return options_.send_to_destination(
      function->on_failure_destination,
      invocation_record(function->config().function_arn, event_json, attempts, error, options_.clock->now_ms()));
}

common::Outcome<std::shared_ptr<const DeclaredFunction>, std::string> FunctionRegistry::redeclare(FunctionSpec spec) {
  const std::string name = spec.config.name;
  auto declared = open_function(std::move(spec));
  if (!declared) return declared;
  std::shared_ptr<const DeclaredFunction> replaced;
  {
    common::MutexLock lock(mu_);
    auto& slot = functions_[name];
    replaced = std::move(slot);
    slot = declared.value();
  }
  // The old host closes here, outside the lock, unless an invocation still holds it.
  return declared;
}

bool FunctionRegistry::forget(std::string_view name) {
  std::shared_ptr<const DeclaredFunction> forgotten;
  common::MutexLock lock(mu_);
  auto found = functions_.find(name);
  if (found == functions_.end()) return false;
  forgotten = std::move(found->second);
  functions_.erase(found);
  lock.unlock();
  return true;
}

void FunctionRegistry::clear() {
  std::map<std::string, std::shared_ptr<const DeclaredFunction>, std::less<>> forgotten;
  {
    common::MutexLock lock(mu_);
    forgotten.swap(functions_);
  }
  // The hosts this registry held alone close here, outside the lock.
}

}  // namespace sluice::functions
