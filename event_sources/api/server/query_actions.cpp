// The shared steps of Query-only services (see query_actions.h).

#include "sluice/api/server/query_actions.h"

namespace sluice::api::server {

bool admit_query_call(const Call& call, bool known, std::string_view version, const query::Dialect& dialect,
                      http::Responder& responder) {
  const std::string& request_id = call.ctx.request_id;
  if (call.form_error) {
    responder.respond(query::error_response(*call.form_error, request_id, dialect));
    return false;
  }
  if (call.action.empty()) {
    responder.respond(query::error_response(common::aws_error(common::AwsErrorCode::MissingAction, "Missing Action"),
                                            request_id, dialect));
    return false;
  }
  if (!known) {
    responder.respond(query::error_response(
        common::aws_error(common::AwsErrorCode::InvalidAction,
                          "Could not find operation " + call.action + " for version " + std::string(version)),
        request_id, dialect));
    return false;
  }
  return true;
}

void respond_query_outcome(http::Responder& responder, std::string_view action,
                           const common::Outcome<std::string>& outcome, std::string_view request_id,
                           const query::Dialect& dialect, bool with_result) {
  if (!outcome) {
    responder.respond(query::error_response(outcome.error(), request_id, dialect));
    return;
  }
  responder.respond(
      query::xml_response(request_id, query::document(action, *outcome, with_result, request_id, dialect)));
}

}  // namespace sluice::api::server
