// Lambda's asynchronous event queue (see async_invocations.h; AWS: invocation-async).

#include "async_invocations.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

#include "invocation_metrics.h"
#include "sluice/common/sqlite.h"

namespace sluice::lambda::detail {
namespace {

constexpr int64_t kRetryDelaysMs[] = {60'000, 120'000};  // before the 2nd and the 3rd attempt
// A throttled event comes back 1 s later, then 2, 4, ... up to 5 minutes (AWS: invocation-async).
constexpr int64_t kThrottleDelayMs = 1'000;
constexpr int64_t kMaxThrottleDelayMs = 300'000;

// A payload as a record carries it: the JSON value it holds, or the text itself when it is not JSON.
boost::json::value payload_value(const std::string& payload) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(payload, ec);
  if (ec) return boost::json::value(payload);
  return parsed;
}

// The lane of "name:version" is the function's.
std::string base_name(const std::string& function_name) { return function_name.substr(0, function_name.find(':')); }

// The version an event runs: "name:version" names it, a bare name runs $LATEST.
std::string version_of(const std::string& function_name) {
  const size_t colon = function_name.find(':');
  return colon == std::string::npos ? "$LATEST" : function_name.substr(colon + 1);
}

}  // namespace

std::string invocation_record(const AsyncEvent& event, const std::string& condition, int64_t now_ms,
                              const common::Outcome<InvokeOutput>* outcome, const std::string& executed_version) {
  boost::json::object request_context{{"requestId", event.request_id},
                                      {"functionArn", event.invoked_arn},
                                      {"condition", condition},
                                      {"approximateInvokeCount", event.attempts}};
  boost::json::object record{{"version", "1.0"},
                             {"timestamp", common::format_iso8601_ms(now_ms)},
                             {"requestContext", std::move(request_context)},
                             {"requestPayload", payload_value(event.payload)}};
  if (!outcome) return boost::json::serialize(record);
  boost::json::object response_context{{"statusCode", *outcome ? 200 : outcome->error().info().http_status},
                                       {"executedVersion", executed_version}};
  if (*outcome) {
    if (!(*outcome)->function_error.empty()) response_context["functionError"] = (*outcome)->function_error;
    record["responseContext"] = std::move(response_context);
    record["responsePayload"] = payload_value((*outcome)->payload);
  } else {
    record["responseContext"] = std::move(response_context);
    record["responsePayload"] = boost::json::object{{"errorType", std::string(outcome->error().info().json_type)},
                                                    {"errorMessage", outcome->error().message}};
  }
  return boost::json::serialize(record);
}

std::string dead_letter_error_message(const std::string& error_payload) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(error_payload, ec);
  if (!ec && parsed.is_object()) {
    if (const auto* message = parsed.get_object().if_contains("errorMessage"); message && message->is_string())
      return std::string(message->get_string());
  }
  return error_payload;
}

AsyncInvocations::AsyncInvocations(Executor& executor, FunctionStore& store, std::shared_ptr<common::Clock> clock,
                                   AsyncHooks hooks, std::shared_ptr<common::WorkPool> pool, int per_function)
    : executor_(executor),
      store_(store),
      clock_(std::move(clock)),
      hooks_(std::move(hooks)),
      pool_(pool ? std::move(pool) : common::WorkPool::create()),
      per_function_(per_function < 1 ? 1 : per_function) {}

AsyncInvocations::~AsyncInvocations() { stop(); }

void AsyncInvocations::start(std::vector<AsyncEvent> stored) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || started_) return;
    started_ = true;
    for (auto& event : stored) {
      const int64_t at = event.next_attempt_ms;
      due_.emplace(at, std::move(event));
    }
  }
  timer_ = std::thread([this] { run_timer(); });
}

common::Status AsyncInvocations::enqueue(AsyncEvent event) {
  event.enqueued_ms = clock_->now_ms();
  event.next_attempt_ms = event.enqueued_ms;
  try {
    store_.put_event(event);
  } catch (const common::sqlite::Error& e) {
    return common::aws_error(common::AwsErrorCode::LambdaService, std::string("the event queue failed: ") + e.what());
  }
  if (hooks_.meter)
    hooks_.meter->count(invoked_resource_of_arn(event.invoked_arn, version_of(event.function_name)),
                        "AsyncEventsReceived");
  {
    std::lock_guard lock(mu_);
    const int64_t at = event.next_attempt_ms;
    due_.emplace(at, std::move(event));
  }
  wake_.notify_one();
  return common::ok_status();
}

