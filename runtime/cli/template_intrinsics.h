#pragma once
// The intrinsic functions of a template that the importer evaluates: Ref (parameters' defaults,
// pseudo parameters, resources), Fn::GetAtt (Arn, QueueName, QueueUrl, TopicArn, TopicName) and
// Fn::Sub (both forms, "${Name}", "${Name.Attribute}", "${!Literal}"), and Fn::Join for the strings
// they make. Anything else (a condition, an import from another stack) cannot be known locally:
// evaluating it throws IntrinsicError, and the resource that used it is skipped with that reason.

#include <boost/json/fwd.hpp>

#include <map>
#include <string>

namespace sluice::cli {

// A resource the importer creates: what Ref and Fn::GetAtt answer for it.
struct TemplateResource {
  std::string type;
  std::string ref;
  std::map<std::string, std::string> attributes;
};

struct TemplateSymbols {
  std::map<std::string, std::string> parameters;  // pseudo parameters and the template's defaults
  std::map<std::string, TemplateResource> resources;
  std::map<std::string, std::string> skipped;  // logical id -> why
};

struct IntrinsicError {
  std::string text;
};

// A copy of `value` with every intrinsic evaluated; members whose value is Ref AWS::NoValue are
// left out. Throws IntrinsicError.
boost::json::value resolve_intrinsics(const boost::json::value& value, const TemplateSymbols& symbols);

}  // namespace sluice::cli
