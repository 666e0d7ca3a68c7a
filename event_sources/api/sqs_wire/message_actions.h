#pragma once
// Internal: SQS's seven message actions (SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch),
// ChangeMessageVisibility(Batch)), run straight from a Call through their typed codecs
// (message_readers.h, message_writers.h) in either wire protocol, with no Boost.JSON tree and no
// second reading: the codec's reader words every error AWS gives for a malformed request, the
// engine every error about its content.
//
// Answering follows AWS's order: a body that is not valid JSON (or not an object), then a Query
// integer that is not one and a mistyped QueueUrl, then the queue (the QueueUrl member, else the
// request path), then the other members' problems in the action's order of checks, then the
// engine. A ReceiveMessage is read and its queue resolved here; running it, possibly as a long
// poll, is the PollParker's (long_poll.h).
//
// Runs on the calling thread (the loop thread, under DeferDurability: see
// sluice/api/server/durable_answers.h).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/api/http/server.h"
#include "sluice/api/server/server.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire::detail {

enum class MessageAction {
  SendMessage,
  SendMessageBatch,
  ReceiveMessage,
  DeleteMessage,
  DeleteMessageBatch,
  ChangeMessageVisibility,
  ChangeMessageVisibilityBatch
};

// nullopt for the other SQS actions (queue management), which are read into a tree (sqs_api.h).
std::optional<MessageAction> message_action(std::string_view name);

// A ReceiveMessage that was read and whose queue exists by name: what a long poll holds and runs
// again until it has an answer.
struct ReceiveCall {
  server::Protocol protocol = server::Protocol::Json;
  std::string request_id;
  sluice::sqs::QueueAddress queue;
  sluice::sqs::ReceiveMessageRequest request;
};

// The answer of a message action, or for a well-formed ReceiveMessage the call to run.
struct MessageOutcome {
  std::optional<http::Response> answer;
  std::optional<ReceiveCall> receive;
};

// Runs `action` for a Call in the JSON or Query protocol whose action name and form were found
// valid. The form's values are moved out.
MessageOutcome run_message_action(sluice::sqs::Engine& engine, MessageAction action, server::Call& call);

// ReceiveMessage's answer in the call's protocol.
http::Response receive_answer(const ReceiveCall& call, const std::vector<sluice::sqs::ReceivedMessage>& messages);

}  // namespace sluice::api::sqs_wire::detail
