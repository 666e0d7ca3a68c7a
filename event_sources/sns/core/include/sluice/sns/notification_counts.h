#pragma once
// What became of a topic's notifications, per subscription: the counts behind AWS/SNS's
// NumberOfNotificationsDelivered, NumberOfNotificationsFailed and NumberOfNotificationsFilteredOut,
// which CloudWatch keeps per topic only, kept here by subscription for the console's topic page.
// They count what the metrics count (see ServiceOptions::on_metric and the delivery sinks'
// on_outcome), in memory, since the server started.
//
// Threading: thread-safe; count() is called on publishing and delivering threads.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "sluice/common/mutex.h"

namespace sluice::sns {

struct SubscriptionCounts {
  uint64_t delivered = 0;
  uint64_t failed = 0;
  uint64_t filtered_out = 0;
};

class NotificationCounts {
 public:
  enum class Outcome { Delivered, Failed, FilteredOut };

  void count(const std::string& subscription_arn, Outcome outcome);
  // Zeros for a subscription nothing was counted for.
  SubscriptionCounts of(const std::string& subscription_arn) const;

 private:
  mutable common::Mutex mu_;
  std::unordered_map<std::string, SubscriptionCounts> counts_ GUARDED_BY(mu_);
};

}  // namespace sluice::sns
