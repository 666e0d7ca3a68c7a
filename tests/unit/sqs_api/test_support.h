#pragma once
// An in-memory engine on a manual clock, and a one-line way to run any SQS action with JSON text:
// the queue-management actions through SqsActions, the message actions as the service runs them
// (a JSON 1.0 request through their typed codecs; a ReceiveMessage never waits).

#include <boost/json.hpp>

#include <memory>
#include <string>

#include "message_actions.h"
#include "sluice/api/server/server.h"
#include "sqs_api.h"
#include "wire.h"

namespace sluice::api::sqs_wire::testing {

inline server::CallDefaults defaults() { return server::CallDefaults{"123456789012", "us-east-1", ""}; }

// The Call the front door makes of a request.
inline server::Call call_of(const http::Request& request) {
  return server::decode_call(http::Request(request), defaults());
}

// What the SQS service answers a message-action request with, in its protocol; a ReceiveMessage
// answers what is there now instead of waiting.
inline http::Response wire_answer(sluice::sqs::Engine& engine, const http::Request& request) {
  server::Call call = call_of(request);
  auto action = detail::call_action(call);
  if (!action) return detail::render_error(call.ctx.protocol, action.error(), call.ctx.request_id);
  auto message = detail::message_action(*action);
  if (!message) throw std::logic_error("not a message action: " + std::string(*action));
  detail::MessageOutcome outcome = detail::run_message_action(engine, *message, call);
  if (outcome.answer) return std::move(*outcome.answer);
  const detail::ReceiveCall& receive = *outcome.receive;
  auto received = engine.receive_message(receive.queue, receive.request);
  if (!received) return detail::render_error(receive.protocol, received.error(), receive.request_id);
  return detail::receive_answer(receive, received->messages);
}

inline http::Request json_request(std::string_view action, std::string_view body, const std::string& path = "/") {
  http::Request r;
  r.method = "POST";
  r.path = path;
  r.headers = {{"host", "localhost:9324"},
               {"x-amz-target", "AmazonSQS." + std::string(action)},
               {"content-type", "application/x-amz-json-1.0"}};
  r.body = std::string(body);
  return r;
}

// The AwsError a JSON-protocol error answer carries, found by its __type and query code.
inline common::AwsError error_of(const http::Response& response) {
  boost::json::value body = boost::json::parse(response.body);
  std::string_view type = body.at("__type").as_string();
  type.remove_prefix(type.find('#') + 1);
  std::string query_code;
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-query-error") query_code = value.substr(0, value.find(';'));
  }
  static constexpr common::AwsErrorCode kCodes[] = {
#define X(service, id, status, query, json, fault) common::AwsErrorCode::id,
#include "sluice/common/aws_error_codes.def"
#undef X
  };
  for (common::AwsErrorCode code : kCodes) {
    const common::AwsService service = common::error_info(code).service;
    if (service != common::AwsService::Sqs && service != common::AwsService::Common)
      continue;  // SQS answers only these
    if (common::error_info(code).json_type == type && common::error_info(code).query_code == query_code) {
      return common::aws_error(code, std::string(body.at("message").as_string()));
    }
  }
  throw std::logic_error("no error code for " + response.body);
}

struct Fixture {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>();
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

  common::Outcome<boost::json::object> call(std::string_view action, std::string_view input_json) {
    if (!detail::message_action(action)) {
      return actions->call(action, boost::json::parse(input_json).as_object(), ctx);
    }
    http::Response answer = wire_answer(*engine, json_request(action, input_json));
    if (answer.status != 200) return error_of(answer);
    return boost::json::parse(answer.body).as_object();
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
