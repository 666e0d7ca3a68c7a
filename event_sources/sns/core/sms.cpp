// Text messages: the account's SMS attributes (per region), the opt-out list (per account), the
// SMS sandbox (per region) and origination numbers, and the messages themselves — published to a
// phone number or delivered through an sms subscription — which land in the SMS outbox.
//
// sluice texts any number, as an account out of the sandbox does, so GetSMSSandboxAccountStatus
// answers false; the sandbox calls still keep their list, and the one-time password of
// CreateSMSSandboxPhoneNumber is "sent" to the SMS outbox, where a test reads it to verify.
// A number on the opt-out list gets nothing (AWS accepts the publish and does not deliver).
// The sandbox's error texts ("Phone number does not exist.", "Invalid one-time password.") and
// "Phone number is opted out." are unverified: no recording shows them and the AWS documentation
// names the error codes only.

#include <cstdio>
#include <set>

#include <optional>
#include <utility>

#include "mobile_impl.h"

namespace sluice::sns::detail {

namespace {

constexpr size_t kOptedOutPerPage = 100;
constexpr const char* kSandboxNumberPattern = "^(\\+[0-9]{8,}|[0-9]{0,9})$";

std::string region_key(const CallContext& ctx) { return ctx.account_id + "\n" + ctx.region; }

// PhoneNumberString of the SNS model: at most 20 characters of the pattern above.
common::Status check_sandbox_number(const std::optional<std::string>& number) {
  if (!number) return null_member("phoneNumber");
  bool matches = false;
  if (number->size() <= 20) {
    std::string_view n = *number;
    if (!n.empty() && n[0] == '+') {
      n.remove_prefix(1);
      matches = n.size() >= 8;
    } else {
      matches = n.size() <= 9;
    }
    for (char c : n) matches = matches && c >= '0' && c <= '9';
  }
  if (!matches) {
    return validation_error("'" + *number + "'", "phoneNumber",
                            std::string("Member must satisfy regular expression pattern: ") + kSandboxNumberPattern);
  }
  return common::ok_status();
}

// MaxResults of the List calls: an integer in [1, limit].
common::Outcome<size_t> max_results(const std::optional<std::string>& text, size_t limit) {
  if (!text) return limit;
  const std::string& t = *text;
  bool digits = !t.empty() && t.size() <= 9 && t.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) {
    return validation_error("'" + t + "'", "maxResults", "Member must be a number");
  }
  size_t n = std::stoul(t);
  if (n < 1) {
    return validation_error("'" + t + "'", "maxResults", "Member must have value greater than or equal to 1");
  }
  if (n > limit) {
    return validation_error("'" + t + "'", "maxResults",
                            "Member must have value less than or equal to " + std::to_string(limit));
  }
  return n;
}

common::Status check_opt_number(const std::optional<std::string>& number) {
  if (!number) return null_member("phoneNumber");
  if (!valid_e164(*number)) return invalid_parameter("PhoneNumber Reason: input incorrectly formatted");
  return common::ok_status();
}

// True when the attribute is set to "false" (an unset Enabled means enabled).
bool attribute_is_false(const AttributeMap& attributes, const char* name) {
  auto it = attributes.find(name);
  return it != attributes.end() && it->second == "false";
}

}  // namespace

// ---- SMS attributes ------------------------------------------------------------------------------

common::Status MobileImpl::set_sms_attributes(const CallContext& ctx, const AttributeMap& attributes) {
  if (attributes.empty()) return null_member("attributes");
  for (const auto& [name, value] : attributes) {
    if (auto st = validate_sms_attribute(name, value); !st) return st;
  }
  common::MutexLock lock(mu_);
  AttributeMap updated = sms_attributes_[region_key(ctx)];
  for (const auto& [name, value] : attributes) updated[name] = value;
  if (auto st = put("sms-attributes", region_key(ctx), attribute_map_to_json(updated)); !st) return st;
  sms_attributes_[region_key(ctx)] = std::move(updated);
  return common::ok_status();
}

