// Lambda deliveries: SNS invokes functions asynchronously, so a delivery is one queued event and
// the asynchronous-invocation rules apply: on a function error two more attempts, 1 and then 2
// minutes later (options.retry_delays_ms), then the function's on-failure step (the invoker),
// then the subscription's DLQ. A function that cannot be found is a client-side error: no
// retries, straight to the DLQ.

#include "internal.h"

namespace sluice::sns {

using detail::AttemptResult;

bool is_client_side_lambda_error(std::string_view error_type) {
  return error_type == "ResourceNotFoundException" || error_type == "FunctionNotFound" ||
         error_type == "AccessDeniedException";
}

struct LambdaDelivery::Impl {
  LambdaDeliveryOptions options;
  std::unique_ptr<detail::Journal> journal;
  std::unique_ptr<detail::DeliveryRunner> runner;

  // The last failure per message, for the on-failure step (attempts of one job never overlap).
  std::mutex errors_mu;
  std::map<std::string, std::pair<std::string, std::string>> last_error;  // subscription+message id

  static std::string key(const Delivery& d) { return d.subscription_arn + "\n" + d.message_id; }

  AttemptResult attempt(const Delivery& d) {
    std::string type;
    std::string message;
    if (options.authorize_invoke) {
      if (auto refusal = options.authorize_invoke(d.topic_arn, d.endpoint)) {
        std::lock_guard lock(errors_mu);
        last_error[key(d)] = {"AccessDeniedException", std::move(*refusal)};
        return AttemptResult::Permanent;
      }
    }
    if (options.invoker->invoke(d.endpoint, d.lambda_event_json(), &type, &message)) {
      {
        std::lock_guard lock(errors_mu);
        last_error.erase(key(d));
      }
      if (options.on_outcome) options.on_outcome(d, true);
      return AttemptResult::Delivered;
    }
    {
      std::lock_guard lock(errors_mu);
      last_error[key(d)] = {type, message};
    }
    return is_client_side_lambda_error(type) ? AttemptResult::Permanent : AttemptResult::Retry;
  }

  std::optional<int64_t> retry_delay(int failures) const {
    if (failures < 1 || static_cast<size_t>(failures) > options.retry_delays_ms.size()) return std::nullopt;
    return options.retry_delays_ms[static_cast<size_t>(failures) - 1];
  }

  bool give_up(const Delivery& d, int attempts, bool client_side) {
    if (options.on_outcome) options.on_outcome(d, false);  // counted once, however many attempts
    std::pair<std::string, std::string> error;
    {
      std::lock_guard lock(errors_mu);
      auto it = last_error.find(key(d));
      if (it != last_error.end()) {
        error = std::move(it->second);
        last_error.erase(it);
      }
    }
    if (!client_side &&
        options.invoker->on_failure(d.endpoint, d.lambda_event_json(), attempts, error.first, error.second)) {
      return true;
    }
    return detail::send_to_dead_letter_queue(options.sqs, d, options.on_dead_letter);
  }
};

std::unique_ptr<LambdaDelivery> LambdaDelivery::open(const LambdaDeliveryOptions& options, std::string* error) {
  if (options.invoker == nullptr) {
    if (error != nullptr) *error = "a Lambda delivery needs a function invoker";
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (!options.data_dir.empty()) {
    impl->journal = detail::Journal::open(options.data_dir + "/sns_deliveries.db", error);
    if (!impl->journal) return nullptr;
  }
  Impl* self = impl.get();
  detail::DeliveryRunner::Hooks hooks;
  hooks.attempt = [self](const Delivery& d, int) { return self->attempt(d); };
  hooks.retry_delay_ms = [self](const Delivery&, int failures) { return self->retry_delay(failures); };
  hooks.give_up = [self](const Delivery& d, int attempts, bool client_side) {
    return self->give_up(d, attempts, client_side);
  };
  impl->runner = std::make_unique<detail::DeliveryRunner>("lambda", impl->journal.get(), options.threads,
                                                          options.clock ? options.clock : common::system_clock(),
                                                          options.work_pool, std::move(hooks));
  impl->runner->start();
  return std::unique_ptr<LambdaDelivery>(new LambdaDelivery(std::move(impl)));
}

LambdaDelivery::LambdaDelivery(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LambdaDelivery::~LambdaDelivery() { impl_->runner->stop(); }

void LambdaDelivery::deliver(const Delivery& delivery) { impl_->runner->submit(delivery); }

bool LambdaDelivery::accepting() { return !impl_->journal || !impl_->journal->failing(); }

size_t LambdaDelivery::pending() const { return impl_->runner->pending(); }

DeliveryStats LambdaDelivery::stats() const { return impl_->runner->stats(); }

}  // namespace sluice::sns
