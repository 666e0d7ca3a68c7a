// The front door's browser policy as a table: which requests pass, which are preflights, which
// are refused, for which Host names, origins, Sec-Fetch-Site values and signatures.

#include <doctest/doctest.h>

#include "request_policy.h"

namespace {

using sluice::api::http::Request;
using sluice::api::server::ApiOptions;
using namespace sluice::api::server::detail;
using Verdict = PolicyDecision::Verdict;

constexpr const char* kSigned =
    "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00";

struct Row {
  const char* what;
  const char* method;
  std::vector<std::pair<std::string, std::string>> headers;  // lowercase names
  Verdict verdict;
  const char* cors_origin;  // expected cors_origin ("" = none)
  const char* query = "";   // the request's query string
};

RequestPolicy policy() {
  ApiOptions options;
  options.host = "127.0.0.1";
  options.public_base_url = "http://sqs.example.test:9324";
  options.allowed_origins = {"http://localhost:3000/", "HTTPS://App.Example.Test"};
  options.allowed_hosts = {"sluice.internal.test"};
  return make_request_policy(options);
}

}  // namespace

TEST_CASE("the browser policy table") {
  const RequestPolicy p = policy();
  const std::vector<Row> rows = {
      // SDKs and the CLI: signed, no Origin, no Sec-Fetch-*.
      {"signed SDK call", "POST", {{"host", "127.0.0.1:9324"}, {"authorization", kSigned}}, Verdict::kPass, ""},
      {"unsigned raw call", "POST", {{"host", "localhost:9324"}}, Verdict::kPass, ""},
      {"no Host at all (HTTP/1.0)", "GET", {}, Verdict::kPass, ""},
      // Host names.
      {"IPv6 loopback", "POST", {{"host", "[::1]:9324"}}, Verdict::kPass, ""},
      {"any IP literal", "POST", {{"host", "10.1.2.3:9324"}}, Verdict::kPass, ""},
      {"single-label name (a container)", "POST", {{"host", "sluice:9324"}}, Verdict::kPass, ""},
      {"name under .localhost", "POST", {{"host", "queues.localhost:9324"}}, Verdict::kPass, ""},
      {"trailing-dot localhost", "POST", {{"host", "LOCALHOST.:9324"}}, Verdict::kPass, ""},
      {"public URL's host", "POST", {{"host", "sqs.example.test:9324"}}, Verdict::kPass, ""},
      {"--allow-host name", "POST", {{"host", "Sluice.Internal.Test"}}, Verdict::kPass, ""},
      {"DNS rebinding: foreign name", "POST", {{"host", "attacker.example.com:9324"}}, Verdict::kRefuse, ""},
      {"foreign name even when signed",
       "POST",
       {{"host", "attacker.example.com"}, {"authorization", kSigned}},
       Verdict::kRefuse,
       ""},
      {"look-alike of .localhost", "POST", {{"host", "evil-localhost.com"}}, Verdict::kRefuse, ""},
      // Drive-by requests from web pages.
      {"form post from a foreign page",
       "POST",
       {{"host", "127.0.0.1:9324"},
        {"origin", "https://attacker.example.com"},
        {"content-type", "application/x-www-form-urlencoded"}},
       Verdict::kRefuse,
       ""},
      {"text/plain post from a foreign page",
       "POST",
       {{"host", "127.0.0.1:9324"}, {"origin", "http://evil.test"}, {"content-type", "text/plain"}},
       Verdict::kRefuse,
       ""},
      {"opaque origin (sandboxed page, file:)",
       "POST",
       {{"host", "127.0.0.1"}, {"origin", "null"}},
       Verdict::kRefuse,
       ""},
      {"<img> GET: no Origin, cross-site fetch",
       "GET",
       {{"host", "127.0.0.1:9324"}, {"sec-fetch-site", "cross-site"}},
       Verdict::kRefuse,
       ""},
      {"same-site is still another site",
       "GET",
       {{"host", "localhost"}, {"sec-fetch-site", "same-site"}},
       Verdict::kRefuse,
       ""},
      {"a typed URL (Sec-Fetch-Site: none)",
       "GET",
       {{"host", "localhost"}, {"sec-fetch-site", "none"}},
       Verdict::kPass,
       ""},
      {"the server's own origin",
       "POST",
       {{"host", "localhost:9324"}, {"origin", "http://localhost:9324"}, {"sec-fetch-site", "same-origin"}},
       Verdict::kPass,
       ""},
      {"presigned credential does not exempt a drive-by",
       "GET",
       {{"host", "127.0.0.1"}, {"sec-fetch-site", "cross-site"}},
       Verdict::kRefuse,
       "",
       "Action=PurgeQueue&X-Amz-Credential=AKID%2F20261206%2Fus-east-1%2Fsqs%2Faws4_request"},
      {"signed request with a foreign Origin (only after a preflight we refuse)",
       "POST",
       {{"host", "127.0.0.1"}, {"origin", "http://evil.test"}, {"authorization", kSigned}},
       Verdict::kPass,
       ""},
      // Configured origins.
      {"configured origin, cross-site",
       "POST",
       {{"host", "127.0.0.1:9324"}, {"origin", "http://localhost:3000"}, {"sec-fetch-site", "same-site"}},
       Verdict::kPass,
       "http://localhost:3000"},
      {"configured origin, written in capitals",
       "POST",
       {{"host", "127.0.0.1"}, {"origin", "https://app.example.test"}},
       Verdict::kPass,
       "https://app.example.test"},
      // Preflights.
      {"preflight from a configured origin",
       "OPTIONS",
       {{"host", "127.0.0.1"}, {"origin", "http://localhost:3000"}, {"access-control-request-method", "POST"}},
       Verdict::kPreflight,
       "http://localhost:3000"},
      {"preflight from another origin",
       "OPTIONS",
       {{"host", "127.0.0.1"}, {"origin", "http://localhost:3001"}, {"access-control-request-method", "POST"}},
       Verdict::kRefuse,
       ""},
      {"preflight without Origin",
       "OPTIONS",
       {{"host", "127.0.0.1"}, {"access-control-request-method", "POST"}},
       Verdict::kRefuse,
       ""},
  };
  for (const Row& row : rows) {
    CAPTURE(row.what);
    Request request;
    request.method = row.method;
    request.path = "/";
    request.query = row.query;
    request.headers = row.headers;
    const PolicyDecision decision = check_request(p, request);
    CHECK(decision.verdict == row.verdict);
    CHECK(decision.cors_origin == row.cors_origin);
    CHECK(decision.reason.empty() == (row.verdict != Verdict::kRefuse));
  }
}

