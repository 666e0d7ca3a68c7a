// Queue configuration: every attribute of AWS's QueueAttributeName enum is described once in
// kNames (enum order, which GetQueueAttributes answers in). CreateQueue and SetQueueAttributes
// run the same three steps over a request:
//   1. names   - unknown and read-only names, FIFO-only names on a standard queue, FifoQueue rules;
//   2. values  - each value parsed onto a copy of the config (apply_value), ranges checked;
//   3. pairs   - rules between attributes: SSE-KMS vs SSE-SQS, FifoThroughputLimit vs
//                DeduplicationScope.
// Names are checked before any value, so a request with an unknown name and a bad value is
// answered with the unknown name. differing_attribute() reuses apply_value() so "030" and "30", or
// two spellings of one policy document, compare equal.

#include "queue_config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include "queue_policies.h"

namespace sluice::sqs::detail {
namespace {

enum class Kind {
  ReadOnly,  // answered by GetQueueAttributes, refused by CreateQueue/SetQueueAttributes
  Settable,
  FifoOnly,  // settable, FIFO queues only
};

struct NameInfo {
  std::string_view name;
  Kind kind;
};

// QueueAttributeName in AWS's order (without "All").
constexpr std::array<NameInfo, 21> kNames{{
    {"Policy", Kind::Settable},
    {"VisibilityTimeout", Kind::Settable},
    {"MaximumMessageSize", Kind::Settable},
    {"MessageRetentionPeriod", Kind::Settable},
    {"ApproximateNumberOfMessages", Kind::ReadOnly},
    {"ApproximateNumberOfMessagesNotVisible", Kind::ReadOnly},
    {"CreatedTimestamp", Kind::ReadOnly},
    {"LastModifiedTimestamp", Kind::ReadOnly},
    {"QueueArn", Kind::ReadOnly},
    {"ApproximateNumberOfMessagesDelayed", Kind::ReadOnly},
    {"DelaySeconds", Kind::Settable},
    {"ReceiveMessageWaitTimeSeconds", Kind::Settable},
    {"RedrivePolicy", Kind::Settable},
    {"FifoQueue", Kind::FifoOnly},
    {"ContentBasedDeduplication", Kind::FifoOnly},
    {"KmsMasterKeyId", Kind::Settable},
    {"KmsDataKeyReusePeriodSeconds", Kind::Settable},
    {"DeduplicationScope", Kind::FifoOnly},
    {"FifoThroughputLimit", Kind::FifoOnly},
    {"RedriveAllowPolicy", Kind::Settable},
    {"SqsManagedSseEnabled", Kind::Settable},
}};

const NameInfo* find_name(std::string_view name) {
  for (const NameInfo& n : kNames) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

struct IntAttribute {
  std::string_view name;
  int64_t QueueConfig::*field;
  int64_t min;
  int64_t max;
};

constexpr std::array<IntAttribute, 6> kIntAttributes{{
    {"VisibilityTimeout", &QueueConfig::visibility_timeout, 0, 43200},
    {"MessageRetentionPeriod", &QueueConfig::message_retention_period, 60, 1209600},
    {"DelaySeconds", &QueueConfig::delay_seconds, 0, 900},
    {"MaximumMessageSize", &QueueConfig::maximum_message_size, 1024, 1048576},
    {"ReceiveMessageWaitTimeSeconds", &QueueConfig::receive_message_wait_time_seconds, 0, 20},
    {"KmsDataKeyReusePeriodSeconds", &QueueConfig::kms_data_key_reuse_period_seconds, 60, 86400},
}};

constexpr std::string_view kFifoSuffix = ".fifo";
constexpr size_t kMaxQueueNameLength = 80;
constexpr int64_t kDefaultKmsReusePeriod = 300;

common::AwsError unknown_attribute(std::string_view name) {
  return common::aws_error(common::AwsErrorCode::InvalidAttributeName, "Unknown Attribute " + std::string(name) + ".");
}

common::AwsError invalid_value(std::string_view name) {
  return common::aws_error(common::AwsErrorCode::InvalidAttributeValue,
                           "Invalid value for the parameter " + std::string(name) + ".");
}

// A decimal integer with an optional sign; leading zeros allowed ("030" is 30), nothing else.
std::optional<int64_t> parse_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return std::nullopt;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// AWS reads booleans without regard to case ("True" works from CloudFormation and the CLI).
std::optional<bool> parse_bool(std::string_view s) {
  auto lower_equals = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return (x >= 'A' && x <= 'Z' ? static_cast<char>(x - 'A' + 'a') : x) == y;
           });
  };
  if (lower_equals(s, "true")) return true;
  if (lower_equals(s, "false")) return false;
  return std::nullopt;
}

bool ends_with_fifo(std::string_view name) {
  return name.size() >= kFifoSuffix.size() && name.substr(name.size() - kFifoSuffix.size()) == kFifoSuffix;
}

