// The template importer (see template_import.h). Resources are translated into the configuration
// file's JSON, which the configuration loader then reads, so a template's resources are checked and
// created by the same code as a configuration's. Translation repeats until no more resources are
// skipped: skipping one can make another that refers to it impossible.

#include "template_import.h"

#include <boost/json.hpp>

#include <filesystem>
#include <set>

#include "sluice/functions/runtime_function.h"
#include "template_intrinsics.h"
#include "template_yaml.h"

namespace sluice::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

struct Skip {
  std::string why;
};

constexpr std::string_view kQueue = "AWS::SQS::Queue";
constexpr std::string_view kTopic = "AWS::SNS::Topic";
constexpr std::string_view kSubscription = "AWS::SNS::Subscription";
constexpr std::string_view kFunction = "AWS::Lambda::Function";
constexpr std::string_view kServerlessFunction = "AWS::Serverless::Function";
constexpr std::string_view kMapping = "AWS::Lambda::EventSourceMapping";

// Properties that are queue attributes under the same name.
const std::set<std::string> kQueueAttributes = {"ContentBasedDeduplication",
                                                "DeduplicationScope",
                                                "DelaySeconds",
                                                "FifoQueue",
                                                "FifoThroughputLimit",
                                                "KmsDataKeyReusePeriodSeconds",
                                                "KmsMasterKeyId",
                                                "MaximumMessageSize",
                                                "MessageRetentionPeriod",
                                                "ReceiveMessageWaitTimeSeconds",
                                                "RedriveAllowPolicy",
                                                "RedrivePolicy",
                                                "SqsManagedSseEnabled",
                                                "VisibilityTimeout"};
const std::set<std::string> kTopicAttributes = {
    "ArchivePolicy",  "ContentBasedDeduplication", "DataProtectionPolicy", "DisplayName", "FifoTopic",
    "KmsMasterKeyId", "SignatureVersion",          "TracingConfig"};
const std::set<std::string> kSubscriptionAttributes = {"DeliveryPolicy",     "FilterPolicy",  "FilterPolicyScope",
                                                       "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn"};
// Function properties without a local effect, left out without a word.
const std::set<std::string> kQuietFunctionProperties = {"Architectures", "Description", "Policies",
                                                        "Role",          "Tags",        "Tracing"};
const std::set<std::string> kMappingSettings = {"BatchSize",     "MaximumBatchingWindowInSeconds",
                                                "Enabled",       "FunctionResponseTypes",
                                                "ScalingConfig", "FilterCriteria"};

const json::object& object_or_empty(const json::value* value) {
  static const json::object kEmpty;
  return value != nullptr && value->is_object() ? value->as_object() : kEmpty;
}

std::string text(const json::value& value, const std::string& what) {
  if (!value.is_string()) throw Skip{what + " must be a string"};
  return std::string(value.as_string());
}

std::string text_or(const json::object& object, const char* name, std::string fallback = {}) {
  const json::value* value = object.if_contains(name);
  return value == nullptr ? fallback : text(*value, name);
}

// Template scalars are strings; the configuration wants numbers and booleans where AWS does.
json::value integer(const json::value& value, const std::string& what) {
  if (value.is_int64() || value.is_uint64()) return value;
  std::string digits = value.is_string() ? std::string(value.as_string()) : std::string();
  if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos)
    throw Skip{what + " must be a whole number"};
  return std::stoll(digits);
}

json::value boolean(const json::value& value, const std::string& what) {
  if (value.is_bool()) return value;
  if (value.is_string() && (value.as_string() == "true" || value.as_string() == "false"))
    return value.as_string() == "true";
  throw Skip{what + " must be true or false"};
}

bool is_true(const json::object& object, const char* name) {
  const json::value* value = object.if_contains(name);
  return value != nullptr && value->is_string() && value->as_string() == "true";
}

json::object tags_map(const json::value& tags) {
  json::object out;
  if (tags.is_object()) return tags.as_object();  // SAM writes a map
  if (!tags.is_array()) throw Skip{"Tags must be a list of Key/Value"};
  for (const auto& tag : tags.as_array()) {
    const json::object& pair = object_or_empty(&tag);
    out[text_or(pair, "Key")] = text_or(pair, "Value");
  }
  return out;
}

