#pragma once
// One invocation seen from the host: the request with its deadline, the context that collects
// what the handler says through the host services (respond / fail / log / remaining time), and
// the translation into an InvocationResult with AWS's error payloads.
//
// The same InvocationContext is used in-process (the handler calls the services directly) and in
// the parent of an isolated worker (it replays what the worker reported), so both modes produce
// identical results.

#include "sluice/functions/plugin_host.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

namespace sluice::functions::detail {

// AWS Lambda's limit on a synchronous response payload.
inline constexpr size_t kMaxResponseBytes = 6'291'556;
// Logs kept per invocation; beyond this they are cut (the handler keeps running).
inline constexpr size_t kMaxLogBytes = 1 << 20;

struct PreparedRequest {
  std::string request_id;
  std::string function_arn;
  std::string event;
  std::span<const sluice_sqs_record> sqs_records;
  int64_t deadline_ms = 0;
  uint32_t timeout_ms = 0;
  std::string client_context;  // JSON, "" when none

  // Builds the event JSON from the records when the caller gave only records.
  void ensure_event_json();
};

// A request without a deadline gets `clock`'s now + the function's timeout.
PreparedRequest prepare(const InvocationRequest& request, const FunctionConfig& config, const common::Clock& clock);

class InvocationContext {
 public:
  using LogSink = std::function<void(int32_t level, std::string_view text)>;

  // `deadline_ms` is on `clock`, which must outlive the context.
  InvocationContext(int64_t deadline_ms, const common::Clock& clock, LogSink sink = {})
      : deadline_ms_(deadline_ms), clock_(clock), sink_(std::move(sink)) {}

  int respond(std::string_view payload);
  int fail(std::string_view type, std::string_view message);
  int log(int32_t level, std::string_view text);
  int64_t remaining_time_ms() const;

  enum class Answer { None, Respond, Fail };
  Answer answer() const { return answer_; }
  const std::string& first() const { return first_; }
  const std::string& second() const { return second_; }

  // The result of the invocation as answered so far (no answer: success with null).
  InvocationResult finish(const std::string& request_id);

 private:
  std::mutex mutex_;  // handlers are told to call from one thread; be safe if they do not
  int64_t deadline_ms_;
  const common::Clock& clock_;
  LogSink sink_;
  Answer answer_ = Answer::None;
  std::string first_;   // payload or error type
  std::string second_;  // error message
  std::string logs_;
};

// The services table handed to handlers; host_context is an InvocationContext*.
const sluice_host* host_services();

sluice_invocation make_invocation(const PreparedRequest& req, InvocationContext& ctx);

std::string error_payload(std::string_view type, std::string_view message);
InvocationResult error_result(const std::string& request_id, InvocationResult::Status status, std::string type,
                              std::string message, std::string logs = {});
// {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id> Error: Task timed out after 1.00 seconds"}
InvocationResult timeout_result(const std::string& request_id, uint32_t timeout_ms, std::string logs = {});

}  // namespace sluice::functions::detail
