// Isolated mode: handlers run in forked worker processes, so crashes and hangs fail one
// invocation and the next one gets a fresh worker.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>

#include "test_support.h"

using namespace sluice::functions;
using namespace sluice::functions::test;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<PluginHost> open_isolated(const std::string& path, FunctionConfig config = config_named("fn")) {
  return open_ok(path, std::move(config), isolated());
}

}  // namespace

TEST_CASE("isolated echo answers and forwards logs and configuration") {
  FunctionConfig config = config_named("iso-echo");
  config.environment = {{"ECHO_GREETING", "hi"}};
  auto host = open_isolated(PLUGIN_SLUICE_PLUGIN_ECHO, config);
  for (int i = 0; i < 3; ++i) {
    auto r = call(*host, R"({"n":)" + std::to_string(i) + "}", "req-" + std::to_string(i));
    CHECK(r.ok());
    CHECK(r.payload == R"({"n":)" + std::to_string(i) + "}");
    CHECK(r.logs == "[INFO] hi iso-echo: req-" + std::to_string(i) + "\n");
  }
}

TEST_CASE("isolated load errors are reported at open") {
  auto wrong = PluginHost::open(PLUGIN_FIXTURE_WRONG_ABI, config_named("iso"), isolated());
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().find("ABI version 999") != std::string::npos);
  auto missing = PluginHost::open(PLUGIN_FIXTURE_MISSING_INVOKE, config_named("iso"), isolated());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("does not export sluice_handler_invoke") != std::string::npos);
}

TEST_CASE("a segfaulting handler fails the invocation and the next one works") {
  auto host = open_isolated(PLUGIN_SLUICE_PLUGIN_CRASH);
  auto crashed = call(*host, R"({"action":"crash"})", "req-crash");
  CHECK(crashed.status == InvocationResult::Status::FunctionError);
  CHECK(crashed.error_type == "Runtime.ExitError");
  CHECK(crashed.error_message == "RequestId: req-crash Error: Runtime exited with error: signal: segmentation fault");
  auto next = call(*host, R"({"action":"none"})");
  CHECK(next.ok());
  CHECK(next.payload == R"({"ok":true})");
}

TEST_CASE("a hanging handler times out with the AWS payload and the worker is replaced") {
  auto host = open_isolated(PLUGIN_SLUICE_PLUGIN_HANG, config_named("hang", 1000));
  auto start = std::chrono::steady_clock::now();
  auto r = call(*host, R"({"action":"hang"})", "req-hang");
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(r.status == InvocationResult::Status::Timeout);
  CHECK(r.error_type == "Sandbox.Timedout");
  CHECK(
      r.payload ==
      R"({"errorType":"Sandbox.Timedout","errorMessage":"RequestId: req-hang Error: Task timed out after 1.00 seconds"})");
  CHECK(r.logs == "[INFO] going to sleep\n");  // logs up to the timeout are kept
  CHECK(elapsed >= std::chrono::milliseconds(900));
  CHECK(elapsed < std::chrono::seconds(5));

  auto next = call(*host, "{}");
  REQUIRE(next.ok());
  auto remaining = boost::json::parse(next.payload).at("remaining_ms").as_int64();
  CHECK(remaining > 0);
  CHECK(remaining <= 1000);
}

TEST_CASE("isolated exceptions and the SQS fast path behave as in-process") {
  auto throws = open_isolated(PLUGIN_SLUICE_PLUGIN_THROWS);
  auto r = call(*throws, R"({"throw":true})");
  CHECK(r.error_type == "std::invalid_argument");
  CHECK(r.error_message == "order 1002 has no customer");

  SqsBatch batch;
  auto partial = open_isolated(PLUGIN_SLUICE_PLUGIN_PARTIAL_BATCH);
  InvocationRequest req;
  req.sqs_records = std::span<const sluice_sqs_record>(&batch.records[1], 2);
  auto fast = partial->invoke(req);
  CHECK(fast.ok());
  CHECK(fast.logs == "[INFO] entry=structs receive_count=2 blob_size=4\n");
  CHECK(fast.payload == R"({"batchItemFailures":[{"itemIdentifier":")" + batch.ids[1] + R"("}]})");
}

TEST_CASE("isolated workers reload a rebuilt file") {
  TempDir dir;
  fs::path so = dir.path / "handler.so";
  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V1, so);
  auto host = open_isolated(so.string(), config_named("versioned"));
  CHECK(call(*host, "{}").payload == R"({"version":1})");
  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V2, so, fs::copy_options::overwrite_existing);
  CHECK(call(*host, "{}").payload == R"({"version":2})");
  CHECK(host->generation() == 2);
}
