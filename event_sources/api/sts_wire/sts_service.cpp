// The STS service on the front door (see sts_service.h): a table of actions, each answered as a
// Query document in STS's namespace, errors as STS's <ErrorResponse>.

#include "sluice/api/sts_wire/sts_service.h"

#include <cstdio>

#include "sluice/api/query/query.h"
#include "sluice/api/server/query_actions.h"
#include "sts_actions.h"

namespace sluice::api::sts_wire {
namespace {

constexpr std::string_view kVersion = "2011-06-15";
constexpr server::Service::Routes kRoutes{"sts", "sts", "", "", kVersion};
constexpr query::Dialect kDialect{"https://sts.amazonaws.com/doc/2011-06-15/", "", false};

// Sorted by name.
constexpr server::QueryAction<detail::StsContext> kActions[] = {
    {"AssumeRole", detail::assume_role},
    {"AssumeRoleWithWebIdentity", detail::assume_role_with_web_identity},
    {"GetCallerIdentity", detail::get_caller_identity},
    {"GetSessionToken", detail::get_session_token},
};
static_assert(server::query_actions_sorted<detail::StsContext>(kActions));

const server::QueryAction<detail::StsContext>* find_action(std::string_view name) {
  return server::find_query_action<detail::StsContext>(kActions, name);
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
    const auto* action = find_action(call.action);
    if (!server::admit_query_call(call, action != nullptr, kVersion, kDialect, *responder)) return;
    detail::StsContext sts{*options_.directory, options_.mode,
                           clock_ ? clock_->now_ms() : common::system_clock()->now_ms(), options_.audit_log,
                           options_.issuer.get()};
    server::respond_query_outcome(*responder, action->name, action->run(call, sts), call.ctx.request_id, kDialect,
                                  true);
  }

  http::Response error_response(server::Protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    // STS speaks only the Query protocol, whatever the request tried.
    return query::error_response(error, request_id, kDialect);
  }

 private:
  StsOptions options_;
  std::shared_ptr<common::Clock> clock_;
};

}  // namespace

std::shared_ptr<server::Service> make_sts_service(StsOptions options) {
  return std::make_shared<StsService>(std::move(options));
}

}  // namespace sluice::api::sts_wire
