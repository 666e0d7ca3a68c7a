// In-process plugin host: loading, ABI refusal messages, answers, exceptions, partial batch
// responses, the SQS fast path and hot reload, against real plugins built by this tree.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "test_support.h"

using namespace sluice::functions;
using namespace sluice::functions::test;
namespace fs = std::filesystem;

TEST_CASE("echo plugin answers the event and logs through the host") {
  FunctionConfig config = config_named("echo-fn");
  config.environment = {{"ECHO_GREETING", "hello"}};
  auto host = open_ok(PLUGIN_SLUICE_PLUGIN_ECHO, config);
  auto r = call(*host, R"({"a":[1,2,3]})", "req-42");
  CHECK(r.status == InvocationResult::Status::Success);
  CHECK(r.payload == R"({"a":[1,2,3]})");
  CHECK(r.request_id == "req-42");
  CHECK(r.logs == "[INFO] hello echo-fn: req-42\n");
}

TEST_CASE("a missing file, a missing symbol and a wrong ABI version are refused with clear messages") {
  auto missing = PluginHost::open("/nonexistent/dir/handler.so", config_named("orders"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("function \"orders\"") != std::string::npos);
  CHECK(missing.error().find("/nonexistent/dir/handler.so") != std::string::npos);
  CHECK(missing.error().find("No such file") != std::string::npos);

  auto no_invoke = PluginHost::open(PLUGIN_FIXTURE_MISSING_INVOKE, config_named("orders"));
  REQUIRE_FALSE(no_invoke.ok());
  CHECK(no_invoke.error().find("does not export sluice_handler_invoke") != std::string::npos);
  CHECK(no_invoke.error().find(PLUGIN_FIXTURE_MISSING_INVOKE) != std::string::npos);

  auto wrong = PluginHost::open(PLUGIN_FIXTURE_WRONG_ABI, config_named("orders"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().find("ABI version 999") != std::string::npos);
  CHECK(wrong.error().find("supports version 1") != std::string::npos);
  CHECK(wrong.error().find("function \"orders\"") != std::string::npos);

  FunctionConfig failing = config_named("orders");
  failing.environment = {{"SILENT_INIT_FAIL", "1"}};
  auto init = PluginHost::open(PLUGIN_FIXTURE_SILENT, failing);
  REQUIRE_FALSE(init.ok());
  CHECK(init.error().find("sluice_handler_init failed with code 7") != std::string::npos);
}

TEST_CASE("no answer is success with null; only the first answer counts") {
  auto host = open_ok(PLUGIN_FIXTURE_SILENT);
  auto none = call(*host, "{}");
  CHECK(none.status == InvocationResult::Status::Success);
  CHECK(none.payload == "null");

  auto twice = call(*host, R"("twice")");
  CHECK(twice.status == InvocationResult::Status::FunctionError);
  CHECK(twice.error_type == "First");
  CHECK(twice.error_message == "first answer wins");
  CHECK(twice.logs == "[WARN] second answer refused\n");
}

TEST_CASE("a C++ exception becomes a function error with its type and message") {
  auto host = open_ok(PLUGIN_SLUICE_PLUGIN_THROWS);
  auto fine = call(*host, R"({"throw":false})");
  CHECK(fine.ok());
  CHECK(fine.payload == R"({"thrown":false})");

  auto r = call(*host, R"({"throw":true})");
  CHECK(r.status == InvocationResult::Status::FunctionError);
  CHECK(r.error_type == "std::invalid_argument");
  CHECK(r.error_message == "order 1002 has no customer");
  CHECK(boost::json::parse(r.payload) ==
        boost::json::parse(R"({"errorType":"std::invalid_argument","errorMessage":"order 1002 has no customer"})"));

  auto bad = call(*host, "not json");  // boost::json throws system_error from parse()
  CHECK(bad.status == InvocationResult::Status::FunctionError);
  CHECK(bad.error_type.find("system_error") != std::string::npos);
}

TEST_CASE("fail_order answers the partial batch response for order 1002") {
  SqsBatch batch;
  auto host = open_ok(PLUGIN_SLUICE_PLUGIN_FAIL_ORDER);
  InvocationRequest req;
  req.event = sqs_event_json(batch.records);  // JSON entry point
  auto via_json = host->invoke(req);
  CHECK(via_json.ok());
  CHECK(via_json.payload == R"({"batchItemFailures":[{"itemIdentifier":")" + batch.ids[1] + R"("}]})");
  CHECK(via_json.logs == "[INFO] processed 3 records, 1 failed\n");

  req.event.clear();
  req.sqs_records = batch.records;  // structured fast path
  auto via_structs = host->invoke(req);
  CHECK(via_structs.payload == via_json.payload);
}

TEST_CASE("the structured SQS fast path hands the records as structs") {
  SqsBatch batch;
  auto host = open_ok(PLUGIN_SLUICE_PLUGIN_PARTIAL_BATCH);
  InvocationRequest req;
  req.sqs_records = batch.records;
  auto fast = host->invoke(req);
  CHECK(fast.ok());
  CHECK(fast.logs == "[INFO] entry=structs receive_count=1\n");
  CHECK(fast.payload == R"({"batchItemFailures":[{"itemIdentifier":")" + batch.ids[1] + R"("}]})");

  // The same batch through JSON, with only the flagged record: the binary attribute survives
  // the base64 round trip.
  std::span<const sluice_sqs_record> second(&batch.records[1], 1);
  InvocationRequest json_req;
  json_req.event = sqs_event_json(second);
  auto slow = host->invoke(json_req);
  CHECK(slow.logs == "[INFO] entry=json receive_count=2 blob_size=4\n");
  CHECK(slow.payload == fast.payload);
}

TEST_CASE("a plugin without the fast path gets the AWS SQS event JSON built from the structs") {
  SqsBatch batch;
  auto host = open_ok(PLUGIN_SLUICE_PLUGIN_ECHO);
  InvocationRequest req;
  req.sqs_records = batch.records;
  auto r = host->invoke(req);
  REQUIRE(r.ok());
  auto event = boost::json::parse(r.payload).as_object();
  const auto& records = event.at("Records").as_array();
  REQUIRE(records.size() == 3);
  const auto& first = records[0].as_object();
  CHECK(first.at("messageId").as_string() == batch.ids[0].c_str());
  CHECK(first.at("eventSource") == "aws:sqs");
  CHECK(first.at("md5OfMessageAttributes").is_null());
  CHECK(first.at("messageAttributes").as_object().empty());
  CHECK(first.at("attributes").at("ApproximateReceiveCount") == "1");
  CHECK(first.at("attributes").at("SentTimestamp") == "1700000000000");
  const auto& flagged = records[1].at("messageAttributes").as_object();
  CHECK(flagged.at("blob").at("binaryValue") == "AAEC/w==");
  CHECK(flagged.at("fail").at("stringValue") == "true");
  CHECK(flagged.at("fail").at("dataType") == "String");
}

TEST_CASE("an in-process answer after the deadline is a timeout") {
  auto host = open_ok(PLUGIN_SLUICE_PLUGIN_ECHO, config_named("late", 1000));
  InvocationRequest req;
  req.request_id = "req-late";
  req.event = "{}";
  req.deadline_ms = 1;  // long past
  auto r = host->invoke(req);
  CHECK(r.status == InvocationResult::Status::Timeout);
  CHECK(
      r.payload ==
      R"({"errorType":"Sandbox.Timedout","errorMessage":"RequestId: req-late Error: Task timed out after 1.00 seconds"})");
}

TEST_CASE("hot reload picks up a rebuilt file; a broken rebuild keeps the old version serving") {
  TempDir dir;
  fs::path so = dir.path / "handler.so";
  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V1, so);
  PluginHostOptions manual = in_process();
  manual.reload_on_change = false;
  auto host = open_ok(so.string(), config_named("versioned"), manual);
  CHECK(call(*host, "{}").payload == R"({"version":1})");
  CHECK(host->reload_if_changed().value() == false);

  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V2, so, fs::copy_options::overwrite_existing);
  CHECK(call(*host, "{}").payload == R"({"version":1})");  // not checked automatically here
  auto reloaded = host->reload_if_changed();
  REQUIRE(reloaded.ok());
  CHECK(reloaded.value() == true);
  CHECK(host->generation() == 2);
  CHECK(call(*host, "{}").payload == R"({"version":2})");

  { std::ofstream(so, std::ios::trunc) << "not an ELF file"; }
  auto broken = host->reload_if_changed();
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().find(so.string()) != std::string::npos);
  CHECK(call(*host, "{}").payload == R"({"version":2})");
  CHECK(host->generation() == 2);
}

