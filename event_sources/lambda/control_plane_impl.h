#pragma once
// The control plane's implementation (internal to event_sources/lambda; see control_plane.h). One
// class, its methods in files by purpose: control_plane.cpp (opening, lookups, persistence),
// control_plane_functions.cpp (function CRUD and code), control_plane_settings.cpp (concurrency,
// tags, account settings), control_plane_versions.cpp, control_plane_aliases.cpp,
// control_plane_permissions.cpp, control_plane_invoke.cpp (Invoke, Event invocations),
// control_plane_event_configs.cpp (event invoke configurations, invocation records' destinations),
// control_plane_mappings.cpp and control_plane_deployer.cpp (the deployer thread's jobs).
//
// Records live in a map under one mutex and in the store; a change is stored before it is
// answered. Code is unpacked outside the lock. The deployer thread takes jobs (deploy a function's
// current record, or retire a deleted one) in order and reports the outcome back into the record,
// the way Lambda moves State and LastUpdateStatus.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "async_invocations.h"
#include "event_invoke_configs.h"
#include "function_rules.h"
#include "function_store.h"
#include "mappings.h"
#include "policies.h"
#include "sluice/common/mutex.h"
#include "sluice/common/sqlite.h"
#include "sluice/lambda/control_plane.h"
#include "versions.h"

namespace sluice::lambda::detail {

inline constexpr const char* kBeingCreated = "The function is being created.";
inline constexpr int64_t kDefaultMaxItems = 50;
inline constexpr int64_t kAccountConcurrency = 1000;
inline constexpr int64_t kMinimumUnreserved = 100;

// MaxItems of the List actions: 1..10,000.
std::optional<common::AwsError> check_max_items(std::optional<int64_t> max_items);
// Description's length rule, as UpdateFunctionConfiguration checks it.
std::optional<common::AwsError> check_description(const std::optional<std::string>& description);

// A job of the deployer thread.
struct Job {
  enum class Kind { Deploy, Retire, StartMappings } kind;
  std::string name;
  std::string discard_code;         // a code directory no longer used once this job is done
  std::string version = "$LATEST";  // or the published version the job deploys or retires
};

class ControlPlaneImpl final : public ControlPlane {
 public:
  ControlPlaneImpl(ControlPlaneOptions options, std::unique_ptr<FunctionStore> store, std::string code_root,
                   bool temporary_code_root);
  ~ControlPlaneImpl() override;
  common::Outcome<FunctionRecord> create_function(const CreateFunctionInput& input) override;
  common::Outcome<FunctionRecord> get_function(std::string_view name_or_arn) const override;
  common::Outcome<FunctionPage> list_functions(std::string_view marker, std::optional<int64_t> max_items,
                                               bool all_versions) const override;
  common::Status delete_function(std::string_view name_or_arn) override;
  common::Outcome<FunctionRecord> update_function_code(std::string_view name_or_arn, const CodeInput& code) override;
  common::Outcome<FunctionRecord> update_function_configuration(std::string_view name_or_arn,
                                                                const UpdateConfigurationInput& input) override;
  common::Outcome<FunctionRecord> publish_version(std::string_view name_or_arn,
                                                  const PublishVersionInput& input) override;
  common::Outcome<VersionPage> list_versions(std::string_view name_or_arn, std::string_view marker,
                                             std::optional<int64_t> max_items) const override;
  common::Outcome<AliasRecord> create_alias(std::string_view name_or_arn, const AliasInput& input) override;
  common::Outcome<AliasRecord> get_alias(std::string_view name_or_arn, const std::string& name) const override;
  common::Outcome<AliasRecord> update_alias(std::string_view name_or_arn, const AliasInput& input) override;
  common::Status delete_alias(std::string_view name_or_arn, const std::string& name) override;
  common::Outcome<AliasPage> list_aliases(std::string_view name_or_arn, std::string_view function_version,
                                          std::string_view marker, std::optional<int64_t> max_items) const override;
  common::Outcome<std::string> add_permission(std::string_view name_or_arn, std::string_view qualifier,
                                              const AddPermissionInput& input) override;
  common::Outcome<PolicyDocument> get_policy(std::string_view name_or_arn, std::string_view qualifier) const override;
  common::Status remove_permission(std::string_view name_or_arn, std::string_view qualifier,
                                   const std::string& statement_id,
                                   const std::optional<std::string>& revision_id) override;
  common::Outcome<InvokeOutput> invoke(std::string_view name_or_arn, std::string_view qualifier,
                                       const InvokeInput& input) override;
  common::Outcome<FunctionRecord> put_function_concurrency(std::string_view name_or_arn, int64_t reserved) override;
  common::Outcome<TagMap> list_tags(std::string_view function_arn) const override;
  common::Status tag_resource(std::string_view function_arn, const TagMap& tags) override;
  common::Status untag_resource(std::string_view function_arn, const std::vector<std::string>& keys) override;
  AccountSettings account_settings() const override;
  common::Status delete_function_concurrency(std::string_view name_or_arn) override;
  common::Outcome<std::string> create_event_source_mapping(const CreateMappingInput& input) override;
  common::Outcome<std::string> get_event_source_mapping(std::string_view uuid) const override;
  common::Outcome<MappingPage> list_event_source_mappings(const MappingFilter& filter) const override;
  common::Outcome<std::string> update_event_source_mapping(std::string_view uuid,
                                                           const std::string& changes_json) override;
  common::Outcome<std::string> delete_event_source_mapping(std::string_view uuid) override;
  common::Outcome<std::string> invoke_async(std::string_view name_or_arn, std::string_view qualifier,
                                            std::string payload) override;
  size_t pending_async_invocations() const override;
  common::Outcome<EventInvokeConfig> put_event_invoke_config(std::string_view name_or_arn, std::string_view qualifier,
                                                             const EventInvokeConfigInput& input) override;
  common::Outcome<EventInvokeConfig> update_event_invoke_config(std::string_view name_or_arn,
                                                                std::string_view qualifier,
                                                                const EventInvokeConfigInput& input) override;
  common::Outcome<EventInvokeConfig> get_event_invoke_config(std::string_view name_or_arn,
                                                             std::string_view qualifier) const override;
  common::Status delete_event_invoke_config(std::string_view name_or_arn, std::string_view qualifier) override;
  common::Outcome<EventInvokeConfigPage> list_event_invoke_configs(std::string_view name_or_arn,
                                                                   std::string_view marker,
                                                                   std::optional<int64_t> max_items) const override;
  void wait_idle() override;

