#pragma once
// Internal: the Service implementation. Locking: mu_ guards topics_ and subs_ (readers share it;
// every mutation holds it exclusively and writes the store before releasing it, so the order of
// commits is the order of changes). Subscriptions are immutable snapshots behind shared_ptr: a
// publish copies the pointers of a topic's subscriptions under the shared lock and delivers
// after releasing it. dedup_mu_ guards the FIFO deduplication window; signer_mu_ the lazily made
// signer. The signing lane (ServiceOptions::work_pool) computes queue deliveries' signatures.

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include <atomic>

#include "deferred_signature.h"
#include "internal.h"
#include "mobile_impl.h"
#include "sluice/common/work_pool.h"
#include "sluice/sqs/engine.h"

namespace sluice::sns::detail {

class ServiceImpl final : public Service {
 public:
  ServiceImpl(const ServiceOptions& options, std::unique_ptr<Store> store);
  bool load(std::string* error);

  common::Outcome<std::string> create_topic(const CallContext& ctx, const std::string& name,
                                            const AttributeMap& attributes, const TagList& tags) override;
  common::Status delete_topic(const CallContext& ctx, const std::string& topic_arn) override;
  common::Outcome<Page<std::string>> list_topics(const CallContext& ctx,
                                                 const std::optional<std::string>& next_token) override;
  common::Outcome<AttributeMap> get_topic_attributes(const CallContext& ctx, const std::string& topic_arn) override;
  common::Status set_topic_attributes(const CallContext& ctx, const std::string& topic_arn, const std::string& name,
                                      const std::optional<std::string>& value) override;
  common::Status add_permission(const CallContext& ctx, const std::string& topic_arn, const std::string& label,
                                const std::vector<std::string>& account_ids,
                                const std::vector<std::string>& actions) override;
  common::Status remove_permission(const CallContext& ctx, const std::string& topic_arn,
                                   const std::string& label) override;
  common::Status tag_resource(const CallContext& ctx, const std::string& arn, const TagList& tags) override;
  common::Status untag_resource(const CallContext& ctx, const std::string& arn,
                                const std::vector<std::string>& keys) override;
  common::Outcome<TagList> list_tags_for_resource(const CallContext& ctx, const std::string& arn) override;
  std::optional<TopicAccess> topic_access(const std::string& topic_arn) override;

  common::Outcome<std::string> subscribe(const CallContext& ctx, const SubscribeRequest& request) override;
  common::Outcome<std::string> confirm_subscription(const CallContext& ctx, const std::string& topic_arn,
                                                    const std::string& token) override;
  common::Status unsubscribe(const CallContext& ctx, const std::string& subscription_arn) override;
  common::Outcome<Page<SubscriptionSummary>> list_subscriptions(const CallContext& ctx,
                                                                const std::optional<std::string>& next_token) override;
  common::Outcome<Page<SubscriptionSummary>> list_subscriptions_by_topic(
      const CallContext& ctx, const std::string& topic_arn, const std::optional<std::string>& next_token) override;
  common::Outcome<AttributeMap> get_subscription_attributes(const CallContext& ctx,
                                                            const std::string& subscription_arn) override;
  common::Status set_subscription_attributes(const CallContext& ctx, const std::string& subscription_arn,
                                             const std::string& name, const std::optional<std::string>& value) override;

  common::Outcome<PublishResult> publish(const CallContext& ctx, const PublishRequest& request) override;
  common::Outcome<PublishBatchResult> publish_batch(const CallContext& ctx, const std::string& topic_arn,
                                                    const std::vector<PublishRequest>& entries) override;

  common::Status put_data_protection_policy(const CallContext& ctx, const std::string& topic_arn,
                                            const std::optional<std::string>& policy) override;
  common::Outcome<std::string> get_data_protection_policy(const CallContext& ctx,
                                                          const std::string& topic_arn) override;
  Mobile& mobile() override;

  std::string signing_certificate_pem() override;
  std::string signing_certificate_path() override;
  std::vector<std::string> outbox_lines() override;

 private:
  using SubPtr = std::shared_ptr<const Subscription>;
  struct DedupEntry {
    int64_t expires_ms;
    std::string message_id;
    std::string sequence_number;
  };
  // What a publish needs from its topic, copied under the shared lock.
  struct PublishTarget {
    Topic topic;
    std::vector<SubPtr> subscriptions;
  };

  // Finds a topic by ARN parameter: malformed or of another region than the call's →
  // InvalidParameter (AWS answers "Invalid parameter: TopicArn" across regions), absent → NotFound (404).
  common::Outcome<Topic*> find_topic(const CallContext& ctx, const std::string& arn, std::string_view param);
  // Commit records before memory changes: a failed write is answered (store.cpp) and memory is
  // left as it was. No-ops in memory mode.
  common::Status persist(const std::vector<RecordWrite>& writes);
  common::Status persist_topic(const Topic& topic);
  common::Status persist_subscription(const Subscription& sub);
  std::pair<int64_t, int64_t> count_subscriptions(const std::string& topic_arn) const;
  std::vector<SubPtr> topic_subscriptions(const std::string& topic_arn) const;

