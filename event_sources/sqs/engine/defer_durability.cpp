// DeferDurability (engine.h): which object, if any, collects commit tickets on this thread.

#include <stdexcept>

#include "sluice/sqs/engine.h"

namespace sluice::sqs {
namespace {

thread_local DeferDurability* t_deferral = nullptr;

}  // namespace

DeferDurability::DeferDurability() {
  if (t_deferral != nullptr) throw std::logic_error("DeferDurability: one per thread at a time");
  t_deferral = this;
}

DeferDurability::~DeferDurability() {
  if (t_deferral == this) t_deferral = nullptr;
}

DeferDurability* DeferDurability::current() { return t_deferral; }

}  // namespace sluice::sqs
