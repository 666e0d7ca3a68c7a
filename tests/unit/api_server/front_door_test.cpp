// The front door over real loopback sockets: which service a request reaches (in the documented
// order), what its CallContext says, per-route body limits, and where Workers services run.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <future>
#include <set>
#include <thread>

#include "../http/test_client.h"
#include "sluice/api/query/query.h"
#include "sluice/api/server/server.h"
#include "sluice/audit/audit.h"

namespace common = sluice::common;

namespace {

using sluice::api::http::Request;
using sluice::api::http::ResponderPtr;
using sluice::api::http::Response;
using sluice::api::http::test::Client;
using sluice::api::http::test::ParsedResponse;
using namespace sluice::api::server;

// Answers every call with "<service>|<action>|<account>|<region>|<protocol>|<signing service>".
class RecordingService final : public Service {
 public:
  RecordingService(Routes routes, std::set<std::string, std::less<>> actions, Execution execution = Execution::Loop,
                   std::string rest_prefix = "", size_t rest_body_limit = 0)
      : routes_(routes),
        actions_(std::move(actions)),
        execution_(execution),
        rest_prefix_(std::move(rest_prefix)),
        rest_body_limit_(rest_body_limit) {}

  const Routes& routes() const override { return routes_; }
  Execution execution() const override { return execution_; }
  bool has_action(std::string_view action) const override { return actions_.count(action) != 0; }
  bool claims_rest(const Request& request) const override {
    return !rest_prefix_.empty() && request.path.rfind(rest_prefix_, 0) == 0;
  }
  std::optional<size_t> max_body_bytes(const Request& headers) const override {
    if (claims_rest(headers)) return rest_body_limit_;
    return std::nullopt;
  }
  void handle(Call call, ResponderPtr responder) override {
    last_thread = std::this_thread::get_id();
    last_source_ip = call.ctx.source_ip;
    const char* protocol = call.ctx.protocol == Protocol::Json        ? "json"
                           : call.ctx.protocol == Protocol::RpcV2Cbor ? "rpcv2"
                                                                      : "query";
    Response response;
    response.body = std::string(routes_.name) + "|" + call.action + "|" + call.ctx.account_id + "|" + call.ctx.region +
                    "|" + protocol + "|" + call.ctx.signing_service;
    responder->respond(std::move(response));
  }
  Response error_response(Protocol, const common::AwsError& error, std::string_view) const override {
    Response response;
    response.status = error.info().http_status;
    response.body = std::string(routes_.name) + " error: " + error.message;
    return response;
  }

  std::thread::id last_thread;
  std::string last_source_ip;

