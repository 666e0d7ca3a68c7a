// The hot path: see hot_path.h. Readers fill the engine's request types member by member and give
// up (nullopt) on a member they do not know, a repeated member, a null or a type they do not
// expect; writers render the engine's results in the member order the general path's objects have.

#include "hot_path.h"
#include "wire.h"

#include <string>
#include <vector>

#include "actions_internal.h"
#include "sluice/api/json/json.h"
#include "sluice/common/crypto.h"

namespace sluice::api::sqs_wire::detail {
namespace {

using api::json::JsonScanner;
using api::json::JsonWriter;

using sluice::sqs::BatchEntryError;
using sluice::sqs::BatchResult;
using sluice::sqs::DeleteMessageBatchEntry;
using sluice::sqs::QueueAddress;
using sluice::sqs::ReceiveMessageRequest;
using sluice::sqs::SendMessageRequest;

constexpr std::string_view kTargetPrefix = "AmazonSQS.";

// Members seen so far in one object; a repeat sends the request to the general path, which
// settles duplicates as Boost.JSON does.
class Seen {
 public:
  bool first_time(unsigned bit) {
    if ((bits_ & (1u << bit)) != 0) return false;
    bits_ |= 1u << bit;
    return true;
  }

 private:
  unsigned bits_ = 0;
};

bool read_optional_string(JsonScanner& in, std::optional<std::string>* out) {
  std::string value;
  if (!in.read_string(&value)) return false;
  *out = std::move(value);
  return true;
}

bool read_optional_int(JsonScanner& in, std::optional<int64_t>* out) {
  int64_t value;
  if (!in.read_int(&value)) return false;
  *out = value;
  return true;
}

bool read_string_list(JsonScanner& in, std::vector<std::string>* out) {
  if (!in.begin_array()) return false;
  while (in.next_element()) {
    if (!in.read_string(&out->emplace_back())) return false;
  }
  return in.ok();
}

// Reads the members every hot action shares (QueueUrl) and hands the others to `member`.
template <typename Member>
bool read_request(JsonScanner& in, std::optional<std::string>* queue_url, Member member) {
  if (!in.begin_object()) return false;
  Seen seen;
  std::string_view name;
  while (in.next_member(&name)) {
    if (name == "QueueUrl") {
      if (!seen.first_time(0) || !read_optional_string(in, queue_url)) return false;
    } else if (!member(name, seen)) {
      return false;
    }
  }
  return in.finished();
}

// Entries: [ {...}, ... ], each entry read by `entry` into a new element of *out.
template <typename Entry, typename ReadEntry>
bool read_entries(JsonScanner& in, std::vector<Entry>* out, ReadEntry entry) {
  if (!in.begin_array()) return false;
  while (in.next_element()) {
    if (!in.begin_object()) return false;
    Entry& e = out->emplace_back();
    Seen seen;
    std::string_view name;
    while (in.next_member(&name)) {
      if (!entry(in, name, seen, e)) return false;
    }
    if (!in.ok()) return false;
  }
  return in.ok();
}

bool read_send_entry(JsonScanner& in, std::string_view name, Seen& seen, SendMessageRequest& e) {
  if (name == "Id") return seen.first_time(1) && in.read_string(&e.id);
  if (name == "MessageBody") return seen.first_time(2) && read_optional_string(in, &e.body);
  if (name == "DelaySeconds") return seen.first_time(3) && read_optional_int(in, &e.delay_seconds);
  if (name == "MessageGroupId") return seen.first_time(4) && read_optional_string(in, &e.message_group_id);
  if (name == "MessageDeduplicationId") {
    return seen.first_time(5) && read_optional_string(in, &e.message_deduplication_id);
  }
  return false;  // message attributes and anything else: the general path
}

bool read_delete_entry(JsonScanner& in, std::string_view name, Seen& seen, DeleteMessageBatchEntry& e) {
  if (name == "Id") return seen.first_time(1) && in.read_string(&e.id);
  if (name == "ReceiptHandle") return seen.first_time(2) && in.read_string(&e.receipt_handle);
  return false;
}

// ---- Answers ----

http::Response error_response(const AwsError& error, std::string_view request_id) {
  return render_error(Protocol::Json, error, request_id);
}

void write_failed(JsonWriter& out, const std::vector<BatchEntryError>& failed) {
  out.key("Failed");
  out.begin_array();
  for (const auto& f : failed) {
    out.begin_object();
    out.member("Id", f.id);
    out.key("SenderFault");
    out.boolean(f.sender_fault);
    out.member("Code", f.error.info().query_code);
    out.member("Message", f.error.message);
    out.end_object();
  }
  out.end_array();
}

template <typename Entry, typename WriteEntry>
std::string batch_answer(const BatchResult<Entry>& result, WriteEntry write_entry) {
  std::string body;
  body.reserve(64 + result.successful.size() * 160);
  JsonWriter out(body);
  out.begin_object();
  out.key("Successful");
  out.begin_array();
  for (const auto& entry : result.successful) {
    out.begin_object();
    write_entry(out, entry);
    out.end_object();
  }
  out.end_array();
  write_failed(out, result.failed);
  out.end_object();
  return body;
}

void write_message_attributes(JsonWriter& out, const sluice::sqs::MessageAttributes& attributes) {
  out.begin_object();
  for (const auto& [name, attr] : attributes) {
    out.key(name);
    out.begin_object();
    out.member("DataType", attr.data_type);
    // Binary and Binary.<label> carry bytes; String/Number (and labels) carry text.
    if (attr.data_type.rfind("Binary", 0) == 0) {
      out.member("BinaryValue", base64_encode(attr.binary_value));
    } else {
      out.member("StringValue", attr.string_value);
    }
    out.end_object();
  }
  out.end_object();
}

std::string receive_answer(const std::vector<sluice::sqs::ReceivedMessage>& messages) {
  if (messages.empty()) return "{}";  // AWS omits Messages when there are none
  std::string body;
  size_t estimate = 32;
  for (const auto& m : messages) estimate += 400 + m.body.size() + m.body.size() / 8;
  body.reserve(estimate);
  JsonWriter out(body);
  out.begin_object();
  out.key("Messages");
  out.begin_array();
  for (const auto& m : messages) {
    out.begin_object();
    out.member("MessageId", m.message_id);
    out.member("ReceiptHandle", m.receipt_handle);
    out.member("MD5OfBody", m.md5_of_body);
    out.member("Body", m.body);
    if (!m.attributes.empty()) {
      out.key("Attributes");
      out.begin_object();
      for (const auto& [name, value] : m.attributes) out.member(name, value);
      out.end_object();
    }
    if (m.md5_of_message_attributes) out.member("MD5OfMessageAttributes", *m.md5_of_message_attributes);
    if (!m.message_attributes.empty()) {
      out.key("MessageAttributes");
      write_message_attributes(out, m.message_attributes);
    }
    out.end_object();
  }
  out.end_array();
  out.end_object();
  return body;
}

// ---- The three actions ----

// Resolves the queue and answers what `run` (queue -> JSON text or error) answers.
template <typename Run>
http::Response answer(const server::Call& call, const std::optional<std::string>& queue_url, Run run) {
  const std::string& request_id = call.ctx.request_id;
  auto queue = queue_named(queue_url, call.ctx);
  if (!queue) return error_response(queue.error(), request_id);
  Outcome<std::string> body = run(*queue);
  if (!body) return error_response(body.error(), request_id);
  return json_response(request_id, std::move(*body));
}

Outcome<std::string> empty_or_error(const Status& status) {
  if (!status) return status.error();
  return std::string("{}");
}

// A batch action: Entries read by `read_entry`, run by `call` (engine, queue, entries), each
// successful entry written by `write_entry`.
template <typename Entry, typename ReadEntry, typename Run, typename WriteEntry>
std::optional<http::Response> batch_action(JsonScanner& in, const server::Call& call, ReadEntry read_entry, Run run,
                                           WriteEntry write_entry) {
  std::optional<std::string> queue_url;
  std::vector<Entry> entries;
  entries.reserve(10);
  bool read = read_request(in, &queue_url, [&](std::string_view name, Seen& seen) {
    return name == "Entries" && seen.first_time(1) && read_entries(in, &entries, read_entry);
  });
  if (!read) return std::nullopt;
  return answer(call, queue_url, [&](const QueueAddress& queue) -> Outcome<std::string> {
    auto result = run(queue, entries);
    if (!result) return result.take_error();
    return batch_answer(*result, write_entry);
  });
}

void write_sent_members(JsonWriter& out, const sluice::sqs::SendMessageResult& r, bool with_id) {
  if (with_id) out.member("Id", r.id);
  out.member("MessageId", r.message_id);
  out.member("MD5OfMessageBody", r.md5_of_message_body);
  if (r.md5_of_message_attributes) out.member("MD5OfMessageAttributes", *r.md5_of_message_attributes);
  if (r.md5_of_message_system_attributes) {
    out.member("MD5OfMessageSystemAttributes", *r.md5_of_message_system_attributes);
  }
  if (r.sequence_number) out.member("SequenceNumber", *r.sequence_number);
}

void write_sent(JsonWriter& out, const sluice::sqs::SendMessageResult& r) { write_sent_members(out, r, true); }

void write_ok(JsonWriter& out, const sluice::sqs::BatchEntryOk& ok) { out.member("Id", ok.id); }

std::optional<http::Response> send_message(Engine& engine, JsonScanner& in, const server::Call& call) {
  std::optional<std::string> queue_url;
  SendMessageRequest send;
  bool read = read_request(in, &queue_url, [&](std::string_view name, Seen& seen) {
    return name != "Id" && read_send_entry(in, name, seen, send);  // Id belongs to batch entries only
  });
  if (!read) return std::nullopt;
  return answer(call, queue_url, [&](const QueueAddress& queue) -> Outcome<std::string> {
    auto result = engine.send_message(queue, send);
    if (!result) return result.take_error();
    std::string body;
    JsonWriter out(body);
    out.begin_object();
    write_sent_members(out, *result, false);
    out.end_object();
    return body;
  });
}

// DeleteMessage and ChangeMessageVisibility: a receipt handle (and a visibility timeout), both
// required; without them the general path words the error.
std::optional<http::Response> handle_action(Engine& engine, JsonScanner& in, const server::Call& call,
                                            bool with_visibility) {
  std::optional<std::string> queue_url;
  std::optional<std::string> handle;
  std::optional<int64_t> visibility;
  bool read = read_request(in, &queue_url, [&](std::string_view name, Seen& seen) {
    if (name == "ReceiptHandle") return seen.first_time(1) && read_optional_string(in, &handle);
    if (with_visibility && name == "VisibilityTimeout") return seen.first_time(2) && read_optional_int(in, &visibility);
    return false;
  });
  if (!read || !handle || (with_visibility && !visibility)) return std::nullopt;
  return answer(call, queue_url, [&](const QueueAddress& queue) {
    return empty_or_error(with_visibility ? engine.change_message_visibility(queue, *handle, visibility)
                                          : engine.delete_message(queue, *handle));
  });
}

std::optional<http::Response> receive_message(Engine& engine, JsonScanner& in, const server::Call& call) {
  std::optional<std::string> queue_url;
  ReceiveMessageRequest receive;
  std::vector<std::string> system_names;  // MessageSystemAttributeNames, after AttributeNames
  bool read = read_request(in, &queue_url, [&](std::string_view name, Seen& seen) {
    if (name == "MaxNumberOfMessages")
      return seen.first_time(1) && read_optional_int(in, &receive.max_number_of_messages);
    if (name == "VisibilityTimeout") return seen.first_time(2) && read_optional_int(in, &receive.visibility_timeout);
    if (name == "WaitTimeSeconds") return seen.first_time(3) && read_optional_int(in, &receive.wait_time_seconds);
    if (name == "AttributeNames") return seen.first_time(4) && read_string_list(in, &receive.system_attribute_names);
    if (name == "MessageSystemAttributeNames") return seen.first_time(5) && read_string_list(in, &system_names);
    if (name == "MessageAttributeNames") {
      return seen.first_time(6) && read_string_list(in, &receive.message_attribute_names);
    }
    return false;  // ReceiveRequestAttemptId (FIFO retries) and anything else: the general path
  });
  if (!read) return std::nullopt;
  for (auto& n : system_names) receive.system_attribute_names.push_back(std::move(n));
  const std::string& request_id = call.ctx.request_id;
  auto queue = queue_named(queue_url, call.ctx);
  if (!queue) return error_response(queue.error(), request_id);
  auto result = engine.receive_message(*queue, receive, nullptr);
  if (!result) return error_response(result.error(), request_id);
  // Nothing there and time to wait: the parker runs the attempt again with a wake-up. An empty
  // attempt changes nothing a second one could notice.
  if (result->messages.empty() && result->wait_time_seconds > 0) return std::nullopt;
  return json_response(request_id, receive_answer(result->messages));
}

}  // namespace

std::optional<http::Response> try_hot_path(Engine& engine, const server::Call& call) {
  const http::Request& request = call.request;
  if (request.method != "POST") return std::nullopt;
  const std::string* target = request.header("x-amz-target");
  if (target == nullptr || target->compare(0, kTargetPrefix.size(), kTargetPrefix) != 0) return std::nullopt;
  std::string_view action = std::string_view(*target).substr(kTargetPrefix.size());
  JsonScanner in(request.body);
  try {
    if (action == "SendMessageBatch") {
      return batch_action<SendMessageRequest>(
          in, call, read_send_entry,
          [&](const auto& queue, const auto& entries) { return engine.send_message_batch(queue, entries); },
          write_sent);
    }
    if (action == "ReceiveMessage") return receive_message(engine, in, call);
    if (action == "SendMessage") return send_message(engine, in, call);
    if (action == "DeleteMessage") return handle_action(engine, in, call, false);
    if (action == "ChangeMessageVisibility") return handle_action(engine, in, call, true);
    if (action == "DeleteMessageBatch") {
      return batch_action<DeleteMessageBatchEntry>(
          in, call, read_delete_entry,
          [&](const auto& queue, const auto& entries) { return engine.delete_message_batch(queue, entries); },
          write_ok);
    }
  } catch (const std::exception& e) {
    return error_response(aws_error(AwsErrorCode::InternalFailure, e.what()), call.ctx.request_id);
  }
  return std::nullopt;
}

}  // namespace sluice::api::sqs_wire::detail