// CreateEventSourceMapping's settings, typed as the configuration wants them.
void copy_mapping_settings(const json::object& from, json::object& mapping) {
  for (const auto& [key, value] : from) {
    std::string name(key);
    if (!kMappingSettings.count(name)) continue;
    if (name == "BatchSize" || name == "MaximumBatchingWindowInSeconds") {
      mapping[name] = integer(value, name);
    } else if (name == "Enabled") {
      mapping[name] = boolean(value, name);
    } else if (name == "ScalingConfig") {
      json::object scaling;
      if (const json::value* max = object_or_empty(&value).if_contains("MaximumConcurrency"))
        scaling["MaximumConcurrency"] = integer(*max, "ScalingConfig.MaximumConcurrency");
      mapping[name] = std::move(scaling);
    } else {
      mapping[name] = value;
    }
  }
}

// "arn:aws:sqs:REGION:ACCOUNT:NAME" for an SQS ARN, else empty.
bool is_queue_arn(const std::string& arn) { return arn.starts_with("arn:") && arn.find(":sqs:") != std::string::npos; }

// A function named by name or ARN ("...:function:NAME[:QUALIFIER]").
std::string function_name(const std::string& name_or_arn) {
  size_t at = name_or_arn.find(":function:");
  if (at == std::string::npos) return name_or_arn;
  std::string name = name_or_arn.substr(at + 10);
  return name.substr(0, name.find(':'));
}

// A subscription waiting for its topic: the topic may come later in the template.
struct PendingSubscription {
  std::string owner;  // the resource it came from
  std::string event;  // the function's event, or "" for an AWS::SNS::Subscription
  std::string topic_arn;
  json::object subscription;
};

struct Translation {
  json::array queues;
  json::array functions;
  json::array mappings;
  std::vector<std::pair<std::string, json::object>> topics;  // by ARN, in the template's order
  std::vector<PendingSubscription> subscriptions;
  std::vector<std::string> notes;
};

class Importer {
 public:
  Importer(const json::object& document, TemplateOptions options, std::string directory)
      : document_(document), options_(std::move(options)), directory_(std::move(directory)) {}

  bool run(TemplateImport* out, std::string* error) {
    const json::value* resources = document_.if_contains("Resources");
    if (resources == nullptr || !resources->is_object()) {
      *error = "no Resources mapping";
      return false;
    }
    collect_parameters();
    name_resources(resources->as_object());
    Translation done;
    for (bool again = true; again;) {
      done = Translation{};
      again = false;
      for (const auto& [key, value] : resources->as_object()) {
        std::string id(key);
        if (symbols_.skipped.count(id)) continue;
        try {
          translate(id, object_or_empty(&value), done);
        } catch (const Skip& skip) {
          again = skip_resource(id, skip.why) || again;
        } catch (const IntrinsicError& e) {
          again = skip_resource(id, e.text) || again;
        }
      }
      again = attach_subscriptions(done) || again;
    }
    for (const auto& [key, value] : resources->as_object()) {
      std::string id(key);
      if (auto it = symbols_.skipped.find(id); it != symbols_.skipped.end())
        out->skipped.push_back(id + " (" + text_or(object_or_empty(&value), "Type", "no Type") + "): " + it->second);
    }
    out->notes = std::move(done.notes);
    json::object config;
    if (!done.queues.empty()) config["queues"] = std::move(done.queues);
    if (!done.functions.empty()) config["functions"] = std::move(done.functions);
    if (!done.mappings.empty()) config["eventSourceMappings"] = std::move(done.mappings);
    if (!done.topics.empty()) {
      json::array topics;
      for (auto& [arn, topic] : done.topics) topics.push_back(std::move(topic));
      config["sns"] = json::object{{"Topics", std::move(topics)}};
    }
    if (!parse_config(json::serialize(config), options_.account_id, options_.region, directory_, &out->config, error)) {
      *error = "as configuration: " + *error;
      return false;
    }
    return true;
  }

