// CloudTrail as a front-door Service: routing facts, the JSON 1.1 body, dispatch, errors.

#include "sluice/api/cloudtrail_wire/cloudtrail_service.h"

#include <boost/json.hpp>

#include "cloudtrail_actions.h"
#include "sluice/api/json/json.h"

namespace sluice::api::cloudtrail_wire {
namespace {

constexpr server::Service::Routes kRoutes{"cloudtrail", "cloudtrail",
                                          "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "", ""};
constexpr json::Dialect kDialect{"com.amazonaws.cloudtrail.v20131101#", "application/x-amz-json-1.1"};

class CloudTrailService final : public server::Service {
 public:
  explicit CloudTrailService(std::shared_ptr<audit::Trail> trail) : trail_(std::move(trail)) {}

  const Routes& routes() const override { return kRoutes; }
  Execution execution() const override { return Execution::Workers; }
  bool has_action(std::string_view action) const override { return detail::find_action(action) != nullptr; }

  // Every CloudTrail action is authorized on "*" (CloudTrail's event history has no resource ARN).
  std::optional<server::AuthorizationTarget> authorization(const server::Call& call) const override {
    if (!has_action(call.action)) return std::nullopt;
    server::AuthorizationTarget target;
    target.action = "cloudtrail:" + call.action;
    target.resource = "*";
    target.resource_account = call.ctx.account_id;
    return target;
  }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const std::string& request_id = call.ctx.request_id;
    auto answer = run(call);
    responder->respond(answer ? json::json_response(request_id, std::move(*answer), kDialect)
                              : json::error_response(answer.error(), request_id, kDialect));
  }

  http::Response error_response(server::Protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    return json::error_response(error, request_id, kDialect);
  }

 private:
  common::Outcome<std::string> run(const server::Call& call) {
    detail::Action action = call.request.method == "POST" ? detail::find_action(call.action) : nullptr;
    if (!action) return common::aws_error(common::AwsErrorCode::UnknownOperation, "");
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(call.request.body.empty() ? "{}" : call.request.body, ec);
    if (ec || !body.is_object())
      return common::aws_error(common::AwsErrorCode::SerializationException,
                               "Start of structure or map found where not expected.");
    return action(detail::CloudTrailCall{body.get_object(), call.ctx, *trail_});
  }

  const std::shared_ptr<audit::Trail> trail_;
};

}  // namespace

std::shared_ptr<server::Service> make_cloudtrail_service(std::shared_ptr<audit::Trail> trail) {
  return std::make_shared<CloudTrailService>(std::move(trail));
}

}  // namespace sluice::api::cloudtrail_wire
