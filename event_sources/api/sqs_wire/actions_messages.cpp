// Sending, deleting and changing the visibility of messages, single and batched. Batch calls
// answer HTTP 200 with Successful[] and Failed[] (both always present); only a malformed batch as
// a whole (empty, too many entries, bad or repeated ids) fails the call.

#include "actions_internal.h"

namespace sluice::api::sqs_wire::detail {
namespace {

using sluice::sqs::SendMessageRequest;
using sluice::sqs::SendMessageResult;

Outcome<SendMessageRequest> read_send_request(const json::object& in) {
  SendMessageRequest request;
  auto body = opt_string(in, "MessageBody");
  if (!body) return body.take_error();
  request.body = std::move(*body);
  auto delay = opt_int(in, "DelaySeconds");
  if (!delay) return delay.take_error();
  request.delay_seconds = *delay;
  auto attributes = opt_message_attributes(in, "MessageAttributes");
  if (!attributes) return attributes.take_error();
  request.message_attributes = std::move(*attributes);
  auto system_attributes = opt_message_attributes(in, "MessageSystemAttributes");
  if (!system_attributes) return system_attributes.take_error();
  request.system_attributes = std::move(*system_attributes);
  auto group = opt_string(in, "MessageGroupId");
  if (!group) return group.take_error();
  request.message_group_id = std::move(*group);
  auto dedup = opt_string(in, "MessageDeduplicationId");
  if (!dedup) return dedup.take_error();
  request.message_deduplication_id = std::move(*dedup);
  return request;
}

json::object send_result_json(const SendMessageResult& result, bool with_id, const json::storage_ptr& sp) {
  json::object out(sp);
  if (with_id) out["Id"] = result.id;
  out["MessageId"] = result.message_id;
  out["MD5OfMessageBody"] = result.md5_of_message_body;
  if (result.md5_of_message_attributes) out["MD5OfMessageAttributes"] = *result.md5_of_message_attributes;
  if (result.md5_of_message_system_attributes) {
    out["MD5OfMessageSystemAttributes"] = *result.md5_of_message_system_attributes;
  }
  if (result.sequence_number) out["SequenceNumber"] = *result.sequence_number;
  return out;
}

// Everything is built in `sp` (the request's storage), so the parts move into their parents.
template <typename Entry, typename Render>
json::object batch_json(const sluice::sqs::BatchResult<Entry>& result, Render render, const json::storage_ptr& sp) {
  json::array successful(sp);
  successful.reserve(result.successful.size());
  for (const auto& entry : result.successful) successful.emplace_back(render(entry, sp));
  json::array failed(sp);
  for (const auto& entry : result.failed) failed.emplace_back(batch_error_entry(entry, sp));
  json::object out(sp);
  out["Successful"] = std::move(successful);
  out["Failed"] = std::move(failed);
  return out;
}

json::object ok_entry_json(const sluice::sqs::BatchEntryOk& entry, const json::storage_ptr& sp) {
  json::object out(sp);
  out["Id"] = entry.id;
  return out;
}

}  // namespace

Outcome<json::object> send_message(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto request = read_send_request(in);
  if (!request) return request.take_error();
  auto result = engine.send_message(*queue, *request);
  if (!result) return result.take_error();
  return send_result_json(*result, false, in.storage());
}

Outcome<json::object> send_message_batch(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto entries = batch_entries(in);
  if (!entries) return entries.take_error();
  std::vector<SendMessageRequest> requests;
  requests.reserve(entries->size());
  for (const json::object* entry : *entries) {
    auto request = read_send_request(*entry);
    if (!request) return request.take_error();
    auto id = opt_string(*entry, "Id");
    if (!id) return id.take_error();
    request->id = id->value_or("");
    requests.push_back(std::move(*request));
  }
  auto result = engine.send_message_batch(*queue, requests);
  if (!result) return result.take_error();
  return batch_json(
      *result, [](const SendMessageResult& r, const json::storage_ptr& sp) { return send_result_json(r, true, sp); },
      in.storage());
}

Outcome<json::object> delete_message(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto handle = req_string(in, "ReceiptHandle");
  if (!handle) return handle.take_error();
  return empty_or_error(engine.delete_message(*queue, *handle));
}

Outcome<json::object> delete_message_batch(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto entries = batch_entries(in);
  if (!entries) return entries.take_error();
  std::vector<sluice::sqs::DeleteMessageBatchEntry> requests;
  requests.reserve(entries->size());
  for (const json::object* entry : *entries) {
    auto id = opt_string(*entry, "Id");
    if (!id) return id.take_error();
    auto handle = opt_string(*entry, "ReceiptHandle");
    if (!handle) return handle.take_error();
    requests.push_back({id->value_or(""), handle->value_or("")});
  }
  auto result = engine.delete_message_batch(*queue, requests);
  if (!result) return result.take_error();
  return batch_json(*result, ok_entry_json, in.storage());
}

Outcome<json::object> change_message_visibility(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto handle = req_string(in, "ReceiptHandle");
  if (!handle) return handle.take_error();
  auto timeout = opt_int(in, "VisibilityTimeout");
  if (!timeout) return timeout.take_error();
  if (!timeout->has_value()) return missing_parameter("VisibilityTimeout");
  return empty_or_error(engine.change_message_visibility(*queue, *handle, *timeout));
}

Outcome<json::object> change_message_visibility_batch(Engine& engine, const json::object& in, const CallContext& ctx) {
  auto queue = queue_from_input(in, ctx);
  if (!queue) return queue.take_error();
  auto entries = batch_entries(in);
  if (!entries) return entries.take_error();
  std::vector<sluice::sqs::ChangeVisibilityBatchEntry> requests;
  for (const json::object* entry : *entries) {
    auto id = opt_string(*entry, "Id");
    if (!id) return id.take_error();
    auto handle = opt_string(*entry, "ReceiptHandle");
    if (!handle) return handle.take_error();
    auto timeout = opt_int(*entry, "VisibilityTimeout");
    if (!timeout) return timeout.take_error();
    requests.push_back({id->value_or(""), handle->value_or(""), *timeout});
  }
  auto result = engine.change_message_visibility_batch(*queue, requests);
  if (!result) return result.take_error();
  return batch_json(*result, ok_entry_json, in.storage());
}

}  // namespace sluice::api::sqs_wire::detail
