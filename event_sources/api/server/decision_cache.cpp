// Decisions are deterministic: evaluate() reads the principal, the action, the resource and its
// account, the policies, and whichever condition keys the statements it looked at name. All but the
// keys make the cache key (the principal's own policies by the PolicySource's
// generation, its session policy by its access key, the resource policy by its compiled document, which the entry holds
// so that its address cannot be reused while the key names it). The keys an evaluation read are logged with their
// values; a later request gets the decision only when each of those keys has the same values in its context (or is
// absent from both). A request that differs in a key no statement looked at (a message's tags, the source port) asks
// the same question.
//
// So a principal whose policies allow an action outright costs one lookup per request, and one
// whose policies carry conditions costs the lookup and a comparison of the few keys they name.
// Keys whose values change with every request (aws:CurrentTime) make entries that are simply
// replaced. A new generation empties the cache, as does a full one.

#include "decision_cache.h"

namespace sluice::api::server::detail {
namespace {

void append_field(std::string& key, std::string_view field) {
  key += std::to_string(field.size());
  key += ':';
  key += field;
}

void write_cache_key(const DecisionQuestion& question, std::string& key) {
  const identity::AuthorizationRequest& request = *question.request;
  key.clear();
  key.reserve(question.principal->arn.size() + question.access_key_id.size() + request.action.size() +
              request.resource.size() + request.resource_account.size() + 48);
  append_field(key, question.principal->arn);
  append_field(key, question.access_key_id);
  append_field(key, request.action);
  append_field(key, request.resource);
  append_field(key, request.resource_account);
  key += request.key_policy ? 'K' : 'R';
  const void* policy =
      question.resource_policy != nullptr ? static_cast<const void*>(question.resource_policy->get()) : nullptr;
  key += std::to_string(reinterpret_cast<uintptr_t>(policy));
}

std::string cache_key(const DecisionQuestion& question) {
  std::string key;
  write_cache_key(question, key);
  return key;
}

bool same_values(const std::optional<std::vector<std::string>>& then, const std::vector<std::string>* now) {
  if (!then) return now == nullptr;
  return now != nullptr && *then == *now;
}

}  // namespace

std::shared_ptr<const identity::Decision> DecisionCache::find(const DecisionQuestion& question) const {
  // Every request asks: its key is written into a buffer the thread keeps rather than a new string.
  thread_local std::string key;
  write_cache_key(question, key);
  std::shared_ptr<const Entry> entry;
  {
    common::MutexLock lock(mu_);
    if (generation_ != question.generation) return nullptr;
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    entry = it->second;
  }
  const identity::ConditionContext& context = question.request->context;
  for (const auto& [name, values] : entry->reads) {
    if (!same_values(values, context.find(name))) return nullptr;
  }
  return entry->decision;
}

void DecisionCache::remember(const DecisionQuestion& question, const std::vector<std::string>& reads,
                             const identity::Decision& decision) {
  auto entry = std::make_shared<Entry>();
  if (question.resource_policy != nullptr) entry->resource_policy = *question.resource_policy;
  const identity::ConditionContext& context = question.request->context;
  entry->reads.reserve(reads.size());
  for (const std::string& name : reads) {
    std::optional<std::vector<std::string>> snapshot;
    if (const std::vector<std::string>* values = context.find(name)) snapshot = *values;
    entry->reads.emplace_back(name, std::move(snapshot));
  }
  entry->decision = std::make_shared<const identity::Decision>(decision);
  std::string key = cache_key(question);
  common::MutexLock lock(mu_);
  if (generation_ != question.generation || entries_.size() >= capacity_) {
    entries_.clear();
    generation_ = question.generation;
  }
  entries_[std::move(key)] = std::move(entry);
}

size_t DecisionCache::size() const {
  common::MutexLock lock(mu_);
  return entries_.size();
}

}  // namespace sluice::api::server::detail
