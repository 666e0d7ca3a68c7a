#pragma once
// The sluice configuration file: one JSON document declaring what exists at start. Field names
// follow AWS's (QueueName, Attributes, RedrivePolicy, ...). A RedrivePolicy may name its
// dead-letter queue by name instead of ARN; queues are created dead-letter targets first.
//
//   {
//     "queues": [
//       {"QueueName": "OrderProcessingDLQ"},
//       {"QueueName": "OrderProcessingQueue",
//        "Attributes": {"VisibilityTimeout": "30",
//                       "RedrivePolicy": {"deadLetterTargetArn": "OrderProcessingDLQ", "maxReceiveCount": 3}},
//        "Tags": {"team": "orders"}}
//     ]
//   }
//
// Errors name the field (e.g. "queues[1].Attributes.RedrivePolicy: ...") and the reason.

#include <string>
#include <vector>

#include "sluice/sqs/engine.h"

namespace sluice::cli {

struct QueueDeclaration {
  std::string name;
  sqs::AttributeMap attributes;  // RedrivePolicy already rewritten to carry an ARN
  sqs::TagMap tags;
  std::string redrive_target;    // name of the dead-letter queue, "" if none
};

struct Config {
  std::vector<QueueDeclaration> queues;  // in creation order (dead-letter targets first)
};

// Parses the configuration; account and region complete queue ARNs. On error returns false and
// sets *error to "<field path>: <reason>".
bool parse_config(const std::string& json_text, const std::string& account_id, const std::string& region,
                  Config* config, std::string* error);
bool load_config_file(const std::string& path, const std::string& account_id, const std::string& region,
                      Config* config, std::string* error);

// Creates the declared queues (idempotent). Returns false with *error naming the queue.
bool apply_config(const Config& config, sqs::Engine& engine, const std::string& account_id, const std::string& region,
                  std::string* error);

}  // namespace sluice::cli
