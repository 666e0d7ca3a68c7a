// ApiServer: the SQS HTTP service. Routes GET /health, then decodes the request's protocol
// (wire.h), runs the action on the loop thread and answers in the same protocol: the hot actions
// through hot_path.h, the rest through SqsActions, ReceiveMessage through the PollParker so long
// polls wait without a thread. Engine calls do not wait for their commit here (DeferDurability);
// answers that report a change wait in DurableAnswers instead. Other Query services (SNS) run on
// the worker pool, whose threads may block on their own stores.

#include <memory>

#include "durable_answers.h"
#include "hot_path.h"
#include "long_poll.h"
#include "sluice/common/crypto.h"
#include "sqs_api.h"
#include "wire.h"
#include "worker_pool.h"

namespace sluice::api::sqs {
namespace {

using detail::WireRequest;

class ApiServerImpl final : public ApiServer {
 public:
  ApiServerImpl(sluice::sqs::Engine& engine, ApiOptions options)
      : options_(std::move(options)), engine_(engine), actions_(engine) {
    if (!options_.clock) options_.clock = system_clock();
    defaults_.account_id = options_.account_id;
    defaults_.region = options_.region;
    defaults_.base_url = options_.public_base_url;
  }

  ~ApiServerImpl() override {
    // Workers first (they post to the server), then the held answers (sent through the server),
    // then every watch, then the server.
    pool_.reset();
    durable_.reset();
    parker_.reset();
    server_.reset();
  }

  int init(uv_loop_t* loop) {
    http::ServerOptions server_options;
    server_options.host = options_.host;
    server_options.port = options_.port;
    server_options.max_body_bytes = options_.max_body_bytes;
    server_options.on_too_large = [this](const http::Request& headers) {
      return detail::render_error(
          detail::protocol_of(headers),
          aws_error(AwsErrorCode::RequestEntityTooLarge,
                    "Request body must be at most " + std::to_string(options_.max_body_bytes) + " bytes."),
          uuid4());
    };
    server_options.on_drain = [this] {
      if (parker_) parker_->drain();
    };
    server_ = http::Server::create(loop, std::move(server_options),
                                   [this](http::Request&& request, http::ResponderPtr responder) {
                                     handle(std::move(request), std::move(responder));
                                   });
    pool_ = std::make_unique<detail::WorkerPool>(options_.worker_threads);
    durable_ = std::make_unique<detail::DurableAnswers>(engine_);
    parker_ = std::make_unique<detail::PollParker>(*server_, actions_, options_.clock);
    return server_->listen();
  }

  int port() const override { return server_->port(); }

  void drain(std::function<void()> done) override { server_->drain(std::move(done)); }

  size_t parked_polls() const override { return parker_ ? parker_->size() : 0; }

 private:
  void handle(http::Request&& request, http::ResponderPtr responder) {
    if (request.path == "/health" && (request.method == "GET" || request.method == "HEAD")) {
      http::Response response;
      response.headers.emplace_back("Content-Type", "application/json");
      response.body = R"({"status":"ok"})";
      responder->respond(std::move(response));
      return;
    }
    if (request.method == "GET" && request.path != "/") {
      for (const auto& service : options_.query_services) {
        if (auto answer = service->get(request)) {
          responder->respond(std::move(*answer));
          return;
        }
      }
    }
    const detail::Protocol protocol = detail::protocol_of(request);
    // SQS actions run here, on the loop thread: engine calls log their changes and return, and an
    // answer that reports a change waits in durable_ for its commit (durable_answers.h).
    sluice::sqs::DeferDurability deferral;
    responder = detail::deferring_responder(std::move(responder), *durable_, protocol);
    if (protocol == detail::Protocol::Json) {
      if (auto answer = detail::try_hot_path(engine_, request, defaults_)) {
        responder->respond(std::move(*answer));
        return;
      }
    }
    std::optional<AwsError> error;
    std::optional<detail::QueryForm> form;
    if (protocol == detail::Protocol::Query) {
      form = detail::decode_query_form(request, defaults_, &error);
      if (!error) {
        for (const auto& service : options_.query_services) {
          if (service->claims(form->action, form->version, form->signing_service)) {
            auto shared = std::make_shared<detail::QueryForm>(std::move(*form));
            pool_->submit([service, shared, responder] {
              responder->respond(service->handle(shared->params, shared->ctx, shared->request_id));
            });
            return;
          }
        }
        if (auto answer = detail::try_query_hot_path(engine_, *form)) {
          responder->respond(std::move(*answer));
          return;
        }
      }
    }
    // Initialized, not assigned: assigning would copy the input out of its request storage.
    WireRequest wire = form ? detail::sqs_request_from_form(std::move(*form), &error)
                            : detail::decode_request(request, defaults_, &error);
    if (error) {
      responder->respond(detail::render_error(wire.protocol, *error, wire.request_id));
      return;
    }
    if (wire.action == "ReceiveMessage") {
      parker_->start(std::make_shared<WireRequest>(std::move(wire)), std::move(responder));
      return;
    }
    run(wire, *responder);
  }

  void run(const WireRequest& wire, http::Responder& responder) {
    http::Response response;
    try {
      auto result = actions_.call(wire.action, wire.input, wire.ctx);
      response = result ? detail::render_result(wire, *result)
                        : detail::render_error(wire.protocol, result.error(), wire.request_id);
    } catch (const std::exception& e) {
      response =
          detail::render_error(wire.protocol, aws_error(AwsErrorCode::InternalFailure, e.what()), wire.request_id);
    }
    responder.respond(std::move(response));
  }

  ApiOptions options_;
  sluice::sqs::Engine& engine_;
  detail::ContextDefaults defaults_;
  SqsActions actions_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<detail::PollParker> parker_;
  std::unique_ptr<detail::WorkerPool> pool_;  // other Query services
  std::unique_ptr<detail::DurableAnswers> durable_;
};

}  // namespace

std::unique_ptr<ApiServer> ApiServer::start(uv_loop_t* loop, sluice::sqs::Engine& engine, ApiOptions options,
                                            std::string* error) {
  auto server = std::make_unique<ApiServerImpl>(engine, std::move(options));
  int rc = server->init(loop);
  if (rc != 0) {
    if (error != nullptr) *error = std::string("cannot listen: ") + uv_strerror(rc);
    return nullptr;
  }
  return server;
}

}  // namespace sluice::api::sqs
