// HTTP/S delivery policies: which policy applies (AWS defaults < topic < subscription, unless the
// topic sets disableSubscriptionOverrides) and the retry schedule it gives.
//
// The backoff phase moves from minDelayTarget to maxDelayTarget; AWS publishes the four backoff
// functions only as a graph, so sluice uses these shapes over progress p ∈ [0, 1]:
//   linear p · arithmetic p² · geometric min·(max/min)^p · exponential (e^(4p) − 1) / (e^4 − 1)
// All start at the minimum and end at the maximum; they differ in how fast they climb.

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

#include "internal.h"

namespace sluice::sns {
namespace json = boost::json;

namespace {

constexpr int64_t kMaxTotalRetryMs = 3600 * 1000;  // AWS's hard limit on HTTP/S retry time

std::optional<int> int_field(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<int>(v->as_int64());
  if (v->is_uint64()) return static_cast<int>(v->as_uint64());
  if (v->is_double()) return static_cast<int>(v->as_double());
  if (v->is_string()) {
    try {
      return std::stoi(std::string(v->as_string()));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void apply_retry(HealthyRetryPolicy& p, const json::value* v) {
  if (v == nullptr || !v->is_object()) return;
  const auto& o = v->as_object();
  if (auto x = int_field(o, "minDelayTarget")) p.min_delay_target = *x;
  if (auto x = int_field(o, "maxDelayTarget")) p.max_delay_target = *x;
  if (auto x = int_field(o, "numRetries")) p.num_retries = *x;
  if (auto x = int_field(o, "numNoDelayRetries")) p.num_no_delay_retries = *x;
  if (auto x = int_field(o, "numMinDelayRetries")) p.num_min_delay_retries = *x;
  if (auto x = int_field(o, "numMaxDelayRetries")) p.num_max_delay_retries = *x;
  if (const auto* f = o.if_contains("backoffFunction"); f != nullptr && f->is_string()) {
    p.backoff_function = std::string(f->as_string());
  }
}

void apply_request(std::string& content_type, const json::value* v) {
  if (v == nullptr || !v->is_object()) return;
  if (const auto* c = v->as_object().if_contains("headerContentType"); c != nullptr && c->is_string()) {
    content_type = std::string(c->as_string());
  }
}

std::optional<json::object> parse_object(std::string_view text) {
  if (text.empty()) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

double backoff_shape(const std::string& function, double p, double min, double max) {
  if (function == "arithmetic") return min + (max - min) * p * p;
  if (function == "geometric") return min <= 0 ? min + (max - min) * p : min * std::pow(max / min, p);
  if (function == "exponential") return min + (max - min) * (std::exp(4 * p) - 1) / (std::exp(4.0) - 1);
  return min + (max - min) * p;  // linear, and anything unknown
}

}  // namespace

EffectiveHttpPolicy effective_http_policy(std::string_view topic_policy, std::string_view subscription_policy) {
  EffectiveHttpPolicy out;
  bool overrides = true;
  if (auto topic = parse_object(topic_policy)) {
    const json::value* http = topic->if_contains("http");
    if (http != nullptr && http->is_object()) {
      const auto& h = http->as_object();
      apply_retry(out.retry, h.if_contains("defaultHealthyRetryPolicy"));
      apply_request(out.content_type, h.if_contains("defaultRequestPolicy"));
      if (const auto* d = h.if_contains("disableSubscriptionOverrides"); d != nullptr && d->is_bool()) {
        overrides = !d->as_bool();
      }
    }
  }
  if (overrides) {
    if (auto sub = parse_object(subscription_policy)) {
      apply_retry(out.retry, sub->if_contains("healthyRetryPolicy"));
      apply_request(out.content_type, sub->if_contains("requestPolicy"));
    }
  }
  return out;
}

std::vector<int64_t> retry_delays_ms(const HealthyRetryPolicy& p) {
  const int retries = std::clamp(p.num_retries, 0, 100);
  const int no_delay = std::clamp(p.num_no_delay_retries, 0, retries);
  const int min_phase = std::clamp(p.num_min_delay_retries, 0, retries - no_delay);
  const int max_phase = std::clamp(p.num_max_delay_retries, 0, retries - no_delay - min_phase);
  const int backoff = retries - no_delay - min_phase - max_phase;
  const double min_s = std::clamp(p.min_delay_target, 0, 3600);
  const double max_s = std::clamp(p.max_delay_target, p.min_delay_target, 3600);

  std::vector<int64_t> delays;
  for (int i = 0; i < no_delay; ++i) delays.push_back(0);
  for (int i = 0; i < min_phase; ++i) delays.push_back(static_cast<int64_t>(min_s * 1000));
  for (int k = 0; k < backoff; ++k) {
    double progress = backoff == 1 ? 1.0 : static_cast<double>(k) / (backoff - 1);
    delays.push_back(std::llround(backoff_shape(p.backoff_function, progress, min_s, max_s) * 1000));
  }
  for (int i = 0; i < max_phase; ++i) delays.push_back(static_cast<int64_t>(max_s * 1000));

  int64_t total = 0;
  for (size_t i = 0; i < delays.size(); ++i) {
    total += delays[i];
    if (total > kMaxTotalRetryMs) {
      delays.resize(i);
      break;
    }
  }
  return delays;
}

}  // namespace sluice::sns
