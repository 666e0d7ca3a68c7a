// The SQS service (see sqs_service.h): the message actions through their typed codecs
// (message_actions.h), ReceiveMessage through the PollParker, the queue-management actions through
// SqsActions over a JSON-protocol tree, every answer through DurableAnswers.

#include "sluice/api/sqs_wire/sqs_service.h"

#include <memory>

#include "authorization.h"
#include "long_poll.h"
#include "message_actions.h"
#include "sluice/api/server/durable_answers.h"
#include "sluice/common/crypto.h"
#include "sqs_api.h"
#include "sqs_shapes.h"
#include "wire.h"

namespace sluice::api::sqs_wire {
namespace {

using detail::WireRequest;

constexpr server::Service::Routes kRoutes{"sqs", "sqs", "AmazonSQS", "", "2012-11-05"};

uint64_t current_ticket() {
  const sluice::sqs::DeferDurability* deferral = sluice::sqs::DeferDurability::current();
  return deferral == nullptr ? 0 : deferral->ticket();
}

class SqsService final : public server::Service {
 public:
  explicit SqsService(sluice::sqs::Engine& engine) : engine_(engine), actions_(engine) {}

  const Routes& routes() const override { return kRoutes; }
  bool has_action(std::string_view action) const override { return SqsActions::is_action(action); }

  void attach(server::ServiceHost& host) override {
    durable_ =
        std::make_unique<server::DurableAnswers>([this](uint64_t ticket) { return engine_.wait_durable(ticket); },
                                                 [](server::Protocol protocol, const AwsError& error) {
                                                   return detail::render_error(protocol, error, uuid4());
                                                 });
    parker_ = std::make_unique<detail::PollParker>(host.http(), engine_, host.clock());
  }

  void detach() override {
    // Held answers go out through the server, then every watch and timer is released.
    durable_.reset();
    parker_.reset();
  }

  http::Response error_response(server::Protocol protocol, const AwsError& error,
                                std::string_view request_id) const override {
    return detail::render_error(protocol, error, request_id);
  }

  std::optional<server::AuthorizationTarget> authorization(const server::Call& call) const override {
    return detail::authorization_target(engine_, call);
  }

  query::FlattenedNames query_flattened_names() const override { return detail::flattened_result_names(); }

  void drain() override {
    if (parker_) parker_->drain();
  }
  size_t parked_calls() const override { return parker_ ? parker_->size() : 0; }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const server::Protocol protocol = call.ctx.protocol;
    // Engine calls log their changes and return; an answer that reports a change waits in
    // durable_ for its commit.
    sluice::sqs::DeferDurability deferral;
    responder = server::deferring_responder(std::move(responder), *durable_, protocol, current_ticket);
    if (auto unknown = detail::unknown_operation_at_queue_url(call)) {
      responder->respond(std::move(*unknown));
      return;
    }
    auto action = detail::call_action(call);
    if (!action) {
      responder->respond(detail::render_error(protocol, action.error(), call.ctx.request_id));
      return;
    }
    if (auto message = detail::message_action(*action)) {
      detail::MessageOutcome outcome = detail::run_message_action(engine_, *message, call);
      if (outcome.receive) {
        parker_->start(std::move(*outcome.receive), std::move(responder));
      } else {
        responder->respond(std::move(*outcome.answer));
      }
      return;
    }
    std::optional<AwsError> error;
    // Initialized, not assigned: assigning would copy the input out of its request storage.
    WireRequest wire = detail::decode_request(std::move(call), &error);
    if (error) {
      responder->respond(detail::render_error(wire.protocol, *error, wire.request_id));
      return;
    }
    http::Response response;
    try {
      auto result = actions_.call(wire.action, wire.input, wire.ctx);
      response = result ? detail::render_result(wire, *result)
                        : detail::render_error(wire.protocol, result.error(), wire.request_id);
    } catch (const std::exception& e) {
      response =
          detail::render_error(wire.protocol, aws_error(AwsErrorCode::InternalFailure, e.what()), wire.request_id);
    }
    responder->respond(std::move(response));
  }

 private:
  sluice::sqs::Engine& engine_;
  SqsActions actions_;
  std::unique_ptr<server::DurableAnswers> durable_;  // from attach() to detach()
  std::unique_ptr<detail::PollParker> parker_;       // from attach() to detach()
};

}  // namespace

std::shared_ptr<server::Service> make_sqs_service(sluice::sqs::Engine& engine) {
  return std::make_shared<SqsService>(engine);
}

}  // namespace sluice::api::sqs_wire
