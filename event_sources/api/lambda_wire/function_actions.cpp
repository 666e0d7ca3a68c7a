// CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions, DeleteFunction,
// UpdateFunctionCode, UpdateFunctionConfiguration and Invoke (Lambda API reference: status codes
// 201 / 200 / 204, Invoke's headers; 202 for an Event invocation once it is stored).

#include "function_actions.h"

#include <boost/json.hpp>

#include "request_reader.h"
#include "sluice/common/crypto.h"

namespace sluice::api::lambda_wire {
namespace {

using rest_json::error_answer;
using rest_json::json_answer;

constexpr size_t kLogTailBytes = 4096;
// Invoke's payload limits (Lambda API reference, Invoke: 6 MB synchronous, 1 MB asynchronous).
constexpr size_t kMaxSyncPayloadBytes = 6 * 1024 * 1024;
constexpr size_t kMaxAsyncPayloadBytes = 1024 * 1024;

const std::string& request_id(const ActionCall& a) { return a.call.ctx.request_id; }

std::string function_name(const ActionCall& a) {
  auto found = a.path.find("FunctionName");
  return found == a.path.end() ? std::string() : found->second;
}

std::string query_value(const ActionCall& a, std::string_view name) {
  auto found = a.query.find(name);
  return found == a.query.end() ? std::string() : found->second;
}

// Code {ZipFile (base64), S3Bucket, S3Key, S3ObjectVersion}, at the top level for
// UpdateFunctionCode and under "Code" for CreateFunction.
common::Outcome<lambda::CodeInput> read_code(RequestReader& reader) {
  lambda::CodeInput code;
  if (auto zip = reader.string("ZipFile")) {
    auto decoded = common::base64_decode(*zip);
    if (!decoded) {
      return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                               "Could not unzip uploaded file. Please check your file, then try to upload again.");
    }
    code.zip_file = std::move(*decoded);
  }
  code.s3_bucket = reader.string("S3Bucket").value_or("");
  code.s3_key = reader.string("S3Key").value_or("");
  code.s3_object_version = reader.string("S3ObjectVersion").value_or("");
  code.revision_id = reader.string("RevisionId");
  if (reader.error()) return *reader.error();
  return code;
}

std::optional<std::map<std::string, std::string>> read_environment(RequestReader& reader,
                                                                   std::optional<common::AwsError>* error) {
  auto environment = reader.object("Environment");
  if (!environment) return std::nullopt;
  auto variables = environment->string_map("Variables");
  if (environment->error()) *error = environment->error();
  return variables.value_or(std::map<std::string, std::string>{});
}

std::optional<std::string> read_dead_letter_target(RequestReader& reader, std::optional<common::AwsError>* error) {
  auto config = reader.object("DeadLetterConfig");
  if (!config) return std::nullopt;
  auto target = config->string("TargetArn");
  if (config->error()) *error = config->error();
  return target.value_or("");
}

http::Response create_function(const ActionCall& a) {
  RequestReader reader(a.call.request.body);
  lambda::CreateFunctionInput input;
  input.function_name = reader.string("FunctionName").value_or("");
  input.runtime = reader.string("Runtime").value_or("");
  input.role = reader.string("Role").value_or("");
  input.handler = reader.string("Handler").value_or("");
  input.description = reader.string("Description").value_or("");
  input.timeout_s = reader.integer("Timeout");
  input.memory_size_mb = reader.integer("MemorySize");
  input.tags = reader.string_map("Tags").value_or(lambda::TagMap{});
  std::optional<common::AwsError> nested_error;
  input.environment = read_environment(reader, &nested_error);
  input.dead_letter_target_arn = read_dead_letter_target(reader, &nested_error).value_or("");
  const bool publish = reader.boolean("Publish").value_or(false);
  auto code_reader = reader.object("Code");
  if (reader.error()) return error_answer(*reader.error(), request_id(a));
  if (nested_error) return error_answer(*nested_error, request_id(a));
  if (code_reader) {
    auto code = read_code(*code_reader);
    if (!code) return error_answer(code.error(), request_id(a));
    input.code = std::move(*code);
  }
  input.code.publish = publish;
  auto created = a.control_plane.create_function(input);
  if (!created) return error_answer(created.error(), request_id(a));
  return json_answer(201, lambda::configuration_json(*created), request_id(a));
}

http::Response get_function(const ActionCall& a) {
  std::string name = function_name(a);
  if (std::string qualifier = query_value(a, "Qualifier"); !qualifier.empty()) name += ":" + qualifier;
  auto found = a.control_plane.get_function(name);
  if (!found) return error_answer(found.error(), request_id(a));
  std::string body = "{\"Configuration\":" + lambda::configuration_json(*found);
  boost::json::object code{{"RepositoryType", found->code.hot_reload ? "Local" : "S3"},
                           {"Location", "file://" + found->code.path}};
  body += ",\"Code\":" + boost::json::serialize(code);
  if (found->reserved_concurrency) {
    body += ",\"Concurrency\":{\"ReservedConcurrentExecutions\":" + std::to_string(*found->reserved_concurrency) + "}";
  }
  if (!found->tags.empty()) {
    boost::json::object tags;
    for (const auto& [key, value] : found->tags) tags[key] = value;
    body += ",\"Tags\":" + boost::json::serialize(tags);
  }
  body += '}';
  return json_answer(200, std::move(body), request_id(a));
}

http::Response get_function_configuration(const ActionCall& a) {
  std::string name = function_name(a);
  if (std::string qualifier = query_value(a, "Qualifier"); !qualifier.empty()) name += ":" + qualifier;
  auto found = a.control_plane.get_function(name);
  if (!found) return error_answer(found.error(), request_id(a));
  return json_answer(200, lambda::configuration_json(*found), request_id(a));
}

http::Response list_functions(const ActionCall& a) {
  std::optional<int64_t> max_items;
  if (std::string text = query_value(a, "MaxItems"); !text.empty()) {
    try {
      size_t used = 0;
      max_items = std::stoll(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      return error_answer(
          common::aws_error(common::AwsErrorCode::SerializationException, "MaxItems must be an integer"),
          request_id(a));
    }
  }
  const std::string function_version = query_value(a, "FunctionVersion");
  if (!function_version.empty() && function_version != "ALL") {
    return error_answer(
        common::aws_error(common::AwsErrorCode::Validation,
                          "1 validation error detected: Value '" + function_version +
                              "' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum "
                              "value set: [ALL]"),
        request_id(a));
  }
  auto page = a.control_plane.list_functions(query_value(a, "Marker"), max_items, function_version == "ALL");
  if (!page) return error_answer(page.error(), request_id(a));
  std::string body = "{\"Functions\":[";
  for (size_t i = 0; i < page->functions.size(); ++i) {
    if (i) body += ',';
    body += lambda::configuration_json(page->functions[i]);
  }
  body += ']';
  if (!page->next_marker.empty()) {
    body += ",\"NextMarker\":" + boost::json::serialize(boost::json::value(page->next_marker));
  }
  body += '}';
  return json_answer(200, std::move(body), request_id(a));
}

http::Response delete_function(const ActionCall& a) {
  std::string name = function_name(a);
  if (std::string qualifier = query_value(a, "Qualifier"); !qualifier.empty()) name += ":" + qualifier;
  auto deleted = a.control_plane.delete_function(name);
  if (!deleted) return error_answer(deleted.error(), request_id(a));
  return json_answer(204, "", request_id(a));
}

http::Response update_function_code(const ActionCall& a) {
  RequestReader reader(a.call.request.body);
  auto code = read_code(reader);
  if (!code) return error_answer(code.error(), request_id(a));
  code->publish = reader.boolean("Publish").value_or(false);
  if (reader.error()) return error_answer(*reader.error(), request_id(a));
  auto updated = a.control_plane.update_function_code(function_name(a), *code);
  if (!updated) return error_answer(updated.error(), request_id(a));
  return json_answer(200, lambda::configuration_json(*updated), request_id(a));
}

http::Response update_function_configuration(const ActionCall& a) {
  RequestReader reader(a.call.request.body);
  lambda::UpdateConfigurationInput input;
  input.runtime = reader.string("Runtime");
  input.role = reader.string("Role");
  input.handler = reader.string("Handler");
  input.description = reader.string("Description");
  input.timeout_s = reader.integer("Timeout");
  input.memory_size_mb = reader.integer("MemorySize");
  input.revision_id = reader.string("RevisionId");
  std::optional<common::AwsError> nested_error;
  input.environment = read_environment(reader, &nested_error);
  input.dead_letter_target_arn = read_dead_letter_target(reader, &nested_error);
  if (reader.error()) return error_answer(*reader.error(), request_id(a));
  if (nested_error) return error_answer(*nested_error, request_id(a));
  auto updated = a.control_plane.update_function_configuration(function_name(a), input);
  if (!updated) return error_answer(updated.error(), request_id(a));
  return json_answer(200, lambda::configuration_json(*updated), request_id(a));
}

std::string header_or(const http::Request& request, std::string_view name, std::string fallback) {
  const std::string* value = request.header(name);
  return value ? *value : fallback;
}

http::Response invoke(const ActionCall& a) {
  const http::Request& request = a.call.request;
  const std::string type = header_or(request, "x-amz-invocation-type", "RequestResponse");
  const std::string log_type = header_or(request, "x-amz-log-type", "None");
  if (type != "RequestResponse" && type != "DryRun" && type != "Event") {
    return error_answer(
        common::aws_error(common::AwsErrorCode::Validation, "1 validation error detected: Value '" + type +
                                                                "' at 'invocationType' failed to satisfy constraint: "
                                                                "Member must satisfy enum value set: [Event, "
                                                                "RequestResponse, DryRun]"),
        request_id(a));
  }
  const std::string qualifier = query_value(a, "Qualifier");
  if (type == "Event") {
    if (request.body.size() > kMaxAsyncPayloadBytes) {
      return error_answer(common::aws_error(common::AwsErrorCode::LambdaRequestEntityTooLarge,
                                            std::to_string(request.body.size()) +
                                                " byte payload is too large for the Event invocation type (limit " +
                                                std::to_string(kMaxAsyncPayloadBytes) + " bytes)"),
                          request_id(a));
    }
    auto queued = a.control_plane.invoke_async(function_name(a), qualifier, request.body.empty() ? "{}" : request.body);
    if (!queued) return error_answer(queued.error(), request_id(a));
    // The answer's request id is the event's, as the invocation record and the function see it.
    return json_answer(202, "", *queued);
  }
  if (request.body.size() > kMaxSyncPayloadBytes) {
    return error_answer(common::aws_error(common::AwsErrorCode::LambdaRequestEntityTooLarge,
                                          "Request must be smaller than " + std::to_string(kMaxSyncPayloadBytes) +
                                              " bytes for the InvokeFunction operation"),
                        request_id(a));
  }
  if (type == "DryRun") {
    auto found =
        a.control_plane.get_function(qualifier.empty() ? function_name(a) : function_name(a) + ":" + qualifier);
    if (!found) return error_answer(found.error(), request_id(a));
    return json_answer(204, "", request_id(a));
  }
  lambda::InvokeInput input;
  input.payload = request.body.empty() ? "{}" : request.body;
  input.request_id = request_id(a);
  input.tail_log = log_type == "Tail";
  input.client_context = header_or(request, "x-amz-client-context", "");
  auto output = a.control_plane.invoke(function_name(a), qualifier, input);
  if (!output) return lambda_error(output.error(), request_id(a));
  http::Response response = json_answer(200, std::move(output->payload), request_id(a));
  response.headers.emplace_back("X-Amz-Executed-Version", output->executed_version);
  if (!output->function_error.empty()) response.headers.emplace_back("X-Amz-Function-Error", output->function_error);
  if (input.tail_log) {
    std::string_view log = output->log;
    if (log.size() > kLogTailBytes) log = log.substr(log.size() - kLogTailBytes);
    response.headers.emplace_back("X-Amz-Log-Result", common::base64_encode(log));
  }
  return response;
}

}  // namespace

std::optional<http::Response> run_function_action(std::string_view operation, const ActionCall& action) {
  if (operation == "CreateFunction") return create_function(action);
  if (operation == "GetFunction") return get_function(action);
  if (operation == "GetFunctionConfiguration") return get_function_configuration(action);
  if (operation == "ListFunctions") return list_functions(action);
  if (operation == "DeleteFunction") return delete_function(action);
  if (operation == "UpdateFunctionCode") return update_function_code(action);
  if (operation == "UpdateFunctionConfiguration") return update_function_configuration(action);
  if (operation == "Invoke") return invoke(action);
  return std::nullopt;
}

}  // namespace sluice::api::lambda_wire
