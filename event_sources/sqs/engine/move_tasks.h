#pragma once
// Message move tasks (StartMessageMoveTask and friends): the list of tasks and their progress.
// The moving itself is done by the engine's housekeeping (engine_dlq.cpp), a slice per run,
// limited by the task's rate.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/common/mutex.h"
#include "sluice/sqs/engine.h"

namespace sluice::sqs::detail {

struct MoveTaskState {
  MessageMoveTask view;  // what ListMessageMoveTasks shows
  int64_t last_progress_ms = 0;
  double credit = 0;  // messages the rate allows but not yet moved
  bool cancel_requested = false;
};

struct MoveTasks {
  common::Mutex mu;
  std::vector<MoveTaskState> tasks GUARDED_BY(mu);  // newest last
};

}  // namespace sluice::sqs::detail
