// Publish and fan-out. A publish is validated completely before anything is delivered; FIFO
// topics then deduplicate (5 minutes, per topic or per message group as FifoThroughputScope says)
// and hand out a sequence number, persisted with the topic. Fan-out walks a snapshot of the
// topic's confirmed subscriptions, applies each compiled filter policy and delivers:
//   sqs          straight into the SQS engine (committed before publish answers); a failed
//                delivery goes to the subscription's RedrivePolicy queue, if any
//   email, sms   the outbox (sms also the SMS outbox of sluice/sns/mobile.h)
//   application  the platform outbox of sluice/sns/mobile.h
//   others       the DeliverySink
// Signatures and envelopes are made once per distinct message text (MessageStructure json can
// give each protocol its own text), and only if a delivery carries them; FIFO topics do not sign.
// Signatures are made off the publishing path when the service has a signing lane
// (deferred_signature.h): queue deliveries are stored with the signature still to come.
// A queue delivery splices its subscription's UnsubscribeURL into the publish's serialized
// envelope (EnvelopeTemplate) instead of serializing a document per subscriber.

#include <cstdio>
#include <set>

#include "service_impl.h"
#include "sluice/common/crypto.h"
#include "sluice/sns/filter_inputs.h"
#include "sluice/sqs/engine.h"

#include <boost/json.hpp>

namespace sluice::sns::detail {

namespace {
constexpr int64_t kDedupWindowMs = int64_t{5} * 60 * 1000;

bool is_fifo_queue(const sqs::QueueAddress& q) { return q.name.size() > 5 && q.name.ends_with(".fifo"); }

sqs::MessageAttributes to_sqs_attributes(const PublishAttributes& attributes) {
  sqs::MessageAttributes out;
  for (const auto& [name, a] : attributes) {
    sqs::MessageAttribute m;
    m.data_type = a.data_type;
    if (a.data_type.substr(0, 6) == "Binary") {
      m.binary_value = a.binary_value.value_or("");
    } else {
      m.string_value = a.string_value.value_or("");
    }
    out[name] = std::move(m);
  }
  return out;
}
}  // namespace

// 20 digits from "2000...": a range of its own, so a topic's numbers can never be taken for the
// ones an SQS FIFO queue gives the same message (queues count from "1000..."; on AWS the two are
// unrelated too: the queue assigns its own SequenceNumber to what SNS delivers).
std::string ServiceImpl::sequence_text(uint64_t n) const {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "2%019llu", static_cast<unsigned long long>(n));
  return buffer;
}

void ServiceImpl::sign(Delivery& d, std::string_view version) {
  d.signature_version = std::string(version);
  d.signing_cert_url = options_.base_url + signing_certificate_path();
  d.signature = signer().sign(string_to_sign(d), version);
}

common::Outcome<ServiceImpl::PublishTarget> ServiceImpl::resolve_target(const CallContext& ctx, const std::string& arn,
                                                                        std::string_view param) {
  // Publish's TopicArn and TargetArn are optional members, so an empty one is a value that AWS
  // parses (one element) rather than a missing required parameter.
  if (arn.empty())
    return invalid_parameter(std::string(param) + " Reason: An ARN must have at least 6 elements, not 1");
  auto parsed = parse_sns_arn(arn, param);
  if (!parsed) return parsed.error();
  if (!parsed->sub_id.empty() || parsed->region != ctx.region) return invalid_parameter(param);
  std::shared_lock lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end()) return common::aws_error(common::AwsErrorCode::NotFound, "Topic does not exist");
  return PublishTarget{it->second, topic_subscriptions(arn)};
}

