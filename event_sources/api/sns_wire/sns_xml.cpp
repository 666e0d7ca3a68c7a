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

std::string error_xml(const SnsError& error, std::string_view request_id) {
  detail::Xml x;
  x.out = std::string(detail::kDialect.declaration) + "<ErrorResponse xmlns=\"";
  x.out.append(detail::kDialect.xml_namespace).append("\">");
  x.open("Error");
  x.element("Type", error.info().fault == Fault::Sender ? "Sender" : "Receiver");
  x.element("Code", error.info().query_code);
  x.element("Message", error.message);
  x.close("Error");
  x.element("RequestId", request_id);
  x.close("ErrorResponse");
  return x.out;
}

}  // namespace sluice::api::sns_wire
