#include "config.h"
#include "config_fields.h"
#include "config_schema.h"
#include "json_syntax_error.h"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace sluice::cli {

void fail(const std::string& path, const std::string& reason) { throw ConfigError{path + ": " + reason}; }

namespace {

namespace json = boost::json;

// Attribute values may be written as JSON strings, numbers, booleans or (for the policies) objects;
// AWS takes them all as strings.
std::string attribute_text(const json::value& value, const std::string& path) {
  switch (value.kind()) {
    case json::kind::string:
      return std::string(value.as_string());
    case json::kind::int64:
      return std::to_string(value.as_int64());
    case json::kind::uint64:
      return std::to_string(value.as_uint64());
    case json::kind::bool_:
      return value.as_bool() ? "true" : "false";
    case json::kind::object:
    case json::kind::array:
      return json::serialize(value);
    default:
      fail(path, "must be a string, a number, a boolean or a JSON object");
  }
}

std::map<std::string, std::string> string_map(const json::value& value, const std::string& path) {
  if (!value.is_object()) fail(path, "must be an object");
  std::map<std::string, std::string> out;
  for (const auto& [key, item] : value.as_object())
    out[std::string(key)] = attribute_text(item, path + "." + std::string(key));
  return out;
}

QueueDeclaration parse_queue(const json::value& value, const std::string& path, const std::string& account_id,
                             const std::string& region) {
  if (!value.is_object()) fail(path, "must be an object");
  const auto& object = value.as_object();
  check_fields(object, "queues[]", path);
  QueueDeclaration queue;
  const json::value* name = object.if_contains("QueueName");
  if (!name || !name->is_string() || name->as_string().empty())
    fail(path + ".QueueName", "required, a non-empty string");
  queue.name = std::string(name->as_string());
  if (const json::value* tags = object.if_contains("Tags")) queue.tags = string_map(*tags, path + ".Tags");
  if (const json::value* attributes = object.if_contains("Attributes")) {
    if (!attributes->is_object()) fail(path + ".Attributes", "must be an object");
    for (const auto& [key, item] : attributes->as_object()) {
      std::string field = path + ".Attributes." + std::string(key);
      if (key == "RedrivePolicy" && item.is_object()) {
        json::object policy = item.as_object();
        const json::value* target = policy.if_contains("deadLetterTargetArn");
        if (!target || !target->is_string()) fail(field + ".deadLetterTargetArn", "required, a queue name or ARN");
        std::string target_text(target->as_string());
        if (!target_text.starts_with("arn:")) {
          queue.redrive_target = target_text;
          policy["deadLetterTargetArn"] = sqs::queue_arn({account_id, region, target_text});
        } else if (auto address = sqs::parse_queue_arn(target_text)) {
          queue.redrive_target = address->name;
        }
        queue.attributes["RedrivePolicy"] = json::serialize(policy);
        continue;
      }
      queue.attributes[std::string(key)] = attribute_text(item, field);
    }
  }
  return queue;
}

// Orders queues so that each dead-letter target precedes its sources.
std::vector<QueueDeclaration> creation_order(std::vector<QueueDeclaration> queues) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < queues.size(); ++i) index[queues[i].name] = i;
  std::vector<QueueDeclaration> ordered;
  std::vector<int> state(queues.size(), 0);  // 0 new, 1 visiting, 2 placed
  std::function<void(size_t)> place = [&](size_t i) {
    if (state[i] == 2) return;
    if (state[i] == 1) fail("queues", "dead-letter queues form a cycle through " + queues[i].name);
    state[i] = 1;
    auto target = index.find(queues[i].redrive_target);
    if (!queues[i].redrive_target.empty() && target != index.end() && target->second != i) place(target->second);
    state[i] = 2;
    ordered.push_back(queues[i]);
  };
  for (size_t i = 0; i < queues.size(); ++i) place(i);
  return ordered;
}

}  // namespace

bool parse_config(const std::string& json_text, const std::string& account_id, const std::string& region,
                  const std::string& config_dir, Config* config, std::string* error) {
  boost::system::error_code ec;
  json::value root = json::parse(json_text, ec);
  if (ec) {
    *error = "not valid JSON: " + json_syntax_error(json_text);
    return false;
  }
  try {
    if (!root.is_object()) fail("(top level)", "must be a JSON object");
    check_fields(root.as_object(), "(top level)", "");
    Config parsed;
    if (const json::value* queues = root.as_object().if_contains("queues")) {
      if (!queues->is_array()) fail("queues", "must be an array");
      std::set<std::string> seen;
      std::vector<QueueDeclaration> declared;
      for (size_t i = 0; i < queues->as_array().size(); ++i) {
        std::string path = "queues[" + std::to_string(i) + "]";
        declared.push_back(parse_queue(queues->as_array()[i], path, account_id, region));
        if (!seen.insert(declared.back().name).second)
          fail(path + ".QueueName", "declared twice: " + declared.back().name);
      }
      parsed.queues = creation_order(std::move(declared));
    }
    parse_functions(root.as_object().if_contains("functions"), config_dir, account_id, region, &parsed);
    parse_mappings(root.as_object().if_contains("eventSourceMappings"), account_id, region, &parsed);
    parse_accounts(root.as_object().if_contains("accounts"), &parsed);
    parse_sns(root.as_object().if_contains("sns"), account_id, region, &parsed);
    if (const json::value* console = root.as_object().if_contains("console")) {
      const json::object& section = object_at(*console, "console");
      check_fields(section, "console", "console");
      parsed.console_principal = string_field(section, "Principal", "console", false);
    }
    *config = std::move(parsed);
    return true;
  } catch (const ConfigError& e) {
    *error = e.text;
    return false;
  }
}

bool load_config_file(const std::string& path, const std::string& account_id, const std::string& region, Config* config,
                      std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot be read";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string dir = std::filesystem::absolute(std::filesystem::path(path)).parent_path().string();
  if (!parse_config(text.str(), account_id, region, dir, config, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

bool apply_config(const Config& config, sqs::Engine& engine, const std::string& account_id, const std::string& region,
                  std::string* error) {
  for (const auto& queue : config.queues) {
    sqs::QueueAddress address{account_id, region, queue.name};
    auto created = engine.create_queue(address, queue.attributes, queue.tags);
    // A queue kept from an earlier run whose declared attributes changed takes the new ones.
    if (!created.ok() && created.error().code == common::AwsErrorCode::QueueNameExists) {
      sqs::AttributeMap settable = queue.attributes;
      settable.erase("FifoQueue");
      created = engine.set_queue_attributes(address, settable);
    }
    if (!created.ok()) {
      *error = "queue " + queue.name + ": " + created.error().message;
      return false;
    }
  }
  return true;
}

}  // namespace sluice::cli
