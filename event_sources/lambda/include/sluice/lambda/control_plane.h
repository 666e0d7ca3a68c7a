#pragma once
// Lambda's control plane: the functions of one account and region, with AWS's validation and
// texts, kept durably in the data directory (lambda.db, code under lambda-code/) or in memory.
// This is the one header a wire adapter (api/lambda_wire) or the embedder uses.
//
// Code: a ZipFile is checked and unpacked with libzip (a file that is not a zip gets AWS's
// "Could not unzip uploaded file..." text); CodeSha256 is the base64 SHA-256 of the zip.
// Code.S3Bucket "hot-reload" with S3Key an absolute local path (directory or file) runs that path
// as is, and the runtime picks up changes to it (LocalStack's convention).
//
// States: create and update answer at once (Pending / InProgress); the deployer thread hands the
// function to the Executor and moves it to Active / Successful, or Failed with the reason. At
// open() every stored function is deployed again.
//
// Event invocations: see async_invocations.h (stored, run under the event invoke configuration of
// what was invoked, then sent to its destinations or to the dead-letter target).
//
// Threading: every method is thread-safe; calls may block on the store (run them on workers).
// Lifecycle: open() -> calls -> destruction (the deployer finishes its current job and stops).
// The Executor must outlive the ControlPlane.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/work_pool.h"
#include "sluice/lambda/alias.h"
#include "sluice/lambda/event_invoke_config.h"
#include "sluice/lambda/executor.h"
#include "sluice/lambda/function.h"
#include "sluice/lambda/mapping.h"
#include "sluice/lambda/policy.h"
#include "sluice/metrics/lambda_meter.h"

namespace sluice::lambda {

// Sends a failed asynchronous event to a function's dead-letter target (an SQS queue or SNS topic
// ARN) with Lambda's message attributes (RequestID, ErrorCode, ErrorMessage); true when it took it.
using DeadLetterSender = std::function<bool(const std::string& target_arn, const std::string& event,
                                            const std::string& request_id, const std::string& error_message)>;

// Sends an Event invocation's record (sluice/lambda/event_invoke_config.h) to an OnSuccess or
// OnFailure destination that is an SQS queue or SNS topic ARN; true when it took it. Lambda
// function destinations are invoked by the control plane itself.
using DestinationSender = std::function<bool(const std::string& destination_arn, const std::string& record)>;

struct ControlPlaneOptions {
  std::string account_id;
  std::string region;
  std::string data_dir;  // "" = in memory (code is unpacked into a temporary directory)
  std::shared_ptr<common::Clock> clock;
  Executor* executor = nullptr;                 // required
  DeadLetterSender dead_letters;                // empty: failed asynchronous events are dropped
  DestinationSender destinations;               // empty: records for queues and topics are dropped
  std::shared_ptr<common::WorkPool> work_pool;  // runs Event invocations, a lane per function (null: a pool of its own)
  int async_dispatchers = 4;                    // Event invocations of one function run at once, at most
  // AWS/Lambda metrics of Invoke and Event invocations (Invocations, Errors, Duration, Throttles,
  // ConcurrentExecutions, the Async* metrics, DeadLetterErrors, DestinationDeliveryFailures);
  // null: none recorded.
  std::shared_ptr<metrics::LambdaMeter> meter;
};

// GetAccountSettings: the account's limits and what its functions use.
struct AccountSettings {
  int64_t concurrent_executions = 1000;
  int64_t unreserved_concurrent_executions = 1000;
  int64_t total_code_size = 0;
  int64_t function_count = 0;
};

struct FunctionPage {
  std::vector<FunctionRecord> functions;
  std::string next_marker;  // "" on the last page
};

class ControlPlane {
 public:
  static common::Outcome<std::unique_ptr<ControlPlane>, std::string> open(ControlPlaneOptions options);
  virtual ~ControlPlane() = default;

  // With Code.publish, CreateFunction and UpdateFunctionCode answer once the code is deployed, with
  // the version they published (as PublishVersion does).
  virtual common::Outcome<FunctionRecord> create_function(const CreateFunctionInput& input) = 0;
  // name_or_arn: a name, a full or partial ARN, with an optional qualifier: $LATEST, a version
  // number, or an alias (answered as the version it names, with the alias's ARN).
  virtual common::Outcome<FunctionRecord> get_function(std::string_view name_or_arn) const = 0;
  // marker: the name to start after ("" = from the start); max_items 1..10,000 (default 50).
  // all_versions (FunctionVersion=ALL): each function's $LATEST followed by its published
  // versions; the marker is then "name:version".
  virtual common::Outcome<FunctionPage> list_functions(std::string_view marker, std::optional<int64_t> max_items,
                                                       bool all_versions = false) const = 0;
  // Unqualified: the function with its versions and aliases. With a version number: that version
  // (refused while an alias uses it).
  virtual common::Status delete_function(std::string_view name_or_arn) = 0;
  virtual common::Outcome<FunctionRecord> update_function_code(std::string_view name_or_arn, const CodeInput& code) = 0;
  virtual common::Outcome<FunctionRecord> update_function_configuration(std::string_view name_or_arn,
                                                                        const UpdateConfigurationInput& input) = 0;
  // Reserved concurrency (Put/Get/DeleteFunctionConcurrency). The account has 1,000 concurrent
  // executions, of which 100 stay unreserved, as on AWS.
  virtual common::Outcome<FunctionRecord> put_function_concurrency(std::string_view name_or_arn, int64_t reserved) = 0;
  virtual common::Status delete_function_concurrency(std::string_view name_or_arn) = 0;
  // Tags of a function, named by its ARN (TagResource, UntagResource, ListTags).
  virtual common::Outcome<TagMap> list_tags(std::string_view function_arn) const = 0;
  virtual common::Status tag_resource(std::string_view function_arn, const TagMap& tags) = 0;
  virtual common::Status untag_resource(std::string_view function_arn, const std::vector<std::string>& keys) = 0;
  virtual AccountSettings account_settings() const = 0;

