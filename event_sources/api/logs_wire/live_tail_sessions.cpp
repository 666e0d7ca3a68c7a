// StartLiveTail's sessions: see live_tail_sessions.h.

#include "live_tail_sessions.h"

#include <boost/json.hpp>

#include <numeric>

#include "sluice/api/eventstream/eventstream.h"
#include "sluice/common/crypto.h"

namespace sluice::api::logs_wire::detail {
namespace {

namespace json = boost::json;

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

std::string session_start(const LiveTailRequest& request, const std::string& request_id) {
  json::object start;
  start["requestId"] = request_id;
  start["sessionId"] = common::uuid4();
  start["logGroupIdentifiers"] = strings(request.group_identifiers);
  if (!request.filter.stream_names.empty()) start["logStreamNames"] = strings(request.filter.stream_names);
  if (!request.filter.stream_prefixes.empty()) start["logStreamNamePrefixes"] = strings(request.filter.stream_prefixes);
  start["logEventFilterPattern"] = request.pattern_text;
  return eventstream::event("sessionStart", json::serialize(start));
}

std::string session_update(const logs::TailUpdate& update) {
  json::array results;
  for (const auto& e : update.events) {
    results.push_back(json::object{{"logStreamName", e.stream},
                                   {"logGroupIdentifier", e.group_identifier},
                                   {"message", e.message},
                                   {"timestamp", e.timestamp_ms},
                                   {"ingestionTime", e.ingestion_time_ms}});
  }
  json::object body;
  body["sessionMetadata"] = json::object{{"sampled", update.sampled}};
  body["sessionResults"] = std::move(results);
  return eventstream::event("sessionUpdate", json::serialize(body));
}

}  // namespace

void LiveTailSessions::attach(server::ServiceHost& host) { host_ = &host; }

void LiveTailSessions::start(http::ResponderPtr responder, LiveTailRequest request, const server::CallContext& ctx) {
  http::Response head;
  head.status = 200;
  head.header_lines =
      "x-amzn-RequestId: " + ctx.request_id + "\r\nContent-Type: application/vnd.amazon.eventstream\r\n";
  http::BodyStreamPtr stream = responder->respond_stream(std::move(head));
  if (!stream) return;
  // The JSON protocol's first event carries the output's members other than the stream: none.
  stream->write(eventstream::event("initial-response", "{}"));
  stream->write(session_start(request, ctx.request_id));
  auto session = std::make_shared<Session>();
  session->stream = std::move(stream);
  session->ends_at_ms = host_->clock()->now_ms() + kSessionLimitMs;
  session->tail_id = tails_->open(std::move(request.filter));
  host_->http(0).post([self = shared_from_this(), session] { self->begin(session); });
}

void LiveTailSessions::begin(std::shared_ptr<Session> session) {
  const uint64_t id = session->tail_id;
  if (ended_) {
    tails_->close(id);
    session->stream->end();
    return;
  }
  sessions_[id] = session;
  std::weak_ptr<LiveTailSessions> weak = weak_from_this();
  // The connection may be on another front-door loop, whose thread runs this: the session is
  // forgotten on loop 0's, where the sessions live.
  server::ServiceHost* host = host_;
  session->stream->on_close([weak, id, host] {
    host->http(0).post([weak, id] {
      if (auto self = weak.lock()) self->finish(id);
    });
  });
  session->timer = host_->http(0).add_timer(kUpdateIntervalMs, [weak, id] {
    if (auto self = weak.lock()) self->update(id);
  });
}

void LiveTailSessions::update(uint64_t tail_id) {
  auto it = sessions_.find(tail_id);
  if (it == sessions_.end()) return;
  Session& session = *it->second;
  session.timer = 0;
  if (!session.stream->open()) {
    finish(tail_id);
    return;
  }
  if (host_->clock()->now_ms() >= session.ends_at_ms) {
    session.stream->write(
        eventstream::exception("SessionTimeoutException", R"({"message":"Session timed out after 3 hours."})"));
    finish(tail_id);
    return;
  }
  const logs::TailUpdate update = tails_->take(tail_id);
  session.held.push_back(session_update(update));
  session.held_events.push_back(update.events.size());
  // A slow reader: the oldest held updates go first (the newest one always stays).
  while (session.held.size() > 1 &&
         (session.held.size() > kMaxHeldUpdates ||
          std::accumulate(session.held_events.begin(), session.held_events.end(), size_t{0}) > kMaxHeldEvents)) {
    session.held.pop_front();
    session.held_events.pop_front();
  }
  send_held(session);
  if (!session.stream->open()) {
    finish(tail_id);
    return;
  }
  std::weak_ptr<LiveTailSessions> weak = weak_from_this();
  session.timer = host_->http(0).add_timer(kUpdateIntervalMs, [weak, tail_id] {
    if (auto self = weak.lock()) self->update(tail_id);
  });
}

void LiveTailSessions::send_held(Session& session) {
  while (!session.held.empty()) {
    if (session.stream->write(session.held.front()) != http::BodyStream::Write::kQueued) return;
    session.held.pop_front();
    session.held_events.pop_front();
  }
}

void LiveTailSessions::finish(uint64_t tail_id) {
  auto it = sessions_.find(tail_id);
  if (it == sessions_.end()) return;
  std::shared_ptr<Session> session = std::move(it->second);
  sessions_.erase(it);
  if (session->timer != 0) host_->http(0).cancel_timer(session->timer);
  tails_->close(tail_id);
  session->stream->end();
}

void LiveTailSessions::end_all() {
  ended_ = true;
  while (!sessions_.empty()) finish(sessions_.begin()->first);
}

}  // namespace sluice::api::logs_wire::detail
