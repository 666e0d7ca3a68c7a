// The running mapping: pollers that form batches, a lane of the shared worker pool that invokes
// and settles them, and the concurrency limit between the two (see the header for the rules).
//
// Locking: mu_ guards everything that changes while running (settings_, limit_, in_flight_,
// ready_, workers_, stats_, state). control_mu_ serialises start/update/stop so
// poller threads are started and joined by one caller at a time; it is never taken by pollers or
// workers. Long polls, invocations and queue calls run without mu_.
//
// Hand-offs: a poller puts each batch it closes on ready_, and workers (jobs of the pool's lane,
// at most limit_ of them) take batches from ready_ one after the other until it is empty. Pollers
// may close a few batches beyond the limit (one per poller), so that under a backlog a worker
// that settles a batch finds the next one waiting and goes on in the same thread. And when
// nothing waits in ready_ and a batch is complete as received (no batching window, no filters),
// a worker that settled a batch receives the next one itself in the slot it holds
// (feeds_itself()). Without this, each batch cost two wake-ups (a pool thread for the batch, a
// poller for the slot it freed), and whether a worker found work or fell asleep depended on
// which thread the scheduler ran first, so throughput swung from run to run.
//
// Draining: drain() sets handing_back_ before it stops the pollers, so a batch a poller closes
// while stopping, and every batch still waiting in ready_, is handed back (visibility 0) when
// its turn comes instead of being invoked.
//
// Time: every interval (batching window, scale-up interval, back-off) is on options_.clock. A
// queue source counts its long polls in real seconds, so a window is long-polled for the real
// time the clock needs to reach its end, and what is left (under a second, or all of it on a
// ManualClock) is waited out on the clock with slot_cv_, which stop_pollers() also notifies;
// each wake-up (a move of a ManualClock among them) is followed by an immediate receive.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "batch_response.h"
#include "filter_pattern.h"
#include "record_views.h"
#include "sluice/common/mutex.h"
#include "sluice/esm/event_source_mapping.h"
#include "visibility_heartbeat.h"

namespace sluice::esm {
namespace {

constexpr int64_t kMaxConcurrency = 1'000;    // AWS's maximum concurrent batches per mapping
constexpr int64_t kReceiveBackoffMs = 1'000;  // pause after a failed receive
// Batches settled faster than this may be received ahead of a free slot (see batch_limit()).
constexpr int64_t kQuickBatchMs = 100;

// Whole real seconds, rounded up, for a long poll that lasts `clock_ms` on `clock`. A clock that
// moves only when told has no real equivalent: the poll keeps its nominal length.
int long_poll_seconds(const common::Clock& clock, int64_t clock_ms) {
  const int64_t real_ms = clock.real_delay_ms(clock_ms).value_or(clock_ms);
  return static_cast<int>((real_ms + 999) / 1000);
}

// Whole real seconds, rounded down, that `clock` needs to move `clock_ms`: a long poll this long
// never runs past the end of a window. 0 on a clock that moves only when told.
int64_t whole_real_seconds_within(const common::Clock& clock, int64_t clock_ms) {
  return clock.real_delay_ms(clock_ms).value_or(0) / 1000;
}

// What one batch is formed and settled with; replaced as a whole by update().
struct Settings {
  EventSourceMappingConfiguration config;
  detail::FilterSet filters;
};

struct Job {
  std::vector<sqs::ReceivedMessage> messages;
  std::shared_ptr<const Settings> settings;
};

struct Poller {
  std::thread thread;
  std::unique_ptr<sqs::QueueSource> source;
  std::atomic<bool> stop{false};
};

class Mapping final : public EventSourceMapping {
 public:
  Mapping(std::shared_ptr<FunctionInvoker> function, SourceFactory sources, RuntimeOptions options,
          std::unique_ptr<sqs::QueueSource> control, std::shared_ptr<const Settings> settings, bool fifo)
      : function_(std::move(function)),
        sources_(std::move(sources)),
        options_(std::move(options)),
        control_(std::move(control)),
        fifo_(fifo),
        settings_(std::move(settings)) {
    limit_ = starting_limit();
    // The concurrency limit gates what reaches the lane; its cap is only the ceiling of that limit.
    batches_ = options_.work_pool->lane("esm-batches", static_cast<size_t>(kMaxConcurrency));
  }

