// ApiServer: the front door (see server.h for the routing order). It decodes what routing needs
// (the protocol, the credential scope, the Query form, X-Amz-Target), builds the CallContext, and
// hands the Call to the service that claims it: on the thread of the loop the request arrived on
// for Loop services, in its lane of the shared worker pool for Workers services. The loops and
// their HTTP servers are FrontDoorLoops' (front_door_loops.h).

#include <chrono>
#include <cstdio>
#include <memory>

#include "audit_capture.h"
#include "authenticator.h"
#include "authorizer.h"
#include "call_context.h"
#include "content_encoding.h"
#include "front_door_loops.h"
#include "request_metrics.h"
#include "request_policy.h"
#include "sluice/api/server/server.h"
#include "sluice/common/crypto.h"
#include "sluice/common/json_escape.h"
#include "sluice/common/prometheus_text.h"

namespace sluice::api::server {
namespace {

// Adds the CORS headers for an allowed origin to whatever the service answers.
class CorsResponder final : public http::Responder {
 public:
  CorsResponder(http::ResponderPtr inner, std::string origin) : inner_(std::move(inner)), origin_(std::move(origin)) {}
  void respond(http::Response response) override {
    detail::add_cors_headers(response, origin_);
    inner_->respond(std::move(response));
  }
  http::BodyStreamPtr respond_stream(http::Response head) override {
    detail::add_cors_headers(head, origin_);
    return inner_->respond_stream(std::move(head));
  }
  void on_cancel(std::function<void()> cancelled) override { inner_->on_cancel(std::move(cancelled)); }

 private:
  http::ResponderPtr inner_;
  std::string origin_;
};

// Turns the XML answers of a Query request that asked for JSON into their JSON form.
class QueryJsonResponder final : public http::Responder {
 public:
  QueryJsonResponder(http::ResponderPtr inner, query::FlattenedNames flattened)
      : inner_(std::move(inner)), flattened_(flattened) {}
  void respond(http::Response response) override {
    query::answer_in_json(response, flattened_);
    inner_->respond(std::move(response));
  }
  // A streamed answer is no Query document: it passes as it is.
  http::BodyStreamPtr respond_stream(http::Response head) override { return inner_->respond_stream(std::move(head)); }
  void on_cancel(std::function<void()> cancelled) override { inner_->on_cancel(std::move(cancelled)); }

 private:
  http::ResponderPtr inner_;
  query::FlattenedNames flattened_;
};

// Counts the answer it passes on, with its status and the time since the request arrived. The
// counters live as long as the server's RequestMetrics, which `metrics` keeps alive.
class MeteredResponder final : public http::Responder {
 public:
  MeteredResponder(http::ResponderPtr inner, std::shared_ptr<const detail::RequestMetrics> metrics,
                   detail::RequestMetrics::Counters& counters, std::chrono::steady_clock::time_point arrived)
      : inner_(std::move(inner)), metrics_(std::move(metrics)), counters_(counters), arrived_(arrived) {}
  void respond(http::Response response) override {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - arrived_;
    counters_.record(response.status, elapsed.count());
    inner_->respond(std::move(response));
  }
  // A streamed answer counts when its head goes out (its latency is the time to the first byte).
  http::BodyStreamPtr respond_stream(http::Response head) override {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - arrived_;
    counters_.record(head.status, elapsed.count());
    return inner_->respond_stream(std::move(head));
  }
  void on_cancel(std::function<void()> cancelled) override { inner_->on_cancel(std::move(cancelled)); }

