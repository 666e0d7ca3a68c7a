#pragma once
// Shared helpers for the plugin host tests: configs, temporary copies of plugin files, and an SQS
// batch as the host's structs.
#include <doctest/doctest.h>
#include <sluice/functions/plugin_host.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sluice::functions::test {

inline FunctionConfig config_named(std::string name, uint32_t timeout_ms = 3000) {
  FunctionConfig c;
  c.name = std::move(name);
  c.timeout_ms = timeout_ms;
  return c;
}

inline PluginHostOptions in_process() {
  PluginHostOptions o;
  o.mode = IsolationMode::InProcess;
  return o;
}

// Opens a plugin host (in process unless told otherwise); the test stops with the host's message
// when it cannot.
inline std::unique_ptr<PluginHost> open_ok(const std::string& path, FunctionConfig config = config_named("fn"),
                                           PluginHostOptions options = in_process()) {
  auto host = PluginHost::open(path, std::move(config), options);
  REQUIRE_MESSAGE(host.ok(), (host.ok() ? "" : host.error()));
  return std::move(host.value());
}

inline PluginHostOptions isolated() {
  PluginHostOptions o;
  o.mode = IsolationMode::Isolated;
  return o;
}

inline InvocationResult call(PluginHost& host, std::string event, std::string request_id = "req-1") {
  InvocationRequest r;
  r.request_id = std::move(request_id);
  r.event = std::move(event);
  return host.invoke(r);
}

// A private directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sluice-functions-test-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

inline sluice_bytes b(const std::string& s) { return {s.data(), s.size()}; }

// Three SQS messages; the second is flagged fail=true and carries a binary attribute.
struct SqsBatch {
  std::vector<std::string> ids{"11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
                               "33333333-3333-4333-8333-333333333333"};
  std::vector<std::string> bodies{R"({"order_id":1001})", R"({"order_id":1002})", "plain text"};
  std::string arn = "arn:aws:sqs:us-east-1:000000000000:orders";
  std::string region = "us-east-1", sender = "AIDAEXAMPLE", rh = "receipt-handle", md5 = "md5";
  std::string fail_name = "fail", string_type = "String", yes = "true";
  std::string blob_name = "blob", binary_type = "Binary", blob = std::string("\x00\x01\x02\xff", 4);
  std::vector<sluice_sqs_message_attribute> flagged;
  std::vector<sluice_sqs_record> records;

  SqsBatch() {
    flagged = {{b(blob_name), b(binary_type), b(blob)}, {b(fail_name), b(string_type), b(yes)}};
    for (size_t i = 0; i < ids.size(); ++i) {
      sluice_sqs_record r{};
      r.message_id = b(ids[i]);
      r.receipt_handle = b(rh);
      r.body = b(bodies[i]);
      r.md5_of_body = b(md5);
      r.event_source_arn = b(arn);
      r.aws_region = b(region);
      r.approximate_receive_count = static_cast<uint32_t>(i + 1);
      r.sent_timestamp_ms = 1'700'000'000'000;
      r.approximate_first_receive_timestamp_ms = 1'700'000'000'100;
      r.sender_id = b(sender);
      records.push_back(r);
    }
    records[1].message_attributes = flagged.data();
    records[1].message_attribute_count = flagged.size();
    records[1].md5_of_message_attributes = b(md5);
  }
};

}  // namespace sluice::functions::test