  ~Mapping() override { stop(); }

  EventSourceMappingConfiguration configuration() const override {
    std::lock_guard lock(mu_);
    EventSourceMappingConfiguration c = settings_->config;
    c.state = state_;
    c.last_processing_result = last_processing_result_;
    return c;
  }

  MappingStats stats() const override {
    std::lock_guard lock(mu_);
    MappingStats s = stats_;
    s.concurrency_limit = limit_;
    s.in_flight = in_flight_;
    if (heartbeat_) s.visibility_extensions = heartbeat_->extensions();
    return s;
  }

  void start() override {
    common::MutexLock control(control_mu_);
    bool enabled;
    {
      std::lock_guard lock(mu_);
      if (started_) return;
      started_ = true;
      last_scale_up_ms_ = clock().now_ms();  // the first step up comes one interval after the start
      enabled = settings_->config.enabled;
      state_ = enabled ? "Enabled" : "Disabled";
    }
    if (enabled) start_pollers();
  }

  std::optional<common::AwsError> update(const UpdateMappingRequest& request) override {
    common::MutexLock control(control_mu_);
    EventSourceMappingConfiguration c;
    {
      std::lock_guard lock(mu_);
      c = settings_->config;
    }
    bool was_enabled = c.enabled;
    if (request.batch_size) c.batch_size = *request.batch_size;
    if (request.maximum_batching_window_in_seconds)
      c.maximum_batching_window_in_seconds = *request.maximum_batching_window_in_seconds;
    if (request.scaling_config) c.scaling_config = request.scaling_config;
    if (request.function_response_types) c.function_response_types = *request.function_response_types;
    if (request.filter_criteria) {
      if (request.filter_criteria->filters.empty()) c.filter_criteria.reset();
      else c.filter_criteria = request.filter_criteria;
    }
    if (request.enabled) c.enabled = *request.enabled;
    if (request.metrics_config) c.metrics_config = request.metrics_config;
    ValidationContext context = validation_context_;
    if (auto attrs = control_->attributes({"VisibilityTimeout"}); attrs && attrs->contains("VisibilityTimeout"))
      context.queue_visibility_timeout_s = std::stoll(attrs->at("VisibilityTimeout"));
    if (auto error = validate(c, context)) return error;
    auto next = std::make_shared<Settings>();
    next->filters = std::move(*detail::FilterSet::compile(patterns_of(c)));
    c.last_modified_ms = clock().now_ms();
    next->config = std::move(c);
    bool enable = next->config.enabled && !was_enabled;
    bool disable = !next->config.enabled && was_enabled;
    {
      std::lock_guard lock(mu_);
      settings_ = std::move(next);
      limit_ = std::clamp<int64_t>(limit_, std::min(options_.initial_concurrency, max_limit()), max_limit());
      if (options_.start_at_full_scale) limit_ = max_limit();
      if (started_ && state_ != "Deleting") state_ = settings_->config.enabled ? "Enabled" : "Disabled";
    }
    slot_cv_.notify_all();
    slot_free_cv_.notify_all();
    start_workers();  // a higher limit lets more of the waiting batches run
    bool started;
    {
      std::lock_guard lock(mu_);
      started = started_;
    }
    if (disable) stop_pollers();  // in-flight batches go on and are settled by the workers
    if (enable && started) start_pollers();
    return std::nullopt;
  }

  void drain() override {
    common::MutexLock control(control_mu_);
    handing_back_ = true;
    // None run when the mapping never started or is disabled.
    stop_pollers(/*interrupt_polls=*/!options_.drain_lets_polls_end);
  }

  void stop() override {
    common::MutexLock control(control_mu_);
    {
      std::lock_guard lock(mu_);
      if (!started_) return;
      state_ = "Deleting";
    }
    stop_pollers();
    batches_->drain();  // every dispatched batch settled
    std::lock_guard lock(mu_);
    started_ = false;
    state_ = "Disabled";
  }

