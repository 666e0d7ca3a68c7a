#pragma once
// Amazon SNS as a thread-safe library: topics, subscriptions, publishing and fan-out. This is the
// one public header of event_sources/sns/core; everything else there is internal
// (namespace sluice::sns::detail).
//
// Shape of the API
// - One method per SNS action, parameters as plain structs, answers Outcome<T>: a value or the
//   AwsError (code + message) AWS would answer. Attributes travel as AWS's strings.
// - The caller's account and region come with every call (CallContext); ARNs name everything.
// - Fan-out: publish() validates, picks the subscriptions whose filter policy matches and
//   delivers. Deliveries to embedded SQS queues go through the SQS engine before publish()
//   returns, so they are as durable as the publish answer. email / email-json / sms deliveries
//   are appended to the outbox (one JSON line each); sms and application deliveries also land in
//   the outboxes of sluice/sns/mobile.h. Every other protocol (lambda, http, https, firehose) is
//   handed to a DeliverySink supplied by the embedder.
// - Messages are signed with an RSA key and self-signed certificate of sluice's own, created on
//   first use and kept in the data directory; signing_certificate_pem() serves it. With a
//   ServiceOptions::work_pool, the signatures of queue deliveries are made there, after Publish
//   has answered but before any receiver can see the delivery.
// - Durability: topics and subscriptions live in SQLite (WAL) at <data_dir>/sns.db; a mutating
//   call returns after its change is committed. ServiceOptions::in_memory keeps all in memory.
//
// Lifecycle: Service::open() loads all topics and subscriptions; destroying it closes the store.
// The SQS engine and the sink must outlive the Service. All methods may be called from any
// thread; the sink is called on the publishing thread, outside the service's locks.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/defaults.h"
#include "sluice/sns/filter_policy.h"
#include "sluice/sns/notification_counts.h"

namespace sluice::kms {
class DataKeyCache;  // sluice/kms/data_keys.h
}  // namespace sluice::kms

namespace sluice::sqs {
class Engine;
}

namespace sluice::common {
class WorkPool;  // sluice/common/work_pool.h
}  // namespace sluice::common

namespace sluice::sns {

class Mobile;  // sluice/sns/mobile.h

// ---- Errors ------------------------------------------------------------------------------------

// Errors are rows of the shared table (sluice/common/aws_error_codes.def, service Sns or Common);
// answers are Outcome<T> and Status from sluice/common/aws_error.h.

// "Invalid parameter: <what>" (InvalidParameter, 400), the most common SNS answer.
inline common::AwsError invalid_parameter(std::string_view what) {
  return common::aws_error(common::AwsErrorCode::InvalidParameter, "Invalid parameter: " + std::string(what));
}

// ---- Request and result shapes -----------------------------------------------------------------

struct CallContext {
  CallContext() = default;
  CallContext(std::string account, std::string region_name, std::string principal = {})
      : account_id(std::move(account)), region(std::move(region_name)), principal_arn(std::move(principal)) {}

  std::string account_id = common::kDefaultAccountId;
  std::string region = common::kDefaultRegion;
  // The caller's IAM ARN (user, role session or root), which Subscribe records as the
  // SubscriptionPrincipal; empty means the account's root.
  std::string principal_arn;
  std::string trace_header = {};  // the request's X-Amzn-Trace-Id: AWSTraceHeader of what it delivers to SQS
};

using AttributeMap = std::map<std::string, std::string>;
using Tag = std::pair<std::string, std::string>;
using TagList = std::vector<Tag>;  // in request order: duplicates are an error SNS reports

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_token;
};

struct SubscriptionSummary {
  std::string subscription_arn;  // "PendingConfirmation" while unconfirmed, as ListSubscriptions shows
  std::string owner;
  std::string protocol;
  std::string endpoint;
  std::string topic_arn;
};

struct SubscribeRequest {
  std::string topic_arn;
  std::string protocol;
  std::optional<std::string> endpoint;
  AttributeMap attributes;
  bool return_subscription_arn = false;
};

// A published message attribute. For Binary, `value` holds the decoded bytes.
struct PublishAttribute {
  std::string data_type;
  std::optional<std::string> string_value;
  std::optional<std::string> binary_value;
};
using PublishAttributes = std::map<std::string, PublishAttribute>;

struct PublishRequest {
  std::string id;  // batch entry id (PublishBatch only)
  std::optional<std::string> topic_arn;
  std::optional<std::string> target_arn;
  std::optional<std::string> phone_number;
  std::optional<std::string> message;
  std::optional<std::string> subject;
  std::optional<std::string> message_structure;
  PublishAttributes message_attributes;
  std::optional<std::string> message_group_id;
  std::optional<std::string> message_deduplication_id;
};

