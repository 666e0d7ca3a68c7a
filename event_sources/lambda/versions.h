#pragma once
// The published versions and aliases of every function (internal to event_sources/lambda), in
// memory and in the store. A change is stored before it is kept.
//
// Threading: not thread-safe; the control plane calls it under its own mutex.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "function_store.h"
#include "sluice/common/aws_error.h"
#include "sluice/lambda/alias.h"
#include "sluice/lambda/function.h"

namespace sluice::lambda::detail {

class Versions {
 public:
  explicit Versions(FunctionStore& store) : store_(store) {}

  void load(std::vector<FunctionRecord> versions, std::vector<AliasRecord> aliases);

  const FunctionRecord* version(const std::string& function, int64_t number) const;
  FunctionRecord* mutable_version(const std::string& function, int64_t number);
  std::vector<FunctionRecord> versions_of(const std::string& function) const;  // by number
  std::vector<FunctionRecord> all_versions() const;
  // The highest-numbered version still there, or null.
  const FunctionRecord* newest(const std::string& function) const;
  common::Status put_version(const FunctionRecord& version);
  common::Status erase_version(const std::string& function, int64_t number);
  // Whether any version runs the code at `path`.
  bool code_in_use(const std::string& path) const;

  const AliasRecord* alias(const std::string& function, const std::string& name) const;
  std::vector<AliasRecord> aliases_of(const std::string& function) const;  // by name
  common::Status put_alias(const AliasRecord& alias);
  common::Status erase_alias(const std::string& function, const std::string& name);
  // The aliases that send invocations to `version` (as their version or their routing's).
  std::vector<std::string> aliases_using(const std::string& function, const std::string& version) const;

  // Drops every version and alias of a deleted function; answers the versions it had.
  common::Outcome<std::vector<FunctionRecord>> erase_function(const std::string& function);

 private:
  FunctionStore& store_;
  std::map<std::string, std::map<int64_t, FunctionRecord>> versions_;
  std::map<std::string, std::map<std::string, AliasRecord>> aliases_;
};

// "7" -> 7; anything that is not a version number -> 0.
int64_t version_number(const std::string& text);

}  // namespace sluice::lambda::detail