  // Before the mapping is shared: the heartbeat extends to the queue's VisibilityTimeout.
  void set_validation_context(const ValidationContext& context) {
    validation_context_ = context;
    if (options_.visibility_heartbeat_ms > 0)
      heartbeat_ = std::make_unique<detail::VisibilityHeartbeat>(
          *control_, options_.clock, options_.visibility_heartbeat_ms, context.queue_visibility_timeout_s);
  }

  static std::vector<std::string> patterns_of(const EventSourceMappingConfiguration& c) {
    std::vector<std::string> patterns;
    if (c.filter_criteria)
      for (const auto& f : c.filter_criteria->filters) patterns.push_back(f.pattern.value_or(""));
    return patterns;
  }

 private:
  const common::Clock& clock() const { return *options_.clock; }

  // ---- concurrency limit (mu_ held) --------------------------------------------------------------

  int64_t max_limit() const {
    int64_t m = kMaxConcurrency;
    const auto& scaling = settings_->config.scaling_config;
    if (scaling && scaling->maximum_concurrency) m = std::min(m, *scaling->maximum_concurrency);
    if (auto reserved = function_->reserved_concurrency()) m = std::min(m, *reserved);
    return std::max<int64_t>(m, 0);
  }

  int64_t starting_limit() const {
    return options_.start_at_full_scale ? max_limit() : std::min(options_.initial_concurrency, max_limit());
  }

  // Batches that may be open at once: the ones the function may run, and, while batches are
  // settled quickly, one more per poller closed ahead and waiting in ready_. A batch waits there
  // about as long as the one before it took, so slow batches are not received ahead: their
  // messages would spend their visibility timeout waiting.
  int64_t batch_limit() const {
    if (limit_ <= 0) return 0;
    return quick_batches_ ? limit_ + std::max(1, options_.poller_threads) : limit_;
  }

  // A batch ended (settled, handed back, or never closed): its slot goes to a waiting poller.
  void free_slot() {
    --in_flight_;
    if (slot_waiters_ > 0) slot_free_cv_.notify_one();
  }

  // ---- pollers -----------------------------------------------------------------------------------

  void start_pollers() REQUIRES(control_mu_) {
    {
      std::lock_guard lock(mu_);
      polling_ = true;
    }
    int n = std::max(1, options_.poller_threads);
    for (int i = 0; i < n; ++i) {
      auto p = std::make_unique<Poller>();
      p->source = sources_();
      if (!p->source) continue;
      Poller* raw = p.get();
      p->thread = std::thread([this, raw] { poll_loop(*raw); });
      pollers_.push_back(std::move(p));
    }
  }

  void stop_pollers(bool interrupt_polls = true) REQUIRES(control_mu_) {
    {
      std::lock_guard lock(mu_);
      polling_ = false;
      for (auto& p : pollers_) p->stop = true;
    }
    if (interrupt_polls)
      for (auto& p : pollers_) p->source->interrupt();
    slot_cv_.notify_all();
    slot_free_cv_.notify_all();
    for (auto& p : pollers_) p->thread.join();
    pollers_.clear();
  }

  void poll_loop(Poller& p) {
    std::vector<sqs::ReceivedMessage> carry;  // received but past the 6 MB of the last batch
    while (!p.stop) {
      std::shared_ptr<const Settings> settings;
      {
        std::unique_lock lock(mu_);
        if (!p.stop && in_flight_ >= batch_limit()) {
          ++slot_waiters_;
          slot_free_cv_.wait(lock, [&] { return p.stop || in_flight_ < batch_limit(); });
          --slot_waiters_;
        }
        if (p.stop) break;
        ++in_flight_;
        settings = settings_;
      }
      bool full = false, idle = false;
      auto batch = collect(p, *settings, carry, full, idle);
      if (batch.empty()) {
        {
          std::lock_guard lock(mu_);
          if (idle) limit_ = std::min(limit_, starting_limit());  // the backlog is gone: scale back
          free_slot();
        }
        continue;
      }
      dispatch(Job{std::move(batch), std::move(settings)}, full);
    }
    if (!carry.empty()) {  // never dispatched: let another consumer have them now
      std::vector<sqs::ChangeVisibilityBatchEntry> entries;
      for (size_t i = 0; i < carry.size(); ++i) entries.push_back({std::to_string(i), carry[i].receipt_handle, 0});
      (void)control_->change_visibility(entries);
    }
  }

