// Engine construction, the queue registry and background housekeeping. (Loading from the store:
// engine_load.cpp.)

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/engine_impl.h"
#include "message_rules/message_rules.h"
#include "sluice/common/crypto.h"

namespace sluice::sqs {

std::string queue_arn(const QueueAddress& address) {
  return "arn:aws:sqs:" + address.region + ":" + address.account_id + ":" + address.name;
}

std::optional<QueueAddress> parse_queue_arn(std::string_view arn) {
  // arn:PARTITION:sqs:REGION:ACCOUNT:NAME
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  parts.push_back(arn.substr(start));
  if (parts[0] != "arn" || parts[2] != "sqs" || parts[3].empty() || parts[4].empty() || parts[5].empty())
    return std::nullopt;
  return QueueAddress{std::string(parts[4]), std::string(parts[3]), std::string(parts[5])};
}

std::unique_ptr<Engine> Engine::open(const EngineOptions& options, std::string* error) {
  std::unique_ptr<detail::Store> store;
  if (options.in_memory) {
    store = detail::open_memory_store();
  } else {
    if (options.data_dir.empty()) {
      if (error) *error = "a data directory is required unless the engine runs in memory";
      return nullptr;
    }
    std::string reason;
    detail::StoreOpenOptions store_options;
    store_options.sync = options.sync;
    store_options.recover = options.recover;
    store_options.report = options.on_recovery;
    store = detail::open_sqlite_store(options.data_dir, store_options, &reason);
    if (!store) {
      if (error) *error = reason;
      return nullptr;
    }
  }
  auto engine = std::make_unique<detail::EngineImpl>(options, std::move(store));
  engine->load();  // (the engine gives the store its DataKeyOpener first)
  if (options.background_housekeeping) engine->start_background();
  return engine;
}

namespace detail {

EngineImpl::EngineImpl(const EngineOptions& options, std::unique_ptr<Store> store)
    : options_(options),
      clock_(options.clock ? options.clock : common::system_clock()),
      store_(std::move(store)),
      durable_(!options.in_memory) {
  store_->set_data_key_opener([this](const DataKeyRecord& key) { return open_data_key(key); });
}

EngineImpl::~EngineImpl() {
  {
    std::lock_guard lock(background_mu_);
    stopping_ = true;
  }
  background_cv_.notify_all();
  if (background_.joinable()) background_.join();
}

void EngineImpl::start_background() {
  background_ = std::thread([this] { housekeeping_loop(); });
}

void EngineImpl::housekeeping_loop() {
  std::unique_lock lock(background_mu_);
  while (!stopping_) {
    background_cv_.wait_for(lock, std::chrono::milliseconds(200));
    if (stopping_) break;
    lock.unlock();
    run_housekeeping();
    lock.lock();
  }
}

std::shared_ptr<Queue> EngineImpl::find_queue(const QueueAddress& address) const {
  common::ReaderLock lock(registry_mu_);
  auto it = queues_.find(address);
  return it == queues_.end() ? nullptr : it->second;
}

common::Outcome<std::shared_ptr<Queue>> EngineImpl::require_queue_catalog(const QueueAddress& address) const {
  auto queue = find_queue(address);
  if (!queue) return common::aws_error(common::AwsErrorCode::QueueDoesNotExist, "The specified queue does not exist.");
  return queue;
}

common::Outcome<std::shared_ptr<Queue>> EngineImpl::require_queue(const QueueAddress& address) const {
  auto queue = require_queue_catalog(address);
  if (!queue) return queue;
  if (auto unreadable = ensure_loaded(**queue)) return *unreadable;
  return queue;
}

std::shared_ptr<Queue> EngineImpl::find_queue_by_arn(const std::string& arn) const {
  auto address = parse_queue_arn(arn);
  return address ? find_queue(*address) : nullptr;
}

std::vector<std::shared_ptr<Queue>> EngineImpl::all_queues() const {
  common::ReaderLock lock(registry_mu_);
  std::vector<std::shared_ptr<Queue>> out;
  out.reserve(queues_.size());
  for (const auto& [address, queue] : queues_) out.push_back(queue);
  return out;
}

uint64_t EngineImpl::log(MutationLog& changes) {
  if (!durable_ || changes.empty()) return 0;
  return store_->append(std::move(changes));
}

// What a caller hears when its change was not committed: the disk filling up is a temporary
// failure of the server (503, which SDKs retry); anything else is an internal failure. The reason
// itself goes to the server's log, once, from the store.
static common::AwsError store_failure_error(const StoreFailure& failure) {
  if (failure.disk_full())
    return common::aws_error(common::AwsErrorCode::ServiceUnavailable,
                             "The request has failed due to a temporary failure of the server.");
  return common::aws_error(common::AwsErrorCode::InternalFailure,
                           "The request processing has failed because of an unknown error, exception or failure.");
}

std::optional<common::AwsError> EngineImpl::await(uint64_t ticket) {
  if (ticket == 0) return std::nullopt;
  if (DeferDurability* deferral = DeferDurability::current()) {
    deferral->need(ticket);
    return std::nullopt;
  }
  try {
    store_->wait_durable(ticket);
  } catch (const StoreFailure& failure) {
    return store_failure_error(failure);
  }
  return std::nullopt;
}

std::optional<common::AwsError> EngineImpl::refuse_while_store_failing() const {
  if (!store_->failing()) return std::nullopt;
  return common::aws_error(common::AwsErrorCode::ServiceUnavailable,
                           "The request has failed due to a temporary failure of the server.");
}

bool EngineImpl::store_failing() const { return store_->failing(); }

std::optional<SyncMode> EngineImpl::store_sync() const { return store_->sync_mode(); }
std::optional<StoreCommitStats> EngineImpl::store_commit_stats() const { return store_->commit_stats(); }

common::Status EngineImpl::wait_durable(uint64_t ticket) {
  if (ticket == 0) return common::ok_status();
  try {
    store_->wait_durable(ticket);
  } catch (const StoreFailure& failure) {
    return store_failure_error(failure);
  }
  return common::ok_status();
}

MessageRecord EngineImpl::to_record(const Queue& queue, const Message& message) {
  return to_record(queue.id, queue.sealing(), queue.address.account_id, message);
}

MessageRecord EngineImpl::to_record(int64_t queue_id, Sealing sealing, const std::string& sender_id,
                                    const Message& message) {
  // A sealed message is opened before it is written anywhere (open_sealed): its body is not its body.
  if (message.extra && message.extra->sealed_with != 0)
    throw std::logic_error("a message still sealed with its data key cannot be stored again");
  MessageRecord r;
  r.queue_id = queue_id;
  r.seq = message.seq;
  r.message_id = format_message_id(message.id);
  r.body = message.body();
  r.sender_id = sender_id;
  if (message.extra) {
    r.message_attributes = message.extra->message_attributes;
    r.aws_trace_header = message.extra->aws_trace_header;
    r.message_group_id = message.extra->message_group_id;
    r.message_deduplication_id = message.extra->message_deduplication_id;
    r.sequence_number = message.extra->sequence_number;
    r.dead_letter_source_arn = message.extra->dead_letter_source_arn;
  }
  r.sent_ms = message.sent_ms;
  r.visible_at_ms = message.visible_at_ms;
  r.first_receive_ms = message.first_receive_ms;
  r.receive_count = message.receive_count;
  r.encrypted = sealing.encrypted;
  r.data_key_id = sealing.data_key_id;
  return r;
}

void EngineImpl::accept_moved(const std::shared_ptr<Queue>& target, std::vector<MessagePtr> messages) {
  std::vector<std::shared_ptr<WatchState>> wake;
  {
    common::MutexLock lock(target->mu);
    int64_t now_ms = now();
    for (auto& message : messages) target->insert(std::move(message), now_ms);
    wake = target->watchers.take(messages.size());
  }
  this->wake(*target, std::move(wake), messages.size());
}

void EngineImpl::wake(Queue& queue, std::vector<std::shared_ptr<WatchState>> taken, size_t wanted) {
  while (wanted > 0 && !taken.empty()) {
    wanted -= std::min(wanted, Watchers::fire(taken));
    if (wanted == 0) break;
    common::MutexLock lock(queue.mu);
    taken = queue.watchers.take(wanted);
  }
}

}  // namespace detail
}  // namespace sluice::sqs
