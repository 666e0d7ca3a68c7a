#pragma once
// What the KMS suites share: an in-memory KeyManager on a manual clock, and a scope.

#include <memory>
#include <stdexcept>
#include <string>

#include "sluice/common/clock.h"
#include "sluice/kms/kms.h"

namespace kms_test {

inline const sluice::kms::Scope kScope{"123456789012", "us-east-1"};

struct Keys {
  std::shared_ptr<sluice::common::ManualClock> clock = std::make_shared<sluice::common::ManualClock>();
  std::shared_ptr<sluice::kms::KeyManager> keys;

  explicit Keys(const std::string& data_dir = "") {
    sluice::kms::KmsOptions options;
    options.data_dir = data_dir;
    options.clock = clock;
    std::string error;
    keys = sluice::kms::KeyManager::open(options, &error);
    if (!keys) throw std::runtime_error("kms: " + error);
  }

  std::string new_key(const std::string& description = "test key") {
    sluice::kms::CreateKeyRequest request;
    request.description = description;
    auto made = keys->create_key(kScope, request);
    if (!made) throw std::runtime_error(made.error().message);
    return made->key_id;
  }
};

}  // namespace kms_test
