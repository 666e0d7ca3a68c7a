// SQS JSON 1.0 calls: sign, send over a pooled keep-alive connection, parse, retry.

#include "sluice/aws/sqs_client.h"

#include <algorithm>
#include <map>
#include <random>
#include <thread>

#include <boost/json.hpp>

#include "http_util.h"

namespace sluice::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kContentType = "application/x-amz-json-1.0";
constexpr size_t kIdlePerEndpoint = 8;

constexpr common::AwsErrorCode kAllCodes[] = {
#define X(service, id, status, query, json_type, fault) common::AwsErrorCode::id,
#include "sluice/common/aws_error_codes.def"
#undef X
};

std::string_view strip_type_prefix(std::string_view code) {
  size_t hash = code.rfind('#');
  if (hash != std::string_view::npos) code.remove_prefix(hash + 1);
  size_t colon = code.find(':');  // some services append ":http://..." to __type
  return code.substr(0, colon);
}

bool throttling_code(std::string_view code) {
  static constexpr std::string_view kThrottling[] = {"RequestThrottled",
                                                     "RequestThrottledException",
                                                     "ThrottlingException",
                                                     "Throttling",
                                                     "ThrottledException",
                                                     "TooManyRequestsException",
                                                     "RequestLimitExceeded",
                                                     "SlowDown",
                                                     "ProvisionedThroughputExceededException"};
  return std::find(std::begin(kThrottling), std::end(kThrottling), code) != std::end(kThrottling);
}

std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt) {
  // Full jitter: uniform in [0, min(max, base * 2^attempt)].
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int64_t cap = policy.base_delay.count() << std::min(attempt, 20);
  cap = std::min<int64_t>(cap, policy.max_delay.count());
  std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(cap, 0));
  return std::chrono::milliseconds(dist(rng));
}

std::string json_text(const json::object& obj, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (const json::value* v = obj.if_contains(key); v != nullptr && v->is_string()) return std::string(v->as_string());
  }
  return {};
}

}  // namespace

std::optional<common::AwsErrorCode> error_code_from_wire(std::string_view code) {
  code = strip_type_prefix(code);
  if (code.empty()) return std::nullopt;
  for (common::AwsErrorCode c : kAllCodes) {
    const common::AwsErrorInfo& info = common::error_info(c);
    // Only SQS answers are expected here; another service's row of the same spelling would
    // misread them.
    if (info.service != common::AwsService::Sqs && info.service != common::AwsService::Common) continue;
    if (info.query_code == code || info.json_type == code) return c;
  }
  // Other spellings of throttling that AWS services use.
  if (throttling_code(code)) return common::AwsErrorCode::RequestThrottled;
  return std::nullopt;
}

bool retryable_error(int http_status, std::string_view wire_code) {
  return http_status >= 500 || http_status == 429 || throttling_code(strip_type_prefix(wire_code));
}

common::AwsError error_from_response(int http_status, std::string_view query_error_header, std::string_view body) {
  std::string type;
  std::string message;
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (!ec && doc.is_object()) {
    type = std::string(strip_type_prefix(json_text(doc.as_object(), {"__type", "code", "Code"})));
    message = json_text(doc.as_object(), {"message", "Message"});
  } else if (!body.empty()) {
    message = std::string(body.substr(0, 200));
  }
  // The header carries the legacy query code, which is what the error table is keyed by first.
  std::string wire = std::string(query_error_header.substr(0, query_error_header.find(';')));
  if (wire.empty()) wire = type;
  if (auto code = error_code_from_wire(wire)) return {*code, message};
  if (!wire.empty() && type.empty()) type = wire;
  common::AwsErrorCode fallback = http_status == 503   ? common::AwsErrorCode::ServiceUnavailable
                                  : http_status >= 500 ? common::AwsErrorCode::InternalFailure
                                  : http_status == 429 ? common::AwsErrorCode::RequestThrottled
                                  : (http_status == 401 || http_status == 403)
                                      ? common::AwsErrorCode::AccessDenied
                                      : common::AwsErrorCode::InvalidParameterValue;
  std::string code_text = !wire.empty() ? wire : "HTTP " + std::to_string(http_status);
  return {fallback, message.empty() ? code_text : code_text + ": " + message};
}

// ---- Cancellation ------------------------------------------------------------------------------

void Cancellation::cancel() {
  std::unique_lock lock(mu_);
  cancelled_ = true;
  cv_.notify_all();
  // stop() only interrupts a request already on its socket; one that is still connecting is
  // caught by the next round, so keep stopping until every call has left.
  while (!in_flight_.empty()) {
    for (httplib::Client* client : in_flight_) client->stop();
    cv_.wait_for(lock, std::chrono::milliseconds(5));
  }
}

bool Cancellation::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

bool Cancellation::enter(httplib::Client* client) {
  std::lock_guard lock(mu_);
  if (cancelled_) return false;
  in_flight_.insert(client);
  return true;
}

void Cancellation::leave(httplib::Client* client) {
  std::lock_guard lock(mu_);
  in_flight_.erase(client);
  cv_.notify_all();
}

bool Cancellation::sleep_for(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, delay, [this] { return cancelled_; });
}