common::Outcome<PublishResult> ServiceImpl::publish(const CallContext& ctx, const PublishRequest& request) {
  if (request.topic_arn) {
    auto target = resolve_target(ctx, *request.topic_arn, "TopicArn");
    if (!target) return target.error();
    return publish_to(ctx, target.value(), request, std::nullopt);
  }
  if (request.target_arn && is_endpoint_arn(*request.target_arn)) return mobile_->publish_to_endpoint(ctx, request);
  if (request.target_arn) {
    auto target = resolve_target(ctx, *request.target_arn, "TargetArn");
    if (!target) {
      if (target.error().code == common::AwsErrorCode::NotFound) {
        return invalid_parameter("TargetArn Reason: No endpoint found for the target arn specified");
      }
      return target.error();
    }
    return publish_to(ctx, target.value(), request, std::nullopt);
  }
  if (request.phone_number) {
    auto result = mobile_->publish_to_phone(ctx, request);
    if (!result || mobile_->is_opted_out(ctx.account_id, *request.phone_number)) return result;
    Delivery d;
    d.type = "Notification";
    d.protocol = "sms";
    d.endpoint = *request.phone_number;
    d.message_id = result->message_id;
    d.message = *request.message;
    d.timestamp = common::format_iso8601_ms(clock_->now_ms());
    outbox_.append(d);
    return result;
  }
  return invalid_parameter("TopicArn or TargetArn Reason: no value for required parameter");
}

