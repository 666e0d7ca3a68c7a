// The SQS service (see sqs_service.h): the message actions through their typed codecs
// (message_actions.h), ReceiveMessage through the PollParker of the loop the call arrived on, the
// queue-management actions through SqsActions over a JSON-protocol tree, every answer through
// DurableAnswers. Calls run on every front-door loop at once: what is not per loop (the engine,
// DurableAnswers, the load lanes, the counters) is thread-safe.

#include "sluice/api/sqs_wire/sqs_service.h"

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "authorization.h"
#include "long_poll.h"
#include "message_actions.h"
#include "sluice/api/server/durable_answers.h"
#include "sluice/common/crypto.h"
#include "sluice/common/work_pool.h"
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
  SqsService(sluice::sqs::Engine& engine, std::shared_ptr<common::WorkPool> pool)
      : engine_(engine), actions_(engine), pool_(pool ? std::move(pool) : common::WorkPool::create()) {}

  const Routes& routes() const override { return kRoutes; }
  bool has_action(std::string_view action) const override { return SqsActions::is_action(action); }

  void attach(server::ServiceHost& host) override {
    durable_ =
        std::make_unique<server::DurableAnswers>([this](uint64_t ticket) { return engine_.wait_durable(ticket); },
                                                 [](server::Protocol protocol, const common::AwsError& error) {
                                                   return detail::render_error(protocol, error, common::uuid4());
                                                 });
    for (size_t loop = 0; loop < host.loops(); ++loop)
      parkers_.push_back(std::make_unique<detail::PollParker>(host.http(loop), engine_, host.clock()));
    host_ = &host;
    loads_ = pool_->lane("sqs-load", 2);
    preload_ = pool_->lane("sqs-preload", 1);
    if (!engine_.every_queue_loaded())
      preload_->submit([this] { engine_.preload_queues([this] { return stopping_.load(); }); });
  }

  void detach() override {
    // The loads finish (the preload stops at its next queue); what they post finds alive_ false.
    stopping_ = true;
    preload_.reset();
    loads_.reset();
    *alive_ = false;
    // Held answers go out through the server, then every watch and timer is released.
    durable_.reset();
    parkers_.clear();
  }

  http::Response error_response(server::Protocol protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    return detail::render_error(protocol, error, request_id);
  }

  std::optional<server::AuthorizationTarget> authorization(const server::Call& call) const override {
    return detail::authorization_target(engine_, call);
  }

  query::FlattenedNames query_flattened_names() const override { return detail::flattened_result_names(); }
  const query::ActionSpec* query_action_spec(std::string_view action) const override {
    return detail::find_action(action);
  }

  void drain(size_t loop) override {
    stopping_ = true;
    if (loop < parkers_.size()) parkers_[loop]->drain();
  }
  size_t parked_calls() const override {
    size_t n = waiting_for_loads_.load(std::memory_order_relaxed);
    for (const auto& parker : parkers_) n += parker->size();
    return n;
  }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const server::Protocol protocol = call.ctx.protocol;
    // Engine calls log their changes and return; an answer that reports a change waits in
    // durable_ for its commit.
    sluice::sqs::DeferDurability deferral;
    responder = server::deferring_responder(std::move(responder), *durable_, protocol, current_ticket);
    serve(std::move(call), std::move(responder), std::nullopt);
  }

 private:
  // A call waiting on the load lane for its queue's messages to be read.
  struct ParkedCall {
    server::Call call;
    http::ResponderPtr responder;
  };

  // Runs the call. While queues wait to be read from the store, it runs under DeferLoads on a copy:
  // a call that needs a queue not yet loaded stops before changing anything and is parked until a
  // worker has read that queue, then runs again (`just_loaded`), so the loop never waits for a read
  // and a queue never answers as if empty. A ReceiveMessage whose queue or dead-letter queue is
  // not loaded is parked the same way before it reaches the parker, whose engine calls run later.
  void serve(server::Call&& call, http::ResponderPtr responder,
             const std::optional<sluice::sqs::QueueAddress>& just_loaded) {
    const size_t loop = call.loop;
    if (engine_.every_queue_loaded()) {
      answer(run(std::move(call)), std::move(responder), loop);
      return;
    }
    server::Call again = server::copy_call(call);
    detail::MessageOutcome outcome;
    std::optional<sluice::sqs::QueueAddress> needed;
    {
      sluice::sqs::DeferLoads loads;
      outcome = run(std::move(call));
      needed = loads.pending();
    }
    if (!needed && outcome.receive && outcome.receive->queue != just_loaded &&
        !engine_.queue_loaded(outcome.receive->queue))
      needed = outcome.receive->queue;
    if (needed && needed != just_loaded) {
      load_then_serve(*needed, ParkedCall{std::move(again), std::move(responder)});
      return;
    }
    // Stopped again at the queue just read: its read failed. Running without DeferLoads reads it
    // here once more and answers the read's error.
    if (needed) outcome = run(std::move(again));
    answer(std::move(outcome), std::move(responder), loop);
  }

  void load_then_serve(const sluice::sqs::QueueAddress& queue, ParkedCall parked) {
    auto shared = std::make_shared<ParkedCall>(std::move(parked));
    ++waiting_for_loads_;
    http::Server& back = host_->http(shared->call.loop);  // the call goes on on its own loop
    loads_->submit([this, &back, queue, shared, alive = alive_] {
      (void)engine_.load_queue(queue);  // a failed read is answered when the call runs again
      back.post([this, queue, shared, alive] {
        // A drain waits for calls in flight, this one included, before the service is detached;
        // should one outlive it all the same, nothing of the service is left to answer through.
        if (!*alive) return;
        --waiting_for_loads_;
        // Outside any request's scope, as the parker's retries are: changes are logged and the
        // answer waits for their commit.
        std::optional<sluice::sqs::DeferDurability> deferral;
        if (sluice::sqs::DeferDurability::current() == nullptr) deferral.emplace();
        serve(std::move(shared->call), std::move(shared->responder), queue);
      });
    });
  }

  void answer(detail::MessageOutcome outcome, http::ResponderPtr responder, size_t loop) {
    if (outcome.receive) {
      parkers_[loop]->start(std::move(*outcome.receive), std::move(responder));
    } else {
      responder->respond(std::move(*outcome.answer));
    }
  }

  // One call: a message action's answer or its receive to park, or a queue-management answer.
  detail::MessageOutcome run(server::Call&& call) {
    const server::Protocol protocol = call.ctx.protocol;
    detail::MessageOutcome outcome;
    if (auto unknown = detail::unknown_operation_at_queue_url(call)) {
      outcome.answer = std::move(*unknown);
      return outcome;
    }
    auto action = detail::call_action(call);
    if (!action) {
      outcome.answer = detail::render_error(protocol, action.error(), call.ctx.request_id);
      return outcome;
    }
    if (auto message = detail::message_action(*action)) return detail::run_message_action(engine_, *message, call);
    std::optional<common::AwsError> error;
    // Initialized, not assigned: assigning would copy the input out of its request storage.
    WireRequest wire = detail::decode_request(std::move(call), &error);
    if (error) {
      outcome.answer = detail::render_error(wire.protocol, *error, wire.request_id);
      return outcome;
    }
    try {
      auto result = actions_.call(wire.action, wire.input, wire.ctx);
      outcome.answer = result ? detail::render_result(wire, *result)
                              : detail::render_error(wire.protocol, result.error(), wire.request_id);
    } catch (const std::exception& e) {
      outcome.answer = detail::render_error(
          wire.protocol, common::aws_error(common::AwsErrorCode::InternalFailure, e.what()), wire.request_id);
    }
    return outcome;
  }

  sluice::sqs::Engine& engine_;
  SqsActions actions_;
  std::shared_ptr<common::WorkPool> pool_;
  server::ServiceHost* host_ = nullptr;  // from attach()
  // Loop threads: false once detached (after every loop stopped), for loads that finish after.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::atomic<bool> stopping_{false};         // ends the preload
  std::atomic<size_t> waiting_for_loads_{0};  // calls parked in load_then_serve, on every loop
  // Reads queues from the store: the calls' (two at once) and the background preload (one).
  // Declared after what their jobs use; detach() drains them.
  std::unique_ptr<common::WorkLane> loads_;
  std::unique_ptr<common::WorkLane> preload_;
  std::unique_ptr<server::DurableAnswers> durable_;  // from attach() to detach()
  // From attach() to detach(): one per front-door loop, each touched on its loop's thread only.
  std::vector<std::unique_ptr<detail::PollParker>> parkers_;
};

}  // namespace

std::shared_ptr<server::Service> make_sqs_service(sluice::sqs::Engine& engine, std::shared_ptr<common::WorkPool> pool) {
  return std::make_shared<SqsService>(engine, std::move(pool));
}

}  // namespace sluice::api::sqs_wire