// Parses one settable attribute (any but FifoQueue) onto `c`. An empty Policy, RedrivePolicy,
// RedriveAllowPolicy or KmsMasterKeyId removes it: an attribute map has no null.
std::optional<common::AwsError> apply_value(QueueConfig& c, std::string_view name, const std::string& value) {
  for (const IntAttribute& a : kIntAttributes) {
    if (a.name != name) continue;
    std::optional<int64_t> n = parse_int(value);
    if (!n || *n < a.min || *n > a.max) return invalid_value(name);
    c.*a.field = *n;
    return std::nullopt;
  }
  if (name == "ContentBasedDeduplication" || name == "SqsManagedSseEnabled") {
    std::optional<bool> b = parse_bool(value);
    if (!b) return invalid_value(name);
    (name == "SqsManagedSseEnabled" ? c.sqs_managed_sse_enabled : c.content_based_deduplication) = *b;
    return std::nullopt;
  }
  if (name == "DeduplicationScope") {
    if (value != "queue" && value != "messageGroup") return invalid_value(name);
    c.deduplication_scope = value;
    return std::nullopt;
  }
  if (name == "FifoThroughputLimit") {
    if (value != "perQueue" && value != "perMessageGroupId") return invalid_value(name);
    c.fifo_throughput_limit = value;
    return std::nullopt;
  }
  if (name == "KmsMasterKeyId") {
    c.kms_master_key_id = value.empty() ? std::nullopt : std::optional<std::string>(value);
    return std::nullopt;
  }
  if (name == "Policy") {
    if (value.empty()) {
      c.policy.reset();
      return std::nullopt;
    }
    if (auto err = check_access_policy(value)) return err;
    c.policy = value;
    return std::nullopt;
  }
  if (name == "RedrivePolicy") {
    if (value.empty()) {
      c.redrive_policy.reset();
      return std::nullopt;
    }
    common::Outcome<RedrivePolicy> p = parse_redrive_policy(value);
    if (!p) return p.take_error();
    c.redrive_policy = std::move(*p);
    return std::nullopt;
  }
  if (name == "RedriveAllowPolicy") {
    if (value.empty()) {
      c.redrive_allow_policy.reset();
      return std::nullopt;
    }
    common::Outcome<RedriveAllowPolicy> p = parse_redrive_allow_policy(value);
    if (!p) return p.take_error();
    c.redrive_allow_policy = std::move(*p);
    return std::nullopt;
  }
  return unknown_attribute(name);
}

// Step 1 for every name but FifoQueue (whose rules differ between create and set).
std::optional<common::AwsError> check_name(std::string_view name, bool fifo) {
  const NameInfo* info = find_name(name);
  if (info == nullptr || info->kind == Kind::ReadOnly) return unknown_attribute(name);
  if (info->kind == Kind::FifoOnly && !fifo) {
    if (name == "DeduplicationScope" || name == "FifoThroughputLimit") {
      return common::aws_error(common::AwsErrorCode::InvalidAttributeName,
                               "You can specify the " + std::string(name) + " only when FifoQueue is set to true.");
    }
    return unknown_attribute(name);
  }
  return std::nullopt;
}

// Steps 2 and 3, shared by create and set. `c` holds the starting config and receives the result.
std::optional<common::AwsError> apply_values(QueueConfig& c, const AttributeMap& attributes) {
  for (const auto& [name, value] : attributes) {
    if (name == "FifoQueue") continue;
    if (auto err = apply_value(c, name, value)) return err;
  }

  auto kms = attributes.find("KmsMasterKeyId");
  auto sse = attributes.find("SqsManagedSseEnabled");
  bool kms_requested = kms != attributes.end() && !kms->second.empty();
  // Choosing a KMS key is choosing SSE-KMS: SQS-managed SSE goes off unless the same request asks
  // for both, which AWS refuses below.
  if (kms_requested && sse == attributes.end()) c.sqs_managed_sse_enabled = false;
  if (c.sqs_managed_sse_enabled && c.kms_master_key_id) {
    return common::aws_error(
        common::AwsErrorCode::InvalidAttributeName,
        "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS "
        "SSE or SQS SSE.");
  }
  if (c.fifo && c.fifo_throughput_limit == "perMessageGroupId" && c.deduplication_scope != "messageGroup") {
    return common::aws_error(
        common::AwsErrorCode::InvalidAttributeValue,
        "Invalid value for the parameter FifoThroughputLimit. Reason: The perMessageGroupId value is "
        "allowed only when the value for DeduplicationScope is messageGroup.");
  }
  return std::nullopt;
}

}  // namespace