struct PublishResult {
  std::string id;  // batch entry id echoed back
  std::string message_id;
  std::optional<std::string> sequence_number;  // FIFO topics
};

struct BatchEntryError {
  std::string id;
  common::AwsError error;
  bool sender_fault = true;
};

struct PublishBatchResult {
  std::vector<PublishResult> successful;
  std::vector<BatchEntryError> failed;
};

// ---- Deliveries to endpoints the service does not reach itself ---------------------------------

// A message on its way to one subscription, with every field of the SNS JSON message.
struct Delivery {
  std::string type;  // Notification | SubscriptionConfirmation | UnsubscribeConfirmation
  std::string subscription_arn;
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  std::string message_id;
  std::optional<std::string> sequence_number;
  std::optional<std::string> subject;
  std::string message;  // the text for this protocol (MessageStructure json already applied)
  std::string timestamp;
  std::string signature_version;  // empty for FIFO topics, which do not sign
  std::string signature;
  std::string signing_cert_url;
  std::string unsubscribe_url;             // Notification
  std::string subscribe_url;               // confirmations
  std::string token;                       // confirmations
  MessageAttributeMap message_attributes;  // filter_policy.h shape; Binary holds raw bytes
  bool raw = false;                        // RawMessageDelivery
  AttributeMap subscription_attributes;    // DeliveryPolicy, RedrivePolicy, ... as set
  std::string topic_delivery_policy;       // the topic's DeliveryPolicy attribute, empty when unset

  // The JSON document AWS posts to HTTP endpoints and puts into SQS bodies, keys in AWS's order.
  std::string envelope_json() const;
  // The Lambda event {"Records":[{"EventSource":"aws:sns",...}]} (SigningCertUrl spelling).
  std::string lambda_event_json() const;
};

// Implemented by the HTTP delivery and Lambda invocation components. deliver() must not block on
// the network: queue the delivery and return.
class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  virtual void deliver(const Delivery& delivery) = 0;
  // False while the sink cannot make a delivery durable (its journal cannot be written): Publish
  // then refuses with ServiceUnavailable before delivering anywhere, instead of accepting a message
  // that a crash meanwhile would lose.
  virtual bool accepting() { return true; }
};

// ---- The service -------------------------------------------------------------------------------

struct ServiceOptions {
  bool in_memory = false;
  std::string data_dir;                            // required unless in_memory: sns.db, signing key, outbox.jsonl
  sqs::Engine* sqs = nullptr;                      // where sqs subscriptions deliver; required for them
  DeliverySink* sink = nullptr;                    // lambda/http/https/application/firehose; may be null
  std::shared_ptr<common::Clock> clock;            // default: the system clock
  std::string base_url = "http://localhost:4566";  // for SigningCertURL, UnsubscribeURL, SubscribeURL
  // SSE-KMS, for topics with a KmsMasterKeyId: every Publish takes a data key from the topic's KMS
  // key (SNS has no reuse period: KMS is consulted each time), and KMS's refusal fails the publish
  // with SNS's KMS error (KMSDisabled, KMSNotFound, ...). Null: the key is kept and not used.
  std::shared_ptr<kms::DataKeyCache> kms;
  // CloudWatch's AWS/SNS metrics, told as they happen on the publishing thread, outside SNS's
  // locks: NumberOfMessagesPublished (1) and PublishSize (bytes) per accepted message;
  // NumberOfNotificationsDelivered / NumberOfNotificationsFailed (1) per queue delivery;
  // NumberOfNotificationsFilteredOut and its -MessageAttributes, -MessageBody or
  // -NoMessageAttributes variant (1 each) per subscription whose filter policy refused the
  // message. May be empty.
  std::function<void(const std::string& topic_arn, std::string_view metric, double value)> on_metric;
  // The same queue deliveries and filtered-out notifications counted by subscription (the
  // console's topic page); null: not counted.
  std::shared_ptr<NotificationCounts> notification_counts;
  // With --auth enforce: whether sns.amazonaws.com may send the topic's message to the queue (the
  // queue's policy as SQS evaluates it, with aws:SourceArn the topic). Answers nullopt to allow, or
  // the refusal's explanation; a refused delivery fails as a client-side error (it counts in
  // NumberOfNotificationsFailed and goes to the subscription's dead-letter queue, if it has one,
  // through the same check). Empty: every delivery is allowed. Called on the publishing thread,
  // outside SNS's locks.
  std::function<std::optional<std::string>(const std::string& topic_arn, const std::string& queue_arn)>
      authorize_queue_delivery;
  // Where the signatures of envelopes delivered to queues are computed, off the publishing thread
  // (a lane of up to one job per core): Publish answers once its queue deliveries are stored, each
  // with its signature still to come, and the engine fills the signature in before any receiver
  // sees the body (sqs::DeferredBodyPart). A durable engine waits for the signature before it
  // stores the delivery. Null: Publish signs on its own thread, before delivering.
  std::shared_ptr<common::WorkPool> work_pool;
};

