// DurableAnswers: see durable_answers.h.

#include "durable_answers.h"

#include <algorithm>
#include <optional>
#include <string>

#include "sluice/common/crypto.h"

namespace sluice::api::sqs::detail {
namespace {

class DeferringResponder final : public http::Responder {
 public:
  DeferringResponder(http::ResponderPtr inner, DurableAnswers& answers, Protocol protocol)
      : inner_(std::move(inner)), answers_(answers), protocol_(protocol) {}

  void respond(http::Response response) override {
    const sluice::sqs::DeferDurability* deferral = sluice::sqs::DeferDurability::current();
    if (deferral == nullptr || deferral->ticket() == 0) {
      inner_->respond(std::move(response));
      return;
    }
    answers_.hold(deferral->ticket(), inner_, std::move(response), protocol_);
  }

 private:
  http::ResponderPtr inner_;
  DurableAnswers& answers_;
  Protocol protocol_;
};

}  // namespace

DurableAnswers::DurableAnswers(sluice::sqs::Engine& engine) : engine_(engine) {}

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
    std::optional<std::string> failure;
    try {
      engine_.wait_durable(ticket);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    for (Held& h : batch) {
      if (failure) {
        h.responder->respond(render_error(h.protocol, aws_error(AwsErrorCode::InternalFailure, *failure), uuid4()));
      } else {
        h.responder->respond(std::move(h.response));
      }
    }
    batch.clear();
    lock.lock();
  }
}

http::ResponderPtr deferring_responder(http::ResponderPtr inner, DurableAnswers& answers, Protocol protocol) {
  return std::make_shared<DeferringResponder>(std::move(inner), answers, protocol);
}

}  // namespace sluice::api::sqs::detail
