// Decoding and rendering for the JSON 1.0 and Query protocols.
//
// JSON 1.0: POST, X-Amz-Target "AmazonSQS.<Action>", body a JSON object (empty body = {}).
// Answers carry the same member names; errors are {"__type":"com.amazonaws.sqs#<Type>",
// "message":...} plus x-amzn-query-error "<QueryCode>;Sender|Receiver", which SDKs use to show the
// legacy Query codes.
// Query: Action/Version and flattened parameters, form-encoded in a POST body and/or the query
// string; the codec in api/sqs_query maps them to and from the JSON shapes. Errors are
// <ErrorResponse> documents.

#include "wire.h"

#include <cctype>
#include <cstddef>

#include "sluice/common/crypto.h"
#include "sqs_query/query_codec.h"

namespace sluice::api::sqs::detail {
namespace {

namespace json = boost::json;

constexpr std::string_view kTargetPrefix = "AmazonSQS.";

// Big enough for a 10-entry batch of small messages and its answer; larger requests continue in
// blocks the monotonic resource allocates.
constexpr size_t kArenaBytes = 12 * 1024;

class RequestArena final : public json::memory_resource {
 public:
  RequestArena() = default;
  RequestArena(const RequestArena&) = delete;
  RequestArena& operator=(const RequestArena&) = delete;

 private:
  void* do_allocate(size_t n, size_t align) override { return mono_.allocate(n, align); }
  void do_deallocate(void*, size_t, size_t) override {}
  bool do_is_equal(const json::memory_resource& other) const noexcept override { return this == &other; }

  alignas(std::max_align_t) unsigned char buffer_[kArenaBytes];
  json::monotonic_resource mono_{buffer_, sizeof buffer_};
};

// Case-insensitive search for a lowercase needle, without copying the haystack.
bool icontains(std::string_view haystack, std::string_view lowercase_needle) {
  if (lowercase_needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + lowercase_needle.size() <= haystack.size(); ++i) {
    size_t k = 0;
    for (; k < lowercase_needle.size(); ++k) {
      char c = haystack[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != lowercase_needle[k]) break;
    }
    if (k == lowercase_needle.size()) return true;
  }
  return false;
}

bool is_account_id(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "AKID/20240101/us-east-1/sqs/aws4_request". Returns the service named in the scope ("" if none).
std::string apply_credential_scope(std::string_view credential, CallContext& ctx) {
  size_t first = credential.find('/');
  if (first == std::string_view::npos) return "";
  std::string_view akid = credential.substr(0, first);
  if (is_account_id(akid)) ctx.account_id = std::string(akid);
  std::string_view rest = credential.substr(first + 1);
  size_t date_end = rest.find('/');
  if (date_end == std::string_view::npos) return "";
  rest = rest.substr(date_end + 1);
  size_t region_end = rest.find('/');
  std::string_view region = rest.substr(0, region_end);
  if (!region.empty()) ctx.region = std::string(region);
  if (region_end == std::string_view::npos) return "";
  rest = rest.substr(region_end + 1);
  return std::string(rest.substr(0, rest.find('/')));
}

// The credential of the Authorization header, or "".
std::string_view header_credential(const http::Request& request) {
  if (const std::string* auth = request.header("authorization")) {
    size_t pos = auth->find("Credential=");
    if (pos != std::string::npos) {
      std::string_view rest = std::string_view(*auth).substr(pos + 11);
      return rest.substr(0, rest.find_first_of(", "));
    }
  }
  return {};
}

std::string base_url_for(const http::Request& request, const ContextDefaults& defaults) {
  if (!defaults.base_url.empty()) return defaults.base_url;
  if (const std::string* host = request.header("host"); host != nullptr && !host->empty()) {
    return "http://" + *host;
  }
  return "http://localhost";
}

void decode_json(const http::Request& request, WireRequest& out, std::optional<AwsError>* error) {
  const std::string* target = request.header("x-amz-target");
  if (target == nullptr || target->compare(0, kTargetPrefix.size(), kTargetPrefix) != 0) {
    *error = aws_error(AwsErrorCode::UnknownOperation, "Unable to determine service/operation name to be authorized");
    return;
  }
  out.action = target->substr(kTargetPrefix.size());
  if (request.method != "POST") {
    *error = aws_error(AwsErrorCode::UnknownOperation, "Operation " + out.action + " must be called with POST.");
    return;
  }
  if (!SqsActions::is_action(out.action)) {
    *error = aws_error(AwsErrorCode::UnknownOperation, "The action " + out.action + " is not valid for this endpoint.");
    return;
  }
  std::string_view body = request.body;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front())) != 0) body.remove_prefix(1);
  if (body.empty()) return;  // no input members
  // One parser per thread keeps its working stack between requests; the tree goes to the
  // request's arena.
  thread_local json::parser parser;
  parser.reset(out.input.storage());
  boost::system::error_code ec;
  parser.write(body.data(), body.size(), ec);
  json::value parsed = ec ? json::value() : parser.release();
  if (ec || !parsed.is_object()) {
    *error = aws_error(AwsErrorCode::SerializationException,
                       ec ? "The request body is not valid JSON." : "The request body must be a JSON object.");
    return;
  }
  out.input = std::move(parsed.get_object());
}

// Query string and form body, in that order.
std::optional<AwsError> parse_query_params(const http::Request& request, query::FormParams& params) {
  if (!request.query.empty()) {
    auto from_query = query::parse_form(request.query);
    if (!from_query) return from_query.take_error();
    params = std::move(*from_query);
  }
  const std::string* content_type = request.header("content-type");
  bool form_body = request.method == "POST" &&
                   (content_type == nullptr || icontains(*content_type, "application/x-www-form-urlencoded"));
  if (form_body && !request.body.empty()) {
    auto from_body = query::parse_form(request.body);
    if (!from_body) return from_body.take_error();
    for (auto& p : *from_body) params.push_back(std::move(p));
  }
  return std::nullopt;
}

