// The message actions: see message_actions.h. Each action is three steps, the same in both
// protocols: read_request() runs the action's read codec with the protocol's Reader and settles
// everything that comes before the engine; the engine runs once; answer() runs the action's write
// codec with the protocol's Writer inside the protocol's envelope.

#include "message_actions.h"

#include <array>
#include <cctype>
#include <utility>

#include "actions_internal.h"
#include "form_request_reader.h"
#include "json_request_reader.h"
#include "message_readers.h"
#include "message_writers.h"
#include "result_writers.h"
#include "wire.h"

namespace sluice::api::sqs_wire::detail {
namespace {

using api::json::JsonScanner;
using sluice::sqs::QueueAddress;

constexpr std::array<std::pair<std::string_view, MessageAction>, 7> kMessageActions = {{
    {"SendMessage", MessageAction::SendMessage},
    {"SendMessageBatch", MessageAction::SendMessageBatch},
    {"ReceiveMessage", MessageAction::ReceiveMessage},
    {"DeleteMessage", MessageAction::DeleteMessage},
    {"DeleteMessageBatch", MessageAction::DeleteMessageBatch},
    {"ChangeMessageVisibility", MessageAction::ChangeMessageVisibility},
    {"ChangeMessageVisibilityBatch", MessageAction::ChangeMessageVisibilityBatch},
}};

std::string_view name_of(MessageAction action) {
  for (const auto& [name, a] : kMessageActions) {
    if (a == action) return name;
  }
  return {};
}

// ---- Reading ----

// A JSON 1.0 body through `read`; an error when the body is not a JSON object at all. An empty
// body (or only whitespace) is a request without members.
template <typename Read>
std::optional<common::AwsError> read_json(std::string_view body, ReadErrors& errors,
                                          std::optional<std::string>& queue_url, Read& read) {
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front())) != 0) body.remove_prefix(1);
  if (body.empty()) return std::nullopt;
  JsonScanner scanner(body);
  if (scanner.peek() != JsonScanner::Token::Object) {
    bool valid = scanner.skip_value() && scanner.finished();
    return valid ? json_body_not_an_object() : invalid_json_body();
  }
  JsonRequestReader in(scanner, errors);
  read(in, queue_url);
  if (!scanner.finished()) return invalid_json_body();
  return std::nullopt;
}

// Reads the request with `read` (called with the protocol's Reader and the QueueUrl member), then
// answers the first error AWS would give before the engine runs, or the queue.
template <typename Read>
common::Outcome<QueueAddress> read_request(server::Call& call, Read read) {
  ReadErrors errors;
  std::optional<std::string> queue_url;
  if (call.ctx.protocol == Protocol::Json) {
    if (auto error = read_json(call.request.body, errors, queue_url, read)) return std::move(*error);
  } else {
    FormRequestReader in(call.form.params(), errors);
    read(in, queue_url);
  }
  // The request as a whole and a mistyped QueueUrl come before the queue.
  if (errors.first_is_below(member_key(kRequestKeys, 1))) return *errors.first();
  auto queue = queue_named(queue_url, call.ctx);
  if (!queue) return queue;
  if (const common::AwsError* error = errors.first()) return *error;
  return queue;
}

// ---- Answering ----

http::Response error_answer(const server::Call& call, const common::AwsError& error) {
  return render_error(call.ctx.protocol, error, call.ctx.request_id);
}

