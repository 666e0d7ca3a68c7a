#pragma once
// Where function and mapping records live (internal to event_sources/lambda): a SQLite file in the
// data directory (lambda.db, one row per function, published version, alias, mapping or event invoke config holding its
// stored JSON), or nothing
// in memory (the ControlPlane's maps are the state). A put or erase returns once it is committed.
// Thread-safe.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sluice/lambda/alias.h"
#include "sluice/lambda/event_invoke_config.h"
#include "sluice/lambda/function.h"
#include "sluice/lambda/mapping.h"
#include "sluice/lambda/policy.h"

namespace sluice::lambda::detail {

struct AsyncEvent;

class FunctionStore {
 public:
  // data_dir "" = in memory. Throws sqlite::Error when the file cannot be opened.
  static std::unique_ptr<FunctionStore> open(const std::string& data_dir);
  virtual ~FunctionStore() = default;
  virtual std::vector<FunctionRecord> load_all() = 0;
  virtual void put(const FunctionRecord& function) = 0;
  virtual void erase(const std::string& name) = 0;
  virtual std::vector<MappingRecord> load_mappings() = 0;  // in creation order
  virtual void put_mapping(const MappingRecord& mapping) = 0;
  virtual void erase_mapping(const std::string& uuid) = 0;
  virtual std::vector<FunctionRecord> load_versions() = 0;
  virtual void put_version(const FunctionRecord& version) = 0;
  virtual void erase_version(const std::string& function, int64_t number) = 0;
  virtual std::vector<AliasRecord> load_aliases() = 0;
  virtual void put_alias(const AliasRecord& alias) = 0;
  virtual void erase_alias(const std::string& function, const std::string& name) = 0;
  virtual std::map<std::string, PolicyDocument> load_policies() = 0;  // by resource ARN
  virtual void put_policy(const std::string& resource_arn, const PolicyDocument& policy) = 0;
  virtual void erase_policy(const std::string& resource_arn) = 0;
  virtual std::vector<AsyncEvent> load_events() = 0;
  virtual void put_event(const AsyncEvent& event) = 0;
  virtual void erase_event(const std::string& request_id) = 0;
  virtual std::vector<EventInvokeConfig> load_event_invoke_configs() = 0;
  virtual void put_event_invoke_config(const EventInvokeConfig& config) = 0;
  virtual void erase_event_invoke_config(const std::string& function_arn) = 0;
};

}  // namespace sluice::lambda::detail