common::Outcome<PublishResult> ServiceImpl::publish_to(const CallContext& ctx, const PublishTarget& target,
                                                       const PublishRequest& request, std::optional<int> entry_index) {
  const Topic& topic = target.topic;
  std::map<std::string, std::string> per_protocol;
  if (auto st = validate_message(request, entry_index, &per_protocol); !st) return st.error();
  const bool content_dedup = topic.attributes.count("ContentBasedDeduplication") != 0 &&
                             topic.attributes.at("ContentBasedDeduplication") == "true";
  if (!topic.fifo) {
    if (request.message_deduplication_id) {
      return invalid_parameter(
          "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for "
          "this topic type");
    }
  } else {
    if (!request.message_group_id || request.message_group_id->empty()) {
      return invalid_parameter("The MessageGroupId parameter is required for FIFO topics");
    }
    if (!request.message_deduplication_id && !content_dedup) {
      return invalid_parameter(
          "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
          "explicitly");
    }
  }

  // A delivery the sink could not journal would be lost to a crash: refused before anything of
  // the message is delivered or counted (a FIFO sequence number, the deduplication window).
  if (options_.sink != nullptr && !options_.sink->accepting()) {
    for (const auto& sub : target.subscriptions) {
      if (sub->confirmed && delivers_through_sink(sub->protocol))
        return common::aws_error(common::AwsErrorCode::ServiceUnavailable,
                                 "The request has failed due to a temporary failure of the server.");
    }
  }

  if (auto refused = check_kms(topic)) return *refused;

  PublishResult result{request.id, common::uuid4(), std::nullopt};
  const int64_t now = clock_->now_ms();
  if (topic.fifo) {
    const std::string dedup_id = request.message_deduplication_id.value_or(common::sha256_hex(*request.message));
    const bool per_group = topic.attributes.count("FifoThroughputScope") != 0 &&
                           topic.attributes.at("FifoThroughputScope") == "MessageGroup";
    const std::string key = topic.arn + "\n" + (per_group ? *request.message_group_id : "") + "\n" + dedup_id;
    std::lock_guard dedup_lock(dedup_mu_);
    std::erase_if(dedup_, [&](const auto& e) { return e.second.expires_ms <= now; });
    if (auto hit = dedup_.find(key); hit != dedup_.end()) {
      // A duplicate inside the window: accepted, answered like the first, not delivered again.
      return PublishResult{request.id, hit->second.message_id, hit->second.sequence_number};
    }
    {
      std::unique_lock lock(mu_);
      auto it = topics_.find(topic.arn);
      if (it == topics_.end()) return common::aws_error(common::AwsErrorCode::NotFound, "Topic does not exist");
      Topic updated = it->second;
      updated.sequence++;
      if (auto st = persist_topic(updated); !st) return st.error();
      it->second.sequence = updated.sequence;
      result.sequence_number = sequence_text(it->second.sequence);
    }
    dedup_[key] = DedupEntry{now + kDedupWindowMs, result.message_id, *result.sequence_number};
  }

  Delivery base;
  base.type = "Notification";
  base.topic_arn = topic.arn;
  base.message_id = result.message_id;
  base.sequence_number = result.sequence_number;
  base.subject = request.subject;
  base.timestamp = common::format_iso8601_ms(now);
  if (auto dp = topic.attributes.find("DeliveryPolicy"); dp != topic.attributes.end()) {
    base.topic_delivery_policy = dp->second;
  }
  if (!request.message_structure) base.message_attributes = to_filter_attributes(request.message_attributes);
  const MessageAttributeMap filter_attributes = to_filter_attributes(request.message_attributes);
  std::string version = "1";
  if (auto v = topic.attributes.find("SignatureVersion"); v != topic.attributes.end()) version = v->second;

  // What depends only on the message text: made at most once per distinct text, and only when a
  // delivery carries it (raw deliveries to queues have neither signature nor envelope). The
  // signature is a DeferredSignature: queue deliveries are sent with a placeholder in its place
  // and the signature is made on the signing lane (or by the first receive that needs it); a
  // delivery that needs the text at once waits for it.
  struct Prepared {
    Delivery delivery;  // base + message; its signature the placeholder while `deferred`
    std::optional<EnvelopeTemplate> envelope;
    std::shared_ptr<DeferredSignature> signature;  // null for FIFO topics, which do not sign
    bool deferred = false;  // the envelope holds the placeholder: queue deliveries carry `signature`
  };
  std::map<std::string_view, Prepared> prepared;  // keys view the request's texts
  std::shared_ptr<const Signer> signer;
  auto prepare = [&](const std::string& text) -> Prepared& {
    auto [it, inserted] = prepared.try_emplace(text);
    if (inserted) {
      Prepared& p = it->second;
      p.delivery = base;
      p.delivery.message = text;
      if (!topic.fifo) {
        if (!signer) signer = shared_signer();
        p.delivery.signature_version = version;
        p.delivery.signing_cert_url = options_.base_url + signing_certificate_path();
        p.delivery.signature = DeferredSignature::placeholder(*signer);
      }
      p.envelope = envelope_template(p.delivery);
      if (!topic.fifo) {
        p.signature = std::make_shared<DeferredSignature>(signer, string_to_sign(p.delivery), version,
                                                          p.envelope->signature_offset);
        p.deferred = sign_soon(p.signature);
        if (!p.deferred) {
          // Signed already (no signing lane, or a full one): the envelope carries the signature.
          p.delivery.signature = p.signature->text();
          p.envelope->head.replace(p.envelope->signature_offset, p.delivery.signature.size(), p.delivery.signature);
        }
      }
    }
    return it->second;
  };
  // Queue deliveries reuse two requests: the engine copies what it keeps.
  sqs::SendMessageRequest raw_send, envelope_send;
  raw_send.trace_header = envelope_send.trace_header = ctx.trace_header;
  if (!request.message_structure) raw_send.message_attributes = to_sqs_attributes(request.message_attributes);
  const std::string unsubscribe_base = options_.base_url + "/?Action=Unsubscribe&SubscriptionArn=";
  std::string unsubscribe_url;
  std::optional<common::AwsError> failed;  // a queue delivery that failed for the server's own reason
  // Raw deliveries of the publish's one text to standard queues: gathered, then stored by one
  // engine call that checks and digests the message once (send_message_to_queues).
  const bool gather_raw = !topic.fifo && !request.message_structure && options_.sqs != nullptr;
  std::vector<const Subscription*> raw_subscriptions;
  std::vector<const sqs::QueueAddress*> raw_queues;

  for (const auto& sub : target.subscriptions) {
    if (!sub->confirmed) continue;
    const std::string* text = &*request.message;
    if (request.message_structure) {
      auto p = per_protocol.find(sub->protocol);
      text = p != per_protocol.end() ? &p->second : &per_protocol.at("default");
    }
    if (sub->filter && !sub->filter->matches(filter_attributes, *text)) {
      count_filtered_out(topic.arn, *sub, filter_attributes, *text);
      continue;
    }
    if (gather_raw && sub->raw && sub->queue && !is_fifo_queue(*sub->queue) && delivery_allowed(topic.arn, *sub)) {
      raw_subscriptions.push_back(sub.get());
      raw_queues.push_back(&*sub->queue);
      continue;
    }
    unsubscribe_url.assign(unsubscribe_base).append(sub->arn);
    if (sub->protocol == "sqs") {
      if (sub->raw) {
        raw_send.body = *text;
        failed = deliver_to_queue(*sub, raw_send, request, topic.fifo, topic.arn);
      } else {
        Prepared& p = prepare(*text);
        if (!envelope_send.body) envelope_send.body.emplace();
        p.envelope->render(unsubscribe_url, *envelope_send.body);
        envelope_send.deferred_part = p.deferred ? p.signature : nullptr;
        failed = deliver_to_queue(*sub, envelope_send, request, topic.fifo, topic.arn);
      }
      if (failed) break;  // the publisher retries the whole message: no more copies now
      continue;
    }
    Prepared& p = prepare(*text);
    Delivery d = p.delivery;
    if (p.signature) d.signature = p.signature->text();
    d.subscription_arn = sub->arn;
    d.protocol = sub->protocol;
    d.endpoint = sub->endpoint;
    d.raw = sub->raw;
    d.subscription_attributes = sub->attributes;
    d.unsubscribe_url = unsubscribe_url;
    deliver(*sub, d);
  }
  if (!failed && !raw_queues.empty()) {
    raw_send.body = *request.message;
    // A standard topic hands a publish's MessageGroupId on to standard queues (fair queues).
    raw_send.message_group_id = request.message_group_id;
    raw_send.message_deduplication_id.reset();
    std::vector<common::Status> sent = options_.sqs->send_message_to_queues(raw_queues, raw_send);
    for (size_t i = 0; i < raw_subscriptions.size() && !failed; ++i) {
      failed = settle_queue_delivery(*raw_subscriptions[i], in_sns_words(std::move(sent[i])), raw_send, request, false,
                                     topic.arn);
    }
  }
  if (failed) {
    // A FIFO retry of this message must not be taken for a duplicate of one never delivered.
    if (topic.fifo) {
      std::lock_guard dedup_lock(dedup_mu_);
      std::erase_if(dedup_, [&](const auto& e) { return e.second.message_id == result.message_id; });
    }
    return *failed;
  }
  if (options_.on_metric) {
    options_.on_metric(topic.arn, "NumberOfMessagesPublished", 1);
    options_.on_metric(topic.arn, "PublishSize", static_cast<double>(request.message->size()));
  }
  return result;
}