 private:
  std::string arn_of(const std::string& name) const;
  common::Outcome<FunctionRecord> find(const FunctionRef& ref) const REQUIRES(mu_);

  // The record a qualified name runs: $LATEST, a version, or the version an alias names (with
  // the alias's ARN). `route` picks by the alias's routing weights, as an invocation does.
  common::Outcome<FunctionRecord> find_qualified(const FunctionRef& ref, bool route) const REQUIRES(mu_);

  // The qualified ARN whose event invoke configuration a call names (":$LATEST" unqualified),
  // once the function, version or alias is known to exist.
  common::Outcome<std::string> event_config_resource(std::string_view name_or_arn, std::string_view qualifier) const
      REQUIRES(mu_);
  // Where an Event invocation's record goes: Lambda functions are invoked here, the rest go to
  // the embedder's sender.
  bool send_record(const std::string& destination_arn, const std::string& record) EXCLUDES(mu_);
  static std::string config_owner_arn(const std::string& qualified_arn);

  // Blocks until the function's current deployment has settled (not Pending, no update in
  // progress), then publishes a version of it (CreateFunction / UpdateFunctionCode with Publish).
  common::Outcome<FunctionRecord> replace_code(std::string_view name_or_arn, const CodeInput& code) EXCLUDES(mu_);
  common::Outcome<FunctionRecord> publish_when_deployed(const std::string& name) EXCLUDES(mu_);

  // The ARN whose policy a call names: the function's, or with the version or alias qualifier.
  common::Outcome<std::string> policy_resource(std::string_view name_or_arn, std::string_view qualifier) const
      REQUIRES(mu_);

  // A version an alias would name that does not exist.
  std::optional<common::AwsError> missing_version(const std::string& function, const std::string& version,
                                                  const VersionWeights& routing) const REQUIRES(mu_);
  common::Status delete_version(const FunctionRef& ref) REQUIRES(mu_);

  // A published version's deployment: Pending -> Active, or Failed with the reason.
  void deploy_version(const Job& job) EXCLUDES(mu_);

  // AWS refuses changes while a function is being created or updated.
  common::Outcome<FunctionRecord> find_updatable(const FunctionRef& ref) const REQUIRES(mu_);

  // Tags name their resource by ARN; a bare name is not a resource ARN.
  static common::Outcome<FunctionRef> tag_target(std::string_view arn);

  template <typename Change>
  common::Status change_tags(std::string_view function_arn, Change change) {
    auto ref = tag_target(function_arn);
    if (!ref) return ref.take_error();
    common::MutexLock lock(mu_);
    auto found = find(*ref);
    if (!found) return found.take_error();
    FunctionRecord function = *found;
    change(function.tags);
    if (auto persisted = persist(function); !persisted) return persisted;
    functions_[function.name] = std::move(function);
    return common::ok_status();
  }

  // Takes one of the function's concurrent executions; false when its reserved concurrency is
  // all in use (AWS throttles the invocation).
  bool enter(const FunctionRecord& function) EXCLUDES(mu_);
  void leave(const std::string& name) EXCLUDES(mu_);
  static common::AwsError state_conflict(const FunctionRecord& function);
  static common::AwsError store_failed(const common::sqlite::Error& e);
  common::Status persist(const FunctionRecord& function) REQUIRES(mu_);
  void touch(FunctionRecord& function) const;
  void begin_update(FunctionRecord& function) const;

  // Puts the request's code in place and fills function's code fields.
  common::Status store_code(const std::string& name, const CodeInput& code, FunctionRecord* function) const;
  static void discard_code(const CodeLocation& code);
  void enqueue(Job job) REQUIRES(mu_);
  bool idle_now() EXCLUDES(mu_);
  void run_deployer();
  void run(const Job& job) EXCLUDES(mu_);
  const ControlPlaneOptions options_;
  const std::string code_root_;
  const bool temporary_code_root_;
  mutable common::Mutex mu_;
  const std::unique_ptr<FunctionStore> store_;  // thread-safe itself
  std::map<std::string, FunctionRecord, std::less<>> functions_ GUARDED_BY(mu_);
  std::deque<Job> jobs_ GUARDED_BY(mu_);
  std::map<std::string, int64_t, std::less<>> running_ GUARDED_BY(mu_);  // synchronous invocations in flight
  bool busy_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::condition_variable wake_;
  std::mutex idle_mu_;
  std::condition_variable idle_;
  Versions versions_ GUARDED_BY(mu_);
  Policies policies_ GUARDED_BY(mu_);
  EventInvokeConfigs event_configs_ GUARDED_BY(mu_);
  mutable std::mt19937_64 random_ GUARDED_BY(mu_){std::random_device{}()};
  Mappings mappings_;
  AsyncInvocations async_;
  std::thread deployer_;
};

}  // namespace sluice::lambda::detail
