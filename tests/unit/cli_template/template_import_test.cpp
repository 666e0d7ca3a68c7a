// Templates read as configuration: YAML's short intrinsic forms, the intrinsics' evaluation, the
// translation of queues, topics, subscriptions, functions, events and mappings, and the skips.

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "template_import.h"
#include "template_intrinsics.h"
#include "template_yaml.h"

using namespace sluice::cli;
namespace json = boost::json;

namespace {

const TemplateOptions kOptions{"123456789012", "us-east-1", "http://127.0.0.1:9324"};

std::string write_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("sluice-template-" + name);
  std::ofstream(path) << text;
  return path.string();
}

json::value read(const std::string& yaml) {
  json::value document;
  std::string error;
  REQUIRE_MESSAGE(read_template_document(write_file("read.yaml", yaml), &document, &error), error);
  return document;
}

std::string attribute(const std::vector<std::pair<std::string, std::string>>& attributes, const std::string& name) {
  for (const auto& [key, value] : attributes)
    if (key == name) return value;
  return "(absent)";
}

}  // namespace

TEST_CASE("YAML short forms become the long forms; scalars are strings") {
  json::value document = read(
      "Resources:\n"
      "  Q:\n"
      "    Properties:\n"
      "      A: !Ref Stage\n"
      "      B: !GetAtt Dlq.Arn\n"
      "      C: !Sub '${AWS::Region}-x'\n"
      "      D: !Join ['-', [a, !Ref Stage]]\n"
      "      E: 30\n"
      "      F: !If [IsProd, a, b]\n");
  const json::object& p = document.at("Resources").at("Q").at("Properties").as_object();
  CHECK(json::serialize(p.at("A")) == R"({"Ref":"Stage"})");
  CHECK(json::serialize(p.at("B")) == R"({"Fn::GetAtt":["Dlq","Arn"]})");
  CHECK(json::serialize(p.at("C")) == R"({"Fn::Sub":"${AWS::Region}-x"})");
  CHECK(json::serialize(p.at("D")) == R"({"Fn::Join":["-",["a",{"Ref":"Stage"}]]})");
  CHECK(json::serialize(p.at("E")) == R"("30")");
  CHECK(json::serialize(p.at("F")) == R"({"Fn::If":["IsProd","a","b"]})");

  json::value bad;
  std::string error;
  CHECK_FALSE(read_template_document(write_file("bad.yaml", "Resources:\n  Q: [a, b\n"), &bad, &error));
  CHECK(error.find("line ") == 0);
}

TEST_CASE("intrinsics: Ref, Fn::GetAtt, Fn::Sub (both forms, literals), Fn::Join, AWS::NoValue") {
  TemplateSymbols symbols;
  symbols.parameters = {{"Stage", "dev"}, {"AWS::Region", "eu-west-1"}};
  symbols.resources["Dlq"] = {"AWS::SQS::Queue", "http://h/1/dlq", {{"Arn", "arn:aws:sqs:eu-west-1:1:dlq"}}};
  symbols.skipped["Gone"] = "a resource type sluice does not create";
  json::value in = json::parse(R"({
    "a": {"Ref": "Stage"},
    "b": {"Fn::GetAtt": ["Dlq", "Arn"]},
    "c": {"Fn::GetAtt": "Dlq.Arn"},
    "d": {"Fn::Sub": "${Stage}/${Dlq.Arn}/${AWS::Region}/${!Literal}"},
    "e": {"Fn::Sub": ["${X}-${Stage}", {"X": {"Ref": "Dlq"}}]},
    "f": {"Fn::Join": [",", ["x", {"Ref": "Stage"}]]},
    "g": {"Ref": "AWS::NoValue"},
    "h": [1, {"Ref": "AWS::NoValue"}]
  })");
  json::value out = resolve_intrinsics(in, symbols);
  CHECK(json::serialize(out) ==
        R"({"a":"dev","b":"arn:aws:sqs:eu-west-1:1:dlq","c":"arn:aws:sqs:eu-west-1:1:dlq",)"
        R"("d":"dev/arn:aws:sqs:eu-west-1:1:dlq/eu-west-1/${Literal}","e":"http://h/1/dlq-dev",)"
        R"("f":"x,dev","h":[1]})");
  auto fails = [&](const char* text) {
    try {
      resolve_intrinsics(json::parse(text), symbols);
    } catch (const IntrinsicError& e) {
      return e.text;
    }
    return std::string("(no error)");
  };
  CHECK(fails(R"({"Ref": "Gone"})") == "Ref Gone: that resource is skipped (a resource type sluice does not create)");
  CHECK(fails(R"({"Ref": "Nope"})") == "Ref Nope: no such parameter or resource");
  CHECK(fails(R"({"Fn::GetAtt": ["Dlq", "Nope"]})") ==
        "Fn::GetAtt Dlq.Nope: not an attribute sluice gives for AWS::SQS::Queue");
  CHECK(fails(R"({"Fn::If": ["c", 1, 2]})") ==
        "Fn::If is not evaluated by sluice (Ref, Fn::GetAtt, Fn::Sub and Fn::Join are)");
}

