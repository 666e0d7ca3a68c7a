// The Lambda Runtime API: custom runtimes (a shell-and-curl bootstrap, a C one) run in execution
// environments that each serve the API on a loopback listener of their own.
#include <doctest/doctest.h>
#include <sluice/functions/runtime_function.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "sluice/common/own_listeners.h"
#include "test_support.h"

using namespace sluice;
using namespace sluice::functions;
using namespace sluice::functions::test;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<PluginHost> open_custom(const std::string& code_directory, FunctionConfig config,
                                        PluginHostOptions options = {}) {
  auto host = open_runtime_function({"provided.al2023", code_directory, "function.handler", "eu-west-1"},
                                    std::move(config), options);
  REQUIRE_MESSAGE(host.ok(), (host.ok() ? "" : host.error()));
  return std::move(host.value());
}

const std::string kCurl = std::string(RUNTIME_FIXTURES) + "/curl";

// A code directory whose bootstrap is the C runtime.
struct CBootstrap {
  TempDir dir;
  CBootstrap() { fs::copy_file(FIXTURE_BOOTSTRAP_C, dir.path / "bootstrap"); }
};

}  // namespace

TEST_CASE("a shell-and-curl bootstrap gets Lambda's environment and headers") {
  FunctionConfig config = config_named("curl-fn", 5000);
  config.memory_size_mb = 256;
  config.function_arn = "arn:aws:lambda:eu-west-1:111122223333:function:curl-fn";
  config.environment = {{"STAGE", "local"}, {"AWS_REGION", "moon-1"}};  // a reserved name is not overridden
  auto host = open_custom(kCurl, config);
  CHECK(host->mode() == IsolationMode::Isolated);

  auto echoed = call(*host, R"({"order":1})", "req-echo");
  REQUIRE_MESSAGE(echoed.ok(), echoed.payload);
  CHECK(echoed.payload == R"({"order":1})");
  CHECK(echoed.logs.find("init in " + fs::canonical(kCurl).string()) != std::string::npos);
  CHECK(echoed.logs.find("handling req-echo\n") != std::string::npos);

  auto env = call(*host, R"({"action":"env"})", "req-env");
  REQUIRE_MESSAGE(env.ok(), env.payload);
  auto v = boost::json::parse(env.payload).as_object();
  CHECK(v.at("name") == "curl-fn");
  CHECK(v.at("memory") == "256");
  CHECK(v.at("version") == "$LATEST");
  CHECK(v.at("handler") == "function.handler");
  CHECK(std::string(v.at("root").as_string()) == fs::canonical(kCurl).string());
  CHECK(v.at("region") == "eu-west-1");
  CHECK(v.at("tz") == ":UTC");
  CHECK(v.at("key") == "local");
  CHECK(v.at("id") == "req-env");
  CHECK(v.at("arn") == "arn:aws:lambda:eu-west-1:111122223333:function:curl-fn");
  const std::string api(v.at("api").as_string());
  CHECK(api.starts_with("127.0.0.1:"));
  // The Runtime API listener is one of the process's own ports, which SNS deliveries refuse.
  CHECK(common::is_own_listening_port(static_cast<uint16_t>(std::stoi(api.substr(api.find(':') + 1)))));
  CHECK(std::string(v.at("trace").as_string()).starts_with("Root=1-"));
  const int64_t deadline = std::stoll(std::string(v.at("deadline").as_string()));
  const int64_t now = common::system_clock()->now_ms();
  CHECK(deadline > now);
  CHECK(deadline <= now + 5000);
}