 private:
  Routes routes_;
  std::set<std::string, std::less<>> actions_;
  Execution execution_;
  std::string rest_prefix_;
  size_t rest_body_limit_;
};

// Named "sqs", so the audit trail records its calls: CreateQueue answers its Query result,
// DeleteQueue SQS's error for a missing queue.
class XmlQueueService final : public Service {
 public:
  const Routes& routes() const override {
    static const Routes kRoutes{"sqs", "sqs", "", "", "2012-11-05"};
    return kRoutes;
  }
  bool has_action(std::string_view action) const override { return action == "CreateQueue" || action == "DeleteQueue"; }
  void handle(Call call, ResponderPtr responder) override {
    constexpr sluice::api::query::Dialect kDialect{"http://queue.amazonaws.com/doc/2012-11-05/", "", true};
    if (call.action == "CreateQueue") {
      std::string result;
      sluice::api::query::XmlWriter(result).element("QueueUrl", "http://h/000000000000/audited");
      responder->respond(sluice::api::query::xml_response(
          call.ctx.request_id, sluice::api::query::document(call.action, result, true, call.ctx.request_id, kDialect)));
      return;
    }
    responder->respond(error_response(Protocol::Query,
                                      sluice::common::aws_error(sluice::common::AwsErrorCode::QueueDoesNotExist,
                                                                "The specified queue does not exist."),
                                      call.ctx.request_id));
  }
  Response error_response(Protocol, const common::AwsError& error, std::string_view request_id) const override {
    constexpr sluice::api::query::Dialect kDialect{"http://queue.amazonaws.com/doc/2012-11-05/", "", true};
    return sluice::api::query::error_response(error, request_id, kDialect);
  }
};

// An ApiServer with Alpha (registered first: the default) and Beta, on its own loop thread.
struct FrontDoor {
  std::shared_ptr<RecordingService> alpha =
      std::make_shared<RecordingService>(Service::Routes{"alpha", "alpha", "AlphaService", "", "2020-01-01"},
                                         std::set<std::string, std::less<>>{"Ping", "Shared"});
  std::shared_ptr<RecordingService> beta = std::make_shared<RecordingService>(
      Service::Routes{"beta", "beta", "", "BetaRpc", "2021-01-01"},
      std::set<std::string, std::less<>>{"Pong", "Shared"}, Service::Execution::Workers, "/2015-03-31/", 10'000);
  uv_loop_t loop{};
  uv_async_t stop{};
  std::unique_ptr<ApiServer> api;
  std::thread thread;
  std::thread::id loop_thread;
  std::promise<void> drained;

  explicit FrontDoor(std::vector<std::string> allowed_origins = {},
                     std::function<std::vector<std::pair<std::string, std::string>>()> health_details = {},
                     std::function<std::string()> metrics_text = {},
                     std::shared_ptr<sluice::audit::Trail> audit_trail = nullptr) {
    uv_loop_init(&loop);
    ApiOptions options;
    options.audit_trail = std::move(audit_trail);
    options.allowed_origins = std::move(allowed_origins);
    options.health_details = std::move(health_details);
    options.metrics_text = std::move(metrics_text);
    options.port = 0;
    options.worker_threads = 1;
    options.max_body_bytes = 4096;
    options.services = {alpha, beta, std::make_shared<XmlQueueService>()};
    std::string error;
    api = ApiServer::start(&loop, std::move(options), &error);
    REQUIRE_MESSAGE(api, error);
    stop.data = this;
    uv_async_init(&loop, &stop, [](uv_async_t* handle) {
      auto* self = static_cast<FrontDoor*>(handle->data);
      self->api->drain([self] {
        uv_close(reinterpret_cast<uv_handle_t*>(&self->stop), nullptr);
        self->drained.set_value();
      });
    });
    thread = std::thread([this] {
      loop_thread = std::this_thread::get_id();
      uv_run(&loop, UV_RUN_DEFAULT);
    });
  }
  ~FrontDoor() {
    auto done = drained.get_future();
    uv_async_send(&stop);
    done.wait();
    thread.join();
    api.reset();
    uv_loop_close(&loop);
  }

  ParsedResponse send(const std::string& raw) {
    Client c(api->port());
    REQUIRE(c.send(raw));
    return c.read_response();
  }
};

std::string post(const std::string& path, const std::string& body, const std::string& headers = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string form(const std::string& body, const std::string& headers = "") {
  return post("/", body, "Content-Type: application/x-www-form-urlencoded\r\n" + headers);
}

// A JSON value's text, "" when it is not a string.
std::string json_text(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string().data(), v.get_string().size()) : std::string();
}

std::string signed_by(const std::string& credential) {
  return "Authorization: AWS4-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=host, Signature=00\r\n";
}

}  // namespace

TEST_CASE("an unsigned Query request goes to the first service that knows its action") {
  FrontDoor f;
  CHECK(f.send(form("Action=Pong")).body == "beta|Pong|123456789012|us-east-1|query|");
  CHECK(f.send(form("Action=Ping")).body == "alpha|Ping|123456789012|us-east-1|query|");
  // Both have it: registration order decides.
  CHECK(f.send(form("Action=Shared")).body == "alpha|Shared|123456789012|us-east-1|query|");
  // Nobody has it: the first service answers (with its unknown-operation error, in a real one).
  CHECK(f.send(form("Action=Nope")).body == "alpha|Nope|123456789012|us-east-1|query|");
}

TEST_CASE("the Query Version picks the service before the action does") {
  FrontDoor f;
  CHECK(f.send(form("Action=Shared&Version=2021-01-01")).body.rfind("beta|Shared|", 0) == 0);
  CHECK(f.send(form("Action=Pong&Version=2020-01-01")).body.rfind("alpha|Pong|", 0) == 0);
  // An unknown Version goes to the first service.
  CHECK(f.send(form("Action=Pong&Version=1999-01-01")).body.rfind("alpha|Pong|", 0) == 0);
}

TEST_CASE("the credential scope decides first and fills account, region and signing service") {
  FrontDoor f;
  CHECK(f.send(form("Action=Ping", signed_by("111122223333/20261206/eu-west-1/beta/aws4_request"))).body ==
        "beta|Ping|111122223333|eu-west-1|query|beta");
  // A scope that names no service here falls through to the other routes; a non-numeric key
  // leaves the default account.
  CHECK(f.send(form("Action=Pong", signed_by("AKIDEXAMPLE/20261206/ap-south-1/gamma/aws4_request"))).body ==
        "beta|Pong|123456789012|ap-south-1|query|gamma");
  // The scope outranks X-Amz-Target.
  CHECK(f.send(post("/", "{}",
                    "X-Amz-Target: AlphaService.Ping\r\n" +
                        signed_by("AKIDEXAMPLE/20261206/us-west-2/beta/aws4_request")))
            .body == "beta|Ping|123456789012|us-west-2|json|beta");
  // A presigned credential in the query string counts when there is no Authorization header.
  CHECK(f.send(post("/?Action=Ping&X-Amz-Credential=444455556666%2F20261206%2Fus-east-2%2Fbeta%2Faws4_request", "",
                    "Content-Type: application/x-www-form-urlencoded\r\n"))
            .body == "beta|Ping|444455556666|us-east-2|query|beta");
}

TEST_CASE("X-Amz-Target, the RPC v2 path and REST routes each find their service") {
  FrontDoor f;
  CHECK(
      f.send(post("/", "{}", "X-Amz-Target: AlphaService.Ping\r\nContent-Type: application/x-amz-json-1.0\r\n")).body ==
      "alpha|Ping|123456789012|us-east-1|json|");
  CHECK(f.send(post("/service/BetaRpc/operation/Pong", "", "smithy-protocol: rpc-v2-cbor\r\n")).body ==
        "beta|Pong|123456789012|us-east-1|rpcv2|");
  CHECK(f.send(post("/2015-03-31/functions", "{}", "Content-Type: application/json\r\n")).body.rfind("beta||", 0) == 0);
}

TEST_CASE("a route may raise its own body limit; every other route keeps the default") {
  FrontDoor f;
  const std::string big(8000, 'x');
  CHECK(f.send(post("/2015-03-31/functions", big)).status == 200);
  ParsedResponse refused = f.send(form("Action=Ping&Pad=" + big));
  CHECK(refused.status == 413);
  CHECK(refused.body == "alpha error: Request body must be at most 4096 bytes.");
  ParsedResponse too_big_for_route = f.send(post("/2015-03-31/functions", std::string(12'000, 'y')));
  CHECK(too_big_for_route.status == 413);
  CHECK(too_big_for_route.body == "alpha error: Request body must be at most 10000 bytes.");
}

TEST_CASE("the context names the TCP peer's address (aws:SourceIp)") {
  FrontDoor f;
  REQUIRE(f.send(form("Action=Ping")).status == 200);
  CHECK(f.alpha->last_source_ip == "127.0.0.1");
  REQUIRE(f.send(form("Action=Pong")).status == 200);
  CHECK(f.beta->last_source_ip == "127.0.0.1");
}

TEST_CASE("Loop services run on the loop thread, Workers services on the pool; /health answers itself") {
  FrontDoor f;
  REQUIRE(f.send(form("Action=Ping")).status == 200);
  REQUIRE(f.send(form("Action=Pong")).status == 200);
  CHECK(f.alpha->last_thread == f.loop_thread);
  CHECK(f.beta->last_thread != f.loop_thread);
  CHECK(f.beta->last_thread != std::thread::id());
  ParsedResponse health = f.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(health.status == 200);
  CHECK(health.body == R"({"status":"ok"})");
}

TEST_CASE("/health adds the members the server's owner gives, asked anew on each request") {
  int asked = 0;
  FrontDoor f({}, [&asked] {
    ++asked;
    return std::vector<std::pair<std::string, std::string>>{{"asked", std::to_string(asked)}, {"list", "[]"}};
  });
  CHECK(f.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").body == R"({"status":"ok","asked":1,"list":[]})");
  CHECK(f.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").body == R"({"status":"ok","asked":2,"list":[]})");
}

TEST_CASE("/metrics counts answered requests by service, action and status, and adds the owner's series") {
  FrontDoor f({}, {}, [] { return std::string("# TYPE owner_series gauge\nowner_series 7\n"); });
  REQUIRE(f.send(form("Action=Ping")).status == 200);
  REQUIRE(f.send(form("Action=Ping")).status == 200);
  REQUIRE(f.send(form("Action=NoSuchThing")).status == 200);  // the default service answers it
  REQUIRE(f.send(form("Action=Pong")).status == 200);
  ParsedResponse metrics = f.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(metrics.status == 200);
  const std::string& text = metrics.body;
  auto has = [&text](const std::string& line) { return text.find(line) != std::string::npos; };
  CHECK(has("# TYPE sluice_requests_total counter\n"));
  CHECK(has("sluice_requests_total{service=\"alpha\",action=\"Ping\",status=\"200\"} 2\n"));
  // An action the service does not know is counted as "unknown": clients cannot grow the labels.
  CHECK(has("sluice_requests_total{service=\"alpha\",action=\"unknown\",status=\"200\"} 1\n"));
  CHECK_FALSE(has("NoSuchThing"));
  CHECK(has("sluice_requests_total{service=\"beta\",action=\"Pong\",status=\"200\"} 1\n"));
  CHECK(has("sluice_request_duration_seconds_bucket{service=\"alpha\",le=\"+Inf\"} 3\n"));
  CHECK(has("sluice_request_duration_seconds_count{service=\"alpha\"} 3\n"));
  CHECK(has("sluice_open_connections 1\n"));
  CHECK(has("sluice_parked_long_polls 0\n"));
  CHECK(text.ends_with("# TYPE owner_series gauge\nowner_series 7\n"));
}

TEST_CASE("drive-by requests from web pages and foreign Host names are refused before any service runs") {
  FrontDoor f({"http://localhost:3000"});
  // A page makes the browser GET a Query URL: no preflight, no signature.
  ParsedResponse drive_by = f.send(
      "GET /?Action=Pong HTTP/1.1\r\nHost: 127.0.0.1:9324\r\nOrigin: http://evil.test\r\n"
      "Sec-Fetch-Site: cross-site\r\n\r\n");
  CHECK(drive_by.status == 403);
  // Refused in the words of the service the request would have reached.
  CHECK(drive_by.body.rfind("beta error: Unsigned request from origin 'http://evil.test' refused", 0) == 0);
  CHECK(f.beta->last_thread == std::thread::id());
  CHECK(f.send(form("Action=Ping", "Sec-Fetch-Site: cross-site\r\n")).status == 403);
  // A name that resolves to us only by DNS rebinding.
  ParsedResponse rebound = f.send(
      "POST / HTTP/1.1\r\nHost: attacker.example.com:9324\r\nContent-Type: "
      "application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nAction=Ping");
  CHECK(rebound.status == 403);
  CHECK(rebound.body.find("--allow-host attacker.example.com") != std::string::npos);
  // SDK-style calls are untouched.
  CHECK(f.send(form("Action=Ping", signed_by("AKIDEXAMPLE/20261206/us-east-1/alpha/aws4_request"))).status == 200);
}

TEST_CASE("a configured origin gets its preflight answered and CORS headers on its answers") {
  FrontDoor f({"http://localhost:3000"});
  ParsedResponse preflight = f.send(
      "OPTIONS / HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://localhost:3000\r\n"
      "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: x-amz-target\r\n\r\n");
  CHECK(preflight.status == 200);
  CHECK(preflight.headers["access-control-allow-origin"] == "http://localhost:3000");
  CHECK(preflight.headers["access-control-allow-headers"] == "x-amz-target");
  ParsedResponse other = f.send(
      "OPTIONS / HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://localhost:3001\r\n"
      "Access-Control-Request-Method: POST\r\n\r\n");
  CHECK(other.status == 403);
  CHECK(other.headers.count("access-control-allow-origin") == 0);
  ParsedResponse allowed =
      f.send(form("Action=Ping", "Origin: http://localhost:3000\r\nSec-Fetch-Site: same-site\r\n"));
  CHECK(allowed.status == 200);
  CHECK(allowed.body == "alpha|Ping|123456789012|us-east-1|query|");
  CHECK(allowed.headers["access-control-allow-origin"] == "http://localhost:3000");
}

TEST_CASE("an answered call is recorded in the audit trail with its peer, parameters and answer or error") {
  sluice::audit::TrailOptions trail_options;
  std::string error;
  auto trail = sluice::audit::Trail::open(trail_options, &error);
  REQUIRE(trail);
  {
    FrontDoor f({}, {}, {}, trail);
    REQUIRE(f.send(form("Action=CreateQueue&Version=2012-11-05&QueueName=audited&X-Amz-Security-Token=secret-token",
                        "User-Agent: test-agent/1.0\r\n"))
                .status == 200);
    REQUIRE(
        f.send(form("Action=DeleteQueue&Version=2012-11-05&QueueUrl=http%3A%2F%2Fh%2F000000000000%2Fgone")).status ==
        400);
    REQUIRE(f.send(form("Action=Ping")).status == 200);  // alpha is no AWS service: not recorded
  }
  auto page = trail->lookup({});
  REQUIRE(page);
  REQUIRE(page->events.size() == 2);
  const auto deleted = boost::json::parse(page->events[0].record).as_object();
  const auto created = boost::json::parse(page->events[1].record).as_object();
  CHECK(page->events[1].event_name == "CreateQueue");
  CHECK(json_text(created.at("sourceIPAddress")) == "127.0.0.1");
  CHECK(json_text(created.at("userAgent")) == "test-agent/1.0");
  CHECK(json_text(created.at("eventSource")) == "sqs.amazonaws.com");
  CHECK(json_text(created.at("requestParameters").as_object().at("queueName")) == "audited");
  CHECK_FALSE(created.at("requestParameters").as_object().contains("x-Amz-Security-Token"));
  CHECK(page->events[1].record.find("secret-token") == std::string::npos);
  CHECK(json_text(created.at("responseElements").as_object().at("queueUrl")) == "http://h/000000000000/audited");
  CHECK(json_text(deleted.at("errorCode")) == "AWS.SimpleQueueService.NonExistentQueue");
  CHECK(json_text(deleted.at("errorMessage")) == "The specified queue does not exist.");
  CHECK(json_text(deleted.at("requestParameters").as_object().at("queueUrl")) == "http://h/000000000000/gone");
  CHECK(deleted.at("responseElements").is_null());
}