 private:
  bool skip_resource(const std::string& id, const std::string& why) {
    symbols_.resources.erase(id);
    return symbols_.skipped.emplace(id, why).second;
  }

  void collect_parameters() {
    symbols_.parameters = {{"AWS::AccountId", options_.account_id},
                           {"AWS::Region", options_.region},
                           {"AWS::StackName", "sluice"},
                           {"AWS::Partition", "aws"},
                           {"AWS::URLSuffix", "amazonaws.com"}};
    for (const auto& [key, value] : object_or_empty(document_.if_contains("Parameters"))) {
      const json::value* fallback = object_or_empty(&value).if_contains("Default");
      if (fallback != nullptr && fallback->is_string()) {
        symbols_.parameters[std::string(key)] = std::string(fallback->as_string());
      } else if (fallback != nullptr && fallback->is_array()) {  // a CommaDelimitedList's default
        std::string joined;
        for (const auto& item : fallback->as_array())
          joined += (joined.empty() ? "" : ",") + (item.is_string() ? std::string(item.as_string()) : "");
        symbols_.parameters[std::string(key)] = joined;
      } else {
        symbols_.skipped[std::string(key)] = "parameter without a Default";
      }
    }
  }

  // What Ref and Fn::GetAtt answer for each resource sluice creates; types it does not create are
  // skipped here.
  void name_resources(const json::object& resources) {
    const std::string arn_tail = options_.region + ":" + options_.account_id + ":";
    for (const auto& [key, value] : resources) {
      std::string id(key);
      const json::object& resource = object_or_empty(&value);
      std::string type = resource.contains("Type") && resource.at("Type").is_string()
                             ? std::string(resource.at("Type").as_string())
                             : std::string();
      if (resource.contains("Condition")) {
        symbols_.skipped[id] = "Conditions are not evaluated";
        continue;
      }
      const json::object& properties = object_or_empty(resource.if_contains("Properties"));
      try {
        TemplateResource named{type, {}, {}};
        if (type == kQueue) {
          std::string name = name_property(properties, "QueueName", id, is_true(properties, "FifoQueue"));
          named.ref = options_.endpoint + "/" + options_.account_id + "/" + name;
          named.attributes = {{"Arn", "arn:aws:sqs:" + arn_tail + name}, {"QueueName", name}, {"QueueUrl", named.ref}};
        } else if (type == kTopic) {
          std::string name = name_property(properties, "TopicName", id, is_true(properties, "FifoTopic"));
          named.ref = "arn:aws:sns:" + arn_tail + name;
          named.attributes = {{"TopicArn", named.ref}, {"TopicName", name}};
        } else if (type == kFunction || type == kServerlessFunction) {
          std::string name = name_property(properties, "FunctionName", id, false);
          named.ref = name;
          named.attributes = {{"Arn", "arn:aws:lambda:" + arn_tail + "function:" + name}};
        } else if (type != kSubscription && type != kMapping) {
          symbols_.skipped[id] = type.empty() ? "no Type" : "a resource type sluice does not create";
          continue;
        }
        symbols_.resources[id] = std::move(named);
      } catch (const Skip& skip) {
        symbols_.skipped[id] = skip.why;
      } catch (const IntrinsicError& e) {
        symbols_.skipped[id] = e.text;
      }
    }
  }

  std::string name_property(const json::object& properties, const char* field, const std::string& id, bool fifo) {
    if (const json::value* given = properties.if_contains(field))
      return text(resolve_intrinsics(*given, symbols_), field);
    return fifo ? id + ".fifo" : id;
  }