class Service {
 public:
  // Opens (or creates) the store. On failure returns null and sets *error to a sentence.
  static std::unique_ptr<Service> open(const ServiceOptions& options, std::string* error);
  virtual ~Service() = default;

  // Topics
  virtual common::Outcome<std::string> create_topic(const CallContext& ctx, const std::string& name,
                                                    const AttributeMap& attributes, const TagList& tags) = 0;
  virtual common::Status delete_topic(const CallContext& ctx, const std::string& topic_arn) = 0;
  virtual common::Outcome<Page<std::string>> list_topics(const CallContext& ctx,
                                                         const std::optional<std::string>& next_token) = 0;
  virtual common::Outcome<AttributeMap> get_topic_attributes(const CallContext& ctx, const std::string& topic_arn) = 0;
  virtual common::Status set_topic_attributes(const CallContext& ctx, const std::string& topic_arn,
                                              const std::string& name, const std::optional<std::string>& value) = 0;
  virtual common::Status add_permission(const CallContext& ctx, const std::string& topic_arn, const std::string& label,
                                        const std::vector<std::string>& account_ids,
                                        const std::vector<std::string>& actions) = 0;
  virtual common::Status remove_permission(const CallContext& ctx, const std::string& topic_arn,
                                           const std::string& label) = 0;

  // Tags (topics are the only taggable resource)
  virtual common::Status tag_resource(const CallContext& ctx, const std::string& arn, const TagList& tags) = 0;
  virtual common::Status untag_resource(const CallContext& ctx, const std::string& arn,
                                        const std::vector<std::string>& keys) = 0;
  virtual common::Outcome<TagList> list_tags_for_resource(const CallContext& ctx, const std::string& arn) = 0;

  // What IAM reads of a topic to authorize a call on it: its Policy (the default policy when none
  // was set) and its tags (aws:ResourceTag). nullopt when there is no such topic. No account or
  // region check: the caller may be in another account.
  struct TopicAccess {
    std::string policy;
    TagList tags;
  };
  virtual std::optional<TopicAccess> topic_access(const std::string& topic_arn) = 0;

  // Subscriptions
  virtual common::Outcome<std::string> subscribe(const CallContext& ctx, const SubscribeRequest& request) = 0;
  virtual common::Outcome<std::string> confirm_subscription(const CallContext& ctx, const std::string& topic_arn,
                                                            const std::string& token) = 0;
  virtual common::Status unsubscribe(const CallContext& ctx, const std::string& subscription_arn) = 0;
  virtual common::Outcome<Page<SubscriptionSummary>> list_subscriptions(
      const CallContext& ctx, const std::optional<std::string>& next_token) = 0;
  virtual common::Outcome<Page<SubscriptionSummary>> list_subscriptions_by_topic(
      const CallContext& ctx, const std::string& topic_arn, const std::optional<std::string>& next_token) = 0;
  virtual common::Outcome<AttributeMap> get_subscription_attributes(const CallContext& ctx,
                                                                    const std::string& subscription_arn) = 0;
  virtual common::Status set_subscription_attributes(const CallContext& ctx, const std::string& subscription_arn,
                                                     const std::string& name,
                                                     const std::optional<std::string>& value) = 0;

  // Publishing
  virtual common::Outcome<PublishResult> publish(const CallContext& ctx, const PublishRequest& request) = 0;
  virtual common::Outcome<PublishBatchResult> publish_batch(const CallContext& ctx, const std::string& topic_arn,
                                                            const std::vector<PublishRequest>& entries) = 0;

  // Data protection policies of topics: the JSON text as put, "" when none was.
  virtual common::Status put_data_protection_policy(const CallContext& ctx, const std::string& topic_arn,
                                                    const std::optional<std::string>& policy) = 0;
  virtual common::Outcome<std::string> get_data_protection_policy(const CallContext& ctx,
                                                                  const std::string& topic_arn) = 0;

  // Platform applications and endpoints, SMS, and their outboxes (sluice/sns/mobile.h). Publish
  // with PhoneNumber or an endpoint's TargetArn, and sms and application subscriptions, deliver
  // there.
  virtual Mobile& mobile() = 0;

  // The signing certificate (PEM) and the path it is served under ("/SimpleNotificationService-<hash>.pem").
  virtual std::string signing_certificate_pem() = 0;
  virtual std::string signing_certificate_path() = 0;

  // Outbox lines written so far (in-memory mode keeps them here; on disk they are also in
  // <data_dir>/outbox.jsonl).
  virtual std::vector<std::string> outbox_lines() = 0;
};

}  // namespace sluice::sns