void AsyncInvocations::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (timer_.joinable()) timer_.join();
  std::map<std::string, std::unique_ptr<common::WorkLane>> lanes;
  {
    std::lock_guard lock(mu_);
    lanes.swap(lanes_);
  }
  lanes.clear();  // each lane drains: running attempts finish, queued ones see stopping_ and return
}

size_t AsyncInvocations::pending() const {
  std::lock_guard lock(mu_);
  return due_.size() + in_flight_;
}

common::WorkLane& AsyncInvocations::lane_of(const std::string& function_name) {
  const std::string name = base_name(function_name);
  auto found = lanes_.find(name);
  if (found == lanes_.end()) {
    found = lanes_.emplace(name, pool_->lane("lambda-events:" + name, static_cast<size_t>(per_function_))).first;
  }
  return *found->second;
}

void AsyncInvocations::run_timer() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const int64_t at = due_.begin()->first;
    if (at > clock_->now_ms()) {
      clock_->wait_until(wake_, lock, at);
      continue;
    }
    auto event = std::make_shared<AsyncEvent>(std::move(due_.begin()->second));
    due_.erase(due_.begin());
    ++in_flight_;
    lane_of(event->function_name).submit([this, event] { attempt(std::move(*event)); });
  }
}

void AsyncInvocations::attempt(AsyncEvent event) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {  // left stored: it runs after the next start
      --in_flight_;
      return;
    }
  }
  run_attempt(std::move(event));
  std::lock_guard lock(mu_);
  --in_flight_;
}

void AsyncInvocations::run_attempt(AsyncEvent event) {
  std::string executed_version = "$LATEST";
  auto function = hooks_.functions(event.function_name);
  if (function) executed_version = function->version;
  const AsyncSettings settings = hooks_.settings(event.invoked_arn);
  // Lambda sends an event to a function only while it is younger than MaximumEventAgeInSeconds,
  // however long it waited (for a retry, or for concurrency).
  if (function && clock_->now_ms() - event.enqueued_ms > settings.maximum_event_age_s * 1000) {
    expire(std::move(event), settings, executed_version);
    return;
  }
  common::Outcome<InvokeOutput> outcome = common::aws_error(common::AwsErrorCode::ResourceNotFound, "");
  metrics::LambdaMeter* meter = hooks_.meter.get();
  if (function && function->reserved_concurrency == 0) {
    // A function that may not run: Lambda sends its events on without retrying.
    outcome = common::aws_error(common::AwsErrorCode::LambdaTooManyRequests, "Rate Exceeded.");
    event.attempts = static_cast<int>(settings.maximum_retry_attempts);
    if (meter) meter->count(invoked_resource_of_arn(event.invoked_arn, executed_version), "Throttles");
  } else if (function) {
    if (hooks_.acquire && !hooks_.acquire(*function)) {
      // Throttled: not an attempt; back to the queue, 1 s later doubling up to 5 minutes.
      if (meter) meter->count(invoked_resource_of_arn(event.invoked_arn, executed_version), "Throttles");
      const int64_t delay = std::min<int64_t>(kThrottleDelayMs << std::min(event.throttles, 16), kMaxThrottleDelayMs);
      ++event.throttles;
      const int64_t at = clock_->now_ms() + delay;
      requeue(std::move(event), at);
      return;
    }
    event.throttles = 0;
    InvokeInput input;
    input.payload = event.payload;
    input.request_id = event.request_id;
    if (meter) {
      meter->event_age(invoked_resource_of_arn(event.invoked_arn, executed_version),
                       static_cast<double>(clock_->now_ms() - event.enqueued_ms));
      meter->started(function->name);
    }
    outcome = executor_.invoke(*function, input);
    if (meter) {
      meter->ended(function->name);
      if (outcome)
        meter->invoked(invoked_resource_of_arn(event.invoked_arn, executed_version), !outcome->function_error.empty(),
                       outcome->duration_ms);
    }
    if (hooks_.release) hooks_.release(*function);
  }
  ++event.attempts;
  settle(std::move(event), outcome, executed_version);
}

void AsyncInvocations::requeue(AsyncEvent event, int64_t at) {
  event.next_attempt_ms = at;
  try {
    store_.put_event(event);
  } catch (const common::sqlite::Error& e) {
    std::fprintf(stderr, "sluice: the event queue failed: %s\n", e.what());
  }
  {
    std::lock_guard lock(mu_);
    due_.emplace(at, std::move(event));
  }
  wake_.notify_one();
}

