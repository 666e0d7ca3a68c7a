// The audit trail (see sluice/audit/audit.h): the queue the front door fills, the lane job that
// writes it, the ring LookupEvents reads and its refill from the files at open.

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <utility>

#include "classification.h"
#include "event_record.h"
#include "sluice/audit/audit.h"
#include "sluice/audit/audit_reset.h"
#include "sluice/common/crypto.h"
#include "sluice/common/mutex.h"
#include "trail_files.h"

namespace sluice::audit {
namespace {

bool matches(const Event& event, const LookupQuery& query) {
  if (!event.management) return false;
  if (!query.account_id.empty() && event.account_id != query.account_id) return false;
  if (!query.region.empty() && event.region != query.region) return false;
  if (query.start_ms && event.time_ms < *query.start_ms) return false;
  if (query.end_ms && event.time_ms > *query.end_ms) return false;
  if (!query.key) return true;
  const std::string& v = query.value;
  switch (*query.key) {
    case LookupKey::EventId:
      return event.event_id == v;
    case LookupKey::EventName:
      return event.event_name == v;
    case LookupKey::ReadOnly:
      return (event.read_only ? "true" : "false") == v;
    case LookupKey::Username:
      return event.username == v;
    case LookupKey::EventSource:
      return event.event_source == v;
    case LookupKey::AccessKeyId:
      return event.access_key_id == v;
    case LookupKey::ResourceType:
    case LookupKey::ResourceName:
      for (const auto& r : event.resources) {
        if ((*query.key == LookupKey::ResourceType ? r.type : r.name) == v) return true;
      }
      return false;
  }
  return false;
}

// A page token names the last event given and the query it was given for, so that a token used
// with other parameters is refused as CloudTrail refuses it.
std::string query_fingerprint(const LookupQuery& query) {
  std::string text = query.account_id + '|' + query.region + '|';
  text += query.key ? std::to_string(static_cast<int>(*query.key)) : "-";
  text += '|' + query.value + '|' + (query.start_ms ? std::to_string(*query.start_ms) : "-") + '|' +
          (query.end_ms ? std::to_string(*query.end_ms) : "-");
  return common::sha256_hex(text).substr(0, 16);
}

std::optional<uint64_t> token_sequence(const std::string& token, const LookupQuery& query) {
  const auto decoded = common::base64_decode(token);
  if (!decoded) return std::nullopt;
  const size_t dot = decoded->find('.');
  if (dot == std::string::npos || decoded->substr(dot + 1) != query_fingerprint(query)) return std::nullopt;
  uint64_t sequence = 0;
  for (size_t i = 0; i < dot; ++i) {
    const char c = (*decoded)[i];
    if (c < '0' || c > '9') return std::nullopt;
    sequence = sequence * 10 + static_cast<uint64_t>(c - '0');
  }
  return dot == 0 ? std::nullopt : std::optional<uint64_t>(sequence);
}

class TrailImpl final : public Trail {
 public:
  explicit TrailImpl(TrailOptions options) : options_(std::move(options)) {
    if (!options_.clock) options_.clock = common::system_clock();
    if (!options_.work_pool) options_.work_pool = common::WorkPool::create();
    if (!options_.data_dir.empty()) {
      files_ = std::make_unique<detail::TrailFiles>(options_.data_dir + "/cloudtrail", options_.max_file_bytes,
                                                    options_.max_file_age_ms, options_.max_files);
    }
    lane_ = options_.work_pool->lane("audit", 1);
  }

  ~TrailImpl() override { lane_.reset(); }  // writes what is queued

  bool load_files(std::string* error) {
    if (!files_) return true;
    if (!files_->prepare(error)) return false;
    // The newest records again, for lookup: read every file, keep the last ring_capacity.
    common::MutexLock lock(mu_);
    for (const std::string& path : files_->existing()) {
      std::ifstream in(path);
      std::string line;
      while (std::getline(in, line)) {
        if (auto event = detail::read_event(line, next_sequence_ + 1)) {
          ++next_sequence_;
          push_locked(std::move(*event));
        }
      }
    }
    return true;
  }

  bool records(std::string_view service, std::string_view event_name) const override {
    if (detail::event_source(service).empty()) return false;
    return options_.data_events || !detail::is_data_event(service, event_name);
  }

  bool keeps_answer(std::string_view service, std::string_view event_name) const override {
    return detail::keeps_answer(service, event_name);
  }

  void record(ApiCall call) override {
    if (call.time_ms == 0) call.time_ms = options_.clock->now_ms();
    bool start = false;
    {
      common::MutexLock lock(mu_);
      queue_.push_back(std::move(call));
      start = !writing_;
      writing_ = true;
    }
    if (start) lane_->submit([this] { write_queued(); });
  }

