#include "runtime_launcher.h"

#include <boost/json.hpp>

#include <mutex>

#include "sluice/aws/remote_queue_source.h"
#include "sluice/common/clock.h"
#include "sluice/common/crypto.h"
#include "sluice/sqs/queue_source.h"

namespace sluice::cli {
namespace {

// Prints each invocation's logs and outcome to stderr, the way Lambda's log stream shows them, so
// a developer sees what their handler did.
class LoggingInvoker final : public esm::FunctionInvoker {
 public:
  LoggingInvoker(std::string name, std::shared_ptr<esm::FunctionInvoker> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  functions::InvocationResult invoke(const functions::InvocationRequest& request) override {
    auto result = inner_->invoke(request);
    std::string text = "[" + name_ + "] START RequestId: " + result.request_id + "\n";
    size_t start = 0;
    while (start < result.logs.size()) {
      size_t end = result.logs.find('\n', start);
      if (end == std::string::npos) end = result.logs.size();
      text += "[" + name_ + "] " + result.logs.substr(start, end - start) + "\n";
      start = end + 1;
    }
    text += "[" + name_ + "] END RequestId: " + result.request_id +
            (result.ok() ? "" : " (" + result.error_type + ": " + result.error_message + ")") + "\n";
    std::lock_guard lock(mu_);
    std::fputs(text.c_str(), stderr);
    return result;
  }
  std::optional<int64_t> reserved_concurrency() const override { return inner_->reserved_concurrency(); }
  int64_t timeout_ms() const override { return inner_->timeout_ms(); }
  std::string function_arn() const override { return inner_->function_arn(); }

 private:
  static inline std::mutex mu_;
  std::string name_;
  std::shared_ptr<esm::FunctionInvoker> inner_;
};

}  // namespace

RuntimeLauncher::RuntimeLauncher(sqs::Engine& engine, std::string account_id, std::string region)
    : engine_(engine), account_id_(std::move(account_id)), region_(std::move(region)) {}

RuntimeLauncher::~RuntimeLauncher() { stop(); }

bool RuntimeLauncher::start(const Config& config, std::string* error) {
  for (const auto& declared : config.functions) {
    if (!declared.on_failure_queue_arn.empty()) on_failure_[declared.name] = declared.on_failure_queue_arn;
    functions::FunctionConfig function;
    function.name = declared.name;
    function.function_arn = "arn:aws:lambda:" + region_ + ":" + account_id_ + ":function:" + declared.name;
    function.memory_size_mb = static_cast<uint32_t>(declared.memory_size_mb);
    function.timeout_ms = static_cast<uint32_t>(declared.timeout_s * 1000);
    function.environment = declared.environment;
    functions::PluginHostOptions options;
    options.mode = declared.isolated ? functions::IsolationMode::Isolated : functions::IsolationMode::InProcess;
    if (declared.isolated && declared.reserved_concurrency)
      options.max_workers = static_cast<unsigned>(std::max<int64_t>(1, *declared.reserved_concurrency));
    auto host = functions::PluginHost::open(declared.handler, function, options);
    if (!host) {
      *error = "function " + declared.name + ": " + host.error();
      return false;
    }
    functions_[declared.name] = std::make_shared<LoggingInvoker>(
        declared.name, esm::make_plugin_invoker(std::shared_ptr<functions::PluginHost>(std::move(host.value())),
                                                declared.reserved_concurrency));
  }
  for (size_t i = 0; i < config.mappings.size(); ++i) {
    const auto& declared = config.mappings[i];
    esm::EventSourceMapping::SourceFactory sources;
    esm::CreateMappingRequest request = declared.request;
    if (!declared.queue_url.empty()) {
      aws::RemoteQueueOptions remote;
      remote.queue = declared.queue_url;
      remote.endpoint = declared.endpoint;
      std::string reason;
      auto probe = aws::make_remote_queue_source(remote, &reason);
      if (!probe) {
        *error = "eventSourceMappings[" + std::to_string(i) + "]: " + reason;
        return false;
      }
      request.event_source_arn = probe->arn();
      sources = [remote] { return aws::make_remote_queue_source(remote); };
    } else {
      auto address = *sqs::parse_queue_arn(declared.event_source_arn);
      sources = [this, address] { return sqs::make_embedded_queue_source(engine_, address); };
    }
    esm::RuntimeOptions runtime;
    runtime.start_at_full_scale = true;  // local runs want speed, not AWS's gradual ramp-up
    // Lambda's own pollers are not held to ReceiveMessage's 10-message cap; an embedded queue can
    // hand over a whole batch under one lock. A remote queue is polled through the public API.
    if (declared.queue_url.empty()) runtime.max_messages_per_receive = 10'000;
    auto mapping = esm::EventSourceMapping::create(request, functions_.at(declared.function_name), sources, runtime);
    if (!mapping) {
      *error = "eventSourceMappings[" + std::to_string(i) + "]: " + std::string(mapping.error().info().json_type) +
               ": " + mapping.error().message;
      return false;
    }
    mapping.value()->start();
    mappings_.push_back(std::move(mapping.value()));
  }
  return true;
}

namespace {

// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER], or a bare name.
std::string function_name_of(std::string_view function_arn) {
  std::string_view name = function_arn;
  if (auto at = function_arn.find(":function:"); at != std::string_view::npos) {
    name = function_arn.substr(at + 10);
    name = name.substr(0, name.find(':'));
  }
  return std::string(name);
}

}  // namespace

bool RuntimeLauncher::on_failure(std::string_view function_arn, const std::string& event_json, int attempts,
                                 const std::string& error_type, const std::string& error_message) {
  std::string name = function_name_of(function_arn);
  auto destination = on_failure_.find(name);
  auto function = functions_.find(name);
  if (destination == on_failure_.end() || function == functions_.end()) return false;
  auto queue = sqs::parse_queue_arn(destination->second);
  if (!queue) return false;
  // Lambda's invocation record (aws-facts 3.8).
  boost::system::error_code ec;
  boost::json::value payload = boost::json::parse(event_json, ec);
  boost::json::object record{
      {"version", "1.0"},
      {"timestamp", format_iso8601_ms(system_clock()->now_ms())},
      {"requestContext",
       {{"requestId", uuid4()},
        {"functionArn", function->second->function_arn() + ":$LATEST"},
        {"condition", "RetriesExhausted"},
        {"approximateInvokeCount", attempts}}},
      {"requestPayload", ec ? boost::json::value(event_json) : payload},
      {"responseContext", {{"statusCode", 200}, {"executedVersion", "$LATEST"}, {"functionError", "Unhandled"}}},
      {"responsePayload", {{"errorType", error_type}, {"errorMessage", error_message}}}};
  sqs::SendMessageRequest request;
  request.body = boost::json::serialize(record);
  return engine_.send_message(*queue, request).ok();
}

bool RuntimeLauncher::invoke(std::string_view function_arn, std::string event_json, std::string* error_type,
                             std::string* error_message) {
  auto function = functions_.find(function_name_of(function_arn));
  if (function == functions_.end()) {
    *error_type = "ResourceNotFoundException";
    *error_message = "Function not found: " + std::string(function_arn);
    return false;
  }
  functions::InvocationRequest request;
  request.event = std::move(event_json);
  auto result = function->second->invoke(request);
  if (result.ok()) return true;
  *error_type = "Unhandled";
  *error_message = result.error_type + ": " + result.error_message;
  return false;
}

void RuntimeLauncher::stop() {
  for (auto& mapping : mappings_) mapping->stop();
  mappings_.clear();
  functions_.clear();
}

}  // namespace sluice::cli
