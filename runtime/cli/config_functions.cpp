// The "functions" and "eventSourceMappings" sections of the configuration file.

#include <unistd.h>
#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "config.h"
#include "config_fields.h"
#include "config_schema.h"
#include "sluice/functions/runtime_function.h"

namespace sluice::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::string self_directory() {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "";
  return fs::path(std::string(buffer, static_cast<size_t>(n))).parent_path().string();
}

// See config.h for the lookup rules.
std::string resolve_handler(const std::string& handler, const std::string& config_dir, const std::string& path) {
  if (handler.front() == '/') return handler;
  if (handler.find('/') != std::string::npos) return (fs::path(config_dir) / handler).lexically_normal().string();
  std::vector<std::string> folders;
  if (const char* search = std::getenv("SLUICE_HANDLER_PATH")) {
    std::string list = search;
    for (size_t start = 0; start <= list.size();) {
      size_t colon = list.find(':', start);
      if (colon == std::string::npos) colon = list.size();
      if (colon > start) folders.push_back(list.substr(start, colon - start));
      start = colon + 1;
    }
  }
  if (std::string self = self_directory(); !self.empty())
    folders.push_back((fs::path(self) / ".." / "handlers").string());
  for (const auto& folder : folders)
    for (const std::string& candidate : {handler, "lib" + handler + ".so", handler + ".so"})
      if (fs::exists(fs::path(folder) / candidate)) return (fs::path(folder) / candidate).lexically_normal().string();
  fail(path, "handler '" + handler + "' not found in SLUICE_HANDLER_PATH or the handlers folder beside sluice");
}

esm::FilterCriteria parse_filter_criteria(const json::value& value, const std::string& path) {
  const auto& object = object_at(value, path);
  check_fields(object, "eventSourceMappings[].FilterCriteria", path);
  esm::FilterCriteria criteria;
  if (const json::value* filters = object.if_contains("Filters")) {
    if (!filters->is_array()) fail(path + ".Filters", "must be an array");
    for (size_t i = 0; i < filters->as_array().size(); ++i) {
      std::string item_path = path + ".Filters[" + std::to_string(i) + "]";
      const auto& filter = object_at(filters->as_array()[i], item_path);
      check_fields(filter, "eventSourceMappings[].FilterCriteria.Filters[]", item_path);
      esm::Filter parsed;
      if (const json::value* pattern = filter.if_contains("Pattern")) {
        // Written as a JSON string (as AWS takes it) or, for convenience, as the JSON itself.
        parsed.pattern = pattern->is_string() ? std::string(pattern->as_string()) : json::serialize(*pattern);
      }
      criteria.filters.push_back(std::move(parsed));
    }
  }
  return criteria;
}

// CreateEventSourceMapping's members for what the declaration sets.
std::string settings_json(const esm::CreateMappingRequest& request) {
  json::object settings;
  if (request.batch_size) settings["BatchSize"] = *request.batch_size;
  if (request.maximum_batching_window_in_seconds)
    settings["MaximumBatchingWindowInSeconds"] = *request.maximum_batching_window_in_seconds;
  if (request.scaling_config) {
    json::object scaling;
    if (request.scaling_config->maximum_concurrency)
      scaling["MaximumConcurrency"] = *request.scaling_config->maximum_concurrency;
    settings["ScalingConfig"] = std::move(scaling);
  }
  if (!request.function_response_types.empty()) {
    json::array types;
    for (const auto& type : request.function_response_types) types.emplace_back(type);
    settings["FunctionResponseTypes"] = std::move(types);
  }
  if (request.filter_criteria) {
    json::array filters;
    for (const auto& filter : request.filter_criteria->filters) {
      json::object item;
      if (filter.pattern) item["Pattern"] = *filter.pattern;
      filters.emplace_back(std::move(item));
    }
    settings["FilterCriteria"] = json::object{{"Filters", std::move(filters)}};
  }
  if (request.enabled) settings["Enabled"] = *request.enabled;
  return json::serialize(settings);
}

}  // namespace

