// XML text for SNS answers, written with the Query kit in SNS's dialect (no <Detail/> in errors).

#include "sns_xml.h"

#include "sns_api.h"

namespace sluice::api::sns_wire {
namespace detail {

std::string document(std::string_view action, const std::string& result_body, bool has_result,
                     std::string_view request_id) {
  return query::document(action, result_body, has_result, request_id, kDialect);
}

}  // namespace detail

std::string error_xml(const common::AwsError& error, std::string_view request_id) {
  return query::error_xml(error, request_id, detail::kDialect);
}

}  // namespace sluice::api::sns_wire