  void translate(const std::string& id, const json::object& resource, Translation& out) {
    std::string type = text_or(resource, "Type");
    json::object properties = object_or_empty(resource.if_contains("Properties"));
    if (type == kServerlessFunction) {
      translate_function(id, with_globals(properties), true, out);
    } else if (type == kFunction) {
      translate_function(id, properties, false, out);
    } else if (type == kQueue) {
      translate_queue(id, resolve_intrinsics(properties, symbols_).as_object(), out);
    } else if (type == kTopic) {
      translate_topic(id, resolve_intrinsics(properties, symbols_).as_object(), out);
    } else if (type == kSubscription) {
      const json::object resolved = resolve_intrinsics(properties, symbols_).as_object();
      out.subscriptions.push_back({id, "", text_or(resolved, "TopicArn"), subscription_of(resolved)});
    } else if (type == kMapping) {
      translate_mapping(resolve_intrinsics(properties, symbols_).as_object(), out);
    }
  }

  void translate_queue(const std::string& id, const json::object& properties, Translation& out) {
    json::object attributes;
    json::object queue{{"QueueName", symbols_.resources.at(id).attributes.at("QueueName")}};
    for (const auto& [key, value] : properties) {
      std::string name(key);
      if (name == "QueueName") continue;
      if (name == "Tags") {
        queue["Tags"] = tags_map(value);
      } else if (name == "RedrivePolicy" && value.is_object()) {
        json::object policy = value.as_object();
        if (const json::value* count = policy.if_contains("maxReceiveCount"))
          policy["maxReceiveCount"] = integer(*count, "RedrivePolicy.maxReceiveCount");
        attributes[name] = std::move(policy);
      } else if (kQueueAttributes.count(name)) {
        attributes[name] = value;
      } else {
        out.notes.push_back(id + ": property " + name + " has no effect in sluice");
      }
    }
    queue["Attributes"] = std::move(attributes);
    out.queues.push_back(std::move(queue));
  }

  void translate_topic(const std::string& id, const json::object& properties, Translation& out) {
    const std::string& arn = symbols_.resources.at(id).ref;
    json::object attributes;
    json::object topic{{"Name", symbols_.resources.at(id).attributes.at("TopicName")}};
    for (const auto& [key, value] : properties) {
      std::string name(key);
      if (name == "TopicName") continue;
      if (name == "Tags") {
        topic["Tags"] = tags_map(value);
      } else if (name == "Subscription") {
        if (!value.is_array()) throw Skip{"Subscription must be a list"};
        for (const auto& item : value.as_array())
          out.subscriptions.push_back({id, "", arn, subscription_of(object_or_empty(&item))});
      } else if (kTopicAttributes.count(name)) {
        attributes[name] = value;
      } else {
        out.notes.push_back(id + ": property " + name + " has no effect in sluice");
      }
    }
    topic["Attributes"] = std::move(attributes);
    topic["Subscriptions"] = json::array{};
    out.topics.emplace_back(arn, std::move(topic));
  }

  static json::object subscription_of(const json::object& properties) {
    json::object subscription{{"Protocol", text_or(properties, "Protocol")},
                              {"Endpoint", text_or(properties, "Endpoint")}};
    if (subscription["Protocol"].as_string().empty() || subscription["Endpoint"].as_string().empty())
      throw Skip{"a subscription needs Protocol and Endpoint"};
    json::object attributes;
    for (const auto& [key, value] : properties)
      if (kSubscriptionAttributes.count(std::string(key))) attributes[key] = value;
    subscription["Attributes"] = std::move(attributes);
    return subscription;
  }

  // Globals.Function under a function's own properties; Environment.Variables merge.
  json::object with_globals(json::object properties) const {
    const json::object& globals =
        object_or_empty(object_or_empty(document_.if_contains("Globals")).if_contains("Function"));
    for (const auto& [key, value] : globals) {
      if (!properties.contains(key)) {
        properties[key] = value;
      } else if (key == "Environment" && value.is_object() && properties[key].is_object()) {
        json::object variables = object_or_empty(value.as_object().if_contains("Variables"));
        for (const auto& [name, item] : object_or_empty(properties[key].as_object().if_contains("Variables")))
          variables[name] = item;
        properties[key].as_object()["Variables"] = std::move(variables);
      }
    }
    return properties;
  }

