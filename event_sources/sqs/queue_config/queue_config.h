#pragma once
// A queue's configuration: parsing and validating the attribute strings of CreateQueue and
// SetQueueAttributes (ranges, defaults, FIFO-only attributes, JSON policies, AWS's error texts),
// and rendering them back as the strings GetQueueAttributes answers. Rules that involve another
// queue (does the dead-letter target exist, does its type match) belong to the engine.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/sqs/engine.h"

namespace sluice::sqs::detail {

struct RedrivePolicy {
  std::string dead_letter_target_arn;
  int64_t max_receive_count = 10;
  bool operator==(const RedrivePolicy&) const = default;
};

struct RedriveAllowPolicy {
  std::string redrive_permission = "allowAll";  // allowAll | denyAll | byQueue
  std::vector<std::string> source_queue_arns;   // byQueue only, at most 10
  bool operator==(const RedriveAllowPolicy&) const = default;
};

struct QueueConfig {
  bool fifo = false;
  int64_t visibility_timeout = 30;
  int64_t message_retention_period = 345600;
  int64_t delay_seconds = 0;
  int64_t maximum_message_size = 1048576;
  int64_t receive_message_wait_time_seconds = 0;
  std::optional<RedrivePolicy> redrive_policy;
  std::optional<RedriveAllowPolicy> redrive_allow_policy;
  bool content_based_deduplication = false;        // FIFO only
  std::string deduplication_scope = "queue";       // FIFO only: queue | messageGroup
  std::string fifo_throughput_limit = "perQueue";  // FIFO only: perQueue | perMessageGroupId
  std::optional<std::string> kms_master_key_id;
  int64_t kms_data_key_reuse_period_seconds = 300;
  bool sqs_managed_sse_enabled = true;
  std::optional<std::string> policy;  // the JSON text as given (AWS answers it back verbatim)

  bool operator==(const QueueConfig&) const = default;
  bool encrypted() const { return sqs_managed_sse_enabled || kms_master_key_id.has_value(); }
};

// Queue name rules (1-80 of [A-Za-z0-9_-], plus the .fifo suffix for FIFO queues). The error
// is InvalidParameterValue with AWS's text.
std::optional<common::AwsError> check_queue_name(std::string_view name);

// CreateQueue: defaults + the given attributes, validated. The queue type comes from FifoQueue;
// the name's .fifo suffix must agree with it. Read-only names (QueueArn, ...) are refused as
// unknown attributes; on a standard queue so is FifoQueue itself, even "false".
common::Outcome<QueueConfig> config_for_create(std::string_view queue_name, const AttributeMap& attributes);

// SetQueueAttributes: the current config with the given attributes applied, validated. An empty
// Policy, RedrivePolicy, RedriveAllowPolicy or KmsMasterKeyId removes it; a KMS key turns
// SqsManagedSseEnabled off unless the same request sets it (to "true": refused).
common::Outcome<QueueConfig> config_for_set(const QueueConfig& current, const AttributeMap& attributes);

// CreateQueue on an existing name: the first requested attribute (in name order) whose value
// differs from the existing queue's (AWS then answers QueueNameExists naming it), or nullopt if
// all agree. Only the requested attributes are compared, as values: "030" equals "30", JSON
// policies equal when they denote the same document, a default asked for equals the default.
// Validate the request with config_for_create first; names it would refuse are skipped here.
std::optional<std::string> differing_attribute(const QueueConfig& existing, const AttributeMap& requested);

// Every settable attribute that has a value, as GetQueueAttributes shows them (the store persists
// these, and config_for_create(name, settable_attributes(c)) == c). FIFO attributes only on FIFO
// queues; KMS attributes only with a key (and a non-default reuse period, so it survives).
AttributeMap settable_attributes(const QueueConfig& config);

// GetQueueAttributes AttributeNames: validates (InvalidAttributeName "Unknown Attribute X.") and
// expands "All"; answers each name once, in AWS's enum order. FIFO-only names are dropped for a
// standard queue. Read-only names are included; the engine fills them, and leaves out names with
// no value (Policy, RedrivePolicy, ... when unset).
common::Outcome<std::vector<std::string>> resolve_attribute_names(const std::vector<std::string>& names, bool fifo);

}  // namespace sluice::sqs::detail
