// See lambda_config.h.

#include "lambda_config.h"

#include <boost/json.hpp>

#include <filesystem>

namespace sluice::cli {
namespace {

namespace json = boost::json;

constexpr const char* kHotReloadBucket = "hot-reload";
// A function of the configuration without a Runtime is a handler library for sluice's native
// runtime, which the control plane runs for any custom-runtime function whose code has no bootstrap.
constexpr const char* kNativeRuntime = "provided.al2023";

std::string failed(const std::string& path, const common::AwsError& error) {
  return path + ": " + std::string(error.info().json_type) + ": " + error.message;
}

// Hot-reload code is named by an absolute path.
std::string code_path(const FunctionDeclaration& declared) {
  const std::string& path = declared.runtime.empty() ? declared.handler : declared.code_directory;
  return std::filesystem::absolute(path).lexically_normal().string();
}

lambda::CodeInput hot_reload_code(const FunctionDeclaration& declared) {
  lambda::CodeInput code;
  code.s3_bucket = kHotReloadBucket;
  code.s3_key = code_path(declared);
  return code;
}

std::string runtime_of(const FunctionDeclaration& declared) {
  return declared.runtime.empty() ? kNativeRuntime : declared.runtime;
}

// Lambda's Handler: a library's file name; a bootstrap may do without one, Lambda may not.
std::string handler_of(const FunctionDeclaration& declared) {
  if (declared.runtime.empty()) return std::filesystem::path(declared.handler).filename().string();
  return declared.handler.empty() ? "bootstrap" : declared.handler;
}

lambda::EnvironmentMap environment_of(const FunctionDeclaration& declared) {
  return lambda::EnvironmentMap(declared.environment.begin(), declared.environment.end());
}

// The settings that differ from the function's (none: nothing to update).
std::optional<lambda::UpdateConfigurationInput> changed_settings(const FunctionDeclaration& declared,
                                                                 const lambda::FunctionRecord& current) {
  lambda::UpdateConfigurationInput update;
  bool changed = false;
  auto set_if_different = [&changed](auto& field, const auto& have, const auto& wanted) {
    if (have == wanted) return;
    field = wanted;
    changed = true;
  };
  set_if_different(update.runtime, current.runtime, runtime_of(declared));
  set_if_different(update.handler, current.handler, handler_of(declared));
  set_if_different(update.timeout_s, current.timeout_s, declared.timeout_s);
  set_if_different(update.memory_size_mb, current.memory_size_mb, declared.memory_size_mb);
  set_if_different(update.environment, current.environment.value_or(lambda::EnvironmentMap{}),
                   environment_of(declared));
  if (!changed) return std::nullopt;
  return update;
}

bool apply_function(const FunctionDeclaration& declared, lambda::ControlPlane& functions, const std::string& account_id,
                    const std::string& path, std::string* error) {
  auto current = functions.get_function(declared.name);
  if (!current) {
    lambda::CreateFunctionInput input;
    input.function_name = declared.name;
    input.runtime = runtime_of(declared);
    input.handler = handler_of(declared);
    input.role = declared_function_role(account_id);
    input.timeout_s = declared.timeout_s;
    input.memory_size_mb = declared.memory_size_mb;
    if (!declared.environment.empty()) input.environment = environment_of(declared);
    input.code = hot_reload_code(declared);
    auto created = functions.create_function(input);
    if (!created) {
      *error = failed(path, created.error());
      return false;
    }
  } else {
    if (auto update = changed_settings(declared, *current)) {
      auto updated = functions.update_function_configuration(declared.name, *update);
      if (!updated) {
        *error = failed(path, updated.error());
        return false;
      }
      functions.wait_idle();  // one update at a time: the next is refused while this one is InProgress
    }
    if (!current->code.hot_reload || current->code.path != code_path(declared)) {
      auto updated = functions.update_function_code(declared.name, hot_reload_code(declared));
      if (!updated) {
        *error = failed(path, updated.error());
        return false;
      }
      functions.wait_idle();
    }
    current = functions.get_function(declared.name);
  }
  const std::optional<int64_t> reserved = current ? current->reserved_concurrency : std::nullopt;
  if (declared.reserved_concurrency && reserved != declared.reserved_concurrency) {
    auto put = functions.put_function_concurrency(declared.name, *declared.reserved_concurrency);
    if (!put) {
      *error = failed(path + ".ReservedConcurrentExecutions", put.error());
      return false;
    }
  } else if (!declared.reserved_concurrency && reserved) {
    auto removed = functions.delete_function_concurrency(declared.name);
    if (!removed) {
      *error = failed(path + ".ReservedConcurrentExecutions", removed.error());
      return false;
    }
  }
  if (!declared.on_failure_queue_arn.empty()) {
    auto config = functions.get_event_invoke_config(declared.name, "");
    if (!config || config->on_failure != declared.on_failure_queue_arn) {
      lambda::EventInvokeConfigInput input;
      input.has_destination_config = true;
      input.on_failure = declared.on_failure_queue_arn;
      if (config) input.on_success = config->on_success;
      auto put = config ? functions.update_event_invoke_config(declared.name, "", input)
                        : functions.put_event_invoke_config(declared.name, "", input);
      if (!put) {
        *error = failed(path + ".DestinationConfig", put.error());
        return false;
      }
    }
  }
  return true;
}

// The declared settings that differ from the running mapping's configuration, as a JSON object
// of UpdateEventSourceMapping's members ("{}" when none do).
json::object changed_mapping_settings(const json::object& declared, const json::object& configuration) {
  json::object changes;
  for (const auto& [key, value] : declared) {
    if (key == "Enabled") {
      const json::value* state = configuration.if_contains("State");
      const bool enabled =
          state && state->is_string() && state->get_string() != "Disabled" && state->get_string() != "Disabling";
      if (enabled != value.as_bool()) changes[key] = value;
      continue;
    }
    const json::value* current = configuration.if_contains(key);
    if (!current || *current != value) changes[key] = value;
  }
  return changes;
}

bool apply_mapping(const MappingDeclaration& declared, lambda::ControlPlane& functions, const std::string& path,
                   std::string* error) {
  lambda::MappingFilter filter;
  filter.event_source_arn = declared.event_source_arn;
  filter.function_name = declared.function_name;
  auto existing = functions.list_event_source_mappings(filter);
  if (!existing) {
    *error = failed(path, existing.error());
    return false;
  }
  if (existing->configurations.empty()) {
    auto created = functions.create_event_source_mapping(
        {declared.function_name, declared.event_source_arn, declared.settings_json});
    if (created) return true;
    *error = path + ": ";
    // The queue a user forgot to declare is named, besides AWS's code and text.
    if (created.error().message.find("NonExistentQueue") != std::string::npos)
      *error += "queue " + sqs::parse_queue_arn(declared.event_source_arn)->name +
                " is not declared under queues and does not exist: ";
    *error += std::string(created.error().info().json_type) + ": " + created.error().message;
    return false;
  }
  const json::object configuration = json::parse(existing->configurations.front()).as_object();
  const json::object changes = changed_mapping_settings(json::parse(declared.settings_json).as_object(), configuration);
  if (changes.empty()) return true;
  auto updated = functions.update_event_source_mapping(std::string(configuration.at("UUID").as_string()),
                                                       json::serialize(changes));
  if (!updated) {
    *error = failed(path, updated.error());
    return false;
  }
  return true;
}

}  // namespace

std::string declared_function_role(const std::string& account_id) {
  return "arn:aws:iam::" + account_id + ":role/sluice-configured-function";
}

bool apply_lambda_config(const Config& config, lambda::ControlPlane& functions, const std::string& account_id,
                         std::string* error) {
  for (size_t i = 0; i < config.functions.size(); ++i) {
    if (!apply_function(config.functions[i], functions, account_id, "functions[" + std::to_string(i) + "]", error))
      return false;
  }
  functions.wait_idle();  // deployed, or Failed with the reason
  for (size_t i = 0; i < config.functions.size(); ++i) {
    auto function = functions.get_function(config.functions[i].name);
    if (function && function->state == "Failed") {
      *error = "functions[" + std::to_string(i) + "]: " + function->state_reason;
      return false;
    }
  }
  for (size_t i = 0; i < config.mappings.size(); ++i) {
    const MappingDeclaration& declared = config.mappings[i];
    if (!declared.queue_url.empty()) continue;  // a remote queue: runtime_launcher.h
    if (!apply_mapping(declared, functions, "eventSourceMappings[" + std::to_string(i) + "]", error)) return false;
  }
  return true;
}

}  // namespace sluice::cli
