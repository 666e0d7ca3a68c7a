// Decoding and rendering for SQS's JSON 1.0 and Query protocols.
//
// JSON 1.0: POST, X-Amz-Target "AmazonSQS.<Action>", body a JSON object (empty body = {}).
// Answers carry the same member names; errors are {"__type":"com.amazonaws.sqs#<Type>",
// "message":...} plus x-amzn-query-error "<QueryCode>;Sender|Receiver", which SDKs use to show the
// legacy Query codes.
// Query: Action/Version and flattened parameters, form-encoded in a POST body and/or the query
// string; the Query kit maps them to and from the JSON shapes through SQS's shape table. Errors
// are <ErrorResponse> documents.

#include "wire.h"

#include <cctype>

#include "queue_url.h"
#include "sqs_api.h"
#include "sqs_shapes.h"

namespace sluice::api::sqs_wire::detail {
namespace {

namespace bj = boost::json;

constexpr std::string_view kTargetPrefix = "AmazonSQS.";

// The body of a JSON request into the request's input object.
void decode_json_body(const http::Request& request, WireRequest& out, std::optional<common::AwsError>* error) {
  std::string_view body = request.body;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front())) != 0) body.remove_prefix(1);
  if (body.empty()) return;  // no input members
  // One parser per thread keeps its working stack between requests; the tree goes to the
  // request's arena.
  thread_local bj::parser parser;
  parser.reset(out.input.storage());
  boost::system::error_code ec;
  parser.write(body.data(), body.size(), ec);
  bj::value parsed = ec ? bj::value() : parser.release();
  if (ec || !parsed.is_object()) {
    *error = common::aws_error(common::AwsErrorCode::SerializationException,
                               ec ? "The request body is not valid JSON." : "The request body must be a JSON object.");
    return;
  }
  out.input = std::move(parsed.get_object());
}

}  // namespace

common::Outcome<std::string_view> call_action(const server::Call& call) {
  if (call.ctx.protocol == Protocol::Query) {
    if (call.form_error) return *call.form_error;
    // A queue URL is an endpoint of its own on AWS: the actions that name no queue are not valid
    // there (and a request without an Action is answered by unknown_operation_at_queue_url).
    const bool queue_endpoint = parse_queue_path(call.ctx.request_path).has_value();
    if (call.action.empty()) {
      return common::aws_error(common::AwsErrorCode::MissingAction, "The request must contain the parameter Action.");
    }
    if (!SqsActions::is_action(call.action) ||
        (queue_endpoint && (call.action == "CreateQueue" || call.action == "ListQueues"))) {
      return common::aws_error(common::AwsErrorCode::InvalidAction,
                               "The action " + call.action + " is not valid for this endpoint.");
    }
    return std::string_view(call.action);
  }
  const std::string* target = call.request.header("x-amz-target");
  if (target == nullptr || target->compare(0, kTargetPrefix.size(), kTargetPrefix) != 0) {
    return common::aws_error(common::AwsErrorCode::UnknownOperation,
                             "Unable to determine service/operation name to be authorized");
  }
  std::string_view action = std::string_view(*target).substr(kTargetPrefix.size());
  if (call.request.method != "POST") {
    return common::aws_error(common::AwsErrorCode::UnknownOperation,
                             "Operation " + std::string(action) + " must be called with POST.");
  }
  if (!SqsActions::is_action(action)) {
    return common::aws_error(common::AwsErrorCode::UnknownOperation,
                             "The action " + std::string(action) + " is not valid for this endpoint.");
  }
  return action;
}

std::optional<http::Response> unknown_operation_at_queue_url(const server::Call& call) {
  if (call.ctx.protocol != Protocol::Query || !call.action.empty() || call.form_error ||
      !parse_queue_path(call.ctx.request_path))
    return std::nullopt;
  // Not an <ErrorResponse>: AWS answers a bare element with 404 (recorded against AWS by an
  // AWS-validated test suite).
  http::Response bare = xml_response(call.ctx.request_id, "<UnknownOperationException/>");
  bare.status = 404;
  return bare;
}

WireRequest decode_request(server::Call&& call, std::optional<common::AwsError>* error) {
  *error = std::nullopt;
  WireRequest out;
  out.protocol = call.ctx.protocol;
  out.request_id = call.ctx.request_id;
  auto action = call_action(call);
  if (!action) {
    *error = action.take_error();
  } else {
    out.action = std::string(*action);
    if (out.protocol == Protocol::Query) {
      auto input = sqs_request_to_json(out.action, call.form.params(), out.input.storage());
      if (input) {
        out.input = std::move(*input);
      } else {
        *error = input.take_error();
      }
    } else {
      decode_json_body(call.request, out, error);
    }
  }
  out.ctx = std::move(call.ctx);
  return out;
}

common::Outcome<bj::object> sqs_request_to_json(std::string_view action, const query::FormParams& params,
                                                bj::storage_ptr storage) {
  const query::ActionSpec* spec = find_action(action);
  if (!spec) {
    // Text of AWS's common error InvalidAction.
    return common::aws_error(
        common::AwsErrorCode::InvalidAction,
        "The action or operation requested is invalid. Verify that the action is typed correctly.");
  }
  return query::request_to_json(*spec, params, std::move(storage));
}

std::string sqs_response_to_xml(std::string_view action, const bj::object& result, std::string_view request_id) {
  const query::ActionSpec* spec = find_action(action);
  if (spec == nullptr) return query::document(action, "", false, request_id, kQueryDialect);
  return query::response_to_xml(*spec, result, request_id, kQueryDialect);
}

std::string sqs_error_xml(const common::AwsError& error, std::string_view request_id) {
  return query::error_xml(error, request_id, kQueryDialect);
}

http::Response json_response(std::string_view request_id, std::string body) {
  return api::json::json_response(request_id, std::move(body), kJsonDialect);
}

http::Response well_formed_json_response(std::string_view request_id, std::string body) {
  // The kit's answer around an empty body (nothing to check), then the body itself.
  http::Response response = api::json::json_response(request_id, std::string(), kJsonDialect);
  response.body = std::move(body);
  return response;
}

http::Response xml_response(std::string_view request_id, std::string body) {
  return query::xml_response(request_id, std::move(body));
}

http::Response render_result(const WireRequest& request, const bj::object& result) {
  if (request.protocol == Protocol::Json) return json_response(request.request_id, bj::serialize(result));
  return xml_response(request.request_id, sqs_response_to_xml(request.action, result, request.request_id));
}

http::Response render_error(Protocol protocol, const common::AwsError& error, std::string_view request_id) {
  if (protocol == Protocol::Json) return api::json::error_response(error, request_id, kJsonDialect);

  // The Query protocol words the missing-queue error differently from JSON (recorded from AWS).
  if (error.code == common::AwsErrorCode::QueueDoesNotExist && error.message == "The specified queue does not exist.") {
    common::AwsError shown = error;
    shown.message = "The specified queue does not exist for this wsdl version.";
    return query::error_response(shown, request_id, kQueryDialect);
  }
  return query::error_response(error, request_id, kQueryDialect);
}

}  // namespace sluice::api::sqs_wire::detail
