// CloudWatch Logs as a front-door Service: routing facts, the JSON 1.1 body, dispatch, errors.

#include "sluice/api/logs_wire/logs_service.h"

#include <boost/json.hpp>

#include "authorization.h"
#include "live_tail_sessions.h"
#include "logs_actions.h"
#include "sluice/api/json/json.h"

namespace sluice::api::logs_wire {
namespace {

constexpr server::Service::Routes kRoutes{"logs", "logs", "Logs_20140328", "", ""};
// CloudWatch Logs writes "__type" without a namespace.
constexpr json::Dialect kDialect{"", "application/x-amz-json-1.1"};

constexpr std::string_view kStartLiveTail = "StartLiveTail";

class LogsService final : public server::Service {
 public:
  explicit LogsService(std::shared_ptr<logs::LogStore> store)
      : store_(std::move(store)),
        tails_(std::make_shared<logs::LiveTails>()),
        sessions_(std::make_shared<detail::LiveTailSessions>(tails_)) {
    store_->observe_ingest([weak = std::weak_ptr<logs::LiveTails>(tails_)](const logs::IngestedEvents& ingested) {
      if (auto tails = weak.lock()) tails->ingest(ingested);
    });
  }

  const Routes& routes() const override { return kRoutes; }
  Execution execution() const override { return Execution::Workers; }
  bool has_action(std::string_view action) const override {
    return action == kStartLiveTail || detail::find_action(action) != nullptr;
  }
  void attach(server::ServiceHost& host) override { sessions_->attach(host); }
  // Every session lives on loop 0 (its timers run there); ending them there ends their streams on
  // whichever loop each connection is, so the other loops' drains see them end too.
  void drain(size_t loop) override {
    if (loop == 0) sessions_->end_all();
  }
  void detach() override { sessions_->end_all(); }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const std::string& request_id = call.ctx.request_id;
    if (call.action == kStartLiveTail) {
      auto request = sessions_->attached()
                         ? read_live_tail(call)
                         : common::Outcome<detail::LiveTailRequest>(common::aws_error(
                               common::AwsErrorCode::LogsServiceUnavailable, "Live Tail sessions are not available."));
      if (!request) {
        responder->respond(json::error_response(request.error(), request_id, kDialect));
        return;
      }
      sessions_->start(std::move(responder), std::move(*request), call.ctx);
      return;
    }
    auto answer = run(call);
    responder->respond(answer ? json::json_response(request_id, std::move(*answer), kDialect)
                              : json::error_response(answer.error(), request_id, kDialect));
  }

  http::Response error_response(server::Protocol protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    (void)protocol;
    // A refusal by policy is the common AccessDeniedException with the front door's text, answered
    // with HTTP 400 as CloudWatch Logs answers every error ("api error AccessDeniedException: User: ...
    // is not authorized to perform: logs:CreateLogGroup on resource: ...", "StatusCode: 400").
    return json::error_response_denied_as_400(error, request_id, kDialect);
  }

  std::optional<server::AuthorizationTarget> authorization(const server::Call& call) const override {
    if (!has_action(call.action)) return std::nullopt;
    return detail::authorization_target(call);
  }

 private:
  common::Outcome<std::string> run(const server::Call& call) {
    detail::Action action = detail::find_action(call.action);
    if (!action) return common::aws_error(common::AwsErrorCode::UnknownOperation, "");
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(call.request.body.empty() ? "{}" : call.request.body, ec);
    if (ec || !body.is_object())
      return common::aws_error(common::AwsErrorCode::SerializationException,
                               "Start of structure or map found where not expected.");
    return action(detail::LogsCall{body.get_object(), call.ctx, *store_});
  }

  common::Outcome<detail::LiveTailRequest> read_live_tail(const server::Call& call) {
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(call.request.body.empty() ? "{}" : call.request.body, ec);
    if (ec || !body.is_object())
      return common::aws_error(common::AwsErrorCode::SerializationException,
                               "Start of structure or map found where not expected.");
    return detail::read_live_tail_request(detail::LogsCall{body.get_object(), call.ctx, *store_});
  }

  const std::shared_ptr<logs::LogStore> store_;
  const std::shared_ptr<logs::LiveTails> tails_;
  const std::shared_ptr<detail::LiveTailSessions> sessions_;
};

}  // namespace

std::shared_ptr<server::Service> make_logs_service(std::shared_ptr<logs::LogStore> store) {
  return std::make_shared<LogsService>(std::move(store));
}

}  // namespace sluice::api::logs_wire