common::Outcome<AttributeMap> MobileImpl::get_sms_attributes(const CallContext& ctx,
                                                             const std::vector<std::string>& names) {
  AttributeMap all;
  {
    common::MutexLock lock(mu_);
    if (auto it = sms_attributes_.find(region_key(ctx)); it != sms_attributes_.end()) all = it->second;
  }
  all.emplace("MonthlySpendLimit", "1");  // every account starts with a 1 USD monthly limit
  if (names.empty()) return all;
  AttributeMap picked;
  for (const auto& name : names) {
    if (auto it = all.find(name); it != all.end()) picked.insert(*it);
  }
  return picked;
}

// ---- Opt-outs ------------------------------------------------------------------------------------

bool MobileImpl::opted_out(const std::string& account_id, const std::string& phone_number) const {
  return opted_out_.count(account_id + "\n" + phone_number) != 0;
}

common::Outcome<bool> MobileImpl::check_if_phone_number_is_opted_out(const CallContext& ctx,
                                                                     const std::optional<std::string>& phone_number) {
  if (auto st = check_opt_number(phone_number); !st) return st.error();
  common::MutexLock lock(mu_);
  return opted_out(ctx.account_id, *phone_number);
}

common::Outcome<Page<std::string>> MobileImpl::list_phone_numbers_opted_out(const CallContext& ctx,
                                                                            const std::optional<std::string>& token) {
  std::vector<std::string> numbers;
  {
    common::MutexLock lock(mu_);
    const std::string prefix = ctx.account_id + "\n";
    for (auto it = opted_out_.lower_bound(prefix); it != opted_out_.end() && it->rfind(prefix, 0) == 0; ++it) {
      numbers.push_back(it->substr(prefix.size()));
    }
  }
  return page_after(
      numbers, token, kOptedOutPerPage, [](const std::string& n) { return n; }, "nextToken");
}

common::Status MobileImpl::opt_in_phone_number(const CallContext& ctx, const std::optional<std::string>& phone_number) {
  if (auto st = check_opt_number(phone_number); !st) return st;
  common::MutexLock lock(mu_);
  const std::string key = ctx.account_id + "\n" + *phone_number;
  if (opted_out_.count(key) != 0) {
    if (auto st = erase("sms-opt-out", key); !st) return st;
    opted_out_.erase(key);
  }
  return common::ok_status();  // a number that was not opted out is accepted too
}

common::Status MobileImpl::opt_out_phone_number(const std::string& account_id, const std::string& phone_number) {
  if (auto st = check_opt_number(phone_number); !st) return st;
  common::MutexLock lock(mu_);
  const std::string key = account_id + "\n" + phone_number;
  if (opted_out_.count(key) != 0) return common::ok_status();
  if (auto st = put("sms-opt-out", key, "{}"); !st) return st;
  opted_out_.insert(key);
  return common::ok_status();
}

// ---- The SMS sandbox -----------------------------------------------------------------------------

common::Outcome<bool> MobileImpl::get_sms_sandbox_account_status(const CallContext&) { return false; }

