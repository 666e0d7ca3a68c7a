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

// An error's text can carry bytes of the request (a path, a name from it) that are not UTF-8, and
// JSON text must be: each byte that does not start a well-formed UTF-8 sequence (no overlong forms,
// no surrogates, nothing past U+10FFFF) becomes U+FFFD. (Found by the Lambda REST fuzzer.)
std::string well_formed_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
    bool ok = len != 0 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    }
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
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

http::Response error_answer(const AwsError& error, std::string_view request_id, std::string_view reason) {
  const AwsErrorInfo& info = error.info();
  std::string body = "{\"Type\":\"";
  body += info.fault == Fault::Sender ? "User" : "Service";
  body += capitalised_message(info.json_type) ? "\",\"Message\":" : "\",\"message\":";
  append_json_string(body, well_formed_utf8(error.message));
  if (!reason.empty()) {
    body += ",\"Reason\":";
    append_json_string(body, well_formed_utf8(reason));
  }
  body += '}';
  http::Response response = json_answer(info.http_status, std::move(body), request_id);
  response.headers.emplace_back("x-amzn-ErrorType", std::string(info.json_type));
  return response;
}

}  // namespace sluice::api::rest_json