 private:
  http::ResponderPtr inner_;
  std::shared_ptr<const detail::RequestMetrics> metrics_;
  detail::RequestMetrics::Counters& counters_;
  std::chrono::steady_clock::time_point arrived_;
};

class ApiServerImpl final : public ApiServer, public ServiceHost {
 public:
  explicit ApiServerImpl(ApiOptions options) : options_(std::move(options)) {
    if (!options_.clock) options_.clock = common::system_clock();
    defaults_ = {options_.account_id, options_.region, options_.public_base_url};
    policy_ = detail::make_request_policy(options_);
    detail::AuthOptions auth;
    auth.mode = options_.auth;
    auth.directory = options_.identities;
    auth.clock = options_.clock;
    auth.wall_clock = options_.wall_clock;
    auth.audit_log = options_.audit_log;
    auth.account_id = options_.account_id;
    if (!auth.audit_log) {
      auth.audit_log = [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
      };
    }
    detail::AuthorizerOptions authorization;
    authorization.mode = options_.auth;
    authorization.directory = options_.identities;
    authorization.policies = options_.policies;
    authorization.wall_clock = options_.wall_clock;
    authorization.audit_log = auth.audit_log;
    authenticator_ = std::make_unique<detail::Authenticator>(std::move(auth));
    authorizer_ = std::make_unique<detail::Authorizer>(std::move(authorization));
  }

  ~ApiServerImpl() override {
    // Workers first (they answer through the server), then what the services hold on the server,
    // then the server.
    workers_.reset();
    if (loops_) loops_->stop();  // no loop thread runs a call from here on
    if (attached_) {
      for (const auto& service : options_.services) service->detach();
    }
    loops_.reset();
  }

  int init(uv_loop_t* loop) {
    loops_ = std::make_unique<detail::FrontDoorLoops>(
        loop, options_.loops,
        [this](size_t on_loop, http::Request&& request, http::ResponderPtr responder) {
          handle(on_loop, std::move(request), std::move(responder));
        },
        [this](size_t on_loop) {
          for (const auto& service : options_.services) service->drain(on_loop);
        });
    http::ServerOptions server_options;
    server_options.host = options_.host;
    server_options.port = options_.port;
    server_options.max_body_bytes = options_.max_body_bytes;
    server_options.tls = options_.tls;
    server_options.body_limit = [this](const http::Request& headers) { return body_limit(headers); };
    server_options.on_too_large = [this](const http::Request& headers) {
      const size_t limit = body_limit(headers);
      return default_service().error_response(
          protocol_of(headers),
          common::aws_error(common::AwsErrorCode::RequestEntityTooLarge,
                            "Request body must be at most " + std::to_string(limit) + " bytes."),
          common::uuid4());
    };
    if (int rc = loops_->open(std::move(server_options)); rc != 0) return rc;
    if (options_.worker_threads > 0) {
      if (!options_.work_pool) options_.work_pool = common::WorkPool::create();
      workers_ = options_.work_pool->lane("api", static_cast<size_t>(options_.worker_threads));
    }
    for (const auto& service : options_.services) service->attach(*this);
    attached_ = true;
    return loops_->listen();
  }

  // ServiceHost
  size_t loops() const override { return loops_->size(); }
  http::Server& http(size_t loop) override { return loops_->server(loop); }
  const std::shared_ptr<common::Clock>& clock() const override { return options_.clock; }

  // ApiServer
  int port() const override { return loops_->port(); }
  void drain(std::function<void()> done) override { loops_->drain(std::move(done)); }
  size_t open_connections(size_t loop) const override { return loops_->open_connections(loop); }
  size_t parked_calls() const override {
    size_t n = 0;
    for (const auto& service : options_.services) n += service->parked_calls();
    return n;
  }

 private:
  Service& default_service() const { return *options_.services.front(); }

  // {"status":"ok"} and the members the server's owner adds (ApiOptions::health_details).
  std::string health_body() const {
    std::string body = R"({"status":"ok")";
    if (options_.health_details) {
      for (const auto& [name, value] : options_.health_details()) {
        body += ',';
        common::append_json_string(body, name);
        body += ':';
        body += value;
      }
    }
    body += '}';
    return body;
  }

  size_t body_limit(const http::Request& headers) const {
    // Only routes a service claims by their headers can raise the limit: the form is not read yet.
    for (const auto& service : options_.services) {
      if (auto limit = service->max_body_bytes(headers)) return *limit;
    }
    return options_.max_body_bytes;
  }