  // SSE-KMS (sns_kms.cpp): the data key a publish to a topic with a KmsMasterKeyId needs, through
  // options_.kms; SNS's KMS error when KMS refuses. Nothing for a topic without a key.
  std::optional<common::AwsError> check_kms(const Topic& topic) const;
  common::Outcome<PublishResult> publish_to(const CallContext& ctx, const PublishTarget& target,
                                            const PublishRequest& request, std::optional<int> entry_index);
  common::Outcome<PublishTarget> resolve_target(const CallContext& ctx, const std::string& arn, std::string_view param);
  // Non-queue protocols: the outbox or the DeliverySink.
  void deliver(const Subscription& sub, Delivery& delivery);
  // An application event notification (application_events.h) published to its topic.
  void publish_application_event(const std::string& topic_arn, const std::string& message);
  static bool delivers_through_sink(const std::string& protocol);  // not sqs, email, email-json, sms
  // A queue subscription: `send` holds the body (and attributes for raw delivery). A send the
  // queue refuses (it is gone, ...) goes to the subscription's RedrivePolicy queue, if any, else
  // is dropped, as AWS does with client-side failures. A send that fails for the server's own
  // reason (the SQS store cannot commit: server_failure()) is answered instead: the publish fails
  // and the publisher retries, rather than a copy being lost behind an answered success.
  // Counts the delivery for CloudWatch (ServiceOptions::on_metric) under the topic's name.
  [[nodiscard]] std::optional<common::AwsError> deliver_to_queue(const Subscription& sub, sqs::SendMessageRequest& send,
                                                                 const PublishRequest& request, bool fifo_topic,
                                                                 const std::string& topic_arn);
  // NumberOfNotificationsFilteredOut and the one variant the subscription's scope and the message
  // say (-InvalidMessageBody, -MessageBody, -NoMessageAttributes, -InvalidAttributes or
  // -MessageAttributes). `sub` has a filter policy that refused the message.
  void count_filtered_out(const std::string& topic_arn, const Subscription& sub, const MessageAttributeMap& attributes,
                          std::string_view body);
  // Refused as AccessDenied when options_.authorize_queue_delivery says the topic may not send there.
  common::Status send_to_queue(const std::string& queue_arn, sqs::SendMessageRequest& send,
                               const PublishRequest& request, bool fifo_topic, const std::string& topic_arn);
  static bool server_failure(const common::AwsError& error);
  // What follows a queue delivery's send: the metric, and for a failure the subscription's
  // dead-letter queue; the error Publish must answer when the failure was the server's.
  std::optional<common::AwsError> settle_queue_delivery(const Subscription& sub, const common::Status& sent,
                                                        sqs::SendMessageRequest& send, const PublishRequest& request,
                                                        bool fifo_topic, const std::string& topic_arn);
  // Whether options_.authorize_queue_delivery lets the topic send to the subscription's queue.
  bool delivery_allowed(const std::string& topic_arn, const Subscription& sub) const;
  static common::Status in_sns_words(common::Status sent);
  void send_confirmation(const Subscription& sub, const std::string& type);
  void sign(Delivery& delivery, std::string_view version);
  const Signer& signer();
  std::shared_ptr<const Signer> shared_signer();  // signer(), for what may outlive the service
  // Queues the signature on the signing lane (true), or computes it here when there is no lane or
  // it is full (false).
  bool sign_soon(const std::shared_ptr<DeferredSignature>& signature);
  void store_signer();  // under signer_mu_
  std::string sequence_text(uint64_t n) const;

  ServiceOptions options_;
  std::shared_ptr<common::Clock> clock_;
  std::unique_ptr<Store> store_;  // null in memory mode
  Outbox outbox_;
  std::unique_ptr<MobileImpl> mobile_;  // platform applications, endpoints, SMS

  mutable std::shared_mutex mu_;
  std::map<std::string, Topic> topics_;                 // by ARN
  std::map<std::string, SubPtr> subs_;                  // by ARN: a topic's subscriptions are one key range
  std::map<std::string, std::string> data_protection_;  // topic ARN → DataProtectionPolicy

  std::mutex dedup_mu_;
  std::map<std::string, DedupEntry> dedup_;  // topic ARN + scope + dedup id

  std::mutex signer_mu_;
  std::shared_ptr<const Signer> signer_;
  bool signer_stored_ = false;  // signer_'s key and certificate are in the store (retried until so)
  std::string cert_path_;       // "/SimpleNotificationService-<md5 of the PEM>.pem", made once

  // Signatures queued on the signing lane and not yet made: past a few per worker the publishing
  // thread signs itself, so a publisher faster than the signers is slowed to their pace instead
  // of queueing without bound.
  std::atomic<size_t> queued_signatures_{0};
  size_t max_queued_signatures_ = 0;
  // Declared last: destroyed (drained) first, while everything its jobs touch is alive.
  std::unique_ptr<common::WorkLane> signing_lane_;
};

}  // namespace sluice::sns::detail