TEST_CASE("the SAM template becomes the configuration a config file would declare") {
  TemplateImport imported;
  std::string error;
  REQUIRE_MESSAGE(import_template(SLUICE_TEMPLATE_DIR "/template.yaml", kOptions, &imported, &error), error);
  CHECK(imported.skipped.empty());
  CHECK(imported.notes.empty());
  const Config& config = imported.config;
  REQUIRE(config.queues.size() == 3);
  CHECK(config.queues[0].name == "orders-dlq-local");  // the dead-letter queue first
  CHECK(config.queues[1].name == "orders-local");
  CHECK(config.queues[1].redrive_target == "orders-dlq-local");
  CHECK(config.queues[1].attributes.at("RedrivePolicy") ==
        R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq-local","maxReceiveCount":2})");
  CHECK(config.queues[1].attributes.at("VisibilityTimeout") == "5");
  CHECK(config.queues[1].tags.at("team") == "orders");
  CHECK(config.queues[2].name == "ForwardedQueue");

  REQUIRE(config.topics.size() == 1);
  CHECK(config.topics[0].name == "orders-topic");
  CHECK(attribute(config.topics[0].attributes, "DisplayName") == "Orders");
  REQUIRE(config.topics[0].subscriptions.size() == 1);
  const SubscriptionDeclaration& subscription = config.topics[0].subscriptions[0];
  CHECK(subscription.protocol == "sqs");
  CHECK(subscription.endpoint == "arn:aws:sqs:us-east-1:123456789012:orders-local");
  CHECK(attribute(subscription.attributes, "FilterPolicy") == R"({"priority":["high"]})");
  CHECK(attribute(subscription.attributes, "RawMessageDelivery") == "true");

  REQUIRE(config.functions.size() == 1);
  const FunctionDeclaration& function = config.functions[0];
  CHECK(function.name == "sluice-forwarder");
  CHECK(function.runtime == "python3.11");
  CHECK(function.handler == "forwarder.handler");
  CHECK(function.code_directory == std::string(SLUICE_TEMPLATE_DIR) + "/src");
  CHECK(function.timeout_s == 5);         // Globals
  CHECK(function.memory_size_mb == 256);  // Globals
  std::map<std::string, std::string> environment(function.environment.begin(), function.environment.end());
  CHECK(environment.at("STAGE") == "local");
  CHECK(environment.at("TARGET_QUEUE_URL") == "http://127.0.0.1:9324/123456789012/ForwardedQueue");
  CHECK(environment.at("SOURCE_QUEUE_ARN") == "arn:aws:sqs:us-east-1:123456789012:orders-local");

  REQUIRE(config.mappings.size() == 1);
  CHECK(config.mappings[0].function_name == "sluice-forwarder");
  CHECK(config.mappings[0].event_source_arn == "arn:aws:sqs:us-east-1:123456789012:orders-local");
  CHECK(config.mappings[0].request.batch_size == 1);
}

TEST_CASE("resources sluice does not create are skipped one by one, with why") {
  TemplateImport imported;
  std::string error;
  REQUIRE_MESSAGE(import_template(SLUICE_TEMPLATE_DIR "/unsupported.json", kOptions, &imported, &error), error);
  std::map<std::string, std::string> skipped;
  for (const auto& line : imported.skipped) {
    size_t end = line.find("): ") + 1;  // types have colons of their own
    skipped[line.substr(0, end)] = line.substr(end + 2);
  }
  CHECK(skipped.size() == 8);
  CHECK(skipped["Table (AWS::DynamoDB::Table)"] == "a resource type sluice does not create");
  CHECK(skipped["Api (AWS::Serverless::Api)"] == "a resource type sluice does not create");
  CHECK(skipped["ProdOnly (AWS::SQS::Queue)"] == "Conditions are not evaluated");
  CHECK(skipped["Imported (AWS::SQS::Queue)"] ==
        "Fn::ImportValue is not evaluated by sluice (Ref, Fn::GetAtt, Fn::Sub and Fn::Join are)");
  CHECK(skipped["JavaWorker (AWS::Serverless::Function)"] ==
        "Runtime java21 is not one sluice runs (provided.*, python3.x, nodejs*)");
  CHECK(skipped["FromS3 (AWS::Lambda::Function)"].find("Code must be a local folder") == 0);
  CHECK(skipped["StreamMapping (AWS::Lambda::EventSourceMapping)"] ==
        "EventSourceArn arn:aws:kinesis:us-east-1:123456789012:stream/s is not an SQS queue");
  CHECK(skipped["Orphan (AWS::SNS::Subscription)"] ==
        "topic arn:aws:sns:us-east-1:123456789012:elsewhere is not a topic of this template");
  REQUIRE(imported.notes.size() == 1);
  CHECK(imported.notes[0] == "Worker: Events.Http (Type Api): not an event source sluice runs (SQS and SNS are)");
  REQUIRE(imported.config.queues.size() == 1);
  CHECK(imported.config.queues[0].name == "Jobs");
  REQUIRE(imported.config.mappings.size() == 1);
  CHECK(imported.config.mappings[0].request.batch_size == 5);
}

TEST_CASE("a template and a configuration file may not declare the same queue") {
  Config from;
  from.queues.push_back({"jobs", {}, {}, ""});
  Config into;
  into.queues.push_back({"jobs", {}, {}, ""});
  std::string error;
  CHECK_FALSE(merge_config(from, &into, &error));
  CHECK(error == "queue jobs is declared by both the configuration and the template");
}