TEST_CASE("host_of takes the host out of a Host value or authority") {
  CHECK(host_of("Example.COM:9324") == "example.com");
  CHECK(host_of("[::1]:9324") == "[::1]");
  CHECK(host_of("localhost.") == "localhost");
  CHECK(host_of("127.0.0.1") == "127.0.0.1");
  CHECK(host_of("") == "");
}

TEST_CASE("a preflight answer and an allowed answer carry the CORS headers a browser needs") {
  Request request;
  request.method = "OPTIONS";
  request.headers = {{"access-control-request-headers", "authorization,x-amz-target"}};
  auto header = [](const sluice::api::http::Response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string("<none>");
  };
  const auto preflight = preflight_response(request, "http://localhost:3000");
  CHECK(preflight.status == 200);
  CHECK(header(preflight, "Access-Control-Allow-Origin") == "http://localhost:3000");
  CHECK(header(preflight, "Access-Control-Allow-Headers") == "authorization,x-amz-target");
  CHECK(header(preflight, "Access-Control-Allow-Methods") == "GET, POST");
  sluice::api::http::Response answer;
  add_cors_headers(answer, "http://localhost:3000");
  CHECK(header(answer, "Access-Control-Allow-Origin") == "http://localhost:3000");
  CHECK(header(answer, "Vary") == "Origin");
}