// The answer document: JSON {...}, or <ActionResponse><ActionResult>...</ActionResult>
// <ResponseMetadata/></ActionResponse> (without the Result element for actions the model gives
// no output). `write` is called with the protocol's Writer.
template <typename Write>
http::Response answer(server::Protocol protocol, std::string_view action, const std::string& request_id,
                      bool has_result, size_t size_estimate, Write write) {
  std::string body;
  body.reserve(size_estimate);
  if (protocol == Protocol::Json) {
    JsonResultWriter w(body);
    w.begin_result();
    write(w);
    w.end_result();
    return well_formed_json_response(request_id, std::move(body));
  }
  query::XmlWriter xml(body);
  xml.raw(kQueryDialect.declaration).raw("<").raw(action).raw("Response xmlns=\"");
  xml.raw(kQueryDialect.xml_namespace).raw("\">");
  if (has_result) {
    xml.raw("<").raw(action).raw("Result>");
    const size_t opened = body.size();
    XmlResultWriter w(body);
    write(w);
    if (body.size() == opened) {
      // Nothing in it (an empty receive): AWS writes the element empty, <ReceiveMessageResult/>.
      body.back() = '/';
      body.push_back('>');
    } else {
      xml.raw("</").raw(action).raw("Result>");
    }
  }
  xml.raw("<ResponseMetadata>").element("RequestId", request_id).raw("</ResponseMetadata></");
  xml.raw(action).raw("Response>");
  return xml_response(request_id, std::move(body));
}

size_t receive_estimate(const std::vector<sluice::sqs::ReceivedMessage>& messages) {
  size_t estimate = 256;
  for (const auto& m : messages) estimate += 400 + m.body.size() + m.body.size() / 8;
  return estimate;
}

// The X-Ray trace header a caller sent with the request (X-Amzn-Trace-Id), which AWS gives the
// messages it sends as their AWSTraceHeader; "" when none.
std::string trace_header_of(const server::Call& call) {
  const std::string* header = call.request.header("x-amzn-trace-id");
  return header ? *header : std::string();
}

// ---- The actions ----

http::Response send_message(sluice::sqs::Engine& engine, server::Call& call) {
  sluice::sqs::SendMessageRequest request;
  auto queue = read_request(call, [&](auto& in, auto& url) { read_send_message(in, url, request); });
  if (!queue) return error_answer(call, queue.error());
  request.trace_header = trace_header_of(call);
  auto result = engine.send_message(*queue, request);
  if (!result) return error_answer(call, result.error());
  return answer(call.ctx.protocol, "SendMessage", call.ctx.request_id, true, 512,
                [&](auto& w) { write_send_message(w, *result); });
}

http::Response send_message_batch(sluice::sqs::Engine& engine, server::Call& call) {
  std::vector<sluice::sqs::SendMessageRequest> entries;
  auto queue = read_request(call, [&](auto& in, auto& url) { read_send_message_batch(in, url, entries); });
  if (!queue) return error_answer(call, queue.error());
  const std::string trace = trace_header_of(call);
  for (auto& entry : entries) entry.trace_header = trace;
  auto result = engine.send_message_batch(*queue, entries);
  if (!result) return error_answer(call, result.error());
  return answer(call.ctx.protocol, "SendMessageBatch", call.ctx.request_id, true,
                256 + 200 * (result->successful.size() + result->failed.size()),
                [&](auto& w) { write_send_message_batch(w, *result); });
}

// DeleteMessage and ChangeMessageVisibility, which answer no result.
http::Response handle_action(sluice::sqs::Engine& engine, server::Call& call, bool change_visibility) {
  HandleRequest request;
  auto queue = read_request(call, [&](auto& in, auto& url) {
    if (change_visibility) {
      read_handle_request(in, shapes::kChangeMessageVisibilityRequestMembers, kChangeVisibilityFields, url, request);
    } else {
      read_handle_request(in, shapes::kDeleteMessageRequestMembers, kDeleteMessageFields, url, request);
    }
  });
  if (!queue) return error_answer(call, queue.error());
  common::Status status =
      change_visibility ? engine.change_message_visibility(*queue, *request.receipt_handle, request.visibility_timeout)
                        : engine.delete_message(*queue, *request.receipt_handle);
  if (!status) return error_answer(call, status.error());
  return answer(call.ctx.protocol, change_visibility ? "ChangeMessageVisibility" : "DeleteMessage", call.ctx.request_id,
                false, 256, [](auto&) {});
}

