// CreateEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings,
// UpdateEventSourceMapping and DeleteEventSourceMapping (202 for create, update and delete, as
// the recordings show). The request's settings go to the control plane as the JSON they came in.

#include <boost/json.hpp>

#include <cstdio>

#include "function_actions.h"

namespace sluice::api::lambda_wire {
namespace {

using rest_json::error_answer;
using rest_json::json_answer;

const std::string& request_id(const ActionCall& a) { return a.call.ctx.request_id; }

std::string param(const rest_json::Params& params, std::string_view name) {
  auto found = params.find(name);
  return found == params.end() ? std::string() : found->second;
}

common::Outcome<boost::json::object> body_object(const ActionCall& a) {
  const std::string& body = a.call.request.body;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return boost::json::object();
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    return common::aws_error(common::AwsErrorCode::SerializationException, "Could not parse request body into json");
  }
  return std::move(parsed.get_object());
}

common::Outcome<std::string> take_string(boost::json::object& body, std::string_view name) {
  boost::json::value* value = body.if_contains(name);
  if (!value || value->is_null()) {
    body.erase(name);
    return std::string();
  }
  if (!value->is_string()) {
    return common::aws_error(common::AwsErrorCode::SerializationException,
                             "Could not parse request body into json: " + std::string(name) + " must be a string");
  }
  std::string text(value->get_string());
  body.erase(name);
  return text;
}

// A queue URL where an ARN belongs (the seed's own mistake): AWS answers its validation error
// unchanged; the log names the ARN to use instead.
void log_queue_url_hint(const std::string& event_source_arn, const server::CallContext& ctx) {
  const size_t scheme = event_source_arn.find("://");
  if (scheme == std::string::npos) return;
  const size_t path = event_source_arn.find('/', scheme + 3);
  if (path == std::string::npos) return;
  const std::string host = event_source_arn.substr(scheme + 3, path - scheme - 3);
  std::string rest = event_source_arn.substr(path + 1);
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return;
  const std::string account = rest.substr(0, slash);
  const std::string queue = rest.substr(slash + 1);
  std::string region = ctx.region;
  if (host.rfind("sqs.", 0) == 0) region = host.substr(4, host.find('.', 4) - 4);
  std::fprintf(stderr,
               "sluice: CreateEventSourceMapping: EventSourceArn '%s' is a queue URL; Lambda wants the queue's ARN: "
               "arn:aws:sqs:%s:%s:%s\n",
               event_source_arn.c_str(), region.c_str(), account.c_str(), queue.c_str());
}

http::Response create_mapping(const ActionCall& a) {
  auto body = body_object(a);
  if (!body) return error_answer(body.error(), request_id(a));
  auto function_name = take_string(*body, "FunctionName");
  if (!function_name) return error_answer(function_name.error(), request_id(a));
  auto event_source_arn = take_string(*body, "EventSourceArn");
  if (!event_source_arn) return error_answer(event_source_arn.error(), request_id(a));
  // Lambda checks, when the mapping is made, that the function's execution role may read the queue.
  if (a.check_mapping_role != nullptr && *a.check_mapping_role) {
    if (auto function = a.control_plane.get_function(*function_name)) {
      if (auto refused = (*a.check_mapping_role)(function->role, *event_source_arn)) {
        return error_answer(*refused, request_id(a));
      }
    }
  }
  lambda::CreateMappingInput input{*function_name, *event_source_arn, boost::json::serialize(*body)};
  auto created = a.control_plane.create_event_source_mapping(input);
  if (!created) {
    if (created.error().code == common::AwsErrorCode::Validation)
      log_queue_url_hint(input.event_source_arn, a.call.ctx);
    return error_answer(created.error(), request_id(a));
  }
  return json_answer(202, std::move(*created), request_id(a));
}

http::Response get_mapping(const ActionCall& a) {
  auto found = a.control_plane.get_event_source_mapping(param(a.path, "UUID"));
  if (!found) return error_answer(found.error(), request_id(a));
  return json_answer(200, std::move(*found), request_id(a));
}

http::Response list_mappings(const ActionCall& a) {
  lambda::MappingFilter filter;
  filter.event_source_arn = param(a.query, "EventSourceArn");
  filter.function_name = param(a.query, "FunctionName");
  filter.marker = param(a.query, "Marker");
  if (std::string text = param(a.query, "MaxItems"); !text.empty()) {
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (*end != '\0') {
      return error_answer(
          common::aws_error(common::AwsErrorCode::SerializationException, "MaxItems must be an integer"),
          request_id(a));
    }
    filter.max_items = value;
  }
  auto page = a.control_plane.list_event_source_mappings(filter);
  if (!page) return error_answer(page.error(), request_id(a));
  std::string body = "{\"EventSourceMappings\":[";
  for (size_t i = 0; i < page->configurations.size(); ++i) {
    if (i) body += ',';
    body += page->configurations[i];
  }
  body += ']';
  if (!page->next_marker.empty()) {
    body += ",\"NextMarker\":" + boost::json::serialize(boost::json::value(page->next_marker));
  }
  body += '}';
  return json_answer(200, std::move(body), request_id(a));
}

// The function a FunctionName names, as the last segment of its name or ARN ("" for none).
std::string bare_function_name(std::string_view name_or_arn) {
  std::string_view name = name_or_arn;
  if (auto at = name.find(":function:"); at != std::string_view::npos) name = name.substr(at + 10);
  return std::string(name.substr(0, name.find(':')));
}

http::Response update_mapping(const ActionCall& a) {
  auto body = body_object(a);
  if (!body) return error_answer(body.error(), request_id(a));
  auto function_name = take_string(*body, "FunctionName");
  if (!function_name) return error_answer(function_name.error(), request_id(a));
  if (!function_name->empty()) {
    // Moving a mapping to another function is not supported here; naming its own function is.
    auto current = a.control_plane.get_event_source_mapping(param(a.path, "UUID"));
    if (!current) return error_answer(current.error(), request_id(a));
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(*current, ec);
    const boost::json::value* arn =
        ec || !parsed.is_object() ? nullptr : parsed.get_object().if_contains("FunctionArn");
    if (!arn || !arn->is_string() || bare_function_name(arn->get_string()) != bare_function_name(*function_name)) {
      return error_answer(
          common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                            "sluice cannot move an event source mapping to another function yet; delete the "
                            "mapping and create one for " +
                                *function_name),
          request_id(a));
    }
  }
  auto updated = a.control_plane.update_event_source_mapping(param(a.path, "UUID"), boost::json::serialize(*body));
  if (!updated) return error_answer(updated.error(), request_id(a));
  return json_answer(202, std::move(*updated), request_id(a));
}

http::Response delete_mapping(const ActionCall& a) {
  auto deleted = a.control_plane.delete_event_source_mapping(param(a.path, "UUID"));
  if (!deleted) return error_answer(deleted.error(), request_id(a));
  return json_answer(202, std::move(*deleted), request_id(a));
}

}  // namespace

std::optional<http::Response> run_mapping_action(std::string_view operation, const ActionCall& action) {
  if (operation == "CreateEventSourceMapping") return create_mapping(action);
  if (operation == "GetEventSourceMapping") return get_mapping(action);
  if (operation == "ListEventSourceMappings") return list_mappings(action);
  if (operation == "UpdateEventSourceMapping") return update_mapping(action);
  if (operation == "DeleteEventSourceMapping") return delete_mapping(action);
  return std::nullopt;
}

}  // namespace sluice::api::lambda_wire