void AsyncInvocations::expire(AsyncEvent event, const AsyncSettings& settings, const std::string& executed_version) {
  if (hooks_.meter)
    hooks_.meter->count(invoked_resource_of_arn(event.invoked_arn, executed_version), "AsyncEventsDropped");
  try {
    send_failure(event, settings, "EventAgeExceeded", nullptr, executed_version);
    store_.erase_event(event.request_id);
  } catch (const common::sqlite::Error& e) {
    std::fprintf(stderr, "sluice: the event queue failed: %s\n", e.what());
  }
}

void AsyncInvocations::send_failure(const AsyncEvent& event, const AsyncSettings& settings,
                                    const std::string& condition, const common::Outcome<InvokeOutput>* outcome,
                                    const std::string& executed_version) {
  const int64_t now = clock_->now_ms();
  if (!settings.on_failure.empty() && hooks_.destinations) {
    const std::string record = invocation_record(event, condition, now, outcome, executed_version);
    if (!hooks_.destinations(settings.on_failure, record)) {
      if (hooks_.meter)
        hooks_.meter->count(invoked_resource_of_arn(event.invoked_arn, executed_version),
                            "DestinationDeliveryFailures");
      std::fprintf(stderr, "sluice: %s: the record of event %s could not be sent to its destination %s\n",
                   event.function_name.c_str(), event.request_id.c_str(), settings.on_failure.c_str());
    }
    return;
  }
  auto function = hooks_.functions(event.function_name);
  if (function && !function->dead_letter_target_arn.empty() && hooks_.dead_letters) {
    std::string error = "Event age exceeded";
    if (outcome) error = *outcome ? dead_letter_error_message((*outcome)->payload) : outcome->error().message;
    if (!hooks_.dead_letters(function->dead_letter_target_arn, event.payload, event.request_id, error)) {
      if (hooks_.meter)
        hooks_.meter->count(invoked_resource_of_arn(event.invoked_arn, executed_version), "DeadLetterErrors");
      std::fprintf(stderr, "sluice: %s: the event %s could not be sent to its dead-letter target %s\n",
                   event.function_name.c_str(), event.request_id.c_str(), function->dead_letter_target_arn.c_str());
    }
    return;
  }
  std::fprintf(stderr, "sluice: %s: the event %s is dropped (%s after %d attempts)\n", event.function_name.c_str(),
               event.request_id.c_str(), condition.c_str(), event.attempts);
}

void AsyncInvocations::settle(AsyncEvent event, const common::Outcome<InvokeOutput>& outcome,
                              const std::string& executed_version) {
  const bool succeeded = outcome && outcome->function_error.empty();
  const bool function_gone = !outcome && outcome.error().code == common::AwsErrorCode::ResourceNotFound;
  const AsyncSettings settings = hooks_.settings(event.invoked_arn);
  const int64_t now = clock_->now_ms();
  const bool attempts_left = event.attempts <= settings.maximum_retry_attempts;
  const int64_t delay = kRetryDelaysMs[event.attempts >= 2 ? 1 : 0];
  const bool young_enough = now + delay - event.enqueued_ms <= settings.maximum_event_age_s * 1000;
  const bool retry = !succeeded && !function_gone && attempts_left && young_enough;
  try {
    if (retry) {
      requeue(std::move(event), now + delay);
      return;
    }
    if (succeeded && !settings.on_success.empty() && hooks_.destinations) {
      const std::string record = invocation_record(event, "Success", now, &outcome, executed_version);
      if (!hooks_.destinations(settings.on_success, record)) {
        if (hooks_.meter)
          hooks_.meter->count(invoked_resource_of_arn(event.invoked_arn, executed_version),
                              "DestinationDeliveryFailures");
        std::fprintf(stderr, "sluice: %s: the record of event %s could not be sent to its destination %s\n",
                     event.function_name.c_str(), event.request_id.c_str(), settings.on_success.c_str());
      }
    } else if (!succeeded && !function_gone) {
      send_failure(event, settings, attempts_left ? "EventAgeExceeded" : "RetriesExhausted", &outcome,
                   executed_version);
    }
    if (!succeeded && hooks_.meter)
      hooks_.meter->count(invoked_resource_of_arn(event.invoked_arn, executed_version), "AsyncEventsDropped");
    store_.erase_event(event.request_id);
  } catch (const common::sqlite::Error& e) {
    std::fprintf(stderr, "sluice: the event queue failed: %s\n", e.what());
  }
}

}  // namespace sluice::lambda::detail
