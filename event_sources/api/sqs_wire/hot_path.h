#pragma once
// The hot path: the message actions a worker loop lives on (SendMessage(Batch), ReceiveMessage,
// DeleteMessage(Batch), ChangeMessageVisibility) read straight into the engine's request types
// and answered by writing the response text, with no Boost.JSON tree in between. JSON 1.0
// requests are read by the JSON kit's JsonScanner and answered through its JsonWriter
// (hot_path.cpp); Query requests are read from their decoded form and answered in XML
// (hot_path_query.cpp). The tree (built, read member by member, rebuilt for the answer and
// rendered) cost more than the engine call itself.
//
// It takes only what it can read exactly. Any other action, member, type or encoding, and every
// malformed request, returns nullopt before anything has run, and the general path (wire.h,
// SqsActions) answers with AWS's wording. So does a ReceiveMessage that found nothing and has to
// wait: the poll parker (long_poll.h) owns waiting. Whatever the hot path answers is what the
// general path would have answered (tests/unit/sqs_api/hot_path_test.cpp and
// hot_path_query_test.cpp run both on the same requests and compare).
//
// Engine calls run on the calling thread (the loop thread, under DeferDurability: see
// sluice/api/server/durable_answers.h).

#include <optional>

#include "sluice/api/http/server.h"
#include "sluice/api/server/server.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire::detail {

// A JSON 1.0 request.
std::optional<http::Response> try_hot_path(sluice::sqs::Engine& engine, const server::Call& call);
// A Query request whose form was decoded without error.
std::optional<http::Response> try_query_hot_path(sluice::sqs::Engine& engine, const server::Call& call);

}  // namespace sluice::api::sqs_wire::detail