  void flush() override {
    common::MutexLock lock(mu_);
    while (writing_) mu_.wait(written_);
  }

  common::Outcome<LookupPage> lookup(const LookupQuery& query) override {
    flush();
    std::optional<uint64_t> before;
    if (!query.next_token.empty()) {
      before = token_sequence(query.next_token, query);
      if (!before) return common::aws_error(common::AwsErrorCode::CloudTrailInvalidNextToken, "Invalid NextToken");
    }
    LookupPage page;
    common::MutexLock lock(mu_);
    for (auto it = ring_.rbegin(); it != ring_.rend(); ++it) {
      if (before && it->sequence >= *before) continue;
      if (!matches(*it, query)) continue;
      if (page.events.size() == query.max_results) {
        page.next_token =
            common::base64_encode(std::to_string(page.events.back().sequence) + "." + query_fingerprint(query));
        break;
      }
      page.events.push_back(*it);
    }
    return page;
  }

  // See audit_reset.h.
  size_t reset(std::string_view account_id, std::string_view region) {
    {
      // The files are this call's until it is done (the lane's job writes them otherwise): it
      // waits for the job to finish what is queued, and what is recorded meanwhile waits for it.
      common::MutexLock lock(mu_);
      while (writing_) mu_.wait(written_);
      writing_ = true;
    }
    auto of_scope = [&](std::string_view record) { return detail::recorded_for(record, account_id, region); };
    if (files_ && !files_->remove_lines(of_scope)) {
      std::fprintf(stderr,
                   "sluice: audit trail: reset: a file could not be rewritten; its events come back at "
                   "the next start\n");
    }
    size_t removed = 0;
    bool queued = false;
    {
      common::MutexLock lock(mu_);
      removed = std::erase_if(ring_, [&](const Event& event) { return of_scope(event.record); });
      queued = !queue_.empty();
      writing_ = queued;
      if (!queued) written_.notify_all();
    }
    if (queued) lane_->submit([this] { write_queued(); });
    return removed;
  }

 private:
  // The lane's one job at a time: everything queued, in batches, until the queue stays empty.
  void write_queued() {
    for (;;) {
      std::vector<ApiCall> batch;
      {
        common::MutexLock lock(mu_);
        if (queue_.empty()) {
          writing_ = false;
          written_.notify_all();
          return;
        }
        batch.swap(queue_);
      }
      std::vector<Event> events;
      events.reserve(batch.size());
      std::string lines;
      for (ApiCall& call : batch) {
        if (call.decode) call.decode(call);
        events.push_back(detail::build_event(call, 0));
        lines += events.back().record;
        lines += '\n';
      }
      if (files_) files_->append(lines, options_.clock->now_ms());
      common::MutexLock lock(mu_);
      for (Event& event : events) {
        event.sequence = ++next_sequence_;
        push_locked(std::move(event));
      }
    }
  }

  void push_locked(Event event) REQUIRES(mu_) {
    ring_.push_back(std::move(event));
    while (ring_.size() > options_.ring_capacity) ring_.pop_front();
  }

  TrailOptions options_;
  std::unique_ptr<detail::TrailFiles> files_;  // null in memory; the lane's job alone writes
  common::Mutex mu_;
  std::condition_variable written_;
  std::vector<ApiCall> queue_ GUARDED_BY(mu_);
  bool writing_ GUARDED_BY(mu_) = false;  // a job is queued or running
  std::deque<Event> ring_ GUARDED_BY(mu_);
  uint64_t next_sequence_ GUARDED_BY(mu_) = 0;  // the last recorded event's
  std::unique_ptr<common::WorkLane> lane_;      // last: destroyed first, after it wrote the queue
};

}  // namespace

std::optional<LookupKey> lookup_key_named(std::string_view name) {
  static constexpr std::pair<std::string_view, LookupKey> kKeys[] = {
      {"EventId", LookupKey::EventId},           {"EventName", LookupKey::EventName},
      {"ReadOnly", LookupKey::ReadOnly},         {"Username", LookupKey::Username},
      {"ResourceType", LookupKey::ResourceType}, {"ResourceName", LookupKey::ResourceName},
      {"EventSource", LookupKey::EventSource},   {"AccessKeyId", LookupKey::AccessKeyId},
  };
  for (const auto& [key_name, key] : kKeys) {
    if (key_name == name) return key;
  }
  return std::nullopt;
}

size_t reset_events(Trail& trail, std::string_view account_id, std::string_view region) {
  // Trail::open makes every trail there is.
  return static_cast<TrailImpl&>(trail).reset(account_id, region);
}

std::shared_ptr<Trail> Trail::open(TrailOptions options, std::string* error) {
  auto trail = std::make_shared<TrailImpl>(std::move(options));
  if (!trail->load_files(error)) return nullptr;
  return trail;
}

}  // namespace sluice::audit