common::Status MobileImpl::create_sms_sandbox_phone_number(const CallContext& ctx,
                                                           const std::optional<std::string>& phone_number,
                                                           const std::optional<std::string>& language_code) {
  static const std::set<std::string, std::less<>> kLanguages{"en-US", "en-GB", "es-419", "es-ES", "de-DE",
                                                             "fr-CA", "fr-FR", "it-IT",  "ja-JP", "pt-BR",
                                                             "kr-KR", "zh-CN", "zh-TW"};
  if (auto st = check_sandbox_number(phone_number); !st) return st;
  if (language_code && kLanguages.count(*language_code) == 0) {
    return validation_error("'" + *language_code + "'", "languageCode",
                            "Member must satisfy enum value set: [en-US, en-GB, es-419, es-ES, de-DE, fr-CA, fr-FR, "
                            "it-IT, ja-JP, pt-BR, kr-KR, zh-CN, zh-TW]");
  }
  common::MutexLock lock(mu_);
  if (opted_out(ctx.account_id, *phone_number)) {
    return common::aws_error(common::AwsErrorCode::OptedOut, "Phone number is opted out.");
  }
  const std::string key = region_key(ctx) + "\n" + *phone_number;
  auto it = sandbox_.find(key);
  if (it != sandbox_.end() && it->second.status == "Verified") return common::ok_status();
  char otp[16];
  const std::string bytes = common::random_bytes(4);
  uint32_t n = 0;
  for (char b : bytes) n = (n << 8) | static_cast<unsigned char>(b);
  std::snprintf(otp, sizeof otp, "%06u", static_cast<unsigned>(n % 1000000));
  SandboxEntry entry{"Pending", otp};
  if (auto st =
          put("sms-sandbox", key, attribute_map_to_json({{"status", entry.status}, {"otp", entry.one_time_password}}));
      !st)
    return st;
  sandbox_[key] = entry;
  OutboxMessage text;
  text.account_id = ctx.account_id;
  text.region = ctx.region;
  text.target = *phone_number;
  text.message_id = common::uuid4();
  text.message = "Your Amazon SNS sandbox verification code is " + entry.one_time_password;
  record(Box::Sms, std::move(text));
  return common::ok_status();
}

common::Status MobileImpl::verify_sms_sandbox_phone_number(const CallContext& ctx,
                                                           const std::optional<std::string>& phone_number,
                                                           const std::optional<std::string>& one_time_password) {
  if (auto st = check_sandbox_number(phone_number); !st) return st;
  if (!one_time_password) return null_member("oneTimePassword");
  const std::string& otp = *one_time_password;
  if (otp.size() < 5 || otp.size() > 8 || otp.find_first_not_of("0123456789") != std::string::npos) {
    return validation_error("'" + otp + "'", "oneTimePassword",
                            "Member must satisfy regular expression pattern: ^[0-9]+$, Member must have length "
                            "between 5 and 8");
  }
  common::MutexLock lock(mu_);
  const std::string key = region_key(ctx) + "\n" + *phone_number;
  auto it = sandbox_.find(key);
  if (it == sandbox_.end())
    return common::aws_error(common::AwsErrorCode::SnsResourceNotFound, "Phone number does not exist.");
  if (it->second.status == "Verified") return common::ok_status();
  if (it->second.one_time_password != otp) {
    return common::aws_error(common::AwsErrorCode::Verification, "Invalid one-time password.");
  }
  if (auto st = put("sms-sandbox", key, attribute_map_to_json({{"status", "Verified"}, {"otp", otp}})); !st) return st;
  it->second.status = "Verified";
  return common::ok_status();
}

common::Status MobileImpl::delete_sms_sandbox_phone_number(const CallContext& ctx,
                                                           const std::optional<std::string>& phone_number) {
  if (auto st = check_sandbox_number(phone_number); !st) return st;
  common::MutexLock lock(mu_);
  const std::string key = region_key(ctx) + "\n" + *phone_number;
  if (sandbox_.count(key) == 0)
    return common::aws_error(common::AwsErrorCode::SnsResourceNotFound, "Phone number does not exist.");
  if (auto st = erase("sms-sandbox", key); !st) return st;
  sandbox_.erase(key);
  return common::ok_status();
}

common::Outcome<Page<SandboxPhoneNumber>> MobileImpl::list_sms_sandbox_phone_numbers(
    const CallContext& ctx, const std::optional<std::string>& token, const std::optional<std::string>& max) {
  auto limit = max_results(max, 100);
  if (!limit) return limit.error();
  std::vector<SandboxPhoneNumber> numbers;
  {
    common::MutexLock lock(mu_);
    const std::string prefix = region_key(ctx) + "\n";
    for (auto it = sandbox_.lower_bound(prefix); it != sandbox_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
      numbers.push_back({it->first.substr(prefix.size()), it->second.status});
    }
  }
  return page_after(numbers, token, *limit, [](const SandboxPhoneNumber& n) { return n.phone_number; });
}