TEST_CASE("with reload_on_change every invocation sees the newest file") {
  TempDir dir;
  fs::path so = dir.path / "handler.so";
  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V1, so);
  auto host = open_ok(so.string(), config_named("versioned"));
  CHECK(call(*host, "{}").payload == R"({"version":1})");
  fs::remove(so);  // new inode, as a build tool writing a fresh file would
  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V2, so);
  CHECK(call(*host, "{}").payload == R"({"version":2})");
  fs::remove(so);
  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V1, so);
  CHECK(call(*host, "{}").payload == R"({"version":1})");
  CHECK(host->generation() == 3);
}

TEST_CASE("an invocation in flight during a reload finishes on the old version") {
  TempDir dir;
  fs::path so = dir.path / "handler.so";
  fs::path gate = dir.path / "gate";
  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V1, so);
  { std::ofstream(gate) << "closed"; }
  auto host = open_ok(so.string(), config_named("versioned", 30'000));

  InvocationResult in_flight;
  std::thread worker([&] { in_flight = call(*host, "wait:" + gate.string()); });
  // The handler marks its entry with a file (it runs in another process): polled, bounded.
  const fs::path entered = gate.string() + ".entered";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(entered) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(fs::exists(entered));
  fs::copy_file(PLUGIN_FIXTURE_VERSIONED_V2, so, fs::copy_options::overwrite_existing);
  CHECK(call(*host, "{}").payload == R"({"version":2})");  // reloaded while v1 is still running
  fs::remove(gate);
  worker.join();
  CHECK(in_flight.ok());
  CHECK(in_flight.payload == R"({"version":1})");
}
