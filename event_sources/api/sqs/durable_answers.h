#pragma once
// Answers held back until the engine has committed what they report. SQS actions run on the loop
// thread under DeferDurability (engine.h): they change memory, log their change and return at
// once. An answer whose action logged something is held here; one thread commits on behalf of all
// held answers and then sends them. Each commit covers everything logged so far, so under load one
// commit releases many answers, the loop never waits for the disk, and no request is handed to
// another thread and back. An answer is still sent only after its change is durable.
//
// Lifecycle: construct with the engine; the thread starts with the first held answer. Destroy
// before the HTTP server: the destructor commits and sends whatever is still held, then joins.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "http/http_server.h"
#include "sluice/sqs/engine.h"
#include "wire.h"

namespace sluice::api::sqs::detail {

class DurableAnswers {
 public:
  explicit DurableAnswers(sluice::sqs::Engine& engine);
  ~DurableAnswers();
  DurableAnswers(const DurableAnswers&) = delete;
  DurableAnswers& operator=(const DurableAnswers&) = delete;

  // Sends `response` through `responder` once every change up to `ticket` is committed. When the
  // commit fails the client gets InternalFailure in `protocol` instead.
  void hold(uint64_t ticket, http::ResponderPtr responder, http::Response response, Protocol protocol);

 private:
  struct Held {
    uint64_t ticket;
    http::ResponderPtr responder;
    http::Response response;
    Protocol protocol;
  };
  void run();

  sluice::sqs::Engine& engine_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<Held> held_;  // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  std::thread thread_;      // guarded by mutex_ until joined
};

// A Responder that sends at once unless the answering thread's DeferDurability holds a ticket; then
// the answer waits in `answers` for that commit.
http::ResponderPtr deferring_responder(http::ResponderPtr inner, DurableAnswers& answers, Protocol protocol);

}  // namespace sluice::api::sqs::detail
