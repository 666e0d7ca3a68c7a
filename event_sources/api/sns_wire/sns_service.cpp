// The SNS service on the front door (see sns_service.h).

#include "sluice/api/sns_wire/sns_service.h"

#include "authorization.h"
#include "developer_endpoints.h"
#include "sluice/sns/mobile.h"
#include "sns_api.h"
#include "sns_xml.h"

namespace sluice::api::sns_wire {
namespace {

constexpr server::Service::Routes kRoutes{"sns", "sns", "", "", "2010-03-31"};

// Actions both services have; without a scope or Version they stay with SQS.
bool shared_with_sqs(std::string_view action) { return action == "AddPermission" || action == "RemovePermission"; }

class SnsService final : public server::Service {
 public:
  explicit SnsService(sluice::sns::Service& service) : service_(service), api_(service) {}

  const Routes& routes() const override { return kRoutes; }
  Execution execution() const override { return Execution::Workers; }
  bool has_action(std::string_view action) const override {
    return SnsApi::is_sns_action(action) && !shared_with_sqs(action);
  }

  // The SubscribeURL and UnsubscribeURL are links an endpoint's owner follows without AWS
  // credentials: AWS accepts ConfirmSubscription and Unsubscribe unsigned (the token or the
  // subscription ARN is the credential).
  // The developer endpoints (/_aws/sns/...) are plain HTTP without an Action, unsigned like
  // /health; an SNS request without an Action is answered MissingAction either way.
  bool is_unsigned(std::string_view action) const override {
    return action == "ConfirmSubscription" || action == "Unsubscribe" || action.empty();
  }

  bool claims_rest(const http::Request& request) const override { return detail::is_developer_path(request.path); }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const std::string& request_id = call.ctx.request_id;
    if (call.form_error) {
      responder->respond(error_response(call.ctx.protocol, *call.form_error, request_id));
      return;
    }
    if (detail::is_developer_path(call.request.path)) {
      responder->respond(detail::answer_developer_request(service_.mobile(), call.request, call.form.params(),
                                                          call.ctx.account_id, call.ctx.region));
      return;
    }
    sluice::sns::CallContext sns_ctx;
    sns_ctx.account_id = call.ctx.account_id;
    sns_ctx.region = call.ctx.region;
    if (call.ctx.principal.kind != identity::Principal::Kind::Anonymous) sns_ctx.principal_arn = call.ctx.principal.arn;
    if (const std::string* trace = call.request.header("x-amzn-trace-id")) sns_ctx.trace_header = *trace;
    auto answer = api_.handle(call.form.params(), sns_ctx, request_id);
    http::Response response;
    response.status = answer.status;
    response.headers.emplace_back("x-amzn-RequestId", request_id);
    response.headers.emplace_back("Content-Type", "text/xml");
    response.body = std::move(answer.body);
    responder->respond(std::move(response));
  }

  http::Response error_response(server::Protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    // SNS speaks only the Query protocol, whatever the request tried; it refuses access with its
    // own AuthorizationError (403), not the generic AccessDenied.
    if (error.code == common::AwsErrorCode::AccessDenied) {
      return query::error_response(common::aws_error(common::AwsErrorCode::AuthorizationError, error.message),
                                   request_id, detail::kDialect);
    }
    return query::error_response(error, request_id, detail::kDialect);
  }

  std::optional<server::AuthorizationTarget> authorization(const server::Call& call) const override {
    if (detail::is_developer_path(call.request.path)) return std::nullopt;
    return detail::authorization_target(service_, call);
  }

  std::optional<http::Response> get(const http::Request& request) override {
    if (request.path != service_.signing_certificate_path()) return std::nullopt;
    http::Response response;
    response.headers.emplace_back("Content-Type", "application/x-x509-ca-cert");
    response.body = service_.signing_certificate_pem();
    return response;
  }

 private:
  sluice::sns::Service& service_;
  SnsApi api_;
};

}  // namespace

std::shared_ptr<server::Service> make_sns_service(sluice::sns::Service& service) {
  return std::make_shared<SnsService>(service);
}

}  // namespace sluice::api::sns_wire