  // Receives until the batch is complete (see the header). Messages that match no filter are
  // deleted here and never reach the function.
  std::vector<sqs::ReceivedMessage> collect(Poller& p, const Settings& s, std::vector<sqs::ReceivedMessage>& carry,
                                            bool& full, bool& idle) {
    const auto& c = s.config;
    const size_t batch_size = static_cast<size_t>(c.batch_size);
    const int64_t window_ms = c.maximum_batching_window_in_seconds * 1000;
    std::vector<sqs::ReceivedMessage> batch;
    std::vector<sqs::DeleteMessageBatchEntry> filtered;
    size_t bytes = 0;
    auto add = [&](sqs::ReceivedMessage&& m) {
      if (!carry.empty()) {
        carry.push_back(std::move(m));
        return;
      }
      if (!s.filters.matches(m, control_->arn(), control_->region())) {
        filtered.push_back({std::to_string(filtered.size()), m.receipt_handle});
        return;
      }
      size_t size = detail::record_payload_size(m);
      if (!batch.empty() && (bytes + size > options_.max_batch_payload_bytes || batch.size() >= batch_size)) {
        carry.push_back(std::move(m));
        return;
      }
      bytes += size;
      batch.push_back(std::move(m));
    };
    {
      std::vector<sqs::ReceivedMessage> pending;
      pending.swap(carry);
      for (auto& m : pending) add(std::move(m));
    }
    int64_t deadline = clock().now_ms() + window_ms;
    while (!p.stop && carry.empty() && batch.size() < batch_size) {
      int wait;
      bool last = false;
      const bool first_record_pending = batch.empty();
      if (first_record_pending) {
        const int64_t poll_s =
            window_ms == 0 ? options_.max_wait_time_seconds
                           : std::min<int64_t>(options_.max_wait_time_seconds, c.maximum_batching_window_in_seconds);
        wait = long_poll_seconds(clock(), poll_s * 1000);
      } else {
        if (window_ms == 0) break;
        const int64_t remaining_ms = deadline - clock().now_ms();
        // Past the window: one last immediate receive. Before: a long poll that ends inside the
        // window, or, when less than a real second is left, an immediate one.
        last = remaining_ms <= 0;
        wait = last ? 0
                    : static_cast<int>(std::min<int64_t>(options_.max_wait_time_seconds,
                                                         whole_real_seconds_within(clock(), remaining_ms)));
      }
      int want = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(1, options_.max_messages_per_receive)),
                                                   batch_size - batch.size()));
      auto got = p.source->receive(want, wait, std::nullopt);
      if (!got) {
        if (p.stop) break;  // an interrupted poll is no failure of the queue
        note_problem("PROBLEM: Error occurred while ReceiveMessage. SQS Error Code: " +
                     std::string(got.error().info().query_code) + ". SQS Error Message: " + got.error().message);
        note_receive_state(&got.error());
        wait_for_stop_until(p, clock().now_ms() + kReceiveBackoffMs);  // before polling a failing queue again
        break;
      }
      if (receive_failing_) note_receive_state(nullptr);
      count_events(EventCounts{static_cast<int64_t>(got->size())});
      if (got->empty() && batch.empty() && wait > 0 && !p.stop) idle = true;
      for (auto& m : *got) add(std::move(m));
      // The window is counted from the batch's first record, not from the poll that waited for it.
      if (first_record_pending && !batch.empty()) deadline = clock().now_ms() + window_ms;
      // Messages that match no filter are deleted at once, even if no matching one ever comes.
      delete_filtered(filtered);
      if (last) break;
      if (!batch.empty() && wait == 0 && got->empty()) pause_until(p, deadline);  // then look again
    }
    delete_filtered(filtered);
    full = batch.size() >= batch_size || !carry.empty();
    if (!batch.empty()) idle = false;
    return batch;
  }

  void delete_filtered(std::vector<sqs::DeleteMessageBatchEntry>& filtered) {
    if (filtered.empty()) return;
    (void)control_->delete_messages(filtered);
    {
      std::lock_guard lock(mu_);
      stats_.messages_filtered_out += filtered.size();
    }
    EventCounts counts;
    counts.filtered_out = static_cast<int64_t>(filtered.size());
    count_events(counts);
    filtered.clear();
  }

  // Tells options_.on_event_counts while the current configuration asks for EventCount metrics:
  // an update applies at once, also to a poll or batch that began under the earlier settings.
  void count_events(const EventCounts& counts) {
    if (!options_.on_event_counts) return;
    std::string uuid;
    {
      std::lock_guard lock(mu_);
      if (!settings_->config.counts_events()) return;
      uuid = settings_->config.uuid;
    }
    options_.on_event_counts(uuid, counts);
  }

  // Waits on the clock until `deadline_ms` or until the poller is told to stop.
  void wait_for_stop_until(Poller& p, int64_t deadline_ms) {
    std::unique_lock lock(mu_);
    clock().wait_until(slot_cv_, lock, deadline_ms, [&] { return p.stop.load(); });
  }

  // Waits on the clock until `deadline_ms` at most: a notification of slot_cv_ (stopping among
  // them) or a move of a ManualClock ends it sooner, and the caller receives again.
  void pause_until(Poller& p, int64_t deadline_ms) {
    std::unique_lock lock(mu_);
    if (!p.stop) clock().wait_until(slot_cv_, lock, deadline_ms);
  }

  // Receiving failed (error set) or succeeded after failing: told once per change of state or
  // of error code.
  void note_receive_state(const common::AwsError* error) {
    std::optional<ReceiveStateChange> change;
    {
      std::lock_guard lock(mu_);
      const std::string code = error ? std::string(error->info().query_code) : std::string();
      if (code == receive_error_code_ && (error != nullptr) == receive_failing_.load()) return;
      receive_error_code_ = code;
      receive_failing_ = error != nullptr;
      if (options_.on_receive_state) {
        const auto& config = settings_->config;
        change = ReceiveStateChange{config.uuid,
                                    config.event_source_arn,
                                    error != nullptr,
                                    code,
                                    error ? error->message : std::string(),
                                    error ? kReceiveBackoffMs : 0};
      }
    }
    if (change) options_.on_receive_state(*change);
  }

  void note_problem(std::string text) {
    std::optional<ProcessingResultChange> change;
    {
      std::lock_guard lock(mu_);
      change = set_processing_result(std::move(text));
    }
    tell(change);
  }

  // Sets LastProcessingResult (mu_ held); the change to tell options_.on_processing_result, once
  // mu_ is released, when the value is new and someone listens.
  std::optional<ProcessingResultChange> set_processing_result(std::string text) {
    if (last_processing_result_ == text) return std::nullopt;
    last_processing_result_ = text;
    if (!options_.on_processing_result) return std::nullopt;
    const auto& config = settings_->config;
    return ProcessingResultChange{config.uuid, config.event_source_arn, config.function_arn, std::move(text)};
  }

  void tell(const std::optional<ProcessingResultChange>& change) const {
    if (change) options_.on_processing_result(*change);
  }

  // ---- workers -----------------------------------------------------------------------------------

  void dispatch(Job job, bool full) {
    bool grew = false;
    {
      std::lock_guard lock(mu_);
      grew = grow_on_backlog(full);
      ready_.push_back(std::move(job));
    }
    if (grew) slot_free_cv_.notify_all();
    start_workers();
  }

  // Backlog: a full batch was closed and every slot is taken. Grow by one, at most once per
  // scale-up interval (mu_ held). True when the limit grew.
  bool grow_on_backlog(bool full) {
    const int64_t now_ms = clock().now_ms();
    if (!full || in_flight_ < limit_ || limit_ >= max_limit() ||
        now_ms - last_scale_up_ms_ < options_.scale_up_interval_ms)
      return false;
    ++limit_;
    last_scale_up_ms_ = now_ms;
    return true;
  }

  // Starts workers for the batches in ready_ that no worker is about to take, within the limit.
  void start_workers() {
    size_t start = 0;
    {
      std::lock_guard lock(mu_);
      while (workers_ < std::max<int64_t>(limit_, 1) && static_cast<size_t>(workers_ - busy_workers_) < ready_.size()) {
        ++workers_;
        ++start;
      }
    }
    for (size_t i = 0; i < start; ++i) batches_->submit([this] { work(); });
  }

  // A worker: settles batches from ready_ until there is none, or until the limit has dropped
  // below the number of workers. After each batch it keeps its slot and receives the next batch
  // itself when that batch is complete as received (see feeds_itself()).
  void work() {
    for (;;) {
      Job job;
      {
        std::lock_guard lock(mu_);
        if (ready_.empty() || workers_ > std::max<int64_t>(limit_, 1)) {
          --workers_;
          return;
        }
        job = std::move(ready_.front());
        ready_.pop_front();
        ++busy_workers_;
      }
      for (;;) {
        const int64_t began_ms = clock().now_ms();
        if (handing_back_) hand_back(job);
        else run(job);
        const int64_t took_ms = clock().now_ms() - began_ms;
        std::shared_ptr<const Settings> settings;
        {
          std::lock_guard lock(mu_);
          quick_batches_ = took_ms < kQuickBatchMs;
          if (feeds_itself()) {
            settings = settings_;
          } else {
            --busy_workers_;
            free_slot();
          }
        }
        if (!settings) break;
        auto next = receive_complete_batch(std::move(settings));
        if (!next) {
          std::lock_guard lock(mu_);
          --busy_workers_;
          free_slot();
          break;
        }
        job = std::move(*next);
      }
    }
  }

  // Whether a worker that settled a batch receives the next one itself, in the slot it holds
  // (mu_ held): while the pollers poll, nothing waits in ready_, the limit has room for this
  // worker, and a batch is complete as soon as it is received (no batching window, no filters).
  // Under a backlog the worker then goes from batch to batch without waiting for a poller, which
  // is what made the throughput of small batches depend on the scheduler; an empty receive ends
  // it, and the pollers' long polls take over.
  bool feeds_itself() const {
    const auto& c = settings_->config;
    return polling_ && !handing_back_ && ready_.empty() && workers_ <= std::max<int64_t>(limit_, 1) &&
           c.maximum_batching_window_in_seconds == 0 && settings_->filters.empty() && !receive_failing_;
  }

  // One immediate receive of up to BatchSize messages, as a poller does with no batching window:
  // what it returns is a complete batch (split at the payload limit; the batches after the first
  // go to ready_, each in a slot of its own). nullopt when it returns nothing or fails (the
  // pollers meet and report a failing queue).
  std::optional<Job> receive_complete_batch(std::shared_ptr<const Settings> settings) {
    const size_t batch_size = static_cast<size_t>(settings->config.batch_size);
    const int want = static_cast<int>(
        std::min<size_t>(static_cast<size_t>(std::max(1, options_.max_messages_per_receive)), batch_size));
    auto got = control_->receive(want, 0, std::nullopt);
    if (!got) return std::nullopt;
    count_events(EventCounts{static_cast<int64_t>(got->size())});  // an empty poll too, as the pollers'
    if (got->empty()) return std::nullopt;
    std::vector<Job> jobs(1);
    size_t bytes = 0;
    for (auto& m : *got) {
      const size_t size = detail::record_payload_size(m);
      if (!jobs.back().messages.empty() && bytes + size > options_.max_batch_payload_bytes) {
        jobs.emplace_back();
        bytes = 0;
      }
      bytes += size;
      jobs.back().messages.push_back(std::move(m));
    }
    for (auto& job : jobs) job.settings = settings;
    bool grew = false;
    {
      std::lock_guard lock(mu_);
      grew = grow_on_backlog(jobs.size() > 1 || jobs.front().messages.size() >= batch_size);
      for (size_t i = 1; i < jobs.size(); ++i) {
        ++in_flight_;
        ready_.push_back(std::move(jobs[i]));
      }
    }
    if (grew) slot_free_cv_.notify_all();
    if (jobs.size() > 1) start_workers();
    return std::move(jobs.front());
  }

  // A batch that never reached the function (drain()): its messages are visible again at once.
  void hand_back(Job& job) {
    std::vector<sqs::ChangeVisibilityBatchEntry> entries;
    entries.reserve(job.messages.size());
    for (size_t i = 0; i < job.messages.size(); ++i)
      entries.push_back({std::to_string(i), std::move(job.messages[i].receipt_handle), 0});
    auto outcome = control_->change_visibility(entries);
    std::lock_guard lock(mu_);
    if (outcome) stats_.messages_handed_back += outcome->successful.size();
  }

  void run(Job& job) {
    const auto& config = job.settings->config;
    detail::RecordViews views(job.messages, control_->arn(), control_->region());
    functions::InvocationRequest request;
    request.sqs_records = views.records();
    {
      std::lock_guard lock(mu_);
      ++executing_;
      stats_.max_in_flight = std::max(stats_.max_in_flight, executing_);
    }
    uint64_t beat = 0;
    if (heartbeat_) {
      std::vector<std::string> handles;
      handles.reserve(job.messages.size());
      for (const auto& m : job.messages) handles.push_back(m.receipt_handle);
      beat = heartbeat_->add(std::move(handles));
    }
    functions::InvocationResult result = function_->invoke(request);
    if (heartbeat_) heartbeat_->remove(beat);
    {
      std::lock_guard lock(mu_);
      --executing_;
    }

    std::vector<bool> keep(job.messages.size(), false);
    bool failed = !result.ok();
    if (!failed && config.reports_batch_item_failures()) {
      std::unordered_set<std::string> ids;
      for (const auto& m : job.messages) ids.insert(m.message_id);
      auto partial = detail::read_partial_batch_response(result.payload, ids);
      if (partial.whole_batch_failed) {
        failed = true;
      } else {
        for (size_t i = 0; i < job.messages.size(); ++i) keep[i] = partial.failed.contains(job.messages[i].message_id);
        if (fifo_) keep_rest_of_failed_groups(job.messages, keep);
      }
    }
    if (failed) std::fill(keep.begin(), keep.end(), true);

    // The handles are not needed after this: moved, not copied.
    std::vector<sqs::DeleteMessageBatchEntry> entries;
    entries.reserve(job.messages.size());
    for (size_t i = 0; i < job.messages.size(); ++i)
      if (!keep[i]) entries.push_back({std::to_string(i), std::move(job.messages[i].receipt_handle)});
    uint64_t deleted = 0;
    if (!entries.empty()) {  // never an empty DeleteMessageBatch
      auto outcome = control_->delete_messages(entries);
      if (outcome) deleted = outcome->successful.size();
    }
    EventCounts counts;
    counts.invoked = static_cast<int64_t>(job.messages.size());
    counts.failed_invoke = static_cast<int64_t>(job.messages.size() - entries.size());
    counts.deleted = static_cast<int64_t>(deleted);
    count_events(counts);
    std::optional<ProcessingResultChange> change;
    {
      std::lock_guard lock(mu_);
      stats_.batches_invoked += 1;
      stats_.messages_invoked += job.messages.size();
      stats_.messages_deleted += deleted;
      stats_.messages_returned += job.messages.size() - entries.size();
      if (failed) stats_.failed_batches += 1;
      change = set_processing_result(failed ? "PROBLEM: Function call failed" : "OK");
    }
    tell(change);
  }

  // FIFO: once a message of a group stays, every later message of that group in the batch stays
  // too, so the group is retried in order.
  static void keep_rest_of_failed_groups(const std::vector<sqs::ReceivedMessage>& messages, std::vector<bool>& keep) {
    std::unordered_set<std::string> stopped;
    for (size_t i = 0; i < messages.size(); ++i) {
      std::string group(detail::system_attribute(messages[i], "MessageGroupId"));
      if (stopped.contains(group)) keep[i] = true;
      else if (keep[i]) stopped.insert(std::move(group));
    }
  }

  // Immutable after construction.
  const std::shared_ptr<FunctionInvoker> function_;
  const SourceFactory sources_;
  const RuntimeOptions options_;
  const std::unique_ptr<sqs::QueueSource> control_;  // attributes and deletes; never interrupted
  const bool fifo_;
  ValidationContext validation_context_;                    // set once, before the mapping is shared
  std::unique_ptr<detail::VisibilityHeartbeat> heartbeat_;  // set with it; null when off
  std::atomic<bool> handing_back_{false};                   // drain() was called
  std::atomic<bool> receive_failing_{false};                // written under mu_

  common::Mutex control_mu_;
  std::vector<std::unique_ptr<Poller>> pollers_ GUARDED_BY(control_mu_);  // p->stop is atomic

  mutable std::mutex mu_;
  std::condition_variable slot_cv_;       // the limit changed, or pollers stop (window pauses wait on it)
  std::condition_variable slot_free_cv_;  // a slot was freed, the limit changed, or pollers stop
  int slot_waiters_ = 0;                  // pollers waiting on slot_free_cv_
  std::deque<Job> ready_;                 // closed batches no worker has taken yet
  int64_t workers_ = 0;                   // lane jobs taking batches from ready_
  int64_t busy_workers_ = 0;              // of those, settling a batch
  bool quick_batches_ = false;            // the last batch settled within kQuickBatchMs
  bool polling_ = false;                  // the pollers run (workers may receive too, feeds_itself())
  std::shared_ptr<const Settings> settings_;
  bool started_ = false;
  std::string state_ = "Creating";
  std::string last_processing_result_ = "No records processed";
  int64_t limit_ = 0;
  int64_t in_flight_ = 0;  // slots taken: batches being formed, queued or invoked
  int64_t executing_ = 0;  // batches inside the function
  int64_t last_scale_up_ms_ = 0;
  MappingStats stats_;
  std::string receive_error_code_;             // of the last failed receive while receive_failing_
  std::unique_ptr<common::WorkLane> batches_;  // last: its jobs use every member above
};

}  // namespace