bool ServiceImpl::sign_soon(const std::shared_ptr<DeferredSignature>& signature) {
  if (signing_lane_ && queued_signatures_.fetch_add(1) < max_queued_signatures_) {
    signing_lane_->submit([this, signature] {
      (void)signature->text();
      queued_signatures_.fetch_sub(1);
    });
    return true;
  }
  if (signing_lane_) queued_signatures_.fetch_sub(1);
  (void)signature->text();
  return false;
}

void ServiceImpl::count_filtered_out(const std::string& topic_arn, const Subscription& sub,
                                     const MessageAttributeMap& attributes, std::string_view body) {
  if (options_.notification_counts)
    options_.notification_counts->count(sub.arn, NotificationCounts::Outcome::FilteredOut);
  if (!options_.on_metric) return;
  options_.on_metric(topic_arn, "NumberOfNotificationsFilteredOut", 1);
  // One variant per refusal: why the policy could not match, else the scope it did not match in.
  std::string_view variant;
  if (sub.filter->scope() == FilterScope::MessageBody) {
    variant = body_valid_for_filtering(body) ? "NumberOfNotificationsFilteredOut-MessageBody"
                                             : "NumberOfNotificationsFilteredOut-InvalidMessageBody";
  } else if (attributes.empty()) {
    variant = "NumberOfNotificationsFilteredOut-NoMessageAttributes";
  } else {
    variant = attributes_valid_for_filtering(attributes) ? "NumberOfNotificationsFilteredOut-MessageAttributes"
                                                         : "NumberOfNotificationsFilteredOut-InvalidAttributes";
  }
  options_.on_metric(topic_arn, variant, 1);
}

// What a publish hands to the DeliverySink: queues are sent to by the engine, email and sms go to
// the outbox (deliver()).
bool ServiceImpl::delivers_through_sink(const std::string& protocol) {
  return protocol != "sqs" && protocol != "email" && protocol != "email-json" && protocol != "sms";
}

