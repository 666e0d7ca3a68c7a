#pragma once
// SQS requests as bytes on the wire, and the few fields the benchmarks read back out of answers.
//
// Requests: JSON 1.0 (POST /, X-Amz-Target: AmazonSQS.<Action>) or Query (form-encoded POST to
// the queue URL's path). With `sign` set a request carries a SigV4 signature (service sqs,
// region us-east-1, fixed dummy keys): moto routes unsigned requests elsewhere.
// Answers are scanned, not parsed into trees: the generator must stay cheap next to the server,
// and it only needs receipt handles, queue URLs and counts of entries.

#include <string>
#include <string_view>
#include <vector>

namespace bench_http {

enum class Protocol { kJson, kQuery };

struct Endpoint {
  std::string name;  // "sluice", "fauxqs", "moto"
  int port = 0;
  Protocol protocol = Protocol::kJson;
  bool sign = false;
};

std::string protocol_name(Protocol protocol);

// One SendMessageBatch entry body is `body`; ids are m0..m9.
std::string create_queue_request(const Endpoint& ep, const std::string& queue_name);
std::string list_queues_request(const Endpoint& ep);
std::string send_batch_request(const Endpoint& ep, const std::string& queue_url, int count, const std::string& body);
std::string send_request(const Endpoint& ep, const std::string& queue_url, const std::string& body);
std::string receive_request(const Endpoint& ep, const std::string& queue_url, int max_messages, int wait_seconds);
std::string delete_batch_request(const Endpoint& ep, const std::string& queue_url,
                                 const std::vector<std::string>& receipt_handles);
std::string delete_request(const Endpoint& ep, const std::string& queue_url, const std::string& receipt_handle);

// Scanning answers (JSON or XML by protocol).
std::string queue_url_of(Protocol protocol, std::string_view body);  // "" if absent
std::vector<std::string> receipt_handles_of(Protocol protocol, std::string_view body);
// Entries in a batch answer's failure list (each failed entry carries SenderFault).
int failed_entries_of(Protocol protocol, std::string_view body);

// The SigV4 Authorization header value. canonical_headers: "name:value\n" lines, lowercase
// names, sorted; signed_headers: their names joined by ';'. Exposed for the self-check against
// AWS's published test suite.
struct SigV4Input {
  std::string_view access_key, secret_key, amz_date /* 20150830T123600Z */, region, service;
  std::string_view method, path, query, canonical_headers, signed_headers, payload;
};
std::string sigv4_authorization(const SigV4Input& in);

}  // namespace bench_http
