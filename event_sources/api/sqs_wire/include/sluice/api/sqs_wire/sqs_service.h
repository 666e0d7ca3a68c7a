#pragma once
// SQS on the front door: the 23 SQS actions over the engine, in both of SQS's wire protocols
// (JSON 1.0 and Query/XML), as one server::Service. Calls run on the loop thread: engine calls log
// their changes without waiting for the commit (DeferDurability in sluice/sqs/engine.h), and an
// answer that reports a change is sent once its commit is done (sluice/api/server/durable_answers.h).
// ReceiveMessage long polls stay parked (a map entry and a timer each, no thread) until messages
// arrive, their wait ends or the server drains.
//
// A durable engine reads each queue's messages on first use: a call that needs a queue not yet
// read is parked while a worker of `pool` reads it (the loop never waits for a read), and every
// queue is read in the background from the start (attach).
//
// The engine must outlive the service; the service must outlive the ApiServer it is registered
// with.

#include <memory>

#include "sluice/api/server/server.h"
#include "sluice/common/work_pool.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire {

// `pool`: where queues are read (null: a pool of its own).
std::shared_ptr<server::Service> make_sqs_service(sluice::sqs::Engine& engine,
                                                  std::shared_ptr<common::WorkPool> pool = nullptr);

}  // namespace sluice::api::sqs_wire
