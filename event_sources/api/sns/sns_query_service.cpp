#include "sns/sns_query_service.h"

#include "api/sns_api.h"

namespace sluice::api::sns {
namespace {

constexpr std::string_view kSnsVersion = "2010-03-31";

// Actions both services have; without a scope or Version they stay with SQS.
bool shared_with_sqs(std::string_view action) { return action == "AddPermission" || action == "RemovePermission"; }

class SnsQueryService final : public sqs::QueryService {
 public:
  explicit SnsQueryService(sluice::sns::Service& service) : service_(service), api_(service) {}

  bool claims(std::string_view action, std::string_view version, std::string_view signing_service) const override {
    if (signing_service == "sns" || version == kSnsVersion) return true;
    if (signing_service == "sqs" || !version.empty()) return false;
    return sluice::sns::api::SnsApi::is_sns_action(action) && !shared_with_sqs(action);
  }

  http::Response handle(const std::vector<std::pair<std::string, std::string>>& params, const sqs::CallContext& ctx,
                        const std::string& request_id) override {
    sluice::sns::CallContext sns_ctx;
    sns_ctx.account_id = ctx.account_id;
    sns_ctx.region = ctx.region;
    auto answer = api_.handle(params, sns_ctx, request_id);
    http::Response response;
    response.status = answer.status;
    response.headers.emplace_back("x-amzn-RequestId", request_id);
    response.headers.emplace_back("Content-Type", "text/xml");
    response.body = std::move(answer.body);
    return response;
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
  sluice::sns::api::SnsApi api_;
};

}  // namespace

std::shared_ptr<sqs::QueryService> make_sns_query_service(sluice::sns::Service& service) {
  return std::make_shared<SnsQueryService>(service);
}

}  // namespace sluice::api::sns