http::Response delete_message_batch(sluice::sqs::Engine& engine, server::Call& call) {
  std::vector<sluice::sqs::DeleteMessageBatchEntry> entries;
  auto queue = read_request(call, [&](auto& in, auto& url) {
    read_handle_batch(in, shapes::kDeleteMessageBatchRequestMembers, kDeleteBatchFields,
                      shapes::kDeleteMessageBatchRequestEntryMembers, kDeleteEntryFields, url, entries);
  });
  if (!queue) return error_answer(call, queue.error());
  auto result = engine.delete_message_batch(*queue, entries);
  if (!result) return error_answer(call, result.error());
  return answer(call.ctx.protocol, "DeleteMessageBatch", call.ctx.request_id, true,
                256 + 100 * (result->successful.size() + result->failed.size()), [&](auto& w) {
                  write_ok_batch(w, shapes::kDeleteMessageBatchResultMembers, kDeleteBatchResultFields, *result);
                });
}

http::Response change_visibility_batch(sluice::sqs::Engine& engine, server::Call& call) {
  std::vector<sluice::sqs::ChangeVisibilityBatchEntry> entries;
  auto queue = read_request(call, [&](auto& in, auto& url) {
    read_handle_batch(in, shapes::kChangeVisibilityBatchRequestMembers, kChangeVisibilityBatchFields,
                      shapes::kChangeVisibilityBatchRequestEntryMembers, kChangeVisibilityEntryFields, url, entries);
  });
  if (!queue) return error_answer(call, queue.error());
  auto result = engine.change_message_visibility_batch(*queue, entries);
  if (!result) return error_answer(call, result.error());
  return answer(call.ctx.protocol, "ChangeMessageVisibilityBatch", call.ctx.request_id, true,
                256 + 100 * (result->successful.size() + result->failed.size()), [&](auto& w) {
                  write_ok_batch(w, shapes::kChangeVisibilityBatchResultMembers, kChangeVisibilityBatchResultFields,
                                 *result);
                });
}

MessageOutcome receive_message(server::Call& call) {
  ReceiveCall receive{call.ctx.protocol, {}, {}, {}};
  auto queue = read_request(call, [&](auto& in, auto& url) { read_receive_message(in, url, receive.request); });
  if (!queue) return {error_answer(call, queue.error()), std::nullopt};
  receive.request_id = std::move(call.ctx.request_id);
  receive.queue = std::move(*queue);
  return {std::nullopt, std::move(receive)};
}

}  // namespace

std::optional<MessageAction> message_action(std::string_view name) {
  for (const auto& [n, action] : kMessageActions) {
    if (n == name) return action;
  }
  return std::nullopt;
}

MessageOutcome run_message_action(sluice::sqs::Engine& engine, MessageAction action, server::Call& call) {
  try {
    switch (action) {
      case MessageAction::SendMessage:
        return {send_message(engine, call), std::nullopt};
      case MessageAction::SendMessageBatch:
        return {send_message_batch(engine, call), std::nullopt};
      case MessageAction::ReceiveMessage:
        return receive_message(call);
      case MessageAction::DeleteMessage:
        return {handle_action(engine, call, false), std::nullopt};
      case MessageAction::DeleteMessageBatch:
        return {delete_message_batch(engine, call), std::nullopt};
      case MessageAction::ChangeMessageVisibility:
        return {handle_action(engine, call, true), std::nullopt};
      case MessageAction::ChangeMessageVisibilityBatch:
        return {change_visibility_batch(engine, call), std::nullopt};
    }
  } catch (const std::exception& e) {
    return {error_answer(call, common::aws_error(common::AwsErrorCode::InternalFailure, e.what())), std::nullopt};
  }
  return {error_answer(call, common::aws_error(common::AwsErrorCode::InternalFailure, std::string(name_of(action)))),
          std::nullopt};
}

http::Response receive_answer(const ReceiveCall& call, const std::vector<sluice::sqs::ReceivedMessage>& messages) {
  return answer(call.protocol, "ReceiveMessage", call.request_id, true, receive_estimate(messages),
                [&](auto& w) { write_receive_message(w, messages); });
}

}  // namespace sluice::api::sqs_wire::detail
