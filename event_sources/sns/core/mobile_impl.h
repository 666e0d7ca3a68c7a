#pragma once
// Internal: the Mobile implementation (see sluice/sns/mobile.h) and what the topic side of the
// service asks of it: messages published to a phone number or a platform endpoint, and
// deliveries of sms and application subscriptions. Locking: mu_ guards every map and both
// outboxes; each mutation writes the store before releasing it, so commits follow the order of
// changes.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "application_events.h"
#include "internal.h"
#include "sluice/common/crypto.h"
#include "sluice/common/mutex.h"
#include "sluice/sns/mobile.h"

namespace sluice::sns::detail {

struct PlatformApplication {
  std::string arn;
  std::string name;
  std::string platform;
  std::string account_id;
  std::string region;
  AttributeMap attributes;  // as set, credentials included (they are never shown)
};

struct PlatformEndpoint {
  std::string arn;
  std::string application_arn;
  std::string account_id;
  std::string region;
  AttributeMap attributes;  // Token, Enabled, CustomUserData
};

struct SandboxEntry {
  std::string status;  // Pending | Verified
  std::string one_time_password;
};

// ---- Rules (mobile_rules.cpp) ------------------------------------------------------------------

// "1 validation error detected: Value null at '<member>' failed to satisfy constraint: Member must
// not be null" and its siblings, as AWS words a request that breaks its model.
common::AwsError validation_error(std::string_view value_clause, std::string_view member, std::string_view constraint);
common::AwsError null_member(std::string_view member);
common::Status validate_application_name(const std::string& name);
bool supported_platform(std::string_view platform);
common::Status validate_application_attributes(const AttributeMap& attributes, bool creating);
common::Status validate_endpoint_attributes(const AttributeMap& attributes);
// The parts of arn:aws:sns:REGION:ACCOUNT:app/PLATFORM/NAME and of
// arn:aws:sns:REGION:ACCOUNT:endpoint/PLATFORM/NAME/ID, checked with SNS's texts.
common::Outcome<Arn> parse_application_arn(const std::string& arn);
common::Outcome<Arn> parse_endpoint_arn(const std::string& arn, std::string_view param);
bool is_endpoint_arn(std::string_view arn);
// E.164 as OptInPhoneNumber and CheckIfPhoneNumberIsOptedOut take it.
bool valid_e164(std::string_view number);
common::Status validate_sms_attribute(const std::string& name, const std::string& value);

// ---- Records (mobile_records.cpp) --------------------------------------------------------------

std::string application_to_json(const PlatformApplication& app);
std::optional<PlatformApplication> application_from_json(std::string_view text);
std::string endpoint_to_json(const PlatformEndpoint& endpoint);
std::optional<PlatformEndpoint> endpoint_from_json(std::string_view text);
std::string outbox_message_to_json(const OutboxMessage& message);
std::optional<OutboxMessage> outbox_message_from_json(std::string_view text);
std::string attribute_map_to_json(const AttributeMap& map);
AttributeMap attribute_map_from_json(std::string_view text);

// One page of `all` (sorted by key) after the key the token names; the token of the next page is
// the base64 of the last key shown. A token that is not base64 is an InvalidParameter.
template <typename T, typename Key>
common::Outcome<Page<T>> page_after(const std::vector<T>& all, const std::optional<std::string>& token,
                                    size_t page_size, Key key, std::string_view token_param = "NextToken") {
  size_t start = 0;
  if (token) {
    auto after = common::base64_decode(*token);
    if (!after) return invalid_parameter(token_param);
    while (start < all.size() && key(all[start]) <= *after) ++start;
  }
  Page<T> page;
  for (size_t i = start; i < all.size() && page.items.size() < page_size; ++i) page.items.push_back(all[i]);
  if (start + page.items.size() < all.size()) page.next_token = common::base64_encode(key(page.items.back()));
  return page;
}

class MobileImpl final : public Mobile {
 public:
  // `publish_event` sends application event notifications (application_events.h); may be empty.
  MobileImpl(Store* store, std::shared_ptr<common::Clock> clock, EventPublisher publish_event = {})
      : store_(store), clock_(std::move(clock)), publish_event_(std::move(publish_event)) {}
  bool load(std::string* error);

  common::Outcome<std::string> create_platform_application(const CallContext& ctx, const std::string& name,
                                                           const std::string& platform,
                                                           const AttributeMap& attributes) override;
  common::Outcome<AttributeMap> get_platform_application_attributes(const CallContext& ctx,
                                                                    const std::string& arn) override;
  common::Status set_platform_application_attributes(const CallContext& ctx, const std::string& arn,
                                                     const AttributeMap& attributes) override;
  common::Status delete_platform_application(const CallContext& ctx, const std::string& arn) override;
  common::Outcome<Page<ArnWithAttributes>> list_platform_applications(
      const CallContext& ctx, const std::optional<std::string>& next_token) override;

  common::Outcome<std::string> create_platform_endpoint(const CallContext& ctx, const std::string& application_arn,
                                                        const std::optional<std::string>& token,
                                                        const std::optional<std::string>& custom_user_data,
                                                        const AttributeMap& attributes) override;
  common::Outcome<AttributeMap> get_endpoint_attributes(const CallContext& ctx, const std::string& arn) override;
  common::Status set_endpoint_attributes(const CallContext& ctx, const std::string& arn,
                                         const AttributeMap& attributes) override;
  common::Status delete_endpoint(const CallContext& ctx, const std::string& arn) override;
  common::Outcome<Page<ArnWithAttributes>> list_endpoints_by_platform_application(
      const CallContext& ctx, const std::string& application_arn,
      const std::optional<std::string>& next_token) override;

