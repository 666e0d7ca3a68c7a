#pragma once
// SNS's mobile side: platform applications and their endpoints (mobile push), text messages
// (account SMS attributes, phone-number opt-outs, the SMS sandbox, origination numbers) and the
// two outboxes where messages for phones and devices end up. Reached through Service::mobile()
// (sluice/sns/sns.h); this header is public so the wire adapter can call it.
//
// Nothing leaves the machine. A message published to a phone number (directly or through an sms
// subscription) lands in the SMS outbox; one published to a platform endpoint (with TargetArn or
// through an application subscription) lands in the platform outbox. Both are read and cleared
// per account and region (the HTTP developer endpoints /_aws/sns/sms-messages and
// /_aws/sns/platform-endpoint-messages serve them).
//
// Every record (applications, endpoints, SMS attributes, opt-outs, sandbox numbers, outbox
// messages) lives in the SNS store and survives a restart; a call that changes one returns after
// its commit. Thread-safe: one mutex guards all of it; no call holds it while calling out.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/sns/sns.h"

namespace sluice::sns {

// A platform application or endpoint as the List actions show it.
struct ArnWithAttributes {
  std::string arn;
  AttributeMap attributes;
};

struct SandboxPhoneNumber {
  std::string phone_number;
  std::string status;  // Pending | Verified
};

// One message in an outbox, with the fields the developer endpoints show.
struct OutboxMessage {
  std::string account_id;
  std::string region;
  std::string target;  // the phone number or the endpoint ARN
  std::string message_id;
  std::string message;
  std::optional<std::string> topic_arn;         // SMS outbox: set for subscription deliveries
  std::optional<std::string> subscription_arn;  // SMS outbox: set for subscription deliveries
  std::optional<std::string> subject;
  std::optional<std::string> message_structure;
  PublishAttributes message_attributes;
};

// Which outbox messages a read or a clear is about; an empty target means every target.
struct OutboxFilter {
  std::string account_id;
  std::string region;
  std::string target;
};

class Mobile {
 public:
  virtual ~Mobile() = default;

  // Platform applications
  virtual common::Outcome<std::string> create_platform_application(const CallContext& ctx, const std::string& name,
                                                                   const std::string& platform,
                                                                   const AttributeMap& attributes) = 0;
  virtual common::Outcome<AttributeMap> get_platform_application_attributes(const CallContext& ctx,
                                                                            const std::string& arn) = 0;
  virtual common::Status set_platform_application_attributes(const CallContext& ctx, const std::string& arn,
                                                             const AttributeMap& attributes) = 0;
  virtual common::Status delete_platform_application(const CallContext& ctx, const std::string& arn) = 0;
  virtual common::Outcome<Page<ArnWithAttributes>> list_platform_applications(
      const CallContext& ctx, const std::optional<std::string>& next_token) = 0;

  // Platform endpoints
  virtual common::Outcome<std::string> create_platform_endpoint(const CallContext& ctx,
                                                                const std::string& application_arn,
                                                                const std::optional<std::string>& token,
                                                                const std::optional<std::string>& custom_user_data,
                                                                const AttributeMap& attributes) = 0;
  virtual common::Outcome<AttributeMap> get_endpoint_attributes(const CallContext& ctx, const std::string& arn) = 0;
  virtual common::Status set_endpoint_attributes(const CallContext& ctx, const std::string& arn,
                                                 const AttributeMap& attributes) = 0;
  virtual common::Status delete_endpoint(const CallContext& ctx, const std::string& arn) = 0;
  virtual common::Outcome<Page<ArnWithAttributes>> list_endpoints_by_platform_application(
      const CallContext& ctx, const std::string& application_arn, const std::optional<std::string>& next_token) = 0;

  // SMS attributes (per account and region)
  virtual common::Status set_sms_attributes(const CallContext& ctx, const AttributeMap& attributes) = 0;
  virtual common::Outcome<AttributeMap> get_sms_attributes(const CallContext& ctx,
                                                           const std::vector<std::string>& names) = 0;

  // Opt-outs (per account)
  virtual common::Outcome<bool> check_if_phone_number_is_opted_out(const CallContext& ctx,
                                                                   const std::optional<std::string>& phone_number) = 0;
  virtual common::Outcome<Page<std::string>> list_phone_numbers_opted_out(
      const CallContext& ctx, const std::optional<std::string>& next_token) = 0;
  virtual common::Status opt_in_phone_number(const CallContext& ctx,
                                             const std::optional<std::string>& phone_number) = 0;
  // What a recipient's STOP reply does on AWS; sluice offers it as a developer endpoint.
  virtual common::Status opt_out_phone_number(const std::string& account_id, const std::string& phone_number) = 0;

  // The SMS sandbox (per account and region). The one-time password goes to the SMS outbox.
  virtual common::Outcome<bool> get_sms_sandbox_account_status(const CallContext& ctx) = 0;
  virtual common::Status create_sms_sandbox_phone_number(const CallContext& ctx,
                                                         const std::optional<std::string>& phone_number,
                                                         const std::optional<std::string>& language_code) = 0;
  virtual common::Status verify_sms_sandbox_phone_number(const CallContext& ctx,
                                                         const std::optional<std::string>& phone_number,
                                                         const std::optional<std::string>& one_time_password) = 0;
  virtual common::Status delete_sms_sandbox_phone_number(const CallContext& ctx,
                                                         const std::optional<std::string>& phone_number) = 0;
  virtual common::Outcome<Page<SandboxPhoneNumber>> list_sms_sandbox_phone_numbers(
      const CallContext& ctx, const std::optional<std::string>& next_token, const std::optional<std::string>& max) = 0;
  // sluice owns no origination numbers: always an empty list, after AWS's checks of MaxResults.
  virtual common::Outcome<Page<std::string>> list_origination_numbers(const CallContext& ctx,
                                                                      const std::optional<std::string>& next_token,
                                                                      const std::optional<std::string>& max) = 0;

  // What a push service's answer that a device token is no longer valid does on AWS (an app
  // uninstalled): the next delivery to the endpoint fails permanently, SNS sets its Enabled
  // attribute to false and the application's EventDeliveryFailure and EventEndpointUpdated topics
  // hear of it. sluice offers it as a developer endpoint; the rejection is kept in memory until
  // that delivery. NotFound for an unknown endpoint.
  virtual common::Status reject_platform_token(const std::string& endpoint_arn) = 0;

  // The outboxes
  virtual std::vector<OutboxMessage> sms_messages(const OutboxFilter& filter) = 0;
  virtual void clear_sms_messages(const OutboxFilter& filter) = 0;
  virtual std::vector<OutboxMessage> platform_messages(const OutboxFilter& filter) = 0;
  virtual void clear_platform_messages(const OutboxFilter& filter) = 0;
};

}  // namespace sluice::sns