void fill_context(const http::Request& request, const ContextDefaults& defaults, CallContext& ctx) {
  ctx.account_id = defaults.account_id;
  ctx.region = defaults.region;
  ctx.base_url = base_url_for(request, defaults);
  ctx.request_path = request.path;
}

}  // namespace

json::storage_ptr request_storage() { return json::make_shared_resource<RequestArena>(); }

QueryForm decode_query_form(const http::Request& request, const ContextDefaults& defaults,
                            std::optional<AwsError>* error) {
  QueryForm form;
  form.request_id = uuid4();
  fill_context(request, defaults, form.ctx);
  *error = parse_query_params(request, form.params);
  std::string credential;
  for (const auto& [name, value] : form.params) {
    if (name == "Action" && form.action.empty()) form.action = value;
    if (name == "Version" && form.version.empty()) form.version = value;
    if (name == "X-Amz-Credential") credential = value;
  }
  // The Authorization header wins over a presigned credential.
  std::string_view header = header_credential(request);
  if (!header.empty()) credential = std::string(header);
  if (!credential.empty()) form.signing_service = apply_credential_scope(credential, form.ctx);
  return form;
}

WireRequest sqs_request_from_form(QueryForm form, std::optional<AwsError>* error) {
  WireRequest out;
  out.protocol = Protocol::Query;
  out.request_id = std::move(form.request_id);
  out.ctx = std::move(form.ctx);
  out.action = std::move(form.action);
  if (*error) return out;
  if (out.action.empty()) {
    *error = aws_error(AwsErrorCode::MissingAction, "The request must contain the parameter Action.");
    return out;
  }
  if (!SqsActions::is_action(out.action)) {
    *error = aws_error(AwsErrorCode::InvalidAction, "The action " + out.action + " is not valid for this endpoint.");
    return out;
  }
  auto input = query::sqs_request_to_json(out.action, form.params, out.input.storage());
  if (!input) {
    *error = input.take_error();
    return out;
  }
  out.input = std::move(*input);
  return out;
}

Protocol protocol_of(const http::Request& request) {
  if (request.header("x-amz-target") != nullptr) return Protocol::Json;
  const std::string* content_type = request.header("content-type");
  if (content_type != nullptr && icontains(*content_type, "application/x-amz-json")) return Protocol::Json;
  return Protocol::Query;
}

void apply_credentials(const http::Request& request, std::string_view form_credential, CallContext& ctx) {
  std::string_view header = header_credential(request);
  apply_credential_scope(header.empty() ? form_credential : header, ctx);
}

WireRequest decode_request(const http::Request& request, const ContextDefaults& defaults,
                           std::optional<AwsError>* error) {
  *error = std::nullopt;
  if (protocol_of(request) == Protocol::Query)
    return sqs_request_from_form(decode_query_form(request, defaults, error), error);
  WireRequest out;
  out.protocol = Protocol::Json;
  out.request_id = uuid4();
  out.ctx = json_call_context(request, defaults);
  decode_json(request, out, error);
  return out;
}

CallContext json_call_context(const http::Request& request, const ContextDefaults& defaults) {
  CallContext ctx;
  fill_context(request, defaults, ctx);
  apply_credentials(request, "", ctx);
  return ctx;
}

http::Response json_response(std::string_view request_id, std::string body) {
  http::Response response;
  response.status = 200;
  std::string& lines = response.header_lines;
  lines.reserve(96);
  lines.append("x-amzn-RequestId: ").append(request_id).append("\r\n");
  lines.append("Content-Type: application/x-amz-json-1.0\r\n");
  response.body = std::move(body);
  return response;
}

http::Response xml_response(std::string_view request_id, std::string body) {
  http::Response response;
  response.status = 200;
  response.header_lines.reserve(80);
  response.header_lines.append("x-amzn-RequestId: ").append(request_id).append("\r\n");
  response.header_lines.append("Content-Type: text/xml\r\n");
  response.body = std::move(body);
  return response;
}

http::Response render_result(const WireRequest& request, const json::object& result) {
  if (request.protocol == Protocol::Json) return json_response(request.request_id, json::serialize(result));
  return xml_response(request.request_id, query::sqs_response_to_xml(request.action, result, request.request_id));
}

http::Response render_error(Protocol protocol, const AwsError& error, std::string_view request_id) {
  const AwsErrorInfo& info = error.info();
  http::Response response;
  response.status = info.http_status;
  response.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  std::string fault = info.fault == Fault::Sender ? "Sender" : "Receiver";
  if (protocol == Protocol::Json) {
    json::object body;
    body["__type"] = "com.amazonaws.sqs#" + std::string(info.json_type);
    body["message"] = error.message;
    response.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
    response.headers.emplace_back("x-amzn-query-error", std::string(info.query_code) + ";" + fault);
    response.body = json::serialize(body);
  } else {
    // The Query protocol words the missing-queue error differently from JSON (recorded from AWS).
    AwsError shown = error;
    if (error.code == AwsErrorCode::QueueDoesNotExist && error.message == "The specified queue does not exist.") {
      shown.message = "The specified queue does not exist for this wsdl version.";
    }
    response.headers.emplace_back("Content-Type", "text/xml");
    response.body = query::error_xml(shown, request_id);
  }
  return response;
}

}  // namespace sluice::api::sqs::detail
