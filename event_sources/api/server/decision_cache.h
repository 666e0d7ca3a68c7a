#pragma once
// Internal: the front door's decisions, kept for the next request that asks the same question
// (see decision_cache.cpp for what makes two questions the same).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sluice/common/mutex.h"
#include "sluice/identity/evaluation.h"
#include "sluice/identity/policy.h"

namespace sluice::api::server::detail {

// Everything a decision depends on besides the request's condition keys.
struct DecisionQuestion {
  uint64_t generation = 0;  // of the PolicySource: the principal's own policies
  const identity::Principal* principal = nullptr;
  std::string_view access_key_id;                           // its session policy, if any
  const identity::PolicyPtr* resource_policy = nullptr;     // compiled; null or empty for none
  const identity::AuthorizationRequest* request = nullptr;  // action, resource, resource account
};

class DecisionCache {
 public:
  explicit DecisionCache(size_t capacity = 16384) : capacity_(capacity) {}

  // The decision made earlier for `question` when every condition key it read has the same values
  // in the request's context now; nullptr otherwise.
  std::shared_ptr<const identity::Decision> find(const DecisionQuestion& question) const;

  // Keeps `decision`, made for `question` after reading `reads` (ConditionContext::log_reads) from
  // the request's context.
  void remember(const DecisionQuestion& question, const std::vector<std::string>& reads,
                const identity::Decision& decision);

  size_t size() const;

 private:
  struct Entry {
    identity::PolicyPtr resource_policy;  // keeps the address in the key from being reused
    std::vector<std::pair<std::string, std::optional<std::vector<std::string>>>> reads;  // key, values (none: absent)
    std::shared_ptr<const identity::Decision> decision;
  };

  size_t capacity_;
  mutable common::Mutex mu_;
  uint64_t generation_ GUARDED_BY(mu_) = 0;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> entries_ GUARDED_BY(mu_);
};

}  // namespace sluice::api::server::detail
