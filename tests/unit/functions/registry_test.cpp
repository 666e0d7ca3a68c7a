// The function registry: declaring and finding functions by name or ARN, running them, and the
// asynchronous path with its OnFailure record, delivered to a real (in-memory) SQS queue.
#include <doctest/doctest.h>
#include <sluice/functions/registry.h>
#include <boost/json.hpp>

#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "sluice/sqs/engine.h"
#include "test_support.h"

using namespace sluice;
using namespace sluice::functions;
using sluice::functions::test::config_named;

namespace {

FunctionSpec spec(const std::string& name, const std::string& handler) {
  FunctionSpec s;
  s.handler = handler;
  s.config = config_named(name);
  return s;
}

RegistryOptions options_in(std::string region, std::string account) {
  RegistryOptions o;
  o.region = std::move(region);
  o.account_id = std::move(account);
  return o;
}

// An in-memory engine with one queue that takes OnFailure records.
struct Destination {
  std::unique_ptr<sqs::Engine> engine;
  sqs::QueueAddress queue{"111122223333", "eu-west-1", "failed-invocations"};
  std::string arn = sqs::queue_arn(queue);

  Destination() {
    sqs::EngineOptions options;
    options.in_memory = true;
    std::string error;
    engine = sqs::Engine::open(options, &error);
    REQUIRE(engine);
    REQUIRE(engine->create_queue(queue, {}, {}).ok());
  }
  DestinationSender sender() {
    return [this](const std::string& destination_arn, std::string record_json) {
      auto address = sqs::parse_queue_arn(destination_arn);
      if (!address) return false;
      sqs::SendMessageRequest request;
      request.body = std::move(record_json);
      return engine->send_message(*address, request).ok();
    };
  }
  std::vector<std::string> bodies() {
    sqs::ReceiveMessageRequest request;
    request.max_number_of_messages = 10;
    auto got = engine->receive_message(queue, request);
    REQUIRE(got.ok());
    std::vector<std::string> out;
    for (auto& m : got->messages) out.push_back(m.body);
    return out;
  }
};

}  // namespace

TEST_CASE("a declared function is found by name and by ARN, with the registry's region and account") {
  FunctionRegistry registry(options_in("eu-west-1", "111122223333"));
  auto declared = registry.declare(spec("orders", PLUGIN_SLUICE_PLUGIN_ECHO));
  REQUIRE_MESSAGE(declared.ok(), (declared.ok() ? "" : declared.error()));
  CHECK(declared.value()->config().function_arn == "arn:aws:lambda:eu-west-1:111122223333:function:orders");

  CHECK(registry.find("orders") == declared.value());
  CHECK(registry.find("arn:aws:lambda:eu-west-1:111122223333:function:orders") == declared.value());
  CHECK(registry.find("arn:aws:lambda:eu-west-1:111122223333:function:orders:$LATEST") == declared.value());
  CHECK(registry.find("payments") == nullptr);
  CHECK(registry.find("arn:aws:lambda:eu-west-1:111122223333:function:order") == nullptr);
}

TEST_CASE("a function keeps the ARN it was given, and its reserved concurrency and destination") {
  FunctionRegistry registry(options_in("us-east-1", "123456789012"));
  auto s = spec("orders", PLUGIN_SLUICE_PLUGIN_ECHO);
  s.config.function_arn = "arn:aws:lambda:ap-south-1:999999999999:function:orders";
  s.reserved_concurrency = 3;
  s.on_failure_destination = "arn:aws:sqs:us-east-1:123456789012:dlq";
  auto declared = registry.declare(std::move(s));
  REQUIRE(declared.ok());
  auto found = registry.find("orders");
  REQUIRE(found);
  CHECK(found->config().function_arn == "arn:aws:lambda:ap-south-1:999999999999:function:orders");
  CHECK(found->reserved_concurrency == 3);
  CHECK(found->on_failure_destination == "arn:aws:sqs:us-east-1:123456789012:dlq");
}

TEST_CASE("declaring fails for a name declared before and for a handler that cannot load") {
  FunctionRegistry registry(options_in("us-east-1", "123456789012"));
  REQUIRE(registry.declare(spec("orders", PLUGIN_SLUICE_PLUGIN_ECHO)).ok());
  auto twice = registry.declare(spec("orders", PLUGIN_SLUICE_PLUGIN_THROWS));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error() == "function orders: declared twice");

  auto broken = registry.declare(spec("broken", PLUGIN_FIXTURE_WRONG_ABI));
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().rfind("function broken: ", 0) == 0);
  CHECK(registry.find("broken") == nullptr);
}

