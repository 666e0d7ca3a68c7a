#pragma once
// `sluice up --template FILE`: a CloudFormation or SAM template (YAML or JSON) read as the
// configuration the config file would declare, so its queues, topics, functions and mappings
// behave exactly as declared ones.
//
// Understood: AWS::SQS::Queue, AWS::SNS::Topic (with its Subscription list), AWS::SNS::Subscription,
// AWS::Lambda::Function (Code as a local folder) and AWS::Serverless::Function (CodeUri as a local
// folder, Events of Type SQS and SNS, Globals.Function), AWS::Lambda::EventSourceMapping from an
// SQS queue; Parameters by their Default; the intrinsics of template_intrinsics.h. Runtimes:
// provided.*, python3.x, nodejs*, and native plugins (a Handler naming a .so file in CodeUri).
// Names: a resource's QueueName / TopicName / FunctionName, else its logical id (with ".fifo" for
// FIFO queues and topics). Everything else is skipped, one line each saying why; a resource that
// refers to a skipped one is skipped too.

#include <string>
#include <vector>

#include "config.h"

namespace sluice::cli {

struct TemplateOptions {
  std::string account_id;
  std::string region;
  std::string endpoint;  // what queue URLs start with: "http://127.0.0.1:9324"
};

struct TemplateImport {
  Config config;
  std::vector<std::string> skipped;  // "Name (Type): why", in the template's order
  std::vector<std::string> notes;    // parts of kept resources left out: "Name: Events.Api (Type Api): why"
};

// False with *error when the template cannot be read or what it declares is invalid.
bool import_template(const std::string& path, const TemplateOptions& options, TemplateImport* out, std::string* error);

// Adds `from`'s declarations to `into` (a configuration file's); false with *error naming a queue,
// topic or function both declare.
bool merge_config(Config from, Config* into, std::string* error);

}  // namespace sluice::cli
