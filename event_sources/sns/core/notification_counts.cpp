// See notification_counts.h.

#include "sluice/sns/notification_counts.h"

namespace sluice::sns {

void NotificationCounts::count(const std::string& subscription_arn, Outcome outcome) {
  common::MutexLock lock(mu_);
  SubscriptionCounts& counts = counts_[subscription_arn];
  switch (outcome) {
    case Outcome::Delivered:
      ++counts.delivered;
      break;
    case Outcome::Failed:
      ++counts.failed;
      break;
    case Outcome::FilteredOut:
      ++counts.filtered_out;
      break;
  }
}

SubscriptionCounts NotificationCounts::of(const std::string& subscription_arn) const {
  common::MutexLock lock(mu_);
  auto it = counts_.find(subscription_arn);
  return it == counts_.end() ? SubscriptionCounts{} : it->second;
}

}  // namespace sluice::sns
