#pragma once
// SQS's two wire protocols. The front door has already told them apart (server::Protocol) and
// decoded a Query form; here a Call's action is checked (call_action), a queue-management call
// becomes a WireRequest — the action name, its JSON-protocol input object and the caller's
// context — and results and errors become the HTTP answer in the request's protocol, with SQS's
// namespaces and AWS's error shapes for each. The message actions have typed codecs instead
// (message_actions.h) and use only the answers and errors from here.

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "sluice/api/http/server.h"
#include "sluice/api/json/json.h"
#include "sluice/api/query/query.h"
#include "sluice/api/server/server.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::sqs_wire::detail {

using server::Protocol;

inline constexpr api::json::Dialect kJsonDialect{"com.amazonaws.sqs#", "application/x-amz-json-1.0"};
inline constexpr query::Dialect kQueryDialect{"http://queue.amazonaws.com/doc/2012-11-05/", "<?xml version=\"1.0\"?>",
                                              true};

struct WireRequest {
  Protocol protocol = Protocol::Query;
  std::string action;
  // Lives in json::request_storage(): values moved into it from the same storage are not copied.
  boost::json::object input{api::json::request_storage()};
  server::CallContext ctx;
  std::string request_id;
};

// The SQS action a call names, or the error AWS answers when it cannot be run: an unknown action,
// a JSON request without SQS's X-Amz-Target or not sent with POST, a Query form that could not be
// decoded or has no Action. The name is a view into the call.
common::Outcome<std::string_view> call_action(const server::Call& call);

// A Query request without an Action sent to a queue URL: AWS answers 404 with a bare
// <UnknownOperationException/> (not an error document), which this returns; nullopt otherwise.
std::optional<http::Response> unknown_operation_at_queue_url(const server::Call& call);

// The SQS request a call carries, its input read into a tree (the queue-management actions); sets
// *error when it cannot be run (call_action's errors, a body that is not a JSON object, a
// malformed Query parameter). Always fills protocol, request_id and ctx.
WireRequest decode_request(server::Call&& call, std::optional<common::AwsError>* error);

// The JSON-protocol request object of a Query form (InvalidAction for an action SQS lacks).
common::Outcome<boost::json::object> sqs_request_to_json(std::string_view action, const query::FormParams& params,
                                                         boost::json::storage_ptr storage = {});

// The Query documents of an SQS result and of an SQS error.
std::string sqs_response_to_xml(std::string_view action, const boost::json::object& result,
                                std::string_view request_id);
std::string sqs_error_xml(const common::AwsError& error, std::string_view request_id);

http::Response render_result(const WireRequest& request, const boost::json::object& result);
// A JSON-protocol answer (HTTP 200) with this body.
http::Response json_response(std::string_view request_id, std::string body);
// The same for a body written by api::json::JsonWriter alone: its text is well-formed UTF-8 by
// construction (only ASCII skips its strings' check), so it is not scanned again.
http::Response well_formed_json_response(std::string_view request_id, std::string body);
// A Query-protocol answer (HTTP 200) with this XML document.
http::Response xml_response(std::string_view request_id, std::string body);
http::Response render_error(Protocol protocol, const common::AwsError& error, std::string_view request_id);

}  // namespace sluice::api::sqs_wire::detail