// ---- Connection pool ---------------------------------------------------------------------------

struct SqsClient::Pool {
  std::mutex mu;
  std::map<std::string, std::vector<std::unique_ptr<httplib::Client>>> idle;  // by origin

  std::unique_ptr<httplib::Client> acquire(const detail::Url& url, std::chrono::milliseconds connect_timeout) {
    {
      std::lock_guard lock(mu);
      auto& list = idle[url.origin()];
      if (!list.empty()) {
        auto client = std::move(list.back());
        list.pop_back();
        return client;
      }
    }
    return detail::make_client(url, connect_timeout, connect_timeout);
  }

  void release(const detail::Url& url, std::unique_ptr<httplib::Client> client) {
    std::lock_guard lock(mu);
    auto& list = idle[url.origin()];
    if (list.size() < kIdlePerEndpoint) list.push_back(std::move(client));
  }
};

SqsClient::SqsClient(SqsClientOptions options) : options_(std::move(options)), pool_(std::make_unique<Pool>()) {}
SqsClient::~SqsClient() = default;

common::Outcome<json::object> SqsClient::call(std::string_view queue_url, std::string_view action, json::object body,
                                              std::optional<std::chrono::milliseconds> read_timeout,
                                              Cancellation* cancellation) {
  std::string_view target = !options_.endpoint.empty() ? std::string_view(options_.endpoint) : queue_url;
  auto url = detail::parse_url(target);
  if (!url)
    return common::aws_error(common::AwsErrorCode::InvalidAddress,
                             "The address " + std::string(target) + " is not valid for this endpoint.");
  if (!queue_url.empty() && !body.contains("QueueUrl")) body["QueueUrl"] = queue_url;
  std::string payload = json::serialize(body);
  std::string amz_target = "AmazonSQS." + std::string(action);
  if (!options_.credentials)
    return common::aws_error(common::AwsErrorCode::AccessDenied, "Unable to locate credentials");

  common::AwsError last{common::AwsErrorCode::ServiceUnavailable, "no attempt made"};
  for (int attempt = 0; attempt < std::max(1, options_.retry.max_attempts); ++attempt) {
    if (attempt > 0) {
      auto delay = backoff(options_.retry, attempt);
      if (cancellation != nullptr ? !cancellation->sleep_for(delay) : (std::this_thread::sleep_for(delay), false)) {
        return common::aws_error(common::AwsErrorCode::ServiceUnavailable, "request cancelled");
      }
    }
    ResolvedCredentials creds = options_.credentials->resolve();
    if (!creds.ok()) return common::aws_error(common::AwsErrorCode::AccessDenied, creds.error);

    SignableRequest request{
        "POST",
        "/",
        {},
        {{"Host", url->host_header()}, {"Content-Type", std::string(kContentType)}, {"X-Amz-Target", amz_target}},
        payload};
    sign(request, *creds.credentials, {options_.region, "sqs", format_amz_date(std::chrono::system_clock::now())});
    httplib::Headers headers;
    for (auto& [name, value] : request.headers) {
      if (name != "Content-Type") headers.emplace(name, value);  // httplib sets it from the argument
    }

    auto client = pool_->acquire(*url, options_.connect_timeout);
    client->set_read_timeout(read_timeout.value_or(options_.read_timeout));
    if (cancellation != nullptr && !cancellation->enter(client.get())) {
      return common::aws_error(common::AwsErrorCode::ServiceUnavailable, "request cancelled");
    }
    httplib::Result result = client->Post("/", headers, payload, std::string(kContentType));
    if (cancellation != nullptr) cancellation->leave(client.get());

    if (!result) {
      if (cancellation != nullptr && cancellation->cancelled()) {
        return common::aws_error(common::AwsErrorCode::ServiceUnavailable, "request cancelled");
      }
      // The connection is suspect: drop it rather than return it to the pool.
      last = common::aws_error(common::AwsErrorCode::ServiceUnavailable, "Could not connect to the endpoint URL: \"" +
                                                                             url->origin() + "/\" (" +
                                                                             httplib::to_string(result.error()) + ")");
      continue;
    }
    int status = result->status;
    std::string response_body = std::move(result->body);
    std::string query_error = result->get_header_value("x-amzn-query-error");
    pool_->release(*url, std::move(client));

    if (status == 200) {
      if (response_body.empty()) return json::object{};
      boost::system::error_code ec;
      json::value doc = json::parse(response_body, ec);
      if (ec || !doc.is_object()) {
        return common::aws_error(common::AwsErrorCode::InternalFailure,
                                 "unreadable " + std::string(action) + " answer: " + ec.message());
      }
      return std::move(doc.as_object());
    }
    last = error_from_response(status, query_error, response_body);
    std::string wire = query_error.substr(0, query_error.find(';'));
    if (wire.empty()) {
      boost::system::error_code ec;
      json::value doc = json::parse(response_body, ec);
      if (!ec && doc.is_object()) wire = json_text(doc.as_object(), {"__type"});
    }
    if (!retryable_error(status, wire)) return last;
  }
  return last;
}

}  // namespace sluice::aws
