// Live Tail sessions: see live_tail.h.
//
// Sampling: a session counts every event that matched since its last update and keeps a uniform
// sample of at most 500 of them (reservoir sampling), each with its arrival number so that the
// update lists them in the order they came.

#include "sluice/logs/live_tail.h"

#include <algorithm>
#include <random>

namespace sluice::logs {

struct LiveTails::Session {
  uint64_t id = 0;
  LiveTailFilter filter;
  struct Held {
    uint64_t arrival = 0;
    TailedEvent event;
  };
  std::vector<Held> held;
  uint64_t matched = 0;  // since the last update
  std::minstd_rand random;

  // The identifier the session labels `group`'s events with, or null when it does not tail it.
  const std::string* identifier_of(const std::string& group) const {
    for (const auto& g : filter.groups) {
      if (g.name == group) return &g.identifier;
    }
    return nullptr;
  }

  bool tails_stream(const std::string& stream) const {
    if (filter.stream_names.empty() && filter.stream_prefixes.empty()) return true;
    if (std::find(filter.stream_names.begin(), filter.stream_names.end(), stream) != filter.stream_names.end())
      return true;
    return std::any_of(filter.stream_prefixes.begin(), filter.stream_prefixes.end(),
                       [&](const std::string& prefix) { return stream.compare(0, prefix.size(), prefix) == 0; });
  }

  void offer(TailedEvent event) {
    const uint64_t arrival = matched++;
    if (held.size() < kMaxEventsPerUpdate) {
      held.push_back({arrival, std::move(event)});
      return;
    }
    // Reservoir: the n-th match replaces a held one with probability 500/n.
    std::uniform_int_distribution<uint64_t> pick(0, arrival);
    const uint64_t slot = pick(random);
    if (slot < kMaxEventsPerUpdate) held[static_cast<size_t>(slot)] = {arrival, std::move(event)};
  }
};

LiveTails::LiveTails() = default;
LiveTails::~LiveTails() = default;

uint64_t LiveTails::open(LiveTailFilter filter) {
  common::MutexLock lock(mu_);
  auto session = std::make_unique<Session>();
  session->id = next_id_++;
  session->filter = std::move(filter);
  session->random.seed(static_cast<std::minstd_rand::result_type>(session->id));
  sessions_.push_back(std::move(session));
  return sessions_.back()->id;
}

void LiveTails::close(uint64_t session) {
  common::MutexLock lock(mu_);
  sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                 [session](const std::unique_ptr<Session>& s) { return s->id == session; }),
                  sessions_.end());
}

TailUpdate LiveTails::take(uint64_t session) {
  common::MutexLock lock(mu_);
  TailUpdate update;
  for (auto& s : sessions_) {
    if (s->id != session) continue;
    update.sampled = s->matched > s->held.size();
    std::sort(s->held.begin(), s->held.end(),
              [](const Session::Held& a, const Session::Held& b) { return a.arrival < b.arrival; });
    update.events.reserve(s->held.size());
    for (auto& h : s->held) update.events.push_back(std::move(h.event));
    s->held.clear();
    s->matched = 0;
    break;
  }
  return update;
}

void LiveTails::ingest(const IngestedEvents& ingested) {
  common::MutexLock lock(mu_);
  for (auto& s : sessions_) {
    const std::string* identifier = s->identifier_of(ingested.group);
    if (identifier == nullptr || !s->tails_stream(ingested.stream)) continue;
    for (const auto& e : ingested.events) {
      if (s->filter.pattern && !s->filter.pattern->matches(e.message)) continue;
      s->offer(TailedEvent{*identifier, ingested.stream, e.message, e.timestamp_ms, ingested.ingestion_time_ms});
    }
  }
}

size_t LiveTails::open_sessions() const {
  common::MutexLock lock(mu_);
  return sessions_.size();
}

}  // namespace sluice::logs
