// Data protection policies of topics (Put/GetDataProtectionPolicy). The policy is kept as the JSON
// text put, in the store beside the topic, and goes with the topic when it is deleted; it is not one
// of the topic's attributes (GetTopicAttributes does not show it, as recorded from AWS). sluice
// keeps the policy but does not audit, mask or deny message content by it.

#include <boost/json.hpp>

#include "service_impl.h"

namespace sluice::sns::detail {

namespace {
constexpr size_t kMaxPolicyChars = 30720;  // DataProtectionPolicy's documented length limit
}  // namespace

// The two texts below are unverified: no recording shows them and the AWS documentation gives the
// error codes only (searched again for issue 13's second round).
common::Status ServiceImpl::put_data_protection_policy(const CallContext& ctx, const std::string& arn,
                                                       const std::optional<std::string>& policy) {
  if (!policy) return null_member("dataProtectionPolicy");
  if (policy->size() > kMaxPolicyChars) {
    return invalid_parameter("DataProtectionPolicy Reason: must be at most 30720 characters long");
  }
  if (!policy->empty()) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(*policy, ec);
    if (ec || !parsed.is_object()) return invalid_parameter("DataProtectionPolicy Reason: failed to parse JSON.");
  }
  std::unique_lock lock(mu_);
  auto topic = find_topic(ctx, arn, "ResourceArn");
  if (!topic) return topic.error();
  if (policy->empty()) {
    if (auto st = persist({RecordWrite{"data-protection-policy", arn, std::nullopt}}); !st) return st;
    data_protection_.erase(arn);
  } else {
    if (auto st = persist({RecordWrite{"data-protection-policy", arn, *policy}}); !st) return st;
    data_protection_[arn] = *policy;
  }
  return common::ok_status();
}

common::Outcome<std::string> ServiceImpl::get_data_protection_policy(const CallContext& ctx, const std::string& arn) {
  std::unique_lock lock(mu_);
  auto topic = find_topic(ctx, arn, "ResourceArn");
  if (!topic) return topic.error();
  auto it = data_protection_.find(arn);
  return it == data_protection_.end() ? std::string() : it->second;
}

Mobile& ServiceImpl::mobile() { return *mobile_; }

}  // namespace sluice::sns::detail
