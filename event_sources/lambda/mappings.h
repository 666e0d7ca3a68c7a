#pragma once
// The event-source mappings of a control plane (internal to event_sources/lambda): their records,
// durable in the store, and the calls that start, change and stop them in the runtime through the
// Executor. The settings' validation and the configuration JSON come from the Executor; here are
// the checks that need the whole set (a duplicate mapping), the function, and AWS's texts for them.
//
// Threading: thread-safe; a call holds the mutex while the Executor runs it, which keeps the
// duplicate check and the record in step with the running mapping.

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "function_store.h"
#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/mutex.h"
#include "sluice/lambda/executor.h"
#include "sluice/lambda/mapping.h"

namespace sluice::lambda::detail {

using FunctionLookup = std::function<common::Outcome<FunctionRecord>(std::string_view name_or_arn)>;

class Mappings {
 public:
  Mappings(Executor& executor, FunctionStore& store, std::shared_ptr<common::Clock> clock, FunctionLookup functions);

  // The stored mappings, to be started once their functions are deployed.
  void load(std::vector<MappingRecord> stored) EXCLUDES(mu_);
  // Starts every loaded mapping; one that cannot start is reported on stderr and kept.
  void start_loaded() EXCLUDES(mu_);

  common::Outcome<std::string> create(const CreateMappingInput& input) EXCLUDES(mu_);
  common::Outcome<std::string> get(std::string_view uuid) const EXCLUDES(mu_);
  common::Outcome<MappingPage> list(const MappingFilter& filter) const EXCLUDES(mu_);
  common::Outcome<std::string> update(std::string_view uuid, const std::string& changes_json) EXCLUDES(mu_);
  common::Outcome<std::string> remove(std::string_view uuid) EXCLUDES(mu_);

 private:
  Executor& executor_;
  FunctionStore& store_;
  const std::shared_ptr<common::Clock> clock_;
  const FunctionLookup functions_;
  mutable common::Mutex mu_;
  std::map<std::string, MappingRecord, std::less<>> records_ GUARDED_BY(mu_);
};

}  // namespace sluice::lambda::detail
