// The IAM service on the front door (see iam_service.h): a sorted table of actions, each answered
// as a Query document in IAM's namespace, errors as IAM's <ErrorResponse>; and the test issuer's
// routes.

#include "sluice/api/iam_wire/iam_service.h"

#include <algorithm>

#include "iam_actions.h"
#include "oidc_issuer_routes.h"
#include "sluice/api/query/query.h"

namespace sluice::api::iam_wire {
namespace {

constexpr std::string_view kVersion = "2010-05-08";
constexpr server::Service::Routes kRoutes{"iam", "iam", "", "", kVersion};
constexpr query::Dialect kDialect{"https://iam.amazonaws.com/doc/2010-05-08/", "", false};

using Action = Outcome<std::string> (*)(const server::Call&, detail::IamContext&);
struct ActionRow {
  std::string_view name;
  Action run;
};
// Sorted by name.
constexpr ActionRow kActions[] = {
    {"AddClientIDToOpenIDConnectProvider", detail::add_client_id},
    {"CreateOpenIDConnectProvider", detail::create_oidc_provider},
    {"DeleteOpenIDConnectProvider", detail::delete_oidc_provider},
    {"GetOpenIDConnectProvider", detail::get_oidc_provider},
    {"ListOpenIDConnectProviderTags", detail::list_oidc_provider_tags},
    {"ListOpenIDConnectProviders", detail::list_oidc_providers},
    {"RemoveClientIDFromOpenIDConnectProvider", detail::remove_client_id},
    {"TagOpenIDConnectProvider", detail::tag_oidc_provider},
    {"UntagOpenIDConnectProvider", detail::untag_oidc_provider},
    {"UpdateOpenIDConnectProviderThumbprint", detail::update_thumbprint},
};

const ActionRow* find_action(std::string_view name) {
  auto it = std::lower_bound(std::begin(kActions), std::end(kActions), name,
                             [](const ActionRow& row, std::string_view n) { return row.name < n; });
  return it != std::end(kActions) && it->name == name ? it : nullptr;
}

class IamService final : public server::Service {
 public:
  explicit IamService(IamOptions options) : options_(std::move(options)) {}

  const Routes& routes() const override { return kRoutes; }
  bool has_action(std::string_view action) const override { return find_action(action) != nullptr; }
  void attach(server::ServiceHost& host) override { clock_ = host.clock(); }

  bool claims_rest(const http::Request& request) const override {
    return options_.issuer && request.method == "POST" && detail::is_issuer_path(request.path);
  }

  std::optional<http::Response> get(const http::Request& request) override {
    if (!options_.issuer || !detail::is_issuer_path(request.path)) return std::nullopt;
    std::string base_url = options_.public_base_url;
    if (base_url.empty()) {
      const std::string* host = request.header("host");
      base_url = std::string(request.secure ? "https://" : "http://") + (host != nullptr ? *host : "127.0.0.1");
    }
    return detail::issuer_get(*options_.issuer, request, base_url);
  }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const std::string& request_id = call.ctx.request_id;
    if (options_.issuer && detail::is_issuer_path(call.request.path)) {
      responder->respond(detail::mint_token(*options_.issuer, call, options_.mode));
      return;
    }
    if (call.form_error) {
      responder->respond(query::error_response(*call.form_error, request_id, kDialect));
      return;
    }
    if (call.action.empty()) {
      responder->respond(
          query::error_response(aws_error(AwsErrorCode::MissingAction, "Missing Action"), request_id, kDialect));
      return;
    }
    const ActionRow* action = find_action(call.action);
    if (action == nullptr) {
      responder->respond(query::error_response(
          aws_error(AwsErrorCode::InvalidAction,
                    "Could not find operation " + call.action + " for version " + std::string(kVersion)),
          request_id, kDialect));
      return;
    }
    detail::IamContext iam{*options_.directory, clock_ ? clock_->now_ms() : system_clock()->now_ms()};
    Outcome<std::string> result = action->run(call, iam);
    if (!result) {
      responder->respond(query::error_response(result.error(), request_id, kDialect));
      return;
    }
    responder->respond(query::xml_response(
        request_id, query::document(action->name, *result, !result->empty(), request_id, kDialect)));
  }

  http::Response error_response(server::Protocol, const AwsError& error, std::string_view request_id) const override {
    return query::error_response(error, request_id, kDialect);  // IAM speaks only Query
  }

 private:
  IamOptions options_;
  std::shared_ptr<Clock> clock_;
};

}  // namespace

std::shared_ptr<server::Service> make_iam_service(IamOptions options) {
  return std::make_shared<IamService>(std::move(options));
}

}  // namespace sluice::api::iam_wire