  common::Status set_sms_attributes(const CallContext& ctx, const AttributeMap& attributes) override;
  common::Outcome<AttributeMap> get_sms_attributes(const CallContext& ctx,
                                                   const std::vector<std::string>& names) override;

  common::Outcome<bool> check_if_phone_number_is_opted_out(const CallContext& ctx,
                                                           const std::optional<std::string>& phone_number) override;
  common::Outcome<Page<std::string>> list_phone_numbers_opted_out(
      const CallContext& ctx, const std::optional<std::string>& next_token) override;
  common::Status opt_in_phone_number(const CallContext& ctx, const std::optional<std::string>& phone_number) override;
  common::Status opt_out_phone_number(const std::string& account_id, const std::string& phone_number) override;

  common::Outcome<bool> get_sms_sandbox_account_status(const CallContext& ctx) override;
  common::Status create_sms_sandbox_phone_number(const CallContext& ctx, const std::optional<std::string>& phone_number,
                                                 const std::optional<std::string>& language_code) override;
  common::Status verify_sms_sandbox_phone_number(const CallContext& ctx, const std::optional<std::string>& phone_number,
                                                 const std::optional<std::string>& one_time_password) override;
  common::Status delete_sms_sandbox_phone_number(const CallContext& ctx,
                                                 const std::optional<std::string>& phone_number) override;
  common::Outcome<Page<SandboxPhoneNumber>> list_sms_sandbox_phone_numbers(
      const CallContext& ctx, const std::optional<std::string>& next_token,
      const std::optional<std::string>& max) override;
  common::Outcome<Page<std::string>> list_origination_numbers(const CallContext& ctx,
                                                              const std::optional<std::string>& next_token,
                                                              const std::optional<std::string>& max) override;

  common::Status reject_platform_token(const std::string& endpoint_arn) override;

  std::vector<OutboxMessage> sms_messages(const OutboxFilter& filter) override;
  void clear_sms_messages(const OutboxFilter& filter) override;
  std::vector<OutboxMessage> platform_messages(const OutboxFilter& filter) override;
  void clear_platform_messages(const OutboxFilter& filter) override;

  // From the topic side. Publish with PhoneNumber / with an endpoint's TargetArn: validated like
  // any publish, then put into the outbox (an opted-out number gets nothing, as on AWS).
  common::Outcome<PublishResult> publish_to_phone(const CallContext& ctx, const PublishRequest& request);
  common::Outcome<PublishResult> publish_to_endpoint(const CallContext& ctx, const PublishRequest& request);
  bool is_opted_out(const std::string& account_id, const std::string& phone_number) EXCLUDES(mu_) {
    common::MutexLock lock(mu_);
    return opted_out(account_id, phone_number);
  }
  // A Notification for an sms or application subscription (other types are not texted or pushed).
  void deliver(const Delivery& delivery);

 private:
  // One outbox: messages in arrival order under increasing store keys.
  struct Outbox {
    std::string kind;  // store kind
    std::map<uint64_t, OutboxMessage> messages;
  };

  std::string new_message_id();
  // A push to `endpoint` as its push service would answer it: true when its token was rejected
  // (reject_platform_token), after disabling the endpoint and queueing the application's events.
  bool push_refused(PlatformEndpoint& endpoint, const std::string& message_id, ApplicationEvents& events) REQUIRES(mu_);
  enum class Box { Sms, Platform };
  Outbox& outbox(Box box) REQUIRES(mu_) { return box == Box::Sms ? sms_outbox_ : platform_outbox_; }
  void record(Box box, OutboxMessage message) REQUIRES(mu_);
  std::vector<OutboxMessage> select(Box box, const OutboxFilter& filter) EXCLUDES(mu_);
  void clear(Box box, const OutboxFilter& filter) EXCLUDES(mu_);
  bool opted_out(const std::string& account_id, const std::string& phone_number) const REQUIRES(mu_);
  // Writes one record before memory changes (see the SNS store): a failure is the call's answer.
  [[nodiscard]] common::Status put(std::string_view kind, const std::string& key, const std::string& value);
  [[nodiscard]] common::Status erase(std::string_view kind, const std::string& key);

  Store* store_;  // null in memory mode
  std::shared_ptr<common::Clock> clock_;
  const EventPublisher publish_event_;  // set at construction, read-only after

  mutable common::Mutex mu_;
  std::map<std::string, PlatformApplication> applications_ GUARDED_BY(mu_);  // by ARN
  std::map<std::string, PlatformEndpoint> endpoints_ GUARDED_BY(mu_);        // by ARN
  std::set<std::string> rejected_tokens_ GUARDED_BY(mu_);                    // endpoint ARNs
  std::map<std::string, AttributeMap> sms_attributes_ GUARDED_BY(mu_);       // by account "\n" region
  std::set<std::string> opted_out_ GUARDED_BY(mu_);                          // account "\n" phone
  std::map<std::string, SandboxEntry> sandbox_ GUARDED_BY(mu_);              // account "\n" region "\n" phone
  Outbox sms_outbox_ GUARDED_BY(mu_) = {"sms-outbox", {}};
  Outbox platform_outbox_ GUARDED_BY(mu_) = {"platform-outbox", {}};
  uint64_t next_outbox_key_ GUARDED_BY(mu_) = 1;
};

}  // namespace sluice::sns::detail
