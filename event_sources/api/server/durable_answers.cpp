// DurableAnswers: see durable_answers.h.

#include "sluice/api/server/durable_answers.h"

#include <algorithm>
#include <optional>
#include <string>

namespace sluice::api::server {
namespace {

class DeferringResponder final : public http::Responder {
 public:
  DeferringResponder(http::ResponderPtr inner, DurableAnswers& answers, Protocol protocol, uint64_t (*current_ticket)())
      : inner_(std::move(inner)), answers_(answers), protocol_(protocol), current_ticket_(current_ticket) {}

  void respond(http::Response response) override {
    const uint64_t ticket = current_ticket_();
    if (ticket == 0) {
      inner_->respond(std::move(response));
      return;
    }
    answers_.hold(ticket, inner_, std::move(response), protocol_);
  }

  // A streamed answer reports what happens as it happens; it is not held for a commit.
  http::BodyStreamPtr respond_stream(http::Response head) override { return inner_->respond_stream(std::move(head)); }

  void on_cancel(std::function<void()> cancelled) override { inner_->on_cancel(std::move(cancelled)); }

 private:
  http::ResponderPtr inner_;
  DurableAnswers& answers_;
  Protocol protocol_;
  uint64_t (*current_ticket_)();
};

}  // namespace

DurableAnswers::DurableAnswers(Commit commit, RenderError render_error)
    : commit_(std::move(commit)), render_error_(std::move(render_error)) {}

DurableAnswers::~DurableAnswers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void DurableAnswers::hold(uint64_t ticket, http::ResponderPtr responder, http::Response response, Protocol protocol) {
  {
    std::lock_guard lock(mutex_);
    held_.push_back({ticket, std::move(responder), std::move(response), protocol});
    // Started by the first held answer: an in-memory engine never has one.
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  ready_.notify_one();
}

void DurableAnswers::run() {
  std::vector<Held> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_.wait(lock, [this] { return stopping_ || !held_.empty(); });
    if (held_.empty()) return;  // stopping, nothing left to send
    batch.swap(held_);
    lock.unlock();
    uint64_t ticket = 0;
    for (const Held& h : batch) ticket = std::max(ticket, h.ticket);
    std::optional<common::AwsError> failure;
    try {
      common::Status committed = commit_(ticket);
      if (!committed) failure = committed.take_error();
    } catch (const std::exception& e) {
      failure = common::aws_error(common::AwsErrorCode::InternalFailure, e.what());
    }
    for (Held& h : batch) {
      if (failure) {
        h.responder->respond(render_error_(h.protocol, *failure));
      } else {
        h.responder->respond(std::move(h.response));
      }
    }
    batch.clear();
    lock.lock();
  }
}

http::ResponderPtr deferring_responder(http::ResponderPtr inner, DurableAnswers& answers, Protocol protocol,
                                       uint64_t (*current_ticket)()) {
  return std::make_shared<DeferringResponder>(std::move(inner), answers, protocol, current_ticket);
}

}  // namespace sluice::api::server
