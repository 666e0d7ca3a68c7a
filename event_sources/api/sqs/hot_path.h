#pragma once
// The hot path: SendMessageBatch, ReceiveMessage and DeleteMessageBatch in the JSON protocol, read
// straight into the engine's request types (json_scan.h) and answered by writing JSON text
// (json_write.h), with no Boost.JSON tree in between. A worker loop spends most of its requests on
// these three actions, and the tree (built, read member by member, rebuilt for the answer and
// serialized) cost more than the engine call itself.
//
// It takes only what it can read exactly. Any other action, member, type or encoding, and every
// malformed request, returns nullopt before anything has run, and the general path (wire.h,
// SqsActions) answers with AWS's wording. So does a ReceiveMessage that found nothing and has to
// wait: the poll parker (long_poll.h) owns waiting. Whatever the hot path answers is what the
// general path would have answered (tests/unit/sqs_api/hot_path_test.cpp runs both on the same
// requests and compares).
//
// Engine calls run on the calling thread; use it where they may (in-memory engines on the loop).

#include <optional>

#include "http/http_server.h"
#include "sluice/sqs/engine.h"
#include "wire.h"

namespace sluice::api::sqs::detail {

std::optional<http::Response> try_hot_path(sluice::sqs::Engine& engine, const http::Request& request,
                                           const ContextDefaults& defaults);

}  // namespace sluice::api::sqs::detail