common::Outcome<std::unique_ptr<EventSourceMapping>> EventSourceMapping::create(
    const CreateMappingRequest& request, std::shared_ptr<FunctionInvoker> function, SourceFactory sources,
    RuntimeOptions options) {
  if (!options.clock) options.clock = common::system_clock();
  if (!options.work_pool) options.work_pool = common::WorkPool::create();
  std::unique_ptr<sqs::QueueSource> control = sources ? sources() : nullptr;
  if (!control || !function)
    return common::AwsError{common::AwsErrorCode::LambdaInvalidParameterValue,
                            "The event source or the function is missing."};
  CreateMappingRequest resolved_request = request;
  if (resolved_request.event_source_arn.empty()) resolved_request.event_source_arn = control->arn();
  EventSourceMappingConfiguration config = resolve(resolved_request, function->function_arn());

  // As on AWS, a queue that cannot be read refuses the mapping at creation.
  auto attrs = control->attributes({"VisibilityTimeout"});
  if (!attrs)
    return common::AwsError{
        common::AwsErrorCode::LambdaInvalidParameterValue,
        "Error occurred while ReceiveMessage. SQS Error Code: " + std::string(attrs.error().info().query_code) +
            ". SQS Error Message: " + attrs.error().message};
  ValidationContext context;
  context.fifo = control->arn().ends_with(".fifo");
  if (auto it = attrs->find("VisibilityTimeout"); it != attrs->end())
    context.queue_visibility_timeout_s = std::stoll(it->second);
  context.function_timeout_s = (function->timeout_ms() + 999) / 1000;
  if (auto error = validate(config, context)) return *error;

  auto settings = std::make_shared<Settings>();
  settings->filters = std::move(*detail::FilterSet::compile(Mapping::patterns_of(config)));
  config.last_modified_ms = options.clock->now_ms();
  settings->config = std::move(config);
  auto mapping = std::make_unique<Mapping>(std::move(function), std::move(sources), options, std::move(control),
                                           std::move(settings), context.fifo);
  mapping->set_validation_context(context);
  return std::unique_ptr<EventSourceMapping>(std::move(mapping));
}

}  // namespace sluice::esm
