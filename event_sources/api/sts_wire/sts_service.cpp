// The STS service on the front door (see sts_service.h): a table of actions, each answered as a
// Query document in STS's namespace, errors as STS's <ErrorResponse>.

#include "sluice/api/sts_wire/sts_service.h"

#include <algorithm>
#include <cstdio>

#include "sluice/api/query/query.h"
#include "sts_actions.h"

namespace sluice::api::sts_wire {
namespace {

constexpr std::string_view kVersion = "2011-06-15";
constexpr server::Service::Routes kRoutes{"sts", "sts", "", "", kVersion};
constexpr query::Dialect kDialect{"https://sts.amazonaws.com/doc/2011-06-15/", "", false};

using Action = Outcome<std::string> (*)(const server::Call&, detail::StsContext&);
struct ActionRow {
  std::string_view name;
  Action run;
};
// Sorted by name.
constexpr ActionRow kActions[] = {
    {"AssumeRole", detail::assume_role},
    {"AssumeRoleWithWebIdentity", detail::assume_role_with_web_identity},
    {"GetCallerIdentity", detail::get_caller_identity},
    {"GetSessionToken", detail::get_session_token},
};

const ActionRow* find_action(std::string_view name) {
  auto it = std::lower_bound(std::begin(kActions), std::end(kActions), name,
                             [](const ActionRow& row, std::string_view n) { return row.name < n; });
  return it != std::end(kActions) && it->name == name ? it : nullptr;
}

class StsService final : public server::Service {
 public:
  explicit StsService(StsOptions options) : options_(std::move(options)) {
    if (!options_.audit_log) {
      options_.audit_log = [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
      };
    }
  }

  const Routes& routes() const override { return kRoutes; }
  bool has_action(std::string_view action) const override { return find_action(action) != nullptr; }
  void attach(server::ServiceHost& host) override { clock_ = host.clock(); }
  // Unsigned by design on AWS (the web identity or SAML assertion is the credential).
  // AssumeRoleWithSAML is not implemented: it reaches handle() and gets InvalidAction rather than
  // a refusal.
  bool is_unsigned(std::string_view action) const override {
    return action == "AssumeRoleWithWebIdentity" || action == "AssumeRoleWithSAML";
  }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const std::string& request_id = call.ctx.request_id;
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
    detail::StsContext sts{*options_.directory, options_.mode, clock_ ? clock_->now_ms() : system_clock()->now_ms(),
                           options_.audit_log, options_.issuer.get()};
    Outcome<std::string> result = action->run(call, sts);
    if (!result) {
      responder->respond(query::error_response(result.error(), request_id, kDialect));
      return;
    }
    responder->respond(
        query::xml_response(request_id, query::document(action->name, *result, true, request_id, kDialect)));
  }

  http::Response error_response(server::Protocol, const AwsError& error, std::string_view request_id) const override {
    // STS speaks only the Query protocol, whatever the request tried.
    return query::error_response(error, request_id, kDialect);
  }

 private:
  StsOptions options_;
  std::shared_ptr<Clock> clock_;
};

}  // namespace

std::shared_ptr<server::Service> make_sts_service(StsOptions options) {
  return std::make_shared<StsService>(std::move(options));
}

}  // namespace sluice::api::sts_wire
