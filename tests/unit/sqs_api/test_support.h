#pragma once
// An in-memory engine on a manual clock and a one-line way to call actions with JSON text.

#include <boost/json.hpp>

#include <memory>
#include <string>

#include "sqs_api.h"

namespace sluice::api::sqs_wire::testing {

struct Fixture {
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
  std::unique_ptr<sluice::sqs::Engine> engine;
  std::unique_ptr<SqsActions> actions;
  CallContext ctx;

  Fixture() {
    sluice::sqs::EngineOptions options;
    options.in_memory = true;
    options.clock = clock;
    options.background_housekeeping = false;
    std::string error;
    engine = sluice::sqs::Engine::open(options, &error);
    if (!engine) throw std::runtime_error("engine: " + error);
    actions = std::make_unique<SqsActions>(*engine);
    ctx.base_url = "http://localhost:9324";
  }

  Outcome<boost::json::object> call(std::string_view action, std::string_view input_json) {
    return actions->call(action, boost::json::parse(input_json).as_object(), ctx);
  }

  // Creates a queue and answers its URL (fails the test on error).
  std::string create(const std::string& name, const std::string& attributes_json = "{}") {
    auto out = call("CreateQueue", R"({"QueueName":")" + name + R"(","Attributes":)" + attributes_json + "}");
    if (!out) throw std::runtime_error("create " + name + ": " + out.error().message);
    return std::string(out->at("QueueUrl").as_string());
  }
};

inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace sluice::api::sqs_wire::testing
