// What a request says about its caller, its protocol and its operation: the protocol by
// X-Amz-Target or an application/x-amz-json content type (anything else is Query); the account,
// region and signing service from the SigV4 credential scope (the Authorization header, else a
// presigned X-Amz-Credential); the operation from X-Amz-Target, the RPC v2 path or the Query form.

#include <optional>
#include <string>

#include "call_context.h"
#include "sluice/common/crypto.h"

namespace sluice::api::server {
namespace {

constexpr std::string_view kRpcV2Prefix = "/service/";
constexpr std::string_view kRpcV2Operation = "/operation/";

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

// Query string first, then a form body. The Form copies both into one buffer of its own, which
// moves with the Call, and its pairs view that buffer; the request keeps its text as it came.
std::optional<common::AwsError> read_form(const http::Request& request, query::Form& form) {
  std::string_view body = detail::is_form_body(request) ? std::string_view(request.body) : std::string_view();
  auto decoded = query::Form::decode(request.query, body);
  if (!decoded) return decoded.take_error();
  form = std::move(*decoded);
  return std::nullopt;
}

std::string base_url_for(const http::Request& request, const CallDefaults& defaults) {
  if (!defaults.public_base_url.empty()) return defaults.public_base_url;
  const char* scheme = request.secure ? "https://" : "http://";
  if (const std::string* host = request.header("host"); host != nullptr && !host->empty()) {
    return scheme + *host;
  }
  return std::string(scheme) + "localhost";
}

}  // namespace

std::string_view detail::form_value(const query::FormParams& form, std::string_view name) {
  for (const auto& [n, v] : form) {
    if (n == name) return v;
  }
  return {};
}

std::string_view detail::rpc_v2_service(std::string_view path) {
  if (path.substr(0, kRpcV2Prefix.size()) != kRpcV2Prefix) return {};
  path.remove_prefix(kRpcV2Prefix.size());
  size_t end = path.find(kRpcV2Operation);
  return end == std::string_view::npos ? std::string_view() : path.substr(0, end);
}

Call decode_call(http::Request&& request, const CallDefaults& defaults) {
  Call call;
  CallContext& ctx = call.ctx;
  ctx.account_id = defaults.account_id;
  ctx.region = defaults.region;
  ctx.default_region = defaults.region;
  ctx.request_id = common::uuid4();
  ctx.protocol = protocol_of(request);
  ctx.request_path = request.path;
  ctx.base_url = base_url_for(request, defaults);
  ctx.secure_transport = request.secure;
  ctx.source_ip = request.peer_ip;
  std::string_view form_credential;
  if (ctx.protocol == Protocol::Query) {
    call.form_error = read_form(request, call.form);
    for (const auto& [name, value] : call.form) {
      if (name == "Action" && call.action.empty()) call.action = value;
      if (name == "X-Amz-Credential") form_credential = value;
    }
  } else if (const std::string* target = request.header("x-amz-target")) {
    size_t dot = target->rfind('.');  // a prefix may hold dots (CloudTrail's)
    if (dot != std::string::npos) call.action = target->substr(dot + 1);
  } else if (ctx.protocol == Protocol::RpcV2Cbor && !detail::rpc_v2_service(request.path).empty()) {
    call.action = request.path.substr(request.path.find(kRpcV2Operation) + kRpcV2Operation.size());
  }
  // The Authorization header wins over a presigned credential.
  std::string_view credential = header_credential(request);
  apply_credential_scope(credential.empty() ? form_credential : credential, ctx);
  call.request = std::move(request);
  return call;
}

Call copy_call(const Call& call) {
  Call copy;
  copy.request = call.request;
  copy.ctx = call.ctx;
  copy.action = call.action;
  copy.form_error = call.form_error;
  if (copy.ctx.protocol == Protocol::Query && !copy.form_error) (void)read_form(copy.request, copy.form);
  return copy;
}

Protocol protocol_of(const http::Request& request) {
  if (request.header("x-amz-target") != nullptr) return Protocol::Json;
  if (request.header("smithy-protocol") != nullptr) return Protocol::RpcV2Cbor;
  const std::string* content_type = request.header("content-type");
  if (content_type != nullptr && icontains(*content_type, "application/x-amz-json")) return Protocol::Json;
  return Protocol::Query;
}

bool detail::is_form_body(const http::Request& request) {
  if (request.method != "POST") return false;
  const std::string* content_type = request.header("content-type");
  return content_type == nullptr || icontains(*content_type, "application/x-www-form-urlencoded");
}

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

// "AKID/20240101/us-east-1/sqs/aws4_request"
void apply_credential_scope(std::string_view credential, CallContext& ctx) {
  size_t first = credential.find('/');
  if (first == std::string_view::npos) return;
  std::string_view akid = credential.substr(0, first);
  ctx.access_key_id = std::string(akid);
  if (is_account_id(akid)) ctx.account_id = std::string(akid);
  std::string_view rest = credential.substr(first + 1);
  size_t date_end = rest.find('/');
  if (date_end == std::string_view::npos) return;
  rest = rest.substr(date_end + 1);
  size_t region_end = rest.find('/');
  std::string_view region = rest.substr(0, region_end);
  if (!region.empty()) ctx.region = std::string(region);
  if (region_end == std::string_view::npos) return;
  rest = rest.substr(region_end + 1);
  ctx.signing_service = std::string(rest.substr(0, rest.find('/')));
}

}  // namespace sluice::api::server