TEST_CASE("invoke runs the named function; an unknown function is reported") {
  FunctionRegistry registry(options_in("us-east-1", "123456789012"));
  REQUIRE(registry.declare(spec("echo", PLUGIN_SLUICE_PLUGIN_ECHO)).ok());
  InvocationRequest request;
  request.event = R"({"hello":"world"})";
  auto result = registry.invoke("arn:aws:lambda:us-east-1:123456789012:function:echo", request);
  REQUIRE(result.ok());
  CHECK(result.value().ok());
  CHECK(result.value().payload == R"({"hello":"world"})");

  auto missing = registry.invoke("nobody", request);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == "Function not found: nobody");
}

TEST_CASE("invoke_async answers Lambda's error types") {
  FunctionRegistry registry(options_in("us-east-1", "123456789012"));
  REQUIRE(registry.declare(spec("echo", PLUGIN_SLUICE_PLUGIN_ECHO)).ok());
  REQUIRE(registry.declare(spec("throws", PLUGIN_SLUICE_PLUGIN_THROWS)).ok());

  CHECK_FALSE(registry.invoke_async("echo", R"({"a":1})").has_value());

  auto failed = registry.invoke_async("throws", R"({"throw":true})");
  REQUIRE(failed.has_value());
  CHECK(failed->type == "Unhandled");
  CHECK(failed->message.find("order 1002 has no customer") != std::string::npos);

  auto unknown = registry.invoke_async("arn:aws:lambda:us-east-1:123456789012:function:gone", "{}");
  REQUIRE(unknown.has_value());
  CHECK(unknown->type == "ResourceNotFoundException");
  CHECK(unknown->message == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:gone");
}

TEST_CASE("on_failure sends Lambda's invocation record to the function's destination queue") {
  Destination destination;
  auto options = options_in("eu-west-1", "111122223333");
  options.send_to_destination = destination.sender();
  FunctionRegistry registry(options);
  auto s = spec("throws", PLUGIN_SLUICE_PLUGIN_THROWS);
  s.on_failure_destination = destination.arn;
  REQUIRE(registry.declare(std::move(s)).ok());

  const std::string event = R"({"throw":true,"Records":[{"EventSource":"aws:sns"}]})";
  auto failed = registry.invoke_async("arn:aws:lambda:eu-west-1:111122223333:function:throws", event);
  REQUIRE(failed.has_value());
  CHECK(registry.on_failure("arn:aws:lambda:eu-west-1:111122223333:function:throws", event, 3, *failed));

  auto bodies = destination.bodies();
  REQUIRE(bodies.size() == 1);
  auto record = boost::json::parse(bodies[0]).as_object();
  CHECK(record.at("version") == "1.0");
  CHECK(record.at("timestamp").as_string().size() == 24);  // 2026-12-01T10:00:00.000Z
  const auto& context = record.at("requestContext").as_object();
  CHECK(context.at("functionArn") == "arn:aws:lambda:eu-west-1:111122223333:function:throws:$LATEST");
  CHECK(context.at("condition") == "RetriesExhausted");
  CHECK(context.at("approximateInvokeCount") == 3);
  CHECK(context.at("requestId").as_string().size() == 36);
  CHECK(record.at("requestPayload") == boost::json::parse(event));  // the event as JSON, not as text
  CHECK(record.at("responseContext").at("functionError") == "Unhandled");
  CHECK(record.at("responsePayload").at("errorType") == "Unhandled");
  CHECK(record.at("responsePayload").at("errorMessage") == boost::json::value(failed->message));
}

TEST_CASE("on_failure declines without a destination, for an unknown function, or when the send fails") {
  Destination destination;
  auto options = options_in("us-east-1", "123456789012");
  options.send_to_destination = destination.sender();
  FunctionRegistry registry(options);
  REQUIRE(registry.declare(spec("plain", PLUGIN_SLUICE_PLUGIN_THROWS)).ok());
  auto s = spec("lost", PLUGIN_SLUICE_PLUGIN_THROWS);
  s.on_failure_destination = "arn:aws:sqs:us-east-1:123456789012:no-such-queue";
  REQUIRE(registry.declare(std::move(s)).ok());

  AsyncInvokeError error{"Unhandled", "boom"};
  CHECK_FALSE(registry.on_failure("plain", "{}", 3, error));
  CHECK_FALSE(registry.on_failure("nobody", "{}", 3, error));
  CHECK_FALSE(registry.on_failure("lost", "{}", 3, error));
  CHECK(destination.bodies().empty());
}

TEST_CASE("with a log, every invocation's lines reach it framed by START and END") {
  std::mutex mu;
  std::vector<std::string> logged;
  auto options = options_in("us-east-1", "123456789012");
  options.log = [&](const std::string& text) {
    std::lock_guard lock(mu);
    logged.push_back(text);
  };
  FunctionRegistry registry(options);
  REQUIRE(registry.declare(spec("echo", PLUGIN_SLUICE_PLUGIN_ECHO)).ok());
  REQUIRE(registry.declare(spec("throws", PLUGIN_SLUICE_PLUGIN_THROWS)).ok());

  InvocationRequest request;
  request.request_id = "req-7";
  request.event = "{}";
  REQUIRE(registry.invoke("echo", request).ok());
  // A mapping invokes the host it found, not the registry: that is logged as well.
  request.request_id = "req-8";
  request.event = R"({"throw":true})";
  registry.find("throws")->host->invoke(request);

  REQUIRE(logged.size() == 2);
  // Lambda's lines: START, the handler's lines, END, REPORT (tab-separated, one line).
  CHECK(logged[0].rfind(
            "[echo] START RequestId: req-7 Version: $LATEST\n[echo] [INFO] echo echo: req-7\n[echo] END RequestId: "
            "req-7\n[echo] REPORT RequestId: req-7\tDuration: ",
            0) == 0);
  CHECK(std::regex_search(logged[0], std::regex("\tBilled Duration: [0-9]+ ms\tMemory Size: 128 MB\tMax Memory "
                                                "Used: [0-9]+ MB(\tInit Duration: [0-9.]+ ms)?\n$")));
  CHECK(logged[1].rfind("[throws] START RequestId: req-8 Version: $LATEST\n", 0) == 0);
  CHECK(logged[1].find("[throws] req-8 std::invalid_argument: order 1002 has no customer\n[throws] END RequestId: "
                       "req-8\n[throws] REPORT RequestId: req-8\t") != std::string::npos);
}

TEST_CASE("with a record sink, each invocation's lines arrive with their times and environment") {
  std::mutex mu;
  std::vector<InvocationLogRecord> records;
  auto options = options_in("us-east-1", "123456789012");
  options.records = [&](InvocationLogRecord record) {
    std::lock_guard lock(mu);
    records.push_back(std::move(record));
  };
  FunctionRegistry registry(options);
  REQUIRE(registry.declare(spec("echo", PLUGIN_SLUICE_PLUGIN_ECHO)).ok());
  InvocationRequest request;
  request.event = "{}";
  request.request_id = "req-1";
  REQUIRE(registry.invoke("echo", request).ok());
  request.request_id = "req-2";
  REQUIRE(registry.invoke("echo", request).ok());

  REQUIRE(records.size() == 2);
  CHECK(records[0].function_name == "echo");
  CHECK(records[0].environment_id.size() == 32);
  CHECK(records[0].environment_id.find_first_not_of("0123456789abcdef") == std::string::npos);
  // One environment served both (invocations in turn reuse the warm one).
  CHECK(records[1].environment_id == records[0].environment_id);
  REQUIRE(records[0].lines.size() == 4);
  CHECK(records[0].lines[0].second == "START RequestId: req-1 Version: $LATEST");
  CHECK(records[0].lines[1].second == "[INFO] echo echo: req-1");
  CHECK(records[0].lines[2].second == "END RequestId: req-1");
  CHECK(records[0].lines[3].second.rfind("REPORT RequestId: req-1\tDuration: ", 0) == 0);
  CHECK(records[0].lines[0].first <= records[0].lines[3].first);
}

TEST_CASE("with the JSON log format each invocation is Lambda's JSON records, one object per line") {
  std::mutex mu;
  std::vector<std::string> logged;
  auto options = options_in("us-east-1", "123456789012");
  options.log_format = LogFormat::Json;
  options.log = [&](const std::string& text) {
    std::lock_guard lock(mu);
    logged.push_back(text);
  };
  FunctionRegistry registry(options);
  REQUIRE(registry.declare(spec("echo", PLUGIN_SLUICE_PLUGIN_ECHO)).ok());
  REQUIRE(registry.declare(spec("throws", PLUGIN_SLUICE_PLUGIN_THROWS)).ok());
  InvocationRequest request;
  request.request_id = "req-7";
  request.event = "{}";
  REQUIRE(registry.invoke("echo", request).ok());
  request.request_id = "req-8";
  request.event = R"({"throw":true})";
  registry.find("throws")->host->invoke(request);

  auto records = [&](size_t i) {
    std::vector<boost::json::object> out;
    std::string text;
    {
      std::lock_guard lock(mu);
      text = logged.at(i);
    }
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      REQUIRE(end != std::string::npos);  // every line ends in a newline
      out.push_back(boost::json::parse(text.substr(start, end - start)).as_object());
      start = end + 1;
    }
    return out;
  };
  const std::regex iso_time("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$");
  REQUIRE(logged.size() >= 2);  // environment lines may come too; invocations are the last two
  std::vector<std::vector<boost::json::object>> invocations;
  for (size_t i = 0; i < logged.size(); ++i) {
    auto lines = records(i);
    if (lines.front().at("type") == "platform.start") invocations.push_back(std::move(lines));
    else CHECK(lines.front().at("type") == "sluice.environment");
  }
  REQUIRE(invocations.size() == 2);

  const auto& ok = invocations[0];
  REQUIRE(ok.size() == 4);  // start, the handler's line, runtimeDone, report
  CHECK(std::regex_match(std::string(ok[0].at("time").as_string()), iso_time));
  CHECK(ok[0].at("functionName") == "echo");
  CHECK(ok[0].at("record").as_object() == boost::json::object{{"requestId", "req-7"}, {"version", "$LATEST"}});
  CHECK(ok[1].at("level") == "INFO");
  CHECK(ok[1].at("message") == "echo echo: req-7");
  CHECK(ok[1].at("requestId") == "req-7");
  CHECK(std::regex_match(std::string(ok[1].at("timestamp").as_string()), iso_time));
  CHECK(ok[2].at("type") == "platform.runtimeDone");
  CHECK(ok[2].at("record").at("status") == "success");
  CHECK(ok[3].at("type") == "platform.report");
  const auto& report = ok[3].at("record").as_object();
  CHECK(report.at("requestId") == "req-7");
  CHECK(report.at("status") == "success");
  CHECK(!report.contains("errorType"));
  const auto& metrics = report.at("metrics").as_object();
  CHECK(metrics.at("memorySizeMB") == 128);
  CHECK(metrics.at("billedDurationMs").as_int64() >= 0);
  CHECK(metrics.at("durationMs").is_number());
  CHECK(metrics.at("maxMemoryUsedMB").is_number());

  const auto& failed = invocations[1];
  REQUIRE(failed.size() >= 4);
  CHECK(failed.front().at("record").at("requestId") == "req-8");
  const auto& error = failed[failed.size() - 3];  // the error record comes right before runtimeDone
  CHECK(error.at("level") == "ERROR");
  CHECK(error.at("message").as_object() ==
        boost::json::object{{"errorType", "std::invalid_argument"}, {"errorMessage", "order 1002 has no customer"}});
  CHECK(failed[failed.size() - 2].at("record").at("status") == "failure");
  CHECK(failed.back().at("record").at("status") == "failure");
  CHECK(failed.back().at("record").at("errorType") == "std::invalid_argument");
}

TEST_CASE("clear forgets every function; hosts still held keep working") {
  FunctionRegistry registry(options_in("us-east-1", "123456789012"));
  REQUIRE(registry.declare(spec("echo", PLUGIN_SLUICE_PLUGIN_ECHO)).ok());
  auto held = registry.find("echo");
  registry.clear();
  CHECK(registry.find("echo") == nullptr);
  CHECK(registry.invoke_async("echo", "{}")->type == "ResourceNotFoundException");
  auto result = test::call(*held->host, R"({"still":"here"})");
  CHECK(result.ok());
  CHECK(result.payload == R"({"still":"here"})");
}
