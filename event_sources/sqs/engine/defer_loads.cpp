// DeferLoads (engine.h): which object, if any, collects the queue a call could not run without
// reading from the store, on this thread.

#include <stdexcept>

#include "sluice/sqs/engine.h"

namespace sluice::sqs {
namespace {

thread_local DeferLoads* t_deferred_loads = nullptr;

}  // namespace

DeferLoads::DeferLoads() {
  if (t_deferred_loads != nullptr) throw std::logic_error("DeferLoads: one per thread at a time");
  t_deferred_loads = this;
}

DeferLoads::~DeferLoads() {
  if (t_deferred_loads == this) t_deferred_loads = nullptr;
}

DeferLoads* DeferLoads::current() { return t_deferred_loads; }

}  // namespace sluice::sqs