  std::string code_folder(const json::object& properties, bool serverless) {
    const char* field = serverless ? "CodeUri" : "Code";
    const json::value* code = properties.if_contains(field);
    if (code == nullptr || !code->is_string())
      throw Skip{std::string(field) + " must be a local folder (S3 locations and inline code are not fetched)"};
    fs::path path(std::string(code->as_string()));
    path = (path.is_absolute() ? path : fs::path(directory_) / path).lexically_normal();
    return (path.has_filename() ? path : path.parent_path()).string();  // "src/" names the folder src
  }

  void translate_function(const std::string& id, json::object properties, bool serverless, Translation& out) {
    json::object events = object_or_empty(properties.if_contains("Events"));
    properties.erase("Events");
    const json::object resolved = resolve_intrinsics(properties, symbols_).as_object();
    if (text_or(resolved, "PackageType") == "Image") throw Skip{"container images (PackageType Image) are not run"};
    const TemplateResource& self = symbols_.resources.at(id);
    json::object function{{"FunctionName", self.ref}};
    std::string folder = code_folder(resolved, serverless);
    std::string handler = text_or(resolved, "Handler");
    std::string runtime = text_or(resolved, "Runtime");
    if (handler.ends_with(".so")) {  // a native plugin in the code folder
      function["Handler"] = (fs::path(folder) / handler).lexically_normal().string();
    } else {
      if (runtime.empty()) throw Skip{"no Runtime"};
      if (!functions::is_supported_runtime(runtime))
        throw Skip{"Runtime " + runtime + " is not one sluice runs (provided.*, python3.x, nodejs*)"};
      function["Runtime"] = runtime;
      function["CodeUri"] = folder;
      if (!handler.empty()) function["Handler"] = handler;
    }
    for (const auto& [key, value] : resolved) {
      std::string name(key);
      if (name == "Timeout" || name == "MemorySize" || name == "ReservedConcurrentExecutions") {
        function[name] = integer(value, name);
      } else if (name == "Environment") {
        json::object variables;
        for (const auto& [variable, item] : object_or_empty(object_or_empty(&value).if_contains("Variables")))
          variables[variable] = text(item, "Environment.Variables." + std::string(variable));
        function["Environment"] = json::object{{"Variables", std::move(variables)}};
      } else if (name != "FunctionName" && name != "Handler" && name != "Runtime" && name != "CodeUri" &&
                 name != "Code" && name != "PackageType" && !kQuietFunctionProperties.count(name)) {
        out.notes.push_back(id + ": property " + name + " has no effect in sluice");
      }
    }
    out.functions.push_back(std::move(function));
    for (const auto& [key, value] : events) translate_event(id, std::string(key), object_or_empty(&value), out);
  }

  // An event that cannot be made is left out with a note; the function stays.
  void translate_event(const std::string& id, const std::string& event, const json::object& declared,
                       Translation& out) {
    std::string type = declared.contains("Type") && declared.at("Type").is_string()
                           ? std::string(declared.at("Type").as_string())
                           : std::string();
    std::string where = id + ": Events." + event + " (Type " + type + ")";
    try {
      const json::object properties =
          resolve_intrinsics(object_or_empty(declared.if_contains("Properties")), symbols_).as_object();
      if (type == "SQS") {
        std::string queue = text_or(properties, "Queue");
        if (!is_queue_arn(queue)) throw Skip{"Queue must be an SQS queue ARN"};
        json::object mapping{{"FunctionName", symbols_.resources.at(id).ref}, {"EventSourceArn", queue}};
        copy_mapping_settings(properties, mapping);
        out.mappings.push_back(std::move(mapping));
      } else if (type == "SNS") {
        const json::value* via_queue = properties.if_contains("SqsSubscription");
        if (via_queue != nullptr && (via_queue->is_object() || is_true(properties, "SqsSubscription")))
          throw Skip{"SqsSubscription (a queue between the topic and the function) is not made"};
        json::object subscription{{"Protocol", "lambda"}, {"Endpoint", symbols_.resources.at(id).attributes.at("Arn")}};
        json::object attributes;
        for (const char* name : {"FilterPolicy", "FilterPolicyScope"})
          if (const json::value* value = properties.if_contains(name)) attributes[name] = *value;
        subscription["Attributes"] = std::move(attributes);
        out.subscriptions.push_back({id, event, text_or(properties, "Topic"), std::move(subscription)});
      } else {
        out.notes.push_back(where + ": not an event source sluice runs (SQS and SNS are)");
      }
    } catch (const Skip& skip) {
      out.notes.push_back(where + ": " + skip.why);
    } catch (const IntrinsicError& e) {
      out.notes.push_back(where + ": " + e.text);
    }
  }

