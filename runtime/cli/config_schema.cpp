// The configuration's schema (see config_schema.h): one table per object, in the page's order.

#include "config_schema.h"

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>

#include "config.h"

namespace sluice::cli {
namespace {

constexpr FieldSchema kTopLevel[] = {
    {"queues", "array of queue objects", false, "SQS queues created at start (dead-letter targets first)."},
    {"functions", "array of function objects", false, "Lambda functions: native plugins or Runtime API functions."},
    {"eventSourceMappings", "array of mapping objects", false,
     "Event-source mappings from an embedded or a remote SQS queue to a declared function."},
    {"accounts", "array of account objects", false,
     "Who may sign requests when `sluice up --auth audit|enforce` checks signatures."},
    {"sns", "object", false, "SNS topics with their subscriptions, and where SNS may deliver over HTTP."},
    {"console", "object", false, "The web console at `/_sluice/`."},
};

constexpr FieldSchema kQueue[] = {
    {"QueueName", "string", true, "CreateQueue's QueueName (a FIFO queue's ends in `.fifo`)."},
    {"Attributes", "object", false,
     "CreateQueue's attributes (VisibilityTimeout, DelaySeconds, FifoQueue, ...); values may be strings, numbers "
     "or booleans. A RedrivePolicy may be an object whose deadLetterTargetArn is a queue name."},
    {"Tags", "object of strings", false, "The queue's tags."},
};

constexpr FieldSchema kFunction[] = {
    {"FunctionName", "string", true, "The function's name, unique in the file."},
    {"Handler", "string", false,
     "Without Runtime: the plugin file (an absolute path, a path relative to the file, or a name looked up in "
     "SLUICE_HANDLER_PATH and the handlers folder beside sluice); required. With Runtime: Lambda's Handler "
     "string (module.function, file.export), optional for provided runtimes."},
    {"Runtime", "string", false,
     "provided, provided.al2, provided.al2023 (CodeUri's bootstrap), python3.x or nodejs* (sluice's shims). "
     "Absent: a native plugin."},
    {"CodeUri", "string", false, "With Runtime: the code's folder, relative to the file. Required then."},
    {"Timeout", "integer", false, "Seconds, 1 to 900; default 3."},
    {"MemorySize", "integer", false, "MB, 128 to 10240; default 128."},
    {"Environment", "object", false, "The function's environment."},
    {"ReservedConcurrentExecutions", "integer", false, "At most this many invocations at once."},
    {"Isolation", "string", false,
     "process (default): each invocation in an execution environment; none: in the sluice process, for plugins "
     "that declare themselves thread-safe."},
    {"DestinationConfig", "object", false, "Where failed asynchronous invocations go."},
};

constexpr FieldSchema kEnvironment[] = {
    {"Variables", "object of strings", false, "Environment variables of the function's process."},
};

constexpr FieldSchema kDestinationConfig[] = {
    {"OnFailure", "object", false, "The destination of invocation records after the last failed attempt."},
};

constexpr FieldSchema kOnFailure[] = {
    {"Destination", "string", true, "An SQS queue name or ARN."},
};

constexpr FieldSchema kMapping[] = {
    {"FunctionName", "string", true, "A function declared in `functions`."},
    {"EventSourceArn", "string", false, "An embedded queue's name or ARN. Give this or QueueUrl."},
    {"QueueUrl", "string", false,
     "A queue at any SQS endpoint, polled with AWS credentials. Give this or "
     "EventSourceArn."},
    {"Endpoint", "string", false, "With QueueUrl: the endpoint to call instead of the URL's host."},
    {"BatchSize", "integer", false, "CreateEventSourceMapping's BatchSize (1 to 10000; default 10)."},
    {"MaximumBatchingWindowInSeconds", "integer", false, "0 to 300; default 0."},
    {"ScalingConfig", "object", false, "The mapping's concurrency."},
    {"FunctionResponseTypes", "array of strings", false, "ReportBatchItemFailures: partial batch responses."},
    {"FilterCriteria", "object", false, "Lambda's event filtering."},
    {"Enabled", "boolean", false, "Default true."},
    {"UUID", "string", false, "Kept for a remote queue's mapping; the control plane names the others."},
};

constexpr FieldSchema kScalingConfig[] = {
    {"MaximumConcurrency", "integer", false, "2 to 1000 concurrent invocations."},
};

constexpr FieldSchema kFilterCriteria[] = {
    {"Filters", "array of filter objects", false, "A record is processed when any filter matches."},
};

constexpr FieldSchema kFilter[] = {
    {"Pattern", "string or object", false, "An event pattern, as JSON text (as AWS takes it) or as the JSON itself."},
};

constexpr FieldSchema kAccount[] = {
    {"AccountId", "string", true, "12 digits."},
    {"RootAccessKeys", "array of access key objects", false, "The root user's keys."},
    {"Users", "array of user objects", false, "IAM users."},
    {"Roles", "array of role objects", false, "IAM roles that STS AssumeRole hands out."},
};

constexpr FieldSchema kAccessKey[] = {
    {"AccessKeyId", "string", true, "16 to 128 letters, digits or _."},
    {"SecretAccessKey", "string", true, "The secret that signs."},
};

constexpr FieldSchema kUser[] = {
    {"UserName", "string", true, "Letters, digits and _+=,.@-."},
    {"AccessKeys", "array of access key objects", false, "The user's keys."},
    {"Policies", "array of policy objects", false, "Inline policies."},
    {"PermissionsBoundary", "object or string", false, "A policy document bounding the user's permissions."},
};

constexpr FieldSchema kRole[] = {
    {"RoleName", "string", true, "Letters, digits and _+=,.@-."},
    {"MaxSessionDuration", "integer", false, "3600 to 43200 seconds; default 3600."},
    {"AssumeRolePolicyDocument", "object or string", false,
     "The trust policy; default: the role's own account may assume it."},
    {"Policies", "array of policy objects", false, "Inline policies."},
    {"PermissionsBoundary", "object or string", false, "A policy document bounding the role's permissions."},
};

constexpr FieldSchema kPolicy[] = {
    {"PolicyName", "string", true, "The inline policy's name."},
    {"PolicyDocument", "object or string", true, "An IAM policy document."},
};

constexpr FieldSchema kSns[] = {
    {"DeliveryAllowList", "array of strings", false,
     "Addresses (CIDR ranges, host:port) SNS may deliver to over HTTP/S, replacing the default (loopback and the "
     "private ranges); \"*\" allows everything."},
    {"Topics", "array of topic objects", false, "Topics created at start."},
};

constexpr FieldSchema kTopic[] = {
    {"Name", "string", true, "CreateTopic's Name (a FIFO topic's ends in `.fifo`)."},
    {"Attributes", "object", false, "CreateTopic's attributes (DisplayName, FifoTopic, ...)."},
    {"Tags", "object of strings", false, "The topic's tags."},
    {"Subscriptions", "array of subscription objects", false, "Subscriptions made at start."},
};

constexpr FieldSchema kSubscription[] = {
    {"Protocol", "string", true, "sqs, lambda, http, https, ..."},
    {"Endpoint", "string", true, "An sqs endpoint may be a queue name and a lambda endpoint a function name."},
    {"Attributes", "object", false,
     "Subscribe's attributes (RawMessageDelivery, FilterPolicy as an object or JSON text, FilterPolicyScope, ...)."},
};

constexpr FieldSchema kConsole[] = {
    {"Principal", "string", false,
     "Under `--auth enforce`, the ARN of the IAM user or role the console acts as: each of its actions is "
     "checked against that principal's policies."},
};

constexpr ObjectSchema kSchema[] = {
    {"(top level)", "The file", "One JSON object; every section is optional. Field names follow AWS's API members.",
     kTopLevel},
    {"queues[]", "queues[]", "One SQS queue. A declared queue kept from an earlier run takes the declared attributes.",
     kQueue},
    {"functions[]", "functions[]",
     "One function. Functions and mappings go through Lambda's control plane at every start, so the Lambda API shows "
     "them and the configuration wins over earlier API changes.",
     kFunction},
    {"functions[].Environment", "functions[].Environment", "", kEnvironment},
    {"functions[].DestinationConfig", "functions[].DestinationConfig", "", kDestinationConfig},
    {"functions[].DestinationConfig.OnFailure", "functions[].DestinationConfig.OnFailure", "", kOnFailure},
    {"eventSourceMappings[]", "eventSourceMappings[]", "One event-source mapping.", kMapping},
    {"eventSourceMappings[].ScalingConfig", "eventSourceMappings[].ScalingConfig", "", kScalingConfig},
    {"eventSourceMappings[].FilterCriteria", "eventSourceMappings[].FilterCriteria", "", kFilterCriteria},
    {"eventSourceMappings[].FilterCriteria.Filters[]", "eventSourceMappings[].FilterCriteria.Filters[]", "", kFilter},
    {"accounts[]", "accounts[]",
     "One account. With `--auth off` (the default) no key is needed and any 12-digit access key id selects its "
     "account.",
     kAccount},
    {"access key", "accounts[].RootAccessKeys[], accounts[].Users[].AccessKeys[]", "", kAccessKey},
    {"accounts[].Users[]", "accounts[].Users[]", "", kUser},
    {"accounts[].Roles[]", "accounts[].Roles[]", "", kRole},
    {"inline policy", "accounts[].Users[].Policies[], accounts[].Roles[].Policies[]", "", kPolicy},
    {"sns", "sns", "", kSns},
    {"sns.Topics[]", "sns.Topics[]", "", kTopic},
    {"sns.Topics[].Subscriptions[]", "sns.Topics[].Subscriptions[]",
     "Names of this server's queues and functions stand for their ARNs.", kSubscription},
    {"console", "console", "", kConsole},
};

constexpr FlagSchema kServerFlags[] = {
    {"--loops", "N", "one per core",
     "Front-door loops: HTTP servers, each on a thread of its own, sharing the port (SO_REUSEPORT; the kernel "
     "spreads new connections among them), each with its own connections and parked long polls, over the one "
     "engine. A long poll parked on one loop wakes for a send that arrives on another."},
    {"--durability", "MODE", "kill-9",
     "What an answered change to queues and messages survives, with a data directory: kill-9 (a commit is a write "
     "to SQLite's write-ahead log, which survives the process being killed) or power-loss (each group commit also "
     "syncs the log to disk, which survives a power cut or a kernel crash; slower by one disk sync per commit). "
     "GET /health names the mode the store runs with (components.store.durability)."},
};

const ObjectSchema& object_schema(std::string_view key) {
  for (const ObjectSchema& object : kSchema)
    if (object.key == key) return object;
  std::fprintf(stderr, "config schema: no object %.*s\n", static_cast<int>(key.size()), key.data());
  std::abort();
}

}  // namespace

std::span<const ObjectSchema> config_schema() { return kSchema; }

std::span<const FlagSchema> server_flags() { return kServerFlags; }

const FlagSchema& server_flag(std::string_view name) {
  for (const FlagSchema& flag : kServerFlags)
    if (flag.name == name) return flag;
  std::fprintf(stderr, "config schema: no flag %.*s\n", static_cast<int>(name.size()), name.data());
  std::abort();
}

void check_fields(const boost::json::object& object, std::string_view key, const std::string& path) {
  const ObjectSchema& schema = object_schema(key);
  for (const auto& [name, value] : object) {
    bool known = false;
    for (const FieldSchema& field : schema.fields) known = known || field.name == name;
    if (known) continue;
    std::string expected;
    for (const FieldSchema& field : schema.fields) expected += (expected.empty() ? "" : ", ") + std::string(field.name);
    fail(path.empty() ? std::string(name) : path + "." + std::string(name),
         "unknown field (expected " + expected + ")");
  }
}

namespace {

// A table cell: '|' would end it, even inside a code span.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string config_reference_markdown() {
  std::string out =
      "# Configuration reference\n\n"
      "<!-- Generated from runtime/cli/config_schema.cpp by sluice_config_reference; do not edit by hand. -->\n\n"
      "`sluice up CONFIG` reads one JSON file. This page lists every object of it and every field; the loader "
      "refuses any other field, naming it with its path (for example `queues[1].Colour: unknown field`).\n";
  for (const ObjectSchema& object : kSchema) {
    out += "\n## " + std::string(object.title) + "\n\n";
    if (!object.description.empty()) out += std::string(object.description) + "\n\n";
    out += "| Field | Type | Required | Description |\n|---|---|---|---|\n";
    for (const FieldSchema& field : object.fields) {
      out += "| `" + std::string(field.name) + "` | " + cell(field.type) + " | " + (field.required ? "yes" : "no") +
             " | " + cell(field.description) + " |\n";
    }
  }
  out +=
      "\n## Server flags\n\n"
      "Not fields of the file: flags of `sluice up` that shape the server itself (`sluice up --help` lists every "
      "flag).\n\n"
      "| Flag | Value | Default | Description |\n|---|---|---|---|\n";
  for (const FlagSchema& flag : kServerFlags) {
    out += "| `" + std::string(flag.name) + "` | " + cell(flag.value) + " | " + cell(flag.default_value) + " | " +
           cell(flag.description) + " |\n";
  }
  return out;
}

}  // namespace sluice::cli