void ServiceImpl::deliver(const Subscription& sub, Delivery& d) {
  if (sub.protocol == "sms" || sub.protocol == "application") mobile_->deliver(d);
  if (sub.protocol == "email" || sub.protocol == "email-json" || sub.protocol == "sms") {
    outbox_.append(d);
  } else if (sub.protocol != "application" && options_.sink != nullptr) {
    options_.sink->deliver(d);
  }
}

void ServiceImpl::publish_application_event(const std::string& topic_arn, const std::string& message) {
  // An event whose own delivery fails (an application subscription of the event topic to a
  // disabled endpoint) would publish another event, and so on: events raised while one is being
  // published are dropped.
  thread_local bool publishing_event = false;
  if (publishing_event) return;
  auto parsed = parse_sns_arn(topic_arn, "TopicArn");
  if (!parsed) return;
  publishing_event = true;
  PublishRequest request;
  request.topic_arn = topic_arn;
  request.message = message;
  // A topic that is gone (or refuses the message) gets nothing; the endpoint's call succeeded.
  (void)publish(CallContext(parsed->account_id, parsed->region), request);
  publishing_event = false;
}

std::optional<common::AwsError> ServiceImpl::deliver_to_queue(const Subscription& sub, sqs::SendMessageRequest& send,
                                                              const PublishRequest& request, bool fifo_topic,
                                                              const std::string& topic_arn) {
  return settle_queue_delivery(sub, send_to_queue(sub.endpoint, send, request, fifo_topic, topic_arn), send, request,
                               fifo_topic, topic_arn);
}

bool ServiceImpl::delivery_allowed(const std::string& topic_arn, const Subscription& sub) const {
  return !options_.authorize_queue_delivery || !options_.authorize_queue_delivery(topic_arn, sub.endpoint);
}

common::Status ServiceImpl::in_sns_words(common::Status sent) {
  // The engine's InternalFailure is SQS's name for it; Publish answers in SNS's words.
  if (!sent.ok() && sent.error().code == common::AwsErrorCode::InternalFailure)
    return common::aws_error(common::AwsErrorCode::InternalError, "Indicates an internal service error.");
  return sent;
}

std::optional<common::AwsError> ServiceImpl::settle_queue_delivery(const Subscription& sub, const common::Status& sent,
                                                                   sqs::SendMessageRequest& send,
                                                                   const PublishRequest& request, bool fifo_topic,
                                                                   const std::string& topic_arn) {
  if (options_.on_metric) {
    options_.on_metric(topic_arn, sent.ok() ? "NumberOfNotificationsDelivered" : "NumberOfNotificationsFailed", 1);
  }
  if (options_.notification_counts) {
    options_.notification_counts->count(
        sub.arn, sent.ok() ? NotificationCounts::Outcome::Delivered : NotificationCounts::Outcome::Failed);
  }
  if (sent.ok()) return std::nullopt;
  if (server_failure(sent.error())) return sent.error();
  auto redrive = sub.attributes.find("RedrivePolicy");
  if (redrive == sub.attributes.end()) return std::nullopt;  // client-side failure without a DLQ: dropped, as on AWS
  boost::system::error_code ec;
  boost::json::value policy = boost::json::parse(redrive->second, ec);
  if (ec || !policy.is_object()) return std::nullopt;
  const auto* dlq = policy.as_object().if_contains("deadLetterTargetArn");
  if (dlq == nullptr || !dlq->is_string()) return std::nullopt;
  common::Status redriven = send_to_queue(std::string(dlq->as_string()), send, request, fifo_topic, topic_arn);
  if (options_.on_metric) {
    options_.on_metric(
        topic_arn, redriven.ok() ? "NumberOfNotificationsRedrivenToDlq" : "NumberOfNotificationsFailedToRedriveToDlq",
        1);
  }
  if (!redriven.ok() && server_failure(redriven.error())) return redriven.error();
  return std::nullopt;
}

// What send_to_queue answers when the SQS store cannot commit: ServiceUnavailable (a full disk,
// 503, which SDKs retry) or, for any other internal failure, SNS's own InternalError (500).
bool ServiceImpl::server_failure(const common::AwsError& error) {
  return error.code == common::AwsErrorCode::ServiceUnavailable || error.code == common::AwsErrorCode::InternalError;
}