  // Versions and aliases (sluice/lambda/alias.h). PublishVersion answers once the version's code
  // is deployed (State Active, or Failed).
  virtual common::Outcome<FunctionRecord> publish_version(std::string_view name_or_arn,
                                                          const PublishVersionInput& input) = 0;
  // marker: the version to start after; max_items 1..10,000, at most 50 a page.
  virtual common::Outcome<VersionPage> list_versions(std::string_view name_or_arn, std::string_view marker,
                                                     std::optional<int64_t> max_items) const = 0;
  virtual common::Outcome<AliasRecord> create_alias(std::string_view name_or_arn, const AliasInput& input) = 0;
  virtual common::Outcome<AliasRecord> get_alias(std::string_view name_or_arn, const std::string& alias) const = 0;
  virtual common::Outcome<AliasRecord> update_alias(std::string_view name_or_arn, const AliasInput& input) = 0;
  virtual common::Status delete_alias(std::string_view name_or_arn, const std::string& alias) = 0;
  // function_version "": every alias; else those that name it. marker: the alias to start after.
  virtual common::Outcome<AliasPage> list_aliases(std::string_view name_or_arn, std::string_view function_version,
                                                  std::string_view marker, std::optional<int64_t> max_items) const = 0;
  // Resource policies (sluice/lambda/policy.h) of the function, or of a version or alias when
  // name_or_arn or qualifier names one. GetPolicy of a resource without one is not found.
  virtual common::Outcome<std::string> add_permission(std::string_view name_or_arn, std::string_view qualifier,
                                                      const AddPermissionInput& input) = 0;
  virtual common::Outcome<PolicyDocument> get_policy(std::string_view name_or_arn,
                                                     std::string_view qualifier) const = 0;
  virtual common::Status remove_permission(std::string_view name_or_arn, std::string_view qualifier,
                                           const std::string& statement_id,
                                           const std::optional<std::string>& revision_id) = 0;

  // Synchronous invocation of the function's current code, or of the version a qualifier names
  // (an alias with a routing configuration picks one of its two versions by weight; the answer's
  // executed_version says which). With reserved concurrency, an invocation beyond it is
  // TooManyRequestsException (429), as AWS throttles.
  virtual common::Outcome<InvokeOutput> invoke(std::string_view name_or_arn, std::string_view qualifier,
                                               const InvokeInput& input) = 0;
  // Event-source mappings; answers are EventSourceMappingConfiguration JSON objects, with the
  // State of the moment (Creating/Disabled after create, Updating/Enabling/Disabling after
  // update, Deleting after delete).
  virtual common::Outcome<std::string> create_event_source_mapping(const CreateMappingInput& input) = 0;
  virtual common::Outcome<std::string> get_event_source_mapping(std::string_view uuid) const = 0;
  virtual common::Outcome<MappingPage> list_event_source_mappings(const MappingFilter& filter) const = 0;
  virtual common::Outcome<std::string> update_event_source_mapping(std::string_view uuid,
                                                                   const std::string& changes_json) = 0;
  virtual common::Outcome<std::string> delete_event_source_mapping(std::string_view uuid) = 0;

  // An asynchronous (Event) invocation: stored, then run and retried as Lambda does (see
  // async_invocations.h). Answers the invocation's request id.
  virtual common::Outcome<std::string> invoke_async(std::string_view name_or_arn, std::string_view qualifier,
                                                    std::string payload) = 0;
  // Event invoke configurations of the function, or of the version or alias that name_or_arn or
  // qualifier names (Put replaces, Update changes what it names).
  virtual common::Outcome<EventInvokeConfig> put_event_invoke_config(std::string_view name_or_arn,
                                                                     std::string_view qualifier,
                                                                     const EventInvokeConfigInput& input) = 0;
  virtual common::Outcome<EventInvokeConfig> update_event_invoke_config(std::string_view name_or_arn,
                                                                        std::string_view qualifier,
                                                                        const EventInvokeConfigInput& input) = 0;
  virtual common::Outcome<EventInvokeConfig> get_event_invoke_config(std::string_view name_or_arn,
                                                                     std::string_view qualifier) const = 0;
  virtual common::Status delete_event_invoke_config(std::string_view name_or_arn, std::string_view qualifier) = 0;
  // marker: the FunctionArn to start after; max_items 1..50.
  virtual common::Outcome<EventInvokeConfigPage> list_event_invoke_configs(std::string_view name_or_arn,
                                                                           std::string_view marker,
                                                                           std::optional<int64_t> max_items) const = 0;

  // Event invocations stored and not yet settled (tests).
  virtual size_t pending_async_invocations() const = 0;

  // Blocks until the deployer has nothing left to do (tests, and start-up).
  virtual void wait_idle() = 0;
};

}  // namespace sluice::lambda