common::Outcome<Page<std::string>> MobileImpl::list_origination_numbers(const CallContext&,
                                                                        const std::optional<std::string>& token,
                                                                        const std::optional<std::string>& max) {
  auto limit = max_results(max, 30);
  if (!limit) return limit.error();
  return page_after(std::vector<std::string>{}, token, *limit, [](const std::string& n) { return n; });
}

// ---- Messages ------------------------------------------------------------------------------------

common::Outcome<PublishResult> MobileImpl::publish_to_phone(const CallContext& ctx, const PublishRequest& request) {
  const std::string& number = *request.phone_number;
  if (!valid_phone_number(number)) {
    return invalid_parameter("PhoneNumber Reason: " + number + " is not valid to publish to");
  }
  if (auto st = validate_message(request, std::nullopt, nullptr); !st) return st.error();
  OutboxMessage m;
  m.account_id = ctx.account_id;
  m.region = ctx.region;
  m.target = number;
  m.message_id = common::uuid4();
  m.message = *request.message;
  m.subject = request.subject;
  m.message_structure = request.message_structure;
  m.message_attributes = request.message_attributes;
  PublishResult result{request.id, m.message_id, std::nullopt};
  common::MutexLock lock(mu_);
  if (!opted_out(ctx.account_id, number)) record(Box::Sms, std::move(m));
  return result;
}

void MobileImpl::deliver(const Delivery& d) {
  if (d.type != "Notification") return;
  auto topic = parse_sns_arn(d.topic_arn, "TopicArn");
  if (!topic) return;
  OutboxMessage m;
  m.account_id = topic->account_id;
  m.region = topic->region;
  m.target = d.endpoint;
  m.message_id = d.message_id;
  m.message = d.message;
  m.subject = d.subject;
  for (const auto& [name, a] : d.message_attributes) {
    PublishAttribute attribute;
    attribute.data_type = a.type;
    (a.type.rfind("Binary", 0) == 0 ? attribute.binary_value : attribute.string_value) = a.value;
    m.message_attributes[name] = std::move(attribute);
  }
  ApplicationEvents events(publish_event_);  // sent once the lock below is released
  common::MutexLock lock(mu_);
  if (d.protocol == "sms") {
    if (opted_out(m.account_id, d.endpoint)) return;
    m.topic_arn = d.topic_arn;
    m.subscription_arn = d.subscription_arn;
    record(Box::Sms, std::move(m));
  } else if (d.protocol == "application") {
    auto endpoint = endpoints_.find(d.endpoint);
    if (endpoint == endpoints_.end()) return;  // deleted: the delivery fails, as on AWS
    // A disabled application or endpoint is a permanent delivery failure: nothing is pushed and
    // the application's EventDeliveryFailure topic hears of it.
    auto app = applications_.find(endpoint->second.application_arn);
    std::optional<std::pair<std::string, std::string>> failure;
    if (app != applications_.end() && attribute_is_false(app->second.attributes, "Enabled")) {
      failure.emplace("PlatformApplicationDisabled", "Platform application is disabled");
    } else if (attribute_is_false(endpoint->second.attributes, "Enabled")) {
      failure.emplace("EndpointDisabled", "Endpoint is disabled");
    }
    if (failure) {
      if (app != applications_.end()) {
        events.add(app->second.attributes, "EventDeliveryFailure",
                   delivery_failure_message(d.endpoint, app->first, d.message_id, failure->first, failure->second,
                                            clock_->now_ms()));
      }
      return;
    }
    if (push_refused(endpoint->second, d.message_id, events)) return;
    record(Box::Platform, std::move(m));
  }
}

}  // namespace sluice::sns::detail
