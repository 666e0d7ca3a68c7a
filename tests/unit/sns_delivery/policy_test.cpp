// Delivery policies: which policy applies and the retry schedule its phases and backoff give.

#include <doctest/doctest.h>

#include "sluice/sns/delivery.h"

using namespace sluice::sns;

TEST_CASE("AWS's default HTTP policy: three retries 20 s apart, text/plain") {
  auto p = effective_http_policy("", "");
  CHECK(p.content_type == "text/plain; charset=UTF-8");
  CHECK(retry_delays_ms(p.retry) == std::vector<int64_t>{20000, 20000, 20000});
}

TEST_CASE("phases: no delay, pre-backoff at the minimum, backoff, post-backoff at the maximum") {
  HealthyRetryPolicy p;
  p.min_delay_target = 1;
  p.max_delay_target = 5;
  p.num_retries = 9;
  p.num_no_delay_retries = 2;
  p.num_min_delay_retries = 1;
  p.num_max_delay_retries = 1;
  p.backoff_function = "linear";
  CHECK(retry_delays_ms(p) == std::vector<int64_t>{0, 0, 1000, 1000, 2000, 3000, 4000, 5000, 5000});
}

TEST_CASE("backoff functions climb from the minimum to the maximum at different speeds") {
  HealthyRetryPolicy p;
  p.min_delay_target = 2;
  p.max_delay_target = 32;
  p.num_retries = 5;
  std::map<std::string, std::vector<int64_t>> by_function;
  for (std::string f : {"linear", "arithmetic", "geometric", "exponential"}) {
    p.backoff_function = f;
    auto d = retry_delays_ms(p);
    REQUIRE(d.size() == 5);
    CHECK(d.front() == 2000);
    CHECK(d.back() == 32000);
    for (size_t i = 1; i < d.size(); ++i) CHECK(d[i] >= d[i - 1]);
    by_function[f] = d;
  }
  CHECK(by_function["linear"][2] == 17000);
  CHECK(by_function["arithmetic"][2] == 9500);
  CHECK(by_function["geometric"][2] == 8000);
  CHECK(by_function["exponential"][2] < by_function["linear"][2]);
}

TEST_CASE("the schedule stops where the total retry time would pass 3,600 s") {
  HealthyRetryPolicy p;
  p.min_delay_target = 1000;
  p.max_delay_target = 1000;
  p.num_retries = 10;
  CHECK(retry_delays_ms(p) == std::vector<int64_t>{1000000, 1000000, 1000000});
}

TEST_CASE("subscription policy overrides the topic's unless the topic disables overrides") {
  const std::string topic =
      R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":1},)"
      R"("defaultRequestPolicy":{"headerContentType":"application/json"}}})";
  const std::string sub = R"({"healthyRetryPolicy":{"minDelayTarget":2,"maxDelayTarget":2,"numRetries":2}})";
  auto p = effective_http_policy(topic, sub);
  CHECK(retry_delays_ms(p.retry) == std::vector<int64_t>{2000, 2000});
  CHECK(p.content_type == "application/json");
  CHECK(retry_delays_ms(effective_http_policy(topic, "").retry) == std::vector<int64_t>{5000});

  const std::string locked =
      R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":1},)"
      R"("disableSubscriptionOverrides":true}})";
  CHECK(retry_delays_ms(effective_http_policy(locked, sub).retry) == std::vector<int64_t>{5000});
}
