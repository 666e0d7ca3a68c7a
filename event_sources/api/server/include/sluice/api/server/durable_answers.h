#pragma once
// Answers held back until the store has committed what they report: how a Loop service (see
// server.h) answers durably without ever waiting on the loop thread. The SQS engine, for one, runs
// its actions under DeferDurability (sluice/sqs/engine.h): they change memory, log their change,
// return at once and leave a commit ticket on the thread. An answer whose action left a ticket is
// held here; one thread commits on behalf of all held answers and then sends them. Each commit
// covers everything logged so far, so under load one commit releases many answers, the loop never
// waits for the disk, and no request is handed to another thread and back. An answer is still sent
// only after its change is durable.
//
// Lifecycle: construct with the store's commit call; the thread starts with the first held answer.
// Destroy before the HTTP server: the destructor commits and sends whatever is still held, then
// joins.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <functional>

#include "sluice/api/http/server.h"
#include "sluice/api/server/server.h"

namespace sluice::api::server {

class DurableAnswers {
 public:
  // Returns once every change up to `ticket` is committed, or the error to answer instead.
  using Commit = std::function<common::Status(uint64_t ticket)>;
  // The answer a client gets instead when the commit failed.
  using RenderError = std::function<http::Response(Protocol, const common::AwsError&)>;

  DurableAnswers(Commit commit, RenderError render_error);
  ~DurableAnswers();
  DurableAnswers(const DurableAnswers&) = delete;
  DurableAnswers& operator=(const DurableAnswers&) = delete;

  // Sends `response` through `responder` once every change up to `ticket` is committed. When the
  // commit fails the client gets the commit's error in `protocol` instead.
  void hold(uint64_t ticket, http::ResponderPtr responder, http::Response response, Protocol protocol);

 private:
  struct Held {
    uint64_t ticket;
    http::ResponderPtr responder;
    http::Response response;
    Protocol protocol;
  };
  void run();

  Commit commit_;
  RenderError render_error_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<Held> held_;  // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  std::thread thread_;      // guarded by mutex_ until joined
};

// A Responder that sends at once unless current_ticket() (called on the answering thread) returns a
// ticket; then the answer waits in `answers` for that commit.
http::ResponderPtr deferring_responder(http::ResponderPtr inner, DurableAnswers& answers, Protocol protocol,
                                       uint64_t (*current_ticket)());

}  // namespace sluice::api::server
