// The front door's request counters (request_metrics.h): counts by service, action and status,
// the latency histogram per service, statuses beyond the counters' slots, and answers recorded
// from several threads at once.

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "request_metrics.h"

namespace common = sluice::common;

namespace {

using sluice::api::server::detail::RequestMetrics;

std::string exposition(const RequestMetrics& metrics) {
  std::string text;
  common::PrometheusText out(text);
  metrics.write(out);
  return text;
}

bool has(const std::string& text, const std::string& line) { return text.find(line) != std::string::npos; }

}  // namespace

TEST_CASE("answers are counted by service, action and status, and their latency by service") {
  RequestMetrics metrics;
  RequestMetrics::Counters& send = metrics.counters("sqs", "SendMessage");
  CHECK(&metrics.counters("sqs", "SendMessage") == &send);  // found again, not made again
  send.record(200, 0.0001);
  send.record(200, 0.002);
  send.record(400, 0.7);
  metrics.counters("sqs", "DeleteMessage").record(200, 9);  // past the last bound: +Inf only
  metrics.counters("sns", "Publish").record(200, 0.0004);
  const std::string text = exposition(metrics);
  CHECK(has(text, "sluice_requests_total{service=\"sqs\",action=\"SendMessage\",status=\"200\"} 2\n"));
  CHECK(has(text, "sluice_requests_total{service=\"sqs\",action=\"SendMessage\",status=\"400\"} 1\n"));
  CHECK(has(text, "sluice_requests_total{service=\"sqs\",action=\"DeleteMessage\",status=\"200\"} 1\n"));
  CHECK(has(text, "sluice_requests_total{service=\"sns\",action=\"Publish\",status=\"200\"} 1\n"));
  // Sorted by service, then action: DeleteMessage before SendMessage, sns before sqs.
  CHECK(text.find("action=\"DeleteMessage\"") < text.find("action=\"SendMessage\""));
  CHECK(text.find("service=\"sns\"") < text.find("service=\"sqs\""));
  CHECK(has(text, "sluice_request_duration_seconds_bucket{service=\"sqs\",le=\"0.0001\"} 1\n"));
  CHECK(has(text, "sluice_request_duration_seconds_bucket{service=\"sqs\",le=\"0.00025\"} 1\n"));
  CHECK(has(text, "sluice_request_duration_seconds_bucket{service=\"sqs\",le=\"0.0005\"} 1\n"));
  CHECK(has(text, "sluice_request_duration_seconds_bucket{service=\"sqs\",le=\"0.0025\"} 2\n"));
  CHECK(has(text, "sluice_request_duration_seconds_bucket{service=\"sqs\",le=\"1\"} 3\n"));
  CHECK(has(text, "sluice_request_duration_seconds_bucket{service=\"sqs\",le=\"5\"} 3\n"));
  CHECK(has(text, "sluice_request_duration_seconds_bucket{service=\"sqs\",le=\"+Inf\"} 4\n"));
  CHECK(has(text, "sluice_request_duration_seconds_count{service=\"sqs\"} 4\n"));
  CHECK(has(text, "sluice_request_duration_seconds_count{service=\"sns\"} 1\n"));
  CHECK(has(text, "sluice_request_duration_seconds_sum{service=\"sqs\"} 9.70"));  // 0.0001 + 0.002 + 0.7 + 9
}

TEST_CASE("an action answering more statuses than it has slots for still counts each") {
  RequestMetrics metrics;
  RequestMetrics::Counters& counters = metrics.counters("sqs", "ReceiveMessage");
  const std::vector<int> statuses = {200, 400, 403, 404, 413, 500, 501, 502, 503, 504, 429};
  for (size_t i = 0; i < statuses.size(); ++i) {
    for (size_t n = 0; n <= i; ++n) counters.record(statuses[i], 0.001);
  }
  const std::string text = exposition(metrics);
  for (size_t i = 0; i < statuses.size(); ++i) {
    CAPTURE(statuses[i]);
    CHECK(has(text, "action=\"ReceiveMessage\",status=\"" + std::to_string(statuses[i]) + "\"} " +
                        std::to_string(i + 1) + "\n"));
  }
}

TEST_CASE("answers recorded by several threads at once are all counted") {
  RequestMetrics metrics;
  RequestMetrics::Counters& counters = metrics.counters("sqs", "SendMessageBatch");
  constexpr int kThreads = 4;
  constexpr int kEach = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counters, t] {
      for (int i = 0; i < kEach; ++i) counters.record(t % 2 == 0 ? 200 : 400, 0.0001);
    });
  }
  std::string during = exposition(metrics);  // a scrape while they count reads without tearing
  for (auto& thread : threads) thread.join();
  CHECK(has(during, "sluice_requests_total"));
  const std::string text = exposition(metrics);
  CHECK(has(text, "status=\"200\"} 10000\n"));
  CHECK(has(text, "status=\"400\"} 10000\n"));
  CHECK(has(text, "sluice_request_duration_seconds_count{service=\"sqs\"} 20000\n"));
}