TEST_CASE("errors, crashes, hangs and oversized responses of a custom runtime") {
  auto host = open_custom(kCurl, config_named("curl-fn", 1500));

  auto failed = call(*host, R"({"action":"fail"})", "req-fail");
  CHECK(failed.status == InvocationResult::Status::FunctionError);
  CHECK(failed.error_type == "OrderError");
  CHECK(failed.error_message == "order 7 is bad");
  CHECK(failed.payload == R"({"errorMessage":"order 7 is bad","errorType":"OrderError","stackTrace":["bootstrap"]})");

  auto crashed = call(*host, R"({"action":"crash"})", "req-crash");
  CHECK(crashed.error_type == "Runtime.ExitError");
  CHECK(crashed.error_message == "RequestId: req-crash Error: Runtime exited with error: exit status 3");

  auto hung = call(*host, R"({"action":"hang"})", "req-hang");
  CHECK(hung.status == InvocationResult::Status::Timeout);
  CHECK(
      hung.payload ==
      R"({"errorType":"Sandbox.Timedout","errorMessage":"RequestId: req-hang Error: Task timed out after 1.50 seconds"})");

  auto roomy = open_custom(kCurl, config_named("curl-big", 20'000));  // writing 7 MB in shell takes a while
  auto big = call(*roomy, R"({"action":"big"})", "req-big");
  CHECK(big.error_type == "Function.ResponseSizeTooLarge");
  CHECK(big.error_message == "Response payload size exceeded maximum allowed payload size (6291556 bytes).");
  // The runtime saw the 413. It prints that once its POST is answered, which is about when the
  // invocation ends: the line lands in that invocation's logs or, when the invocation was closed
  // first, in the next one's.
  auto next = call(*roomy, "{}");
  INFO("logs of the oversized invocation and the next: " << big.logs << " | " << next.logs);
  CHECK((big.logs + next.logs).find("response status 413\n") != std::string::npos);

  auto after = call(*host, R"({"still":"here"})");
  CHECK(after.ok());
  CHECK(after.payload == R"({"still":"here"})");
}

TEST_CASE("a C bootstrap serves warm invocations and environments run side by side") {
  CBootstrap code;
  auto host = open_custom(code.dir.path.string(), config_named("c-fn"));
  for (int i = 0; i < 20; ++i) {
    auto r = call(*host, R"({"n":)" + std::to_string(i) + "}");
    REQUIRE(r.ok());
    CHECK(r.payload == R"({"n":)" + std::to_string(i) + "}");
  }
  CHECK(host->environments().started == 1);

  auto failed = call(*host, R"({"action":"fail"})");
  CHECK(failed.error_type == "OrderError");
  auto crashed = call(*host, R"({"action":"crash"})", "req-segv");
  CHECK(crashed.error_message == "RequestId: req-segv Error: Runtime exited with error: signal: segmentation fault");

  std::vector<std::thread> threads;
  std::vector<InvocationResult> results(4);
  for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = call(*host, "{}"); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) CHECK(r.ok());
}

TEST_CASE("a custom runtime's init error fails the invocation with the runtime's error") {
  TempDir code;
  {
    std::ofstream script(code.path / "bootstrap");
    script << "#!/bin/sh\n"
              "curl -sS -o /dev/null -H 'Lambda-Runtime-Function-Error-Type: Runtime.ConfigError' "
              "--data '{\"errorMessage\":\"no config\",\"errorType\":\"Runtime.ConfigError\"}' "
              "\"http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/init/error\"\n"
              "exit 1\n";
  }
  fs::permissions(code.path / "bootstrap", fs::perms::owner_all);
  auto host = open_custom(code.path.string(), config_named("broken"));
  auto r = call(*host, "{}", "req-init");
  CHECK(r.status == InvocationResult::Status::FunctionError);
  CHECK(r.error_type == "Runtime.ConfigError");
  CHECK(r.error_message == "no config");
}

TEST_CASE("a function without an executable bootstrap is refused with a clear error") {
  TempDir empty;
  auto missing = open_runtime_function({"provided.al2023", empty.path.string(), "x.y"}, config_named("nothing"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("needs an executable file named bootstrap") != std::string::npos);
  auto unknown = open_runtime_function({"cobol85", empty.path.string(), "x.y"}, config_named("old"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().find("runtime \"cobol85\" is not supported") != std::string::npos);
}
