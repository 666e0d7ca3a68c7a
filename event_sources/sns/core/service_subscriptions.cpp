// Service: subscriptions. Subscribe validates protocol, endpoint and attributes, is idempotent
// for the same (topic, protocol, endpoint), confirms same-account sqs/lambda (and sms) at once and
// sends everything else a SubscriptionConfirmation carrying a token; ConfirmSubscription takes
// the token back (a token stays valid after use, as on AWS).

#include "service_impl.h"
#include "sluice/common/crypto.h"
#include "sluice/sqs/engine.h"

namespace sluice::sns::detail {

namespace {
constexpr size_t kPageSize = 100;

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

// An attribute as it acts: a value never set acts as its default, so Subscribe again with
// RawMessageDelivery=false or FilterPolicyScope=MessageAttributes matches a subscription that
// never set them (AWS answers such a call with the existing subscription).
std::string effective_attribute(const Subscription& sub, const std::string& name) {
  if (auto it = sub.attributes.find(name); it != sub.attributes.end()) return it->second;
  if (name == "RawMessageDelivery") return "false";
  if (name == "FilterPolicyScope") return "MessageAttributes";
  return {};
}

bool is_hex_token(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

SubscriptionSummary summarize(const Subscription& s) {
  return {s.confirmed ? s.arn : "PendingConfirmation", s.owner, s.protocol, s.endpoint, s.topic_arn};
}

common::Outcome<Page<SubscriptionSummary>> page_of(const std::vector<std::shared_ptr<const Subscription>>& all,
                                                   const std::optional<std::string>& token) {
  size_t start = 0;
  if (token) {
    auto after = common::base64_decode(*token);
    if (!after) return invalid_parameter("NextToken");
    while (start < all.size() && all[start]->arn <= *after) ++start;
  }
  Page<SubscriptionSummary> page;
  size_t i = start;
  for (; i < all.size() && page.items.size() < kPageSize; ++i) page.items.push_back(summarize(*all[i]));
  if (i < all.size()) page.next_token = common::base64_encode(all[i - 1]->arn);
  return page;
}
}  // namespace

void ServiceImpl::send_confirmation(const Subscription& sub, const std::string& type) {
  Delivery d;
  d.type = type;
  d.subscription_arn = sub.arn;
  d.topic_arn = sub.topic_arn;
  d.protocol = sub.protocol;
  d.endpoint = sub.endpoint;
  d.message_id = common::uuid4();
  d.token = sub.token;
  d.timestamp = common::format_iso8601_ms(clock_->now_ms());
  if (type == "SubscriptionConfirmation") {
    d.message = "You have chosen to subscribe to the topic " + sub.topic_arn +
                ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
  } else {
    d.message = "You have chosen to deactivate subscription " + sub.arn +
                ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this "
                "message.";
  }
  d.subscribe_url =
      options_.base_url + "/?Action=ConfirmSubscription&TopicArn=" + url_encode(sub.topic_arn) + "&Token=" + sub.token;
  d.subscription_attributes = sub.attributes;
  std::string version = "1";
  {
    std::shared_lock lock(mu_);
    if (auto t = topics_.find(sub.topic_arn); t != topics_.end()) {
      if (auto v = t->second.attributes.find("SignatureVersion"); v != t->second.attributes.end()) version = v->second;
      if (auto p = t->second.attributes.find("DeliveryPolicy"); p != t->second.attributes.end()) {
        d.topic_delivery_policy = p->second;
      }
    }
  }
  sign(d, version);
  if (sub.protocol == "email" || sub.protocol == "email-json") {
    outbox_.append(d);
  } else if (sub.protocol == "sqs") {
    // A queue of another account is asked, like any endpoint, by a message in the queue itself.
    auto queue = sqs::parse_queue_arn(sub.endpoint);
    if (queue && options_.sqs != nullptr) {
      sqs::SendMessageRequest send;
      send.body = d.envelope_json();
      (void)options_.sqs->send_message(*queue, send);
    }
  } else if (options_.sink != nullptr) {
    options_.sink->deliver(d);
  }
}

common::Outcome<std::string> ServiceImpl::subscribe(const CallContext& ctx, const SubscribeRequest& request) {
  Subscription sub;
  std::string existing_arn;
  bool existing_confirmed = false;
  {
    std::unique_lock lock(mu_);
    auto topic = find_topic(ctx, request.topic_arn, "TopicArn");
    if (!topic) return topic.error();
    const Topic& t = *topic.value();
    if (auto st = validate_endpoint(t, request.protocol, request.endpoint); !st) return st.error();
    sub.topic_arn = t.arn;
    sub.owner = ctx.account_id;
    sub.principal = ctx.principal_arn.empty() ? "arn:aws:iam::" + ctx.account_id + ":root" : ctx.principal_arn;
    sub.protocol = request.protocol;
    sub.endpoint = *request.endpoint;
    sub.queue = queue_of(sub.protocol, sub.endpoint);
    // FilterPolicyScope first, so the policy compiles in the scope it was given with.
    if (auto it = request.attributes.find("FilterPolicyScope"); it != request.attributes.end()) {
      if (auto st = apply_subscription_attribute(t, sub, it->first, it->second, true); !st) return st.error();
    }
    for (const auto& [k, v] : request.attributes) {
      if (k == "FilterPolicyScope") continue;
      if (auto st = apply_subscription_attribute(t, sub, k, v, true); !st) return st.error();
    }
    for (const auto& existing : topic_subscriptions(t.arn)) {
      if (existing->protocol != sub.protocol || existing->endpoint != sub.endpoint) continue;
      for (const auto& [k, v] : sub.attributes) {
        if (effective_attribute(*existing, k) != v) {
          return invalid_parameter("Attributes Reason: Subscription already exists with different attributes");
        }
      }
      existing_arn = existing->arn;
      existing_confirmed = existing->confirmed;
      break;
    }
    if (existing_arn.empty()) {
      sub.arn = t.arn + ":" + common::uuid4();
      sub.confirmed = confirms_at_once(sub, ctx.account_id);
      sub.token = common::to_hex(common::random_bytes(64));
      if (auto st = persist_subscription(sub); !st) return st.error();
      subs_[sub.arn] = std::make_shared<const Subscription>(sub);
    }
  }
  if (!existing_arn.empty()) {
    return existing_confirmed || request.return_subscription_arn ? existing_arn : std::string("pending confirmation");
  }
  if (!sub.confirmed) send_confirmation(sub, "SubscriptionConfirmation");
  return sub.confirmed || request.return_subscription_arn ? sub.arn : std::string("pending confirmation");
}

common::Outcome<std::string> ServiceImpl::confirm_subscription(const CallContext& ctx, const std::string& topic_arn,
                                                               const std::string& token) {
  std::unique_lock lock(mu_);
  auto parsed = parse_sns_arn(topic_arn, "TopicArn");
  if (!parsed || !parsed->sub_id.empty() || parsed->region != ctx.region) return invalid_parameter("Topic");
  // A token that is not one SNS could have made is "Invalid token"; a well-made one that names no
  // subscription of this topic (or a topic that does not exist) is "Invalid parameter: Token".
  if (!is_hex_token(token)) return common::aws_error(common::AwsErrorCode::InvalidParameter, "Invalid token");
  if (topics_.count(topic_arn) == 0) return invalid_parameter("Token");
  for (const auto& s : topic_subscriptions(topic_arn)) {
    if (s->token != token) continue;
    if (!s->confirmed) {
      Subscription updated = *s;
      updated.confirmed = true;
      if (auto st = persist_subscription(updated); !st) return st.error();
      const std::string arn = updated.arn;
      subs_[arn] = std::make_shared<const Subscription>(std::move(updated));
    }
    return s->arn;
  }
  return invalid_parameter("Token");
}

common::Status ServiceImpl::unsubscribe(const CallContext&, const std::string& arn) {
  auto parsed = parse_sns_arn(arn, "SubscriptionArn");
  if (!parsed) return parsed.error();
  if (parsed->sub_id.empty()) return invalid_parameter("SubscriptionId");
  SubPtr removed;
  {
    std::unique_lock lock(mu_);
    auto it = subs_.find(arn);
    if (it == subs_.end()) return common::ok_status();  // unsubscribing twice is not an error
    removed = it->second;
    // The subscription and its topic's count of deleted ones change in one transaction.
    std::vector<RecordWrite> writes{RecordWrite{"subscription", arn, std::nullopt}};
    auto t = topics_.find(removed->topic_arn);
    std::optional<Topic> updated_topic;
    if (t != topics_.end()) {
      updated_topic = t->second;
      updated_topic->subscriptions_deleted++;
      writes.push_back(RecordWrite{"topic", updated_topic->arn, topic_to_json(*updated_topic)});
    }
    if (auto st = persist(writes); !st) return st;
    subs_.erase(it);
    if (updated_topic) t->second = std::move(*updated_topic);
  }
  if (removed->protocol == "http" || removed->protocol == "https")
    send_confirmation(*removed, "UnsubscribeConfirmation");
  return common::ok_status();
}

common::Outcome<Page<SubscriptionSummary>> ServiceImpl::list_subscriptions(const CallContext& ctx,
                                                                           const std::optional<std::string>& token) {
  std::vector<SubPtr> all;
  {
    std::shared_lock lock(mu_);
    const std::string prefix = "arn:aws:sns:" + ctx.region + ":" + ctx.account_id + ":";
    for (auto it = subs_.lower_bound(prefix); it != subs_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it) {
      all.push_back(it->second);
    }
  }
  return page_of(all, token);
}

common::Outcome<Page<SubscriptionSummary>> ServiceImpl::list_subscriptions_by_topic(
    const CallContext& ctx, const std::string& topic_arn, const std::optional<std::string>& token) {
  std::vector<SubPtr> all;
  {
    std::unique_lock lock(mu_);
    auto topic = find_topic(ctx, topic_arn, "TopicArn");
    if (!topic) return topic.error();
    all = topic_subscriptions(topic_arn);
  }
  return page_of(all, token);
}

common::Outcome<AttributeMap> ServiceImpl::get_subscription_attributes(const CallContext&, const std::string& arn) {
  auto parsed = parse_sns_arn(arn, "SubscriptionArn");
  if (!parsed) return parsed.error();
  std::shared_lock lock(mu_);
  auto it = subs_.find(arn);
  if (it == subs_.end()) return common::aws_error(common::AwsErrorCode::NotFound, "Subscription does not exist");
  return render_subscription_attributes(*it->second);
}

common::Status ServiceImpl::set_subscription_attributes(const CallContext&, const std::string& arn,
                                                        const std::string& name,
                                                        const std::optional<std::string>& value) {
  auto parsed = parse_sns_arn(arn, "SubscriptionArn");
  if (!parsed) return parsed.error();
  std::unique_lock lock(mu_);
  auto it = subs_.find(arn);
  if (it == subs_.end()) return common::aws_error(common::AwsErrorCode::NotFound, "Subscription does not exist");
  auto topic = topics_.find(it->second->topic_arn);
  if (topic == topics_.end()) return common::aws_error(common::AwsErrorCode::NotFound, "Subscription does not exist");
  Subscription updated = *it->second;
  if (auto st = apply_subscription_attribute(topic->second, updated, name, value.value_or(""), false); !st) return st;
  if (auto st = persist_subscription(updated); !st) return st;
  it->second = std::make_shared<const Subscription>(std::move(updated));
  return common::ok_status();
}

}  // namespace sluice::sns::detail