common::Status ServiceImpl::send_to_queue(const std::string& queue_arn, sqs::SendMessageRequest& send,
                                          const PublishRequest& request, bool fifo_topic,
                                          const std::string& topic_arn) {
  auto queue = sqs::parse_queue_arn(queue_arn);
  if (!queue || options_.sqs == nullptr)
    return common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist.");
  if (options_.authorize_queue_delivery) {
    if (auto refusal = options_.authorize_queue_delivery(topic_arn, queue_arn)) {
      return common::aws_error(common::AwsErrorCode::AccessDenied, std::move(*refusal));
    }
  }
  if (is_fifo_queue(*queue)) {
    send.message_group_id = request.message_group_id;
    send.message_deduplication_id = request.message_deduplication_id.value_or(common::sha256_hex(*request.message));
  } else {
    // A standard topic hands a publish's MessageGroupId on to standard queues (fair queues); a
    // FIFO topic's group stays with the topic (AWS delivers to a standard queue without it).
    send.message_group_id = fifo_topic ? std::nullopt : request.message_group_id;
    send.message_deduplication_id.reset();
  }
  auto sent = options_.sqs->send_message(*queue, send);
  if (sent.ok()) return common::ok_status();
  return in_sns_words(sent.error());
}

common::Outcome<PublishBatchResult> ServiceImpl::publish_batch(const CallContext& ctx, const std::string& topic_arn,
                                                               const std::vector<PublishRequest>& entries) {
  auto target = resolve_target(ctx, topic_arn, "TopicArn");
  if (!target) return target.error();
  if (entries.empty()) {
    return common::aws_error(common::AwsErrorCode::SnsEmptyBatchRequest,
                             "The batch request doesn't contain any entries.");
  }
  if (entries.size() > 10) {
    return common::aws_error(common::AwsErrorCode::SnsTooManyEntriesInBatchRequest,
                             "The batch request contains more entries than permissible.");
  }
  std::set<std::string> ids;
  size_t total = 0;
  for (const auto& e : entries) {
    if (e.id.size() > 80) {
      return common::aws_error(common::AwsErrorCode::SnsInvalidBatchEntryId,
                               "The Id of a batch entry in the batch request is too long: " + e.id);
    }
    for (char c : e.id) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok || e.id.empty()) {
        return common::aws_error(
            common::AwsErrorCode::SnsInvalidBatchEntryId,
            "The Id of a batch entry in the batch request contains an impermissible character: " + e.id);
      }
    }
    if (!ids.insert(e.id).second) {
      return common::aws_error(common::AwsErrorCode::SnsBatchEntryIdsNotDistinct,
                               "Two or more batch entries in the request have the same Id.");
    }
    total += message_size(e);
  }
  if (total > kMaxMessageBytes) {
    return common::aws_error(common::AwsErrorCode::SnsBatchRequestTooLong,
                             "The length of all the messages put together is more than the limit.");
  }
  // SNS rejects the whole call for a parameter error in any entry; check all before delivering.
  const Topic& topic = target->topic;
  if (auto refused = check_kms(topic)) return *refused;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (auto st = validate_message(e, static_cast<int>(i + 1), nullptr); !st) return st.error();
    if (topic.fifo && (!e.message_group_id || e.message_group_id->empty())) {
      return invalid_parameter("The MessageGroupId parameter is required for FIFO topics");
    }
    bool content_dedup = topic.attributes.count("ContentBasedDeduplication") != 0 &&
                         topic.attributes.at("ContentBasedDeduplication") == "true";
    if (topic.fifo && !e.message_deduplication_id && !content_dedup) {
      return invalid_parameter(
          "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
          "explicitly");
    }
  }
  PublishBatchResult out;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto r = publish_to(ctx, target.value(), entries[i], static_cast<int>(i + 1));
    if (r) {
      out.successful.push_back(std::move(r.value()));
    } else {
      out.failed.push_back(BatchEntryError{entries[i].id, r.error(), r.error().info().fault == common::Fault::Sender});
    }
  }
  return out;
}

}  // namespace sluice::sns::detail
