// The generator checks itself before its numbers are trusted: SigV4 against AWS's published
// test suite (post-vanilla), histogram quantiles against exact ones, and the answer scanners on
// JSON (with and without spaces, escapes) and XML (entities) answers.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "common.h"
#include "histogram.h"

namespace bench_http {

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "selftest FAILED: %s\n", what);
  }
}

}  // namespace

int run_selftest() {
  // AWS SigV4 test suite, post-vanilla.
  SigV4Input in{"AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "20150830T123600Z",
                "us-east-1",
                "service",
                "POST",
                "/",
                "",
                "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n",
                "host;x-amz-date",
                ""};
  check(sigv4_authorization(in) ==
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
        "sigv4 post-vanilla");

  // Histogram: quantiles within 1/128 of the exact ones, never below.
  LatencyHistogram h;
  std::vector<int64_t> values;
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(11.0, 1.5);  // ~60 us median, long tail
  for (int i = 0; i < 100000; ++i) {
    auto v = static_cast<int64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    int64_t exact = values[static_cast<size_t>(q * static_cast<double>(values.size())) - 1];
    int64_t got = h.quantile_ns(q);
    check(got >= exact && static_cast<double>(got) <= static_cast<double>(exact) * (1 + 1.0 / 128) + 1,
          "histogram quantile within 1/128");
  }
  check(h.count() == values.size(), "histogram count");
  LatencyHistogram small;
  for (int v : {5, 5, 5, 100}) small.record(v);
  check(small.quantile_ns(0.5) == 5 && small.quantile_ns(1.0) == 100, "histogram exact below 128");

  // Scanners.
  auto handles = receipt_handles_of(
      Protocol::kJson, R"({"Messages":[{"ReceiptHandle": "a\/b+c=","Body":"x"},{"ReceiptHandle":"q\"\\r\u0041"}]})");
  check(handles.size() == 2 && handles[0] == "a/b+c=" && handles[1] == "q\"\\rA", "json receipt handles");
  auto xml = receipt_handles_of(Protocol::kQuery,
                                "<Message><ReceiptHandle>a&amp;b&#43;</ReceiptHandle></Message>"
                                "<Message><ReceiptHandle>z</ReceiptHandle></Message>");
  check(xml.size() == 2 && xml[0] == "a&b+" && xml[1] == "z", "xml receipt handles");
  check(queue_url_of(Protocol::kJson, R"({"QueueUrl":"http://h:1/123/q"})") == "http://h:1/123/q", "json queue url");
  check(queue_url_of(Protocol::kQuery, "<CreateQueueResult><QueueUrl>http://h/1/q</QueueUrl>") == "http://h/1/q",
        "xml queue url");
  check(failed_entries_of(
            Protocol::kJson,
            R"({"Successful":[],"Failed":[{"Id":"a","SenderFault":true},{"Id":"b","SenderFault":false}]})") == 2,
        "json failed entries");
  check(failed_entries_of(Protocol::kJson, R"({"Successful":[{"Id":"a"}],"Failed":[]})") == 0, "json no failures");
  check(failed_entries_of(Protocol::kQuery, "<BatchResultErrorEntry><Id>a</Id></BatchResultErrorEntry>") == 1,
        "xml failed entries");

  // Request encoding: Query goes to the queue URL's path with form encoding.
  Endpoint ep{"x", 9, Protocol::kQuery, false};
  std::string req = delete_request(ep, "http://127.0.0.1:9/123456789012/q", "a+b/c=");
  check(req.rfind("POST /123456789012/q HTTP/1.1\r\n", 0) == 0, "query request path");
  check(req.find("ReceiptHandle=a%2Bb%2Fc%3D") != std::string::npos, "query form encoding");
  Endpoint json{"x", 9, Protocol::kJson, true};
  std::string signed_req = send_request(json, "http://127.0.0.1:9/123456789012/q", "hi");
  check(signed_req.find("X-Amz-Target: AmazonSQS.SendMessage\r\n") != std::string::npos, "json target header");
  check(signed_req.find("Credential=AKIDBENCHEXAMPLE0000/") != std::string::npos &&
            signed_req.find(
                "/us-east-1/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=") !=
                std::string::npos,
        "signed json request");

  // /proc readers, on this (single-threaded) process.
  check(thread_count(::getpid()) == 1, "thread count of self");
  check(process_cpu_seconds(::getpid()) >= 0 && thread_count(-5) == -1 && process_cpu_seconds(-5) < 0,
        "cpu seconds of self, errors for a missing process");

  Endpoint parsed;
  check(parse_endpoint("moto:json:5000:signed", &parsed) && parsed.sign && parsed.port == 5000, "endpoint syntax");
  check(!parse_endpoint("moto:xml:5000", &parsed), "endpoint protocol rejected");

  if (failures == 0) std::printf("selftest passed\n");
  return failures == 0 ? 0 : 1;
}

}  // namespace bench_http
