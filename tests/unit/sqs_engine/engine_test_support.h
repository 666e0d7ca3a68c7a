#pragma once
// Shared fixtures for the engine tests: an in-memory engine on a manual clock, and small helpers
// that keep the tests about behaviour rather than plumbing.

#include <memory>
#include <string>

#include "sluice/sqs/engine.h"

namespace sluice::sqs::testing {

struct TestEngine {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>();
  std::unique_ptr<Engine> engine;
  explicit TestEngine(std::string data_dir = "");
  Engine* operator->() { return engine.get(); }
};

QueueAddress address(const std::string& name);
SendMessageRequest message(const std::string& body);
SendMessageRequest fifo_message(const std::string& body, const std::string& group, const std::string& dedup = "");
ReceiveMessageRequest receive(int64_t max = 10, std::optional<int64_t> visibility = std::nullopt);
// A fresh temporary directory, removed by the destructor.
struct TempDir {
  std::string path;
  TempDir();
  ~TempDir();
};

}  // namespace sluice::sqs::testing
