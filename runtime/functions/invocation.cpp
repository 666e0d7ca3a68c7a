// Host services and result shaping; see invocation.h.
#include "invocation.h"

#include <boost/json.hpp>

#include <cstdio>
#include <iostream>

#include "sluice/common/crypto.h"
#include "sluice/common/defaults.h"

namespace sluice::functions::detail {
namespace {

InvocationContext* as_context(void* ctx) { return static_cast<InvocationContext*>(ctx); }

int host_respond(void* ctx, const char* data, size_t size) {
  if (!ctx || (!data && size)) return SLUICE_E_INVALID;
  return as_context(ctx)->respond(std::string_view(data ? data : "", size));
}

int host_fail(void* ctx, const char* type, size_t type_size, const char* message, size_t message_size) {
  if (!ctx || (!type && type_size) || (!message && message_size)) return SLUICE_E_INVALID;
  return as_context(ctx)->fail(std::string_view(type ? type : "", type_size),
                               std::string_view(message ? message : "", message_size));
}

const char* level_name(int32_t level) {
  switch (level) {
    case SLUICE_LOG_DEBUG:
      return "DEBUG";
    case SLUICE_LOG_INFO:
      return "INFO";
    case SLUICE_LOG_WARN:
      return "WARN";
    case SLUICE_LOG_ERROR:
      return "ERROR";
    default:
      return nullptr;
  }
}

int host_log(void* ctx, int32_t level, const char* text, size_t size) {
  if (!level_name(level) || (!text && size)) return SLUICE_E_INVALID;
  std::string_view line(text ? text : "", size);
  if (!ctx) {  // outside an invocation (init, shutdown, handler threads): the host's own log
    std::cerr << "[" << level_name(level) << "] " << line << '\n';
    return SLUICE_OK;
  }
  return as_context(ctx)->log(level, line);
}

int64_t host_remaining(void* ctx) { return ctx ? as_context(ctx)->remaining_time_ms() : 0; }

const sluice_host kHost = {sizeof(sluice_host), SLUICE_HANDLER_ABI_VERSION, host_respond, host_fail, host_log,
                           host_remaining};

}  // namespace

void PreparedRequest::ensure_event_json() {
  if (event.empty()) event = sqs_records.empty() ? std::string("{}") : sqs_event_json(sqs_records);
}

PreparedRequest prepare(const InvocationRequest& request, const FunctionConfig& config, const common::Clock& clock) {
  PreparedRequest p;
  p.request_id = request.request_id.empty() ? common::uuid4() : request.request_id;
  p.function_arn = config.function_arn.empty() ? std::string("arn:aws:lambda:") + common::kDefaultRegion + ":" +
                                                     common::kDefaultAccountId + ":function:" + config.name
                                               : config.function_arn;
  p.event = request.event;
  p.sqs_records = request.sqs_records;
  p.client_context = request.client_context;
  p.timeout_ms = config.timeout_ms;
  p.deadline_ms = request.deadline_ms ? request.deadline_ms : clock.now_ms() + config.timeout_ms;
  return p;
}

int InvocationContext::respond(std::string_view payload) {
  std::lock_guard lock(mutex_);
  if (answer_ != Answer::None) return SLUICE_E_ALREADY_ANSWERED;
  answer_ = Answer::Respond;
  first_.assign(payload);
  return SLUICE_OK;
}

int InvocationContext::fail(std::string_view type, std::string_view message) {
  std::lock_guard lock(mutex_);
  if (answer_ != Answer::None) return SLUICE_E_ALREADY_ANSWERED;
  answer_ = Answer::Fail;
  first_.assign(type);
  second_.assign(message);
  return SLUICE_OK;
}

int InvocationContext::log(int32_t level, std::string_view text) {
  if (!level_name(level)) return SLUICE_E_INVALID;
  if (sink_) {
    sink_(level, text);
    return SLUICE_OK;
  }
  std::lock_guard lock(mutex_);
  if (logs_.size() >= kMaxLogBytes) return SLUICE_OK;
  logs_.append("[").append(level_name(level)).append("] ");
  logs_.append(text.substr(0, kMaxLogBytes - std::min(kMaxLogBytes, logs_.size())));
  logs_.push_back('\n');
  return SLUICE_OK;
}

int64_t InvocationContext::remaining_time_ms() const {
  int64_t left = deadline_ms_ - clock_.now_ms();
  return left > 0 ? left : 0;
}

InvocationResult InvocationContext::finish(const std::string& request_id) {
  std::lock_guard lock(mutex_);
  using Status = InvocationResult::Status;
  if (answer_ == Answer::Fail)
    return error_result(request_id, Status::FunctionError, std::move(first_), std::move(second_), std::move(logs_));
  if (answer_ == Answer::Respond && first_.size() > kMaxResponseBytes) {
    return error_result(request_id, Status::FunctionError, "Function.ResponseSizeTooLarge",
                        "Response payload size exceeded maximum allowed payload size (" +
                            std::to_string(kMaxResponseBytes) + " bytes).",
                        std::move(logs_));
  }
  InvocationResult r;
  r.request_id = request_id;
  r.payload = answer_ == Answer::Respond ? std::move(first_) : std::string("null");
  r.logs = std::move(logs_);
  return r;
}

const sluice_host* host_services() { return &kHost; }

sluice_invocation make_invocation(const PreparedRequest& req, InvocationContext& ctx) {
  sluice_invocation inv{};
  inv.struct_size = sizeof inv;
  inv.request_id = {req.request_id.data(), req.request_id.size()};
  inv.function_arn = {req.function_arn.data(), req.function_arn.size()};
  inv.deadline_ms = req.deadline_ms;
  inv.event = {req.event.data(), req.event.size()};
  inv.host = host_services();
  inv.host_context = &ctx;
  inv.client_context = {req.client_context.data(), req.client_context.size()};
  return inv;
}

std::string error_payload(std::string_view type, std::string_view message) {
  boost::json::object o;
  o["errorType"] = type;
  o["errorMessage"] = message;
  return boost::json::serialize(o);
}

InvocationResult error_result(const std::string& request_id, InvocationResult::Status status, std::string type,
                              std::string message, std::string logs) {
  InvocationResult r;
  r.status = status;
  r.request_id = request_id;
  r.payload = error_payload(type, message);
  r.error_type = std::move(type);
  r.error_message = std::move(message);
  r.logs = std::move(logs);
  return r;
}

InvocationResult timeout_result(const std::string& request_id, uint32_t timeout_ms, std::string logs) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", static_cast<double>(timeout_ms) / 1000.0);
  return error_result(request_id, InvocationResult::Status::Timeout, "Sandbox.Timedout",
                      "RequestId: " + request_id + " Error: Task timed out after " + seconds + " seconds",
                      std::move(logs));
}

}  // namespace sluice::functions::detail
