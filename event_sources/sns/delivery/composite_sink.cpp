// Routes each delivery to the sink for its protocol; email and sms never get here (the service
// writes them to its outbox).

#include "sluice/sns/delivery.h"

namespace sluice::sns {

void CompositeSink::deliver(const Delivery& delivery) {
  DeliverySink* target = other_;
  if (delivery.protocol == "http" || delivery.protocol == "https") {
    target = http_;
  } else if (delivery.protocol == "lambda") {
    target = lambda_;
  }
  if (target != nullptr) target->deliver(delivery);
}

bool CompositeSink::accepting() {
  for (DeliverySink* sink : {http_, lambda_, other_}) {
    if (sink != nullptr && !sink->accepting()) return false;
  }
  return true;
}

}  // namespace sluice::sns