  void translate_mapping(const json::object& properties, Translation& out) {
    std::string source = text_or(properties, "EventSourceArn");
    if (!is_queue_arn(source))
      throw Skip{"EventSourceArn " + (source.empty() ? std::string("(none)") : source) + " is not an SQS queue"};
    std::string function = function_name(text_or(properties, "FunctionName"));
    if (function.empty()) throw Skip{"no FunctionName"};
    bool declared = false;
    for (const auto& [other, resource] : symbols_.resources)
      declared = declared ||
                 ((resource.type == kFunction || resource.type == kServerlessFunction) && resource.ref == function);
    if (!declared) throw Skip{"function " + function + " is not a function of this template"};
    json::object mapping{{"FunctionName", function}, {"EventSourceArn", source}};
    copy_mapping_settings(properties, mapping);
    out.mappings.push_back(std::move(mapping));
  }

  // True when a subscription's topic is missing and its resource was skipped because of it.
  bool attach_subscriptions(Translation& out) {
    bool skipped_more = false;
    for (auto& pending : out.subscriptions) {
      json::object* topic = nullptr;
      for (auto& [arn, declared] : out.topics)
        if (arn == pending.topic_arn) topic = &declared;
      if (topic != nullptr) {
        (*topic)["Subscriptions"].as_array().push_back(std::move(pending.subscription));
        continue;
      }
      std::string why = "topic " + (pending.topic_arn.empty() ? std::string("(none)") : pending.topic_arn) +
                        " is not a topic of this template";
      auto owner = symbols_.resources.find(pending.owner);
      if (!pending.event.empty()) {
        out.notes.push_back(pending.owner + ": Events." + pending.event + " (Type SNS): " + why);
      } else if (owner != symbols_.resources.end() && owner->second.type == kSubscription) {
        skipped_more = skip_resource(pending.owner, why) || skipped_more;
      }
    }
    return skipped_more;
  }

  const json::object& document_;
  TemplateOptions options_;
  std::string directory_;
  TemplateSymbols symbols_;
};

template <typename Item, typename Name>
bool no_duplicates(const std::vector<Item>& a, const std::vector<Item>& b, Name name, const char* what,
                   std::string* error) {
  for (const auto& x : a)
    for (const auto& y : b)
      if (name(x) == name(y)) {
        *error = std::string(what) + " " + name(x) + " is declared by both the configuration and the template";
        return false;
      }
  return true;
}

}  // namespace

bool import_template(const std::string& path, const TemplateOptions& options, TemplateImport* out, std::string* error) {
  json::value document;
  if (!read_template_document(path, &document, error)) return false;
  std::string directory = fs::absolute(fs::path(path)).parent_path().string();
  return Importer(document.as_object(), options, directory).run(out, error);
}

bool merge_config(Config from, Config* into, std::string* error) {
  if (!no_duplicates(
          from.queues, into->queues, [](const QueueDeclaration& q) { return q.name; }, "queue", error) ||
      !no_duplicates(
          from.functions, into->functions, [](const FunctionDeclaration& f) { return f.name; }, "function", error) ||
      !no_duplicates(
          from.topics, into->topics, [](const TopicDeclaration& t) { return t.name; }, "topic", error))
    return false;
  auto append = [](auto& to, auto& items) {
    to.insert(to.end(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
  };
  append(into->queues, from.queues);
  append(into->functions, from.functions);
  append(into->mappings, from.mappings);
  append(into->topics, from.topics);
  append(into->accounts, from.accounts);
  return true;
}

}  // namespace sluice::cli