  // On loop `loop`'s thread.
  void handle(size_t loop, http::Request&& request, http::ResponderPtr responder) {
    const auto arrived = std::chrono::steady_clock::now();
    if (request.path == "/health" && (request.method == "GET" || request.method == "HEAD")) {
      http::Response response;
      response.headers.emplace_back("Content-Type", "application/json");
      response.body = health_body();
      responder->respond(std::move(response));
      return;
    }
    const detail::PolicyDecision decision = detail::check_request(policy_, request);
    switch (decision.verdict) {
      case detail::PolicyDecision::Verdict::kRefuse:
        refuse(std::move(request), decision.reason, responder);
        return;
      case detail::PolicyDecision::Verdict::kPreflight:
        responder->respond(detail::preflight_response(request, decision.cors_origin));
        return;
      case detail::PolicyDecision::Verdict::kPass:
        break;
    }
    if (!decision.cors_origin.empty()) {
      responder = std::make_shared<CorsResponder>(std::move(responder), decision.cors_origin);
    }
    if (request.method == "GET" && request.path == "/metrics") {
      serve_metrics(std::move(responder));
      return;
    }
    if (request.method == "GET" && request.path != "/") {
      for (const auto& service : options_.services) {
        if (auto answer = service->get(request)) {
          responder->respond(std::move(*answer));
          return;
        }
      }
    }
    std::string sent_sha256;
    // Only a compressed body needs its route's limit, which every service is asked for.
    if (request.header("content-encoding") != nullptr) {
      if (auto refusal = detail::decode_content_encoding(request, body_limit(request), &sent_sha256)) {
        responder->respond(default_service().error_response(protocol_of(request), *refusal, common::uuid4()));
        return;
      }
    }
    Call call = decode_call(std::move(request), defaults_);
    call.loop = loop;
    Service& service = route(call);
    const bool known_action = service.has_action(call.action);
    responder = std::make_shared<MeteredResponder>(
        std::move(responder), metrics_,
        metrics_->counters(service.routes().name, known_action ? std::string_view(call.action) : "unknown"), arrived);
    if (call.ctx.protocol == Protocol::Query && query::wants_json(call.request)) {
      responder = std::make_shared<QueryJsonResponder>(std::move(responder), service.query_flattened_names());
    }
    if (auto refusal = authenticator_->authenticate(call, service.is_unsigned(call.action), sent_sha256)) {
      responder->respond(service.error_response(call.ctx.protocol, *refusal, call.ctx.request_id));
      return;
    }
    if (options_.audit_trail) responder = audited(std::move(responder), service, call, known_action);
    // A Workers service's authorization runs in its lane too: naming its resource may wait on the
    // service's own locks (a topic's policy, a function's), which the loop must never do.
    if (service.execution() == Service::Execution::Workers && workers_) {
      auto shared = std::make_shared<Call>(std::move(call));
      Service* target = &service;
      workers_->submit([this, target, shared, responder] {
        if (authorized(*target, *shared, responder)) target->handle(std::move(*shared), responder);
      });
      return;
    }
    if (authorized(service, call, responder)) service.handle(std::move(call), std::move(responder));
  }

  // With --auth audit|enforce: true when the call may go on; otherwise the service's AccessDenied
  // has been answered. Thread-safe (the authorizer locks what it caches).
  bool authorized(const Service& service, const Call& call, const http::ResponderPtr& responder) const {
    if (options_.auth == identity::AuthMode::Off) return true;
    auto target = service.authorization(call);
    if (!target) return true;
    auto refusal = authorizer_->authorize(call, *target);
    if (!refusal) return true;
    responder->respond(service.error_response(call.ctx.protocol, *refusal, call.ctx.request_id));
    return false;
  }

  // The responder that records the call in the audit trail, or `responder` itself when the trail
  // does not record this operation.
  // known_action: service.has_action(call.action). A call that is not a REST route is named by its
  // action, so what the trail leaves out (data events by default) is settled before any copy.
  http::ResponderPtr audited(http::ResponderPtr responder, const Service& service, const Call& call,
                             bool known_action) const {
    const bool rest = service.claims_rest(call.request);
    const std::string_view name = service.routes().name;
    if (!rest && (!known_action || !options_.audit_trail->records(name, call.action))) return responder;
    std::string operation = service.operation_name(call);
    if (operation.empty() || (!rest && !service.has_action(operation))) return responder;
    if (!options_.audit_trail->records(name, operation)) return responder;
    const query::ActionSpec* spec = rest ? nullptr : service.query_action_spec(operation);
    return detail::audit_responder(std::move(responder), options_.audit_trail, call, std::string(name),
                                   std::move(operation), rest, spec);
  }

