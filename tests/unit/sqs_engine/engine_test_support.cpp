#include "engine_test_support.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

namespace sluice::sqs::testing {

TestEngine::TestEngine(std::string data_dir) {
  EngineOptions options;
  options.in_memory = data_dir.empty();
  options.data_dir = std::move(data_dir);
  options.clock = clock;
  options.background_housekeeping = false;
  std::string error;
  engine = Engine::open(options, &error);
  REQUIRE_MESSAGE(engine, error);
}

QueueAddress address(const std::string& name) { return {"123456789012", "us-east-1", name}; }

SendMessageRequest message(const std::string& body) {
  SendMessageRequest r;
  r.body = body;
  return r;
}

SendMessageRequest fifo_message(const std::string& body, const std::string& group, const std::string& dedup) {
  SendMessageRequest r = message(body);
  r.message_group_id = group;
  if (!dedup.empty()) r.message_deduplication_id = dedup;
  return r;
}

ReceiveMessageRequest receive(int64_t max, std::optional<int64_t> visibility) {
  ReceiveMessageRequest r;
  r.max_number_of_messages = max;
  r.visibility_timeout = visibility;
  r.system_attribute_names = {"All"};
  r.message_attribute_names = {"All"};
  return r;
}

TempDir::TempDir() {
  char pattern[] = "/tmp/sluice-test-XXXXXX";
  char* made = mkdtemp(pattern);
  REQUIRE(made != nullptr);
  path = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace sluice::sqs::testing
