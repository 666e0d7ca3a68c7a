#pragma once
// StartLiveTail's sessions on the wire: each is a streamed answer in the event stream encoding
// (sluice/api/eventstream/eventstream.h) fed from logs::LiveTails.
//
// A session's answer opens with the JSON protocol's initial-response event and a sessionStart
// event, then carries one sessionUpdate a second (its events, possibly none). A client that reads
// slower than that gets its updates held, at most 10 updates or 5,000 events, the oldest dropped
// beyond, as CloudWatch Logs buffers; what is held goes out as soon as the connection's output cap
// lets it. The session ends with a SessionTimeoutException event after three hours (on the front
// door's clock, so a scaled clock shortens it), when the client goes away, or when the server
// drains.
//
// Threading: start() from any thread; everything else on loop 0's thread (the updates are the
// front door's timers).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "logs_actions.h"
#include "sluice/api/http/server.h"
#include "sluice/api/server/server.h"
#include "sluice/logs/live_tail.h"

namespace sluice::api::logs_wire::detail {

class LiveTailSessions : public std::enable_shared_from_this<LiveTailSessions> {
 public:
  static constexpr int64_t kSessionLimitMs = int64_t{3} * 3600 * 1000;
  static constexpr uint64_t kUpdateIntervalMs = 1000;
  static constexpr size_t kMaxHeldUpdates = 10;
  static constexpr size_t kMaxHeldEvents = 5000;

  explicit LiveTailSessions(std::shared_ptr<logs::LiveTails> tails) : tails_(std::move(tails)) {}

  void attach(server::ServiceHost& host);  // loop thread, before any start()
  void end_all();                          // loop thread: drain, detach
  // False before attach(): without the front door's loop there is nothing to stream on.
  bool attached() const { return host_ != nullptr; }
  // Any thread, once attached: answers the call with its stream and starts the session.
  void start(http::ResponderPtr responder, LiveTailRequest request, const server::CallContext& ctx);

 private:
  struct Session {
    uint64_t tail_id = 0;
    http::BodyStreamPtr stream;
    int64_t ends_at_ms = 0;
    uint64_t timer = 0;
    std::deque<std::string> held;  // encoded updates the connection could not take yet
    std::deque<size_t> held_events;
  };

  void begin(std::shared_ptr<Session> session);  // loop thread
  void update(uint64_t tail_id);                 // loop thread: one second's update
  void send_held(Session& session);
  void finish(uint64_t tail_id);  // loop thread: forgets the session, ends its stream

  std::shared_ptr<logs::LiveTails> tails_;
  server::ServiceHost* host_ = nullptr;                    // loop thread
  std::map<uint64_t, std::shared_ptr<Session>> sessions_;  // loop thread
  bool ended_ = false;                                     // loop thread: no session may begin
};

}  // namespace sluice::api::logs_wire::detail
