#pragma once
// Helpers of the Lambda unit tests: zips made with libzip, and an Executor that records what it
// is asked and answers as scripted.

#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
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

class ScriptedExecutor final : public sluice::lambda::Executor {
 public:
  sluice::Outcome<sluice::Done, std::string> deploy(const sluice::lambda::FunctionRecord& function) override {
    std::lock_guard lock(mu);
    deployed.push_back(function);
    if (!refuse_with.empty()) return sluice::Outcome<sluice::Done, std::string>::failure(refuse_with);
    return sluice::Done{};
  }
  void retire(const std::string& name) override {
    std::lock_guard lock(mu);
    retired.push_back(name);
  }
  sluice::Outcome<sluice::lambda::InvokeOutput> invoke(const sluice::lambda::FunctionRecord& function,
                                                       const sluice::lambda::InvokeInput& input) override {
    sluice::lambda::InvokeOutput output;
    output.payload = function.name + ":" + input.payload;
    return output;
  }

  std::mutex mu;
  std::string refuse_with;
  std::vector<sluice::lambda::FunctionRecord> deployed;
  std::vector<std::string> retired;
};

}  // namespace lambda_test
