#pragma once
// Where function records live (internal to event_sources/lambda): a SQLite file in the data
// directory (lambda.db, one row per function holding its stored JSON), or a map in memory. A put
// or erase returns once it is committed. Not thread-safe: the ControlPlane serialises its calls.

#include <memory>
#include <string>
#include <vector>

#include "sluice/lambda/function.h"

namespace sluice::lambda::detail {

class FunctionStore {
 public:
  // data_dir "" = in memory. Throws sqlite::Error when the file cannot be opened.
  static std::unique_ptr<FunctionStore> open(const std::string& data_dir);
  virtual ~FunctionStore() = default;
  virtual std::vector<FunctionRecord> load_all() = 0;
  virtual void put(const FunctionRecord& function) = 0;
  virtual void erase(const std::string& name) = 0;
};

}  // namespace sluice::lambda::detail