std::optional<common::AwsError> check_queue_name(std::string_view name) {
  std::string_view base = ends_with_fifo(name) ? name.substr(0, name.size() - kFifoSuffix.size()) : name;
  bool chars_ok = std::all_of(base.begin(), base.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
  if (base.empty() || name.size() > kMaxQueueNameLength || !chars_ok) {
    return common::aws_error(common::AwsErrorCode::InvalidParameterValue,
                             "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  }
  return std::nullopt;
}

common::Outcome<QueueConfig> config_for_create(std::string_view queue_name, const AttributeMap& attributes) {
  if (auto err = check_queue_name(queue_name)) return *err;

  bool fifo_name = ends_with_fifo(queue_name);
  auto fifo_attr = attributes.find("FifoQueue");
  bool fifo_requested = fifo_attr != attributes.end() && parse_bool(fifo_attr->second) == true;
  if (fifo_requested && !fifo_name) {
    return common::aws_error(
        common::AwsErrorCode::InvalidParameterValue,
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
        "must end with .fifo suffix and be 1 to 80 in length.");
  }
  if (fifo_name && !fifo_requested) {
    return common::aws_error(common::AwsErrorCode::InvalidParameterValue,
                             "The name of a non-FIFO queue can only include alphanumeric characters, hyphens, or "
                             "underscores and be 1 to 80 in length.");
  }

  QueueConfig c;
  c.fifo = fifo_requested;
  for (const auto& entry : attributes) {
    // On a standard queue FifoQueue (even "false") is a FIFO-only name: check_name refuses it with
    // "Unknown Attribute FifoQueue.", as AWS answered a user who sent "false" (aws/aws-sdk-php#1331).
    if (entry.first == "FifoQueue" && c.fifo) continue;
    if (auto err = check_name(entry.first, c.fifo)) return *err;
  }
  if (auto err = apply_values(c, attributes)) return *err;
  return c;
}

common::Outcome<QueueConfig> config_for_set(const QueueConfig& current, const AttributeMap& attributes) {
  for (const auto& entry : attributes) {
    if (entry.first == "FifoQueue" && current.fifo) {
      if (parse_bool(entry.second) == true) continue;  // already FIFO: AWS accepts it and changes nothing
      return common::aws_error(
          common::AwsErrorCode::InvalidAttributeValue,
          "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.");
    }
    if (auto err = check_name(entry.first, current.fifo)) return *err;
  }
  QueueConfig c = current;
  if (auto err = apply_values(c, attributes)) return *err;
  return c;
}

std::optional<std::string> differing_attribute(const QueueConfig& existing, const AttributeMap& requested) {
  for (const auto& [name, value] : requested) {
    if (name == "FifoQueue") {
      if (parse_bool(value) != existing.fifo) return name;
      continue;
    }
    const NameInfo* info = find_name(name);
    if (info == nullptr || info->kind == Kind::ReadOnly) continue;  // refused by config_for_create first
    QueueConfig asked = existing;
    if (apply_value(asked, name, value)) return name;
    if (name == "Policy") {
      bool same = asked.policy.has_value() == existing.policy.has_value() &&
                  (!asked.policy || same_json(*asked.policy, *existing.policy));
      if (!same) return name;
      continue;
    }
    if (!(asked == existing)) return name;
  }
  return std::nullopt;
}

AttributeMap settable_attributes(const QueueConfig& c) {
  AttributeMap out;
  for (const IntAttribute& a : kIntAttributes) {
    if (a.name == "KmsDataKeyReusePeriodSeconds") continue;
    out.emplace(a.name, std::to_string(c.*a.field));
  }
  out.emplace("SqsManagedSseEnabled", c.sqs_managed_sse_enabled ? "true" : "false");
  if (c.kms_master_key_id) out.emplace("KmsMasterKeyId", *c.kms_master_key_id);
  // AWS shows the reuse period only with a KMS key; a non-default one is kept (and persisted) even
  // without, so settable_attributes stays a faithful round trip.
  if (c.kms_master_key_id || c.kms_data_key_reuse_period_seconds != kDefaultKmsReusePeriod) {
    out.emplace("KmsDataKeyReusePeriodSeconds", std::to_string(c.kms_data_key_reuse_period_seconds));
  }
  if (c.policy) out.emplace("Policy", *c.policy);
  if (c.redrive_policy) out.emplace("RedrivePolicy", render_redrive_policy(*c.redrive_policy));
  if (c.redrive_allow_policy) out.emplace("RedriveAllowPolicy", render_redrive_allow_policy(*c.redrive_allow_policy));
  if (c.fifo) {
    out.emplace("FifoQueue", "true");
    out.emplace("ContentBasedDeduplication", c.content_based_deduplication ? "true" : "false");
    out.emplace("DeduplicationScope", c.deduplication_scope);
    out.emplace("FifoThroughputLimit", c.fifo_throughput_limit);
  }
  return out;
}

common::Outcome<std::vector<std::string>> resolve_attribute_names(const std::vector<std::string>& names, bool fifo) {
  std::array<bool, kNames.size()> wanted{};
  for (const std::string& name : names) {
    if (name == "All") {
      wanted.fill(true);
      continue;
    }
    const NameInfo* info = find_name(name);
    if (info == nullptr) return unknown_attribute(name);
    wanted[static_cast<size_t>(info - kNames.data())] = true;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < kNames.size(); ++i) {
    // A standard queue has no FIFO attributes to show, asked for by name or through All.
    if (wanted[i] && (fifo || kNames[i].kind != Kind::FifoOnly)) out.emplace_back(kNames[i].name);
  }
  return out;
}

}  // namespace sluice::sqs::detail