  // GET /metrics: what only the loop thread may read is read here; the text is built in the
  // workers' lane, so a scrape of many queues does not hold up the loop.
  void serve_metrics(http::ResponderPtr responder) {
    const auto open = static_cast<double>(loops_->open_connections());
    const auto parked = static_cast<double>(parked_calls());
    auto build = [metrics = metrics_, extra = options_.metrics_text, open, parked, responder] {
      http::Response response;
      response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      common::PrometheusText out(response.body);
      metrics->write(out);
      out.family("sluice_open_connections", "gauge", "HTTP connections open.");
      out.sample("sluice_open_connections", common::PrometheusLabels{}, open);
      out.family("sluice_parked_long_polls", "gauge", "Requests parked by a service (SQS long polls).");
      out.sample("sluice_parked_long_polls", common::PrometheusLabels{}, parked);
      if (extra) response.body += extra();
      responder->respond(std::move(response));
    };
    if (workers_) {
      workers_->submit(std::move(build));
    } else {
      build();
    }
  }

  // AccessDenied from the service the request would have reached, in the protocol it spoke.
  void refuse(http::Request&& request, const std::string& reason, const http::ResponderPtr& responder) const {
    Call call = decode_call(std::move(request), defaults_);
    const Service& service = route(call);
    responder->respond(service.error_response(
        call.ctx.protocol, common::aws_error(common::AwsErrorCode::AccessDenied, reason), call.ctx.request_id));
  }

  Service& route(const Call& call) const {
    const CallContext& ctx = call.ctx;
    const auto& services = options_.services;
    if (!ctx.signing_service.empty()) {
      for (const auto& s : services) {
        if (s->routes().signing_name == ctx.signing_service) return *s;
      }
    }
    if (const std::string* target = call.request.header("x-amz-target")) {
      std::string_view prefix = std::string_view(*target).substr(0, target->rfind('.'));
      for (const auto& s : services) {
        if (!s->routes().json_target_prefix.empty() && s->routes().json_target_prefix == prefix) return *s;
      }
    }
    if (std::string_view name = detail::rpc_v2_service(call.request.path); !name.empty()) {
      for (const auto& s : services) {
        if (s->routes().rpc_v2_name == name) return *s;
      }
    }
    for (const auto& s : services) {
      if (s->claims_rest(call.request)) return *s;
    }
    if (ctx.protocol == Protocol::Query) {
      std::string_view version = detail::form_value(call.form.params(), "Version");
      if (!version.empty()) {
        for (const auto& s : services) {
          if (s->routes().query_version == version) return *s;
        }
        return default_service();
      }
      for (const auto& s : services) {
        if (s->has_action(call.action)) return *s;
      }
    }
    return default_service();
  }

  ApiOptions options_;
  CallDefaults defaults_;
  detail::RequestPolicy policy_;
  std::unique_ptr<detail::Authenticator> authenticator_;
  std::unique_ptr<detail::Authorizer> authorizer_;
  std::unique_ptr<detail::FrontDoorLoops> loops_;  // the HTTP servers, one per loop
  bool attached_ = false;                          // the services were attached (and are detached at the end)
  std::unique_ptr<common::WorkLane> workers_;      // Workers services' calls; null: they run on the loop thread
  // Its counters are looked up on the loop threads (handle()) and written to by any thread.
  const std::shared_ptr<detail::RequestMetrics> metrics_ = std::make_shared<detail::RequestMetrics>();
};

}  // namespace

std::unique_ptr<ApiServer> ApiServer::start(uv_loop_t* loop, ApiOptions options, std::string* error) {
  if (options.services.empty()) {
    if (error != nullptr) *error = "no service to serve";
    return nullptr;
  }
  auto server = std::make_unique<ApiServerImpl>(std::move(options));
  int rc = server->init(loop);
  if (rc != 0) {
    if (error != nullptr) *error = std::string("cannot listen: ") + uv_strerror(rc);
    return nullptr;
  }
  return server;
}

}  // namespace sluice::api::server
