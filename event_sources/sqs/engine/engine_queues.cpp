// Queue actions: create, look up, delete, list, attributes, purge, tags, permissions.

#include <boost/json.hpp>

#include <algorithm>

#include "engine/engine_impl.h"

namespace sluice::sqs::detail {
namespace {

constexpr int64_t kRecreateDelayMs = 60'000;
constexpr int64_t kPurgeIntervalMs = 60'000;
constexpr size_t kMaxTags = 50;

// AWS writes a single principal or action as a string and several as a list.
boost::json::value one_or_list(boost::json::array values) {
  if (values.size() == 1) return values.front();
  return values;
}

common::AwsError invalid(std::string message) {
  return common::aws_error(common::AwsErrorCode::InvalidParameterValue, std::move(message));
}

std::string redrive_value(const std::optional<RedrivePolicy>& policy) {
  if (!policy) return "";
  return "{\"deadLetterTargetArn\":\"" + policy->dead_letter_target_arn +
         "\",\"maxReceiveCount\":" + std::to_string(policy->max_receive_count) + "}";
}

bool valid_label(const std::string& label) {
  if (label.empty() || label.size() > 80) return false;
  for (char c : label)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

}  // namespace

// Runs `change` on the queue under its lock; when it succeeds the queue's record is stored again
// before the call answers.
template <typename Change>
static common::Status update_queue(EngineImpl& engine, const QueueAddress& address, Change change) {
  auto queue = engine.require_queue_catalog(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  uint64_t ticket = 0;
  {
    common::MutexLock lock(q.mu);
    if (auto error = change(q)) return *error;
    MutationLog changes;
    if (engine.durable()) changes.push_back(mutation::PutQueue{q.record()});
    ticket = engine.log(changes);
  }
  if (auto failed = engine.await(ticket)) return *failed;
  return common::ok_status();
}

// Rules that involve the dead-letter target: it must exist, be of the same type, and allow this
// source queue by its RedriveAllowPolicy. Message texts: AWS's, where recorded.
static std::optional<common::AwsError> check_redrive_target(const EngineImpl& engine, const QueueAddress& source,
                                                            const QueueConfig& config) {
  if (!config.redrive_policy) return std::nullopt;
  const std::string value = redrive_value(config.redrive_policy);
  auto target = engine.find_queue_by_arn(config.redrive_policy->dead_letter_target_arn);
  if (!target)
    return invalid("Value " + value +
                   " for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.");
  common::MutexLock lock(target->mu);
  if (target->fifo() != config.fifo)
    return invalid(
        "Value " + value +
        " for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.");
  if (target->address.account_id != source.account_id || target->address.region != source.region)
    return invalid(
        "Value " + value +
        " for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be in the same account and region.");
  if (const auto& allow = target->config.redrive_allow_policy) {
    std::string source_arn = queue_arn(source);
    bool allowed = allow->redrive_permission == "allowAll" ||
                   (allow->redrive_permission == "byQueue" &&
                    std::find(allow->source_queue_arns.begin(), allow->source_queue_arns.end(), source_arn) !=
                        allow->source_queue_arns.end());
    if (!allowed)
      return invalid("Value " + value + " for parameter RedrivePolicy is invalid. Reason: Queue " + target->arn +
                     " does not allow this queue to use it as a dead-letter queue.");
  }
  return std::nullopt;
}

common::Status EngineImpl::create_queue(const QueueAddress& address, const AttributeMap& attributes,
                                        const TagMap& tags) {
  if (auto error = check_queue_name(address.name)) return *error;
  auto config = config_for_create(address.name, attributes);
  if (!config) return config.take_error();
  if (auto existing = find_queue(address)) {
    common::MutexLock lock(existing->mu);
    if (auto name = differing_attribute(existing->config, attributes))
      return common::aws_error(
          common::AwsErrorCode::QueueNameExists,
          "A queue already exists with the same name and a different value for attribute " + *name);
    return common::ok_status();
  }
  if (auto error = check_redrive_target(*this, address, *config)) return *error;
  if (auto refused = refuse_while_store_failing()) return *refused;

  uint64_t ticket = 0;
  {
    common::WriterLock lock(registry_mu_);
    if (queues_.count(address)) return common::ok_status();  // created concurrently with equal intent
    auto deleted = recently_deleted_.find(address);
    if (deleted != recently_deleted_.end() && now() - deleted->second < kRecreateDelayMs)
      return common::aws_error(
          common::AwsErrorCode::QueueDeletedRecently,
          "You must wait 60 seconds after deleting a queue before you can create another with the same name.");
    auto queue = std::make_shared<Queue>(++last_queue_id_, address, *config);
    common::MutexLock queue_lock(queue->mu);  // not shared yet, but record() and the fields below want it
    queue->tags = tags;
    queue->created_ms = queue->modified_ms = now();
    queues_[address] = queue;
    MutationLog changes;
    if (durable_) changes.push_back(mutation::PutQueue{queue->record()});
    ticket = log(changes);
  }
  if (auto failed = await(ticket)) return *failed;
  return common::ok_status();
}

common::Status EngineImpl::get_queue(const QueueAddress& address) {
  auto queue = require_queue_catalog(address);
  if (!queue) return queue.take_error();
  return common::ok_status();
}

common::Status EngineImpl::delete_queue(const QueueAddress& address) {
  std::shared_ptr<Queue> queue;
  uint64_t ticket = 0;
  std::vector<std::shared_ptr<WatchState>> wake;
  {
    common::WriterLock lock(registry_mu_);
    auto it = queues_.find(address);
    if (it == queues_.end())
      return common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist.");
    queue = it->second;
    queues_.erase(it);
    recently_deleted_[address] = now();
    common::MutexLock queue_lock(queue->mu);
    queue->deleted = true;
    wake = queue->watchers.take();
    MutationLog changes;
    if (durable_) changes.push_back(mutation::DeleteQueue{queue->id});
    ticket = log(changes);
  }
  Watchers::fire(wake);
  if (auto failed = await(ticket)) return *failed;
  return common::ok_status();
}

common::Outcome<size_t> EngineImpl::reset_queues(const std::string& account_id, const std::string& region) {
  uint64_t ticket = 0;
  std::vector<std::shared_ptr<WatchState>> wake;
  size_t deleted = 0;
  {
    common::WriterLock lock(registry_mu_);
    MutationLog changes;
    for (auto it = queues_.begin(); it != queues_.end();) {
      const QueueAddress& address = it->first;
      if (address.account_id != account_id || address.region != region) {
        ++it;
        continue;
      }
      Queue& queue = *it->second;
      common::MutexLock queue_lock(queue.mu);
      queue.deleted = true;
      for (auto& watcher : queue.watchers.take()) wake.push_back(std::move(watcher));
      if (durable_) changes.push_back(mutation::DeleteQueue{queue.id});
      it = queues_.erase(it);
      ++deleted;
    }
    // A reset is not a deletion a client waits out: the names are free again at once.
    std::erase_if(recently_deleted_, [&](const auto& entry) {
      return entry.first.account_id == account_id && entry.first.region == region;
    });
    ticket = log(changes);
  }
  Watchers::fire(wake);
  if (auto failed = await(ticket)) return *failed;
  return deleted;
}

std::vector<std::string> EngineImpl::list_queues(const std::string& account_id, const std::string& region,
                                                 const std::string& prefix) {
  std::vector<std::string> names;
  common::ReaderLock lock(registry_mu_);
  for (const auto& [address, queue] : queues_)
    if (address.account_id == account_id && address.region == region && address.name.starts_with(prefix))
      names.push_back(address.name);
  return names;  // the map is ordered by address, so names come sorted
}

bool EngineImpl::stored_past_retention(Queue& queue, const StoredCounts& counts) const {
  if (!counts.oldest_sent_ms) return false;
  common::MutexLock lock(queue.mu);
  // The oldest row by seq is the one housekeeping's retention expiry would reach first.
  return *counts.oldest_sent_ms + queue.config.message_retention_period * 1000 <= now();
}

common::Outcome<AttributeMap> EngineImpl::get_queue_attributes(const QueueAddress& address,
                                                               const std::vector<std::string>& names) {
  auto queue = require_queue_catalog(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  // A queue not yet loaded is counted in the store (outside its lock: it holds no messages to
  // guard, and a load finishing meanwhile changes nothing the count sees).
  std::optional<StoredCounts> stored;
  if (!q.loaded.load(std::memory_order_acquire)) {
    StoredCounts counts;
    if (auto unreadable = stored_counts(q, &counts)) return *unreadable;
    stored = counts;
  }
  if (stored && stored_past_retention(q, *stored)) {
    // The stored rows still count messages that retention has ended since they were written, and
    // only a load tells which: read the queue, expire them as housekeeping does, count in memory.
    if (auto unreadable = ensure_loaded(q)) return *unreadable;
    if (auto failed = await(expire_messages(q, now()))) return *failed;
    stored.reset();
  }
  common::MutexLock lock(q.mu);
  auto wanted = resolve_attribute_names(names, q.fifo());
  if (!wanted) return wanted.take_error();
  q.promote(now());
  const auto visible = stored ? stored->visible : static_cast<int64_t>(q.visible_count());
  const auto in_flight = stored ? stored->in_flight : static_cast<int64_t>(q.in_flight_count());
  const auto delayed = stored ? stored->delayed : static_cast<int64_t>(q.delayed_count());
  AttributeMap settable = settable_attributes(q.config);
  AttributeMap out;
  for (const std::string& name : *wanted) {
    if (auto it = settable.find(name); it != settable.end()) out[name] = it->second;
    else if (name == "ApproximateNumberOfMessages") out[name] = std::to_string(visible);
    else if (name == "ApproximateNumberOfMessagesNotVisible") out[name] = std::to_string(in_flight);
    else if (name == "ApproximateNumberOfMessagesDelayed") out[name] = std::to_string(delayed);
    else if (name == "CreatedTimestamp") out[name] = std::to_string(q.created_ms / 1000);
    else if (name == "LastModifiedTimestamp") out[name] = std::to_string(q.modified_ms / 1000);
    else if (name == "QueueArn") out[name] = q.arn;
    else if (name == "Policy" && !q.permissions_json.empty()) out[name] = q.permissions_json;
  }
  return out;
}

common::Outcome<std::string> EngineImpl::queue_policy(const QueueAddress& address) {
  auto queue = require_queue_catalog(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  common::MutexLock lock(q.mu);
  // The same precedence as get_queue_attributes: a stored Policy attribute, else AddPermission's.
  if (q.config.policy) return *q.config.policy;
  return q.permissions_json;
}

std::vector<QueueDepths> EngineImpl::queue_depths(const std::string& account_id, const std::string& region) {
  // The queues are gathered under the registry lock and counted after it is released, so a scrape
  // never holds up a CreateQueue or DeleteQueue for longer than the copy of some pointers.
  std::vector<std::shared_ptr<Queue>> queues;
  {
    common::ReaderLock lock(registry_mu_);
    for (const auto& [address, queue] : queues_)
      if (address.account_id == account_id && address.region == region) queues.push_back(queue);
  }
  std::vector<QueueDepths> depths;
  depths.reserve(queues.size());
  const int64_t now_ms = now();
  for (const auto& queue : queues) {
    Queue& q = *queue;
    if (!q.loaded.load(std::memory_order_acquire)) {
      StoredCounts counts;
      if (stored_counts(q, &counts)) continue;  // unreadable rows: GetQueueAttributes says why
      depths.push_back({q.address.name, counts.visible, counts.in_flight, counts.delayed, std::nullopt});
      continue;
    }
    common::MutexLock lock(q.mu);
    if (q.deleted) continue;
    q.promote(now_ms);
    const std::optional<int64_t> oldest_sent_ms = q.oldest_sent_ms();
    depths.push_back({q.address.name, static_cast<int64_t>(q.visible_count()),
                      static_cast<int64_t>(q.in_flight_count()), static_cast<int64_t>(q.delayed_count()),
                      oldest_sent_ms ? std::max<int64_t>(0, now_ms - *oldest_sent_ms) : 0});
  }
  return depths;  // the registry is ordered by address, so names come sorted
}

common::Status EngineImpl::set_queue_attributes(const QueueAddress& address, const AttributeMap& attributes) {
  auto queue = require_queue_catalog(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  QueueConfig current;
  {
    common::MutexLock lock(q.mu);
    current = q.config;
  }
  auto config = config_for_set(current, attributes);
  if (!config) return config.take_error();
  if (attributes.count("RedrivePolicy"))
    if (auto error = check_redrive_target(*this, address, *config)) return *error;
  return update_queue(*this, address, [&](Queue& target) -> std::optional<common::AwsError> {
    target.mu.assert_held();  // update_queue calls this under the queue lock
    target.config = *config;
    target.modified_ms = now();
    return std::nullopt;
  });
}

common::Status EngineImpl::purge_queue(const QueueAddress& address) {
  auto queue = require_queue(address);
  if (!queue) return queue.take_error();
  Queue& q = **queue;
  uint64_t ticket = 0;
  {
    common::MutexLock lock(q.mu);
    int64_t now_ms = now();
    if (q.last_purge_ms != 0 && now_ms - q.last_purge_ms < kPurgeIntervalMs)
      return common::aws_error(common::AwsErrorCode::PurgeQueueInProgress,
                               "Only one PurgeQueue operation on " + q.address.name + " is allowed every 60 seconds.");
    q.purge();
    // A purge also forgets the deduplication window: a FIFO message sent again after it is new.
    q.dedup.clear();
    q.dedup_expiry.clear();
    q.last_purge_ms = now_ms;
    MutationLog changes;
    if (durable_) {
      changes.push_back(mutation::PurgeQueue{q.id});
      changes.push_back(mutation::PutQueue{q.record()});
    }
    ticket = log(changes);
  }
  if (auto failed = await(ticket)) return *failed;
  return common::ok_status();
}

common::Status EngineImpl::tag_queue(const QueueAddress& address, const TagMap& tags) {
  // An empty map is what the Query protocol sends as no Tags at all: the same answer for both.
  if (tags.empty())
    return common::aws_error(common::AwsErrorCode::MissingParameter, "The request must contain the parameter Tags.");
  return update_queue(*this, address, [&](Queue& q) -> std::optional<common::AwsError> {
    q.mu.assert_held();  // update_queue calls this under the queue lock
    TagMap merged = q.tags;
    for (const auto& [key, value] : tags) merged[key] = value;
    if (merged.size() > kMaxTags) return invalid("Too many tags added for queue " + q.address.name + ".");
    q.tags = std::move(merged);
    return std::nullopt;
  });
}

common::Status EngineImpl::untag_queue(const QueueAddress& address, const std::vector<std::string>& keys) {
  if (keys.empty()) return invalid("Tag keys must be between 1 and 128 characters in length.");
  return update_queue(*this, address, [&](Queue& q) -> std::optional<common::AwsError> {
    q.mu.assert_held();  // update_queue calls this under the queue lock
    for (const auto& key : keys) q.tags.erase(key);
    return std::nullopt;
  });
}

common::Outcome<TagMap> EngineImpl::list_queue_tags(const QueueAddress& address) {
  auto queue = require_queue_catalog(address);
  if (!queue) return queue.take_error();
  common::MutexLock lock((*queue)->mu);
  return (*queue)->tags;
}

// AddPermission writes a statement into the queue's policy document, as AWS does; the document is
// what GetQueueAttributes shows as Policy.
common::Status EngineImpl::add_permission(const QueueAddress& address, const std::string& label,
                                          const std::vector<std::string>& account_ids,
                                          const std::vector<std::string>& actions) {
  if (auto missing = get_queue(address); !missing.ok()) return missing;
  if (!valid_label(label))
    return invalid("Value " + label +
                   " for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or "
                   "underscores. 1 to 80 in length.");
  if (account_ids.empty())
    return common::aws_error(common::AwsErrorCode::MissingParameter,
                             "The request must contain the parameter AWSAccountIds.");
  if (actions.empty())
    return common::aws_error(common::AwsErrorCode::MissingParameter, "The request must contain the parameter Actions.");
  if (actions.size() > 7)
    return common::aws_error(common::AwsErrorCode::OverLimit, "7 Actions were found, maximum allowed is 7.");
  return update_queue(*this, address, [&](Queue& q) -> std::optional<common::AwsError> {
    q.mu.assert_held();  // update_queue calls this under the queue lock
    boost::json::object policy;
    if (!q.permissions_json.empty()) policy = boost::json::parse(q.permissions_json).as_object();
    else policy = {{"Version", "2008-10-17"}, {"Id", q.arn + "/SQSDefaultPolicy"}, {"Statement", boost::json::array{}}};
    auto& statements = policy["Statement"].as_array();
    for (const auto& statement : statements)
      if (statement.as_object().at("Sid").as_string() == label)
        return invalid("Value " + label + " for parameter Label is invalid. Reason: Already exists.");
    boost::json::array principals, action_list;
    for (const auto& account : account_ids)
      principals.push_back(boost::json::string("arn:aws:iam::" + account + ":root"));
    for (const auto& action : actions) action_list.push_back(boost::json::string("SQS:" + action));
    statements.push_back(boost::json::object{{"Sid", label},
                                             {"Effect", "Allow"},
                                             {"Principal", {{"AWS", one_or_list(principals)}}},
                                             {"Action", one_or_list(action_list)},
                                             {"Resource", q.arn}});
    q.permissions_json = boost::json::serialize(policy);
    return std::nullopt;
  });
}

common::Status EngineImpl::remove_permission(const QueueAddress& address, const std::string& label) {
  return update_queue(*this, address, [&](Queue& q) -> std::optional<common::AwsError> {
    q.mu.assert_held();  // update_queue calls this under the queue lock
    if (!q.permissions_json.empty()) {
      auto policy = boost::json::parse(q.permissions_json).as_object();
      auto& statements = policy["Statement"].as_array();
      for (auto it = statements.begin(); it != statements.end(); ++it) {
        if (it->as_object().at("Sid").as_string() == label) {
          statements.erase(it);
          q.permissions_json = statements.empty() ? "" : boost::json::serialize(policy);
          return std::nullopt;
        }
      }
    }
    return invalid("Value " + label + " for parameter Label is invalid. Reason: can't find label.");
  });
}

}  // namespace sluice::sqs::detail
