// The Lambda service on the front door (see lambda_service.h): match the route, run the
// operation, answer in REST-JSON.

#include "sluice/api/lambda_wire/lambda_service.h"

#include "authorization.h"
#include "function_actions.h"
#include "lambda_routes.h"
#include "sluice/api/rest_json/rest_json.h"

namespace sluice::api::lambda_wire {
namespace {

constexpr server::Service::Routes kRoutes{"lambda", "lambda", "", "", ""};
// A 50 MB zip is about 67 MB in base64, plus the rest of the JSON document.
constexpr size_t kCodeUploadBodyBytes = 70 * 1000 * 1000;

class LambdaService final : public server::Service {
 public:
  LambdaService(sluice::lambda::ControlPlane& control_plane, LambdaServiceOptions options)
      : control_plane_(control_plane), options_(std::move(options)) {}

  const Routes& routes() const override { return kRoutes; }
  Execution execution() const override { return Execution::Workers; }
  bool has_action(std::string_view) const override { return false; }  // no Query actions
  bool claims_rest(const http::Request& request) const override { return is_lambda_path(request.path); }
  std::string operation_name(const server::Call& call) const override {
    return std::string(match_route(call.request).operation);
  }

  std::optional<size_t> max_body_bytes(const http::Request& headers) const override {
    // Asked for every request on the port: what is not one of Lambda's paths is settled at once.
    if (!is_lambda_path(headers.path)) return std::nullopt;
    const std::string_view operation = match_route(headers).operation;
    if (operation == "CreateFunction" || operation == "UpdateFunctionCode") return kCodeUploadBodyBytes;
    return std::nullopt;
  }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const RouteMatch route = match_route(call.request);
    const rest_json::Params query = rest_json::parse_query(call.request.query);
    const ActionCall action{control_plane_, call, route.path, query, &options_.check_mapping_role};
    std::optional<http::Response> answer;
    if (!route.operation.empty()) answer = run_function_action(route.operation, action);
    if (!answer && !route.operation.empty()) answer = run_mapping_action(route.operation, action);
    if (!answer && !route.operation.empty()) answer = run_settings_action(route.operation, action);
    if (!answer && !route.operation.empty()) answer = run_version_action(route.operation, action);
    if (!answer && !route.operation.empty()) answer = run_policy_action(route.operation, action);
    if (!answer && !route.operation.empty()) answer = run_event_invoke_config_action(route.operation, action);
    if (!answer) {
      answer = rest_json::error_answer(
          common::aws_error(common::AwsErrorCode::UnknownOperation,
                            "No Lambda operation at " + call.request.method + " " + call.request.path),
          call.ctx.request_id);
    }
    responder->respond(std::move(*answer));
  }

  http::Response error_response(server::Protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    return rest_json::error_answer(error, request_id);
  }

  std::optional<server::AuthorizationTarget> authorization(const server::Call& call) const override {
    return authorization_target(control_plane_, options_.account_id, call);
  }

 private:
  sluice::lambda::ControlPlane& control_plane_;
  LambdaServiceOptions options_;
};

}  // namespace

std::shared_ptr<server::Service> make_lambda_service(sluice::lambda::ControlPlane& control_plane,
                                                     LambdaServiceOptions options) {
  return std::make_shared<LambdaService>(control_plane, std::move(options));
}

}  // namespace sluice::api::lambda_wire
