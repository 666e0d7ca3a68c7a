#pragma once
// What the Lambda unit tests share: zips made with libzip, and an Executor that records what it
// is asked and answers as scripted.

#include <zip.h>

#include <unistd.h>
#include <condition_variable>
#include <cstdio>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sluice/lambda/executor.h"

namespace lambda_test {

// A zip archive holding {entry name: content}.
inline std::string make_zip(const std::map<std::string, std::string>& files) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("sluice-test-" + std::to_string(std::rand()) + ".zip")).string();
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  for (const auto& [name, content] : files) {
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE);
  }
  zip_close(archive);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);
  return bytes.str();
}

// A directory under the system's temporary one that no other test process uses (the process id
// keeps parallel runs apart, the counter tests within one) and that starts empty, so a run killed
// half-way leaves nothing that breaks the next.
inline std::filesystem::path fresh_temp_dir(const std::string& prefix) {
  static int counter = 0;
  auto dir =
      std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::remove_all(dir);
  return dir;
}

class ScriptedExecutor final : public sluice::lambda::Executor {
 public:
  sluice::common::Outcome<sluice::common::Done, std::string> deploy(
      const sluice::lambda::FunctionRecord& function) override {
    std::lock_guard lock(mu);
    deployed.push_back(function);
    if (!refuse_with.empty()) return sluice::common::Outcome<sluice::common::Done, std::string>::failure(refuse_with);
    return sluice::common::Done{};
  }
  void retire(const std::string& name) override {
    std::lock_guard lock(mu);
    retired.push_back(name);
  }
  sluice::common::Outcome<sluice::lambda::InvokeOutput> invoke(const sluice::lambda::FunctionRecord& function,
                                                               const sluice::lambda::InvokeInput& input) override {
    sluice::lambda::InvokeOutput output;
    output.payload = function.name + ":" + input.payload;
    if (input.payload.find("fail") != std::string::npos) output.function_error = "Unhandled";
    std::unique_lock lock(mu);
    invocations.push_back(input.payload);
    // A payload naming "hold" runs until release() (a long invocation holding its concurrency).
    if (input.payload.find("hold") != std::string::npos) released.wait(lock, [this] { return !holding; });
    return output;
  }

  sluice::common::Outcome<std::string> start_mapping(const sluice::lambda::MappingRecord& mapping,
                                                     const sluice::lambda::FunctionRecord&) override {
    std::lock_guard lock(mu);
    if (mapping.settings_json.find("\"BatchSize\":0") != std::string::npos)
      return sluice::common::aws_error(sluice::common::AwsErrorCode::Validation, "batch size");
    running[mapping.uuid] = "{\"UUID\":\"" + mapping.uuid + "\",\"State\":\"Enabled\"}";
    return running[mapping.uuid];
  }
  sluice::common::Outcome<std::string> update_mapping(const std::string& uuid, const std::string& changes) override {
    std::lock_guard lock(mu);
    updates.push_back(changes);
    return running.at(uuid);
  }
  void stop_mapping(const std::string& uuid) override {
    std::lock_guard lock(mu);
    running.erase(uuid);
  }
  std::optional<std::string> mapping_configuration(const std::string& uuid) const override {
    std::lock_guard lock(mu);
    auto found = running.find(uuid);
    if (found == running.end()) return std::nullopt;
    return found->second;
  }

  void release() {
    {
      std::lock_guard lock(mu);
      holding = false;
    }
    released.notify_all();
  }
  size_t invocation_count() const {
    std::lock_guard lock(mu);
    return invocations.size();
  }
  // Copies taken under the lock: the control plane's threads write these while a test reads.
  std::vector<std::string> invocations_now() const {
    std::lock_guard lock(mu);
    return invocations;
  }
  std::vector<sluice::lambda::FunctionRecord> deployed_now() const {
    std::lock_guard lock(mu);
    return deployed;
  }
  std::vector<std::string> retired_now() const {
    std::lock_guard lock(mu);
    return retired;
  }
  std::map<std::string, std::string> running_now() const {
    std::lock_guard lock(mu);
    return running;
  }

  mutable std::mutex mu;
  std::condition_variable released;
  bool holding = true;
  std::map<std::string, std::string> running;  // uuid -> configuration JSON
  std::vector<std::string> updates;
  std::vector<std::string> invocations;  // payloads, in order
  std::string refuse_with;
  std::vector<sluice::lambda::FunctionRecord> deployed;
  std::vector<std::string> retired;
};

}  // namespace lambda_test