void parse_functions(const json::value* functions, const std::string& config_dir, const std::string& account_id,
                     const std::string& region, Config* config) {
  if (!functions) return;
  if (!functions->is_array()) fail("functions", "must be an array");
  std::set<std::string> names;
  for (size_t i = 0; i < functions->as_array().size(); ++i) {
    std::string path = "functions[" + std::to_string(i) + "]";
    const auto& object = object_at(functions->as_array()[i], path);
    check_fields(object, "functions[]", path);
    FunctionDeclaration function;
    function.name = string_field(object, "FunctionName", path, true);
    if (!names.insert(function.name).second) fail(path + ".FunctionName", "declared twice: " + function.name);
    function.runtime = string_field(object, "Runtime", path, false);
    if (function.runtime.empty()) {
      if (object.contains("CodeUri")) fail(path + ".CodeUri", "only for a function with a Runtime");
      function.handler = resolve_handler(string_field(object, "Handler", path, true), config_dir, path + ".Handler");
    } else {
      if (!functions::is_supported_runtime(function.runtime))
        fail(path + ".Runtime",
             "\"" + function.runtime +
                 "\" is not supported (provided, provided.al2, provided.al2023, python3.x, nodejs*)");
      // Lambda's Handler string; a custom runtime's bootstrap may do without one.
      function.handler = function.runtime.starts_with("provided") ? string_field(object, "Handler", path, false)
                                                                  : string_field(object, "Handler", path, true);
      const std::string code = string_field(object, "CodeUri", path, true);
      function.code_directory = (fs::path(config_dir) / code).lexically_normal().string();
      if (!fs::is_directory(function.code_directory))
        fail(path + ".CodeUri", "\"" + function.code_directory + "\" is not a directory");
    }
    function.timeout_s = int_field(object, "Timeout", path).value_or(3);
    if (function.timeout_s < 1 || function.timeout_s > 900)
      fail(path + ".Timeout", "must be between 1 and 900 seconds");
    function.memory_size_mb = int_field(object, "MemorySize", path).value_or(128);
    if (function.memory_size_mb < 128 || function.memory_size_mb > 10240)
      fail(path + ".MemorySize", "must be between 128 and 10240 MB");
    function.reserved_concurrency = int_field(object, "ReservedConcurrentExecutions", path);
    if (function.reserved_concurrency && *function.reserved_concurrency < 0)
      fail(path + ".ReservedConcurrentExecutions", "must not be negative");
    std::string isolation = object.contains("Isolation") ? string_field(object, "Isolation", path, false) : "process";
    if (isolation != "none" && isolation != "process") fail(path + ".Isolation", "must be \"none\" or \"process\"");
    function.isolated = isolation == "process";
    if (const json::value* environment = object.if_contains("Environment")) {
      const auto& env = object_at(*environment, path + ".Environment");
      check_fields(env, "functions[].Environment", path + ".Environment");
      if (const json::value* variables = env.if_contains("Variables")) {
        for (const auto& [key, value] : object_at(*variables, path + ".Environment.Variables")) {
          if (!value.is_string()) fail(path + ".Environment.Variables." + std::string(key), "must be a string");
          function.environment.emplace_back(std::string(key), std::string(value.as_string()));
        }
      }
    }
    if (const json::value* destinations = object.if_contains("DestinationConfig")) {
      const std::string dpath = path + ".DestinationConfig";
      const auto& d = object_at(*destinations, dpath);
      check_fields(d, "functions[].DestinationConfig", dpath);
      if (const json::value* on_failure = d.if_contains("OnFailure")) {
        const auto& f = object_at(*on_failure, dpath + ".OnFailure");
        check_fields(f, "functions[].DestinationConfig.OnFailure", dpath + ".OnFailure");
        std::string target = string_field(f, "Destination", dpath + ".OnFailure", true);
        if (!target.starts_with("arn:")) target = sqs::queue_arn({account_id, region, target});
        else if (!sqs::parse_queue_arn(target))
          fail(dpath + ".OnFailure.Destination", "only SQS queues are supported as destinations: " + target);
        function.on_failure_queue_arn = target;
      }
    }
    config->functions.push_back(std::move(function));
  }
}

void parse_mappings(const json::value* mappings, const std::string& account_id, const std::string& region,
                    Config* config) {
  if (!mappings) return;
  if (!mappings->is_array()) fail("eventSourceMappings", "must be an array");
  for (size_t i = 0; i < mappings->as_array().size(); ++i) {
    std::string path = "eventSourceMappings[" + std::to_string(i) + "]";
    const auto& object = object_at(mappings->as_array()[i], path);
    check_fields(object, "eventSourceMappings[]", path);
    MappingDeclaration mapping;
    mapping.function_name = string_field(object, "FunctionName", path, true);
    bool known_function = false;
    for (const auto& function : config->functions)
      known_function = known_function || function.name == mapping.function_name;
    if (!known_function) fail(path + ".FunctionName", "no function named " + mapping.function_name + " is declared");
    std::string source = string_field(object, "EventSourceArn", path, false);
    mapping.queue_url = string_field(object, "QueueUrl", path, false);
    mapping.endpoint = string_field(object, "Endpoint", path, false);
    if (source.empty() == mapping.queue_url.empty())
      fail(path, "give exactly one of EventSourceArn (embedded queue) and QueueUrl (remote queue)");
    if (!mapping.endpoint.empty() && mapping.queue_url.empty()) fail(path + ".Endpoint", "only with QueueUrl");
    if (!source.empty()) {
      if (!source.starts_with("arn:")) source = sqs::queue_arn({account_id, region, source});
      else if (!sqs::parse_queue_arn(source)) fail(path + ".EventSourceArn", "not an SQS queue ARN: " + source);
    }
    mapping.event_source_arn = source;
    esm::CreateMappingRequest& request = mapping.request;
    request.event_source_arn = source;
    request.batch_size = int_field(object, "BatchSize", path);
    request.maximum_batching_window_in_seconds = int_field(object, "MaximumBatchingWindowInSeconds", path);
    if (const json::value* scaling = object.if_contains("ScalingConfig")) {
      const auto& scaling_object = object_at(*scaling, path + ".ScalingConfig");
      check_fields(scaling_object, "eventSourceMappings[].ScalingConfig", path + ".ScalingConfig");
      request.scaling_config =
          esm::ScalingConfig{int_field(scaling_object, "MaximumConcurrency", path + ".ScalingConfig")};
    }
    if (const json::value* types = object.if_contains("FunctionResponseTypes")) {
      if (!types->is_array()) fail(path + ".FunctionResponseTypes", "must be an array");
      for (const auto& type : types->as_array()) {
        if (!type.is_string()) fail(path + ".FunctionResponseTypes", "must hold strings");
        request.function_response_types.emplace_back(type.as_string());
      }
    }
    if (const json::value* criteria = object.if_contains("FilterCriteria"))
      request.filter_criteria = parse_filter_criteria(*criteria, path + ".FilterCriteria");
    if (const json::value* enabled = object.if_contains("Enabled")) {
      if (!enabled->is_bool()) fail(path + ".Enabled", "must be true or false");
      request.enabled = enabled->as_bool();
    }
    if (object.contains("UUID")) request.uuid = string_field(object, "UUID", path, false);
    mapping.settings_json = settings_json(request);
    config->mappings.push_back(std::move(mapping));
  }
}

}  // namespace sluice::cli
