#pragma once
// The two SQS wire protocols over one action layer. decode_request() tells them apart by headers
// (X-Amz-Target or an application/x-amz-json content type means JSON 1.0; anything else is the
// Query protocol, form-encoded in the body or the query string) and yields the action name, the
// JSON-protocol input object and the caller's context. render_*() produce the HTTP answer in the
// request's protocol, including AWS's error shapes for each.

#include <boost/json.hpp>

#include <optional>
#include <string>

#include "http/http_server.h"
#include "sluice/common/aws_error.h"
#include "sqs_api.h"
#include "sqs_query/query_codec.h"

namespace sluice::api::sqs::detail {

enum class Protocol { Json, Query };

// Storage for one request's JSON values: a monotonic arena whose first block shares the
// arena's own allocation. The input object is built in it and the hot actions build their result
// objects in the input's storage too, so a request costs one allocation instead of one per
// member and string; the arena is freed with the last value that uses it.
boost::json::storage_ptr request_storage();

struct WireRequest {
  Protocol protocol = Protocol::Query;
  std::string action;
  // Lives in request_storage(): values moved into it from the same storage are not copied.
  boost::json::object input{request_storage()};
  CallContext ctx;
  std::string request_id;
};

struct ContextDefaults {
  std::string account_id;
  std::string region;
  std::string base_url;  // empty: from the Host header
};

Protocol protocol_of(const http::Request& request);
// Account and region from the SigV4 credential (Authorization header or X-Amz-Credential).
void apply_credentials(const http::Request& request, std::string_view form_credential, CallContext& ctx);

// A Query-protocol request decoded only as far as its form: what another Query service on this
// port (SNS) needs to decide whether the request is its own.
struct QueryForm {
  query::FormParams params;  // query string first, then the form body
  std::string action;
  std::string version;
  std::string signing_service;  // from the SigV4 credential scope, e.g. "sqs", "sns"
  CallContext ctx;
  std::string request_id;
};

// Always fills ctx and request_id; sets *error on malformed form encoding.
QueryForm decode_query_form(const http::Request& request, const ContextDefaults& defaults,
                            std::optional<AwsError>* error);
// The SQS request carried by a decoded form.
WireRequest sqs_request_from_form(QueryForm form, std::optional<AwsError>* error);

// The context of a JSON-protocol request: defaults, the Host it reached, its credentials' scope.
CallContext json_call_context(const http::Request& request, const ContextDefaults& defaults);

// Always fills protocol, request_id and ctx; sets *error when the request cannot be run.
WireRequest decode_request(const http::Request& request, const ContextDefaults& defaults,
                           std::optional<AwsError>* error);

http::Response render_result(const WireRequest& request, const boost::json::object& result);
// A JSON-protocol answer (HTTP 200) with this body.
http::Response json_response(std::string_view request_id, std::string body);
// A Query-protocol answer (HTTP 200) with this XML document.
http::Response xml_response(std::string_view request_id, std::string body);
http::Response render_error(Protocol protocol, const AwsError& error, std::string_view request_id);

}  // namespace sluice::api::sqs::detail
