// REST-JSON answers and errors (see rest_json.h).

#include "sluice/api/rest_json/rest_json.h"
#include "sluice/common/json_escape.h"

#include <string>
#include <string_view>

namespace sluice::api::rest_json {
namespace {

// Lambda's models give these errors a capitalised "Message" member; the others say "message".
bool capitalised_message(std::string_view type) {
  return type == "ResourceNotFoundException" || type == "ResourceInUseException";
}

}  // namespace

http::Response json_answer(int status, std::string body, std::string_view request_id) {
  http::Response response;
  response.status = status;
  response.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  if (!body.empty()) response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

http::Response error_answer(const common::AwsError& error, std::string_view request_id, std::string_view reason) {
  const common::AwsErrorInfo& info = error.info();
  std::string body = "{\"Type\":\"";
  body += info.fault == common::Fault::Sender ? "User" : "Service";
  body += capitalised_message(info.json_type) ? "\",\"Message\":" : "\",\"message\":";
  common::append_json_string(body, error.message);  // ill-formed UTF-8 becomes U+FFFD there
  if (!reason.empty()) {
    body += ",\"Reason\":";
    common::append_json_string(body, reason);
  }
  body += '}';
  http::Response response = json_answer(info.http_status, std::move(body), request_id);
  response.headers.emplace_back("x-amzn-ErrorType", std::string(info.json_type));
  return response;
}

}  // namespace sluice::api::rest_json
