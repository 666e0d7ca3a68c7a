// The hot path for the Query protocol: see hot_path.h. The decoded form parameters are read
// straight into the engine's request types and the answer is written as the XML document the
// general path's shape-driven renderer (the Query kit, api/query) would produce, element for element in the
// model's order.
//
// The general path accepts more than this reader does: repeated names (the last wins), indexes
// with leading zeros, gaps between entry indexes, parameters no action knows (ignored). Each of
// those, and any value that is not what the member needs, sends the request there instead.

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "actions_internal.h"
#include "hot_path.h"
#include "sluice/api/query/query.h"
#include "sluice/common/crypto.h"
#include "wire.h"

namespace sluice::api::sqs_wire::detail {
namespace {

using query::XmlWriter;
using sluice::sqs::BatchEntryError;
using sluice::sqs::BatchResult;
using sluice::sqs::DeleteMessageBatchEntry;
using sluice::sqs::QueueAddress;
using sluice::sqs::ReceiveMessageRequest;
using sluice::sqs::SendMessageRequest;

constexpr size_t kMaxEntries = 10;  // more is an error the general path words
constexpr uint64_t kMaxListIndex = 64;

bool parse_int(std::string_view text, int64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

// "N" with 1 <= N <= max and no leading zero.
bool parse_index(std::string_view text, uint64_t max, uint64_t* out) {
  if (text.empty() || text[0] == '0') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc{} && end == text.data() + text.size() && *out >= 1 && *out <= max;
}

// "<prefix>.<rest>" -> rest.
bool strip_prefix(std::string_view name, std::string_view prefix, std::string_view* rest) {
  if (name.size() <= prefix.size() + 1 || !name.starts_with(prefix) || name[prefix.size()] != '.') return false;
  *rest = name.substr(prefix.size() + 1);
  return true;
}

// Entries of a batch: "<prefix>.N.<Field>" parameters, N from 1 without gaps.
template <typename Entry>
class EntrySlots {
 public:
  // The entry and field a parameter names; false when the name has another shape.
  bool locate(std::string_view name, std::string_view prefix, Entry** entry, std::string_view* field, unsigned** seen) {
    std::string_view rest;
    if (!strip_prefix(name, prefix, &rest)) return false;
    size_t dot = rest.find('.');
    uint64_t index;
    if (dot == std::string_view::npos || !parse_index(rest.substr(0, dot), kMaxEntries, &index)) return false;
    auto& slot = slots_[index - 1];
    slot.used = true;
    *entry = &slot.entry;
    *seen = &slot.seen;
    *field = rest.substr(dot + 1);
    return true;
  }

  // The entries in index order; false when an index is missing below a used one.
  bool take(std::vector<Entry>* out) {
    size_t used = 0;
    while (used < slots_.size() && slots_[used].used) ++used;
    for (size_t i = used; i < slots_.size(); ++i) {
      if (slots_[i].used) return false;
    }
    out->reserve(used);
    for (size_t i = 0; i < used; ++i) out->push_back(std::move(slots_[i].entry));
    return true;
  }

 private:
  struct Slot {
    bool used = false;
    unsigned seen = 0;  // fields set, one bit each
    Entry entry;
  };
  std::array<Slot, kMaxEntries> slots_{};
};

// Marks field `bit` as set; false when it already was (a repeated parameter).
bool first_time(unsigned* seen, unsigned bit) {
  if ((*seen & (1u << bit)) != 0) return false;
  *seen |= 1u << bit;
  return true;
}

bool read_send_field(std::string_view field, const std::string& value, unsigned* seen, SendMessageRequest& e) {
  if (field == "Id") {
    e.id = value;
    return first_time(seen, 0);
  }
  if (field == "MessageBody") {
    e.body = value;
    return first_time(seen, 1);
  }
  if (field == "DelaySeconds") {
    int64_t n;
    if (!parse_int(value, &n)) return false;
    e.delay_seconds = n;
    return first_time(seen, 2);
  }
  if (field == "MessageGroupId") {
    e.message_group_id = value;
    return first_time(seen, 3);
  }
  if (field == "MessageDeduplicationId") {
    e.message_deduplication_id = value;
    return first_time(seen, 4);
  }
  return false;  // message attributes and anything else: the general path
}

bool read_delete_field(std::string_view field, const std::string& value, unsigned* seen, DeleteMessageBatchEntry& e) {
  if (field == "Id") {
    e.id = value;
    return first_time(seen, 0);
  }
  if (field == "ReceiptHandle") {
    e.receipt_handle = value;
    return first_time(seen, 1);
  }
  return false;
}

// Action and Version were read by the form decoder; QueueUrl is read here, at most once.
bool common_param(const std::string& name, const std::string& value, std::optional<std::string>* queue_url,
                  bool* handled) {
  *handled = true;
  if (name == "Action" || name == "Version") return true;
  if (name == "QueueUrl") {
    if (queue_url->has_value()) return false;
    *queue_url = value;
    return true;
  }
  *handled = false;
  return true;
}

template <typename Entry, typename ReadField>
bool read_batch(const query::FormParams& params, std::string_view prefix, std::optional<std::string>* queue_url,
                std::vector<Entry>* entries, ReadField read_field) {
  EntrySlots<Entry> slots;
  for (const auto& [name, value] : params) {
    bool handled;
    if (!common_param(name, value, queue_url, &handled)) return false;
    if (handled) continue;
    Entry* entry;
    std::string_view field;
    unsigned* seen;
    if (!slots.locate(name, prefix, &entry, &field, &seen) || !read_field(field, value, seen, *entry)) return false;
  }
  return slots.take(entries);
}

// "<prefix>.N" list members, in index order.
class IndexedList {
 public:
  bool add(uint64_t index, const std::string& value) {
    for (const auto& item : items_) {
      if (item.first == index) return false;
    }
    items_.emplace_back(index, &value);
    return true;
  }
  void append_to(std::vector<std::string>* out) {
    std::sort(items_.begin(), items_.end());
    for (const auto& item : items_) out->push_back(*item.second);
  }

 private:
  std::vector<std::pair<uint64_t, const std::string*>> items_;
};

bool read_receive(const query::FormParams& params, std::optional<std::string>* queue_url, ReceiveMessageRequest* out) {
  IndexedList attribute_names, system_names, message_attribute_names;
  unsigned seen = 0;
  for (const auto& [name, value] : params) {
    bool handled;
    if (!common_param(name, value, queue_url, &handled)) return false;
    if (handled) continue;
    int64_t n;
    std::string_view rest;
    uint64_t index;
    if (name == "MaxNumberOfMessages") {
      if (!first_time(&seen, 0) || !parse_int(value, &n)) return false;
      out->max_number_of_messages = n;
    } else if (name == "VisibilityTimeout") {
      if (!first_time(&seen, 1) || !parse_int(value, &n)) return false;
      out->visibility_timeout = n;
    } else if (name == "WaitTimeSeconds") {
      if (!first_time(&seen, 2) || !parse_int(value, &n)) return false;
      out->wait_time_seconds = n;
    } else if (strip_prefix(name, "AttributeName", &rest)) {
      if (!parse_index(rest, kMaxListIndex, &index) || !attribute_names.add(index, value)) return false;
    } else if (strip_prefix(name, "MessageSystemAttributeName", &rest)) {
      if (!parse_index(rest, kMaxListIndex, &index) || !system_names.add(index, value)) return false;
    } else if (strip_prefix(name, "MessageAttributeName", &rest)) {
      if (!parse_index(rest, kMaxListIndex, &index) || !message_attribute_names.add(index, value)) return false;
    } else {
      return false;  // ReceiveRequestAttemptId (FIFO retries) and anything else: the general path
    }
  }
  attribute_names.append_to(&out->system_attribute_names);
  system_names.append_to(&out->system_attribute_names);
  message_attribute_names.append_to(&out->message_attribute_names);
  return true;
}

// ---- Answers ----

// <ActionResponse><ActionResult>...</ActionResult><ResponseMetadata/></ActionResponse>; actions
// whose model has no output (DeleteMessage, ChangeMessageVisibility) have no Result element.
class Document {
 public:
  Document(std::string_view action, size_t size_estimate, bool with_result = true)
      : action_(action), with_result_(with_result), w_(body_) {
    body_.reserve(size_estimate);
    w_.raw("<?xml version=\"1.0\"?><");
    w_.raw(action);
    w_.raw("Response xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">");
    if (with_result_) {
      w_.raw("<");
      w_.raw(action);
      w_.raw("Result>");
    }
  }
  XmlWriter& writer() { return w_; }
  std::string finish(std::string_view request_id) {
    if (with_result_) {
      w_.raw("</");
      w_.raw(action_);
      w_.raw("Result>");
    }
    w_.raw("<ResponseMetadata>");
    w_.element("RequestId", request_id);
    w_.raw("</ResponseMetadata></");
    w_.raw(action_);
    w_.raw("Response>");
    return std::move(body_);
  }

 private:
  std::string_view action_;
  bool with_result_;
  std::string body_;
  XmlWriter w_;
};

void write_failed(XmlWriter& w, const std::vector<BatchEntryError>& failed) {
  for (const auto& f : failed) {
    w.open("BatchResultErrorEntry");
    w.element("Id", f.id);
    w.raw_element("SenderFault", f.sender_fault ? "true" : "false");
    w.element("Code", f.error.info().query_code);
    w.element("Message", f.error.message);
    w.close("BatchResultErrorEntry");
  }
}

void write_sent(XmlWriter& w, const sluice::sqs::SendMessageResult& r) {
  w.open("SendMessageBatchResultEntry");
  w.element("Id", r.id);
  w.element("MessageId", r.message_id);
  w.element("MD5OfMessageBody", r.md5_of_message_body);
  if (r.md5_of_message_attributes) w.element("MD5OfMessageAttributes", *r.md5_of_message_attributes);
  if (r.md5_of_message_system_attributes)
    w.element("MD5OfMessageSystemAttributes", *r.md5_of_message_system_attributes);
  if (r.sequence_number) w.element("SequenceNumber", *r.sequence_number);
  w.close("SendMessageBatchResultEntry");
}

void write_deleted(XmlWriter& w, const sluice::sqs::BatchEntryOk& ok) {
  w.open("DeleteMessageBatchResultEntry");
  w.element("Id", ok.id);
  w.close("DeleteMessageBatchResultEntry");
}

void write_message(XmlWriter& w, const sluice::sqs::ReceivedMessage& m) {
  w.open("Message");
  w.element("MessageId", m.message_id);
  w.element("ReceiptHandle", m.receipt_handle);
  w.element("MD5OfBody", m.md5_of_body);
  w.element("Body", m.body);
  for (const auto& [name, value] : m.attributes) {
    w.open("Attribute");
    w.element("Name", name);
    w.element("Value", value);
    w.close("Attribute");
  }
  if (m.md5_of_message_attributes) w.element("MD5OfMessageAttributes", *m.md5_of_message_attributes);
  for (const auto& [name, attr] : m.message_attributes) {
    w.open("MessageAttribute");
    w.element("Name", name);
    w.open("Value");
    // The model's member order: StringValue, BinaryValue, ..., DataType.
    if (attr.data_type.rfind("Binary", 0) == 0) {
      w.element("BinaryValue", base64_encode(attr.binary_value));
    } else {
      w.element("StringValue", attr.string_value);
    }
    w.element("DataType", attr.data_type);
    w.close("Value");
    w.close("MessageAttribute");
  }
  w.close("Message");
}

// Reads a request of flat parameters: QueueUrl and what `field` (name, value) accepts.
template <typename Field>
bool read_flat(const query::FormParams& params, std::optional<std::string>* queue_url, Field field) {
  for (const auto& [name, value] : params) {
    bool handled;
    if (!common_param(name, value, queue_url, &handled)) return false;
    if (!handled && !field(name, value)) return false;
  }
  return true;
}

// Resolves the queue and answers the document `run` (queue, document) fills, or its error.
template <typename Run>
http::Response answer(const server::Call& form, const std::optional<std::string>& queue_url, bool with_result,
                      Run run) {
  auto queue = queue_named(queue_url, form.ctx);
  if (!queue) return render_error(Protocol::Query, queue.error(), form.ctx.request_id);
  Document doc(form.action, 512, with_result);
  Status status = run(*queue, doc.writer());
  if (!status) return render_error(Protocol::Query, status.error(), form.ctx.request_id);
  return xml_response(form.ctx.request_id, doc.finish(form.ctx.request_id));
}

std::optional<http::Response> send_message(Engine& engine, const server::Call& form) {
  std::optional<std::string> queue_url;
  SendMessageRequest send;
  unsigned seen = 0;
  bool read = read_flat(form.form, &queue_url, [&](const std::string& name, const std::string& value) {
    return name != "Id" && read_send_field(name, value, &seen, send);  // Id belongs to batch entries only
  });
  if (!read) return std::nullopt;
  return answer(form, queue_url, true, [&](const QueueAddress& queue, XmlWriter& w) -> Status {
    auto r = engine.send_message(queue, send);
    if (!r) return r.take_error();
    // The model's member order, which is not the JSON answer's.
    w.element("MD5OfMessageBody", r->md5_of_message_body);
    if (r->md5_of_message_attributes) w.element("MD5OfMessageAttributes", *r->md5_of_message_attributes);
    if (r->md5_of_message_system_attributes)
      w.element("MD5OfMessageSystemAttributes", *r->md5_of_message_system_attributes);
    w.element("MessageId", r->message_id);
    if (r->sequence_number) w.element("SequenceNumber", *r->sequence_number);
    return ok_status();
  });
}

// DeleteMessage and ChangeMessageVisibility: a receipt handle (and a visibility timeout), both
// required; without them the general path words the error.
std::optional<http::Response> handle_action(Engine& engine, const server::Call& form, bool with_visibility) {
  std::optional<std::string> queue_url;
  std::optional<std::string> handle;
  std::optional<int64_t> visibility;
  bool read = read_flat(form.form, &queue_url, [&](const std::string& name, const std::string& value) {
    if (name == "ReceiptHandle" && !handle) {
      handle = value;
      return true;
    }
    int64_t n;
    if (with_visibility && name == "VisibilityTimeout" && !visibility && parse_int(value, &n)) {
      visibility = n;
      return true;
    }
    return false;
  });
  if (!read || !handle || (with_visibility && !visibility)) return std::nullopt;
  return answer(form, queue_url, false, [&](const QueueAddress& queue, XmlWriter&) {
    return with_visibility ? engine.change_message_visibility(queue, *handle, visibility)
                           : engine.delete_message(queue, *handle);
  });
}

template <typename Entry, typename Call, typename WriteEntry>
std::optional<http::Response> batch_action(const server::Call& form, std::string_view entry_prefix, Call call,
                                           WriteEntry write_entry,
                                           bool (*read_field)(std::string_view, const std::string&, unsigned*,
                                                              Entry&)) {
  std::optional<std::string> queue_url;
  std::vector<Entry> entries;
  if (!read_batch(form.form, entry_prefix, &queue_url, &entries, read_field)) return std::nullopt;
  auto queue = queue_named(queue_url, form.ctx);
  if (!queue) return render_error(Protocol::Query, queue.error(), form.ctx.request_id);
  auto result = call(*queue, entries);
  if (!result) return render_error(Protocol::Query, result.error(), form.ctx.request_id);
  Document doc(form.action, 256 + result->successful.size() * 200);
  for (const auto& ok : result->successful) write_entry(doc.writer(), ok);
  write_failed(doc.writer(), result->failed);
  return xml_response(form.ctx.request_id, doc.finish(form.ctx.request_id));
}

std::optional<http::Response> receive_message(Engine& engine, const server::Call& form) {
  std::optional<std::string> queue_url;
  ReceiveMessageRequest receive;
  if (!read_receive(form.form, &queue_url, &receive)) return std::nullopt;
  auto queue = queue_named(queue_url, form.ctx);
  if (!queue) return render_error(Protocol::Query, queue.error(), form.ctx.request_id);
  auto result = engine.receive_message(*queue, receive, nullptr);
  if (!result) return render_error(Protocol::Query, result.error(), form.ctx.request_id);
  // Nothing there and time to wait: the parker owns waiting (see hot_path.cpp).
  if (result->messages.empty() && result->wait_time_seconds > 0) return std::nullopt;
  size_t estimate = 256;
  for (const auto& m : result->messages) estimate += 400 + m.body.size() + m.body.size() / 8;
  Document doc(form.action, estimate);
  for (const auto& m : result->messages) write_message(doc.writer(), m);
  return xml_response(form.ctx.request_id, doc.finish(form.ctx.request_id));
}

}  // namespace

std::optional<http::Response> try_query_hot_path(Engine& engine, const server::Call& form) {
  try {
    if (form.action == "SendMessageBatch") {
      return batch_action<SendMessageRequest>(
          form, "SendMessageBatchRequestEntry",
          [&](const auto& queue, const auto& entries) { return engine.send_message_batch(queue, entries); }, write_sent,
          read_send_field);
    }
    if (form.action == "ReceiveMessage") return receive_message(engine, form);
    if (form.action == "SendMessage") return send_message(engine, form);
    if (form.action == "DeleteMessage") return handle_action(engine, form, false);
    if (form.action == "ChangeMessageVisibility") return handle_action(engine, form, true);
    if (form.action == "DeleteMessageBatch") {
      return batch_action<DeleteMessageBatchEntry>(
          form, "DeleteMessageBatchRequestEntry",
          [&](const auto& queue, const auto& entries) { return engine.delete_message_batch(queue, entries); },
          write_deleted, read_delete_field);
    }
  } catch (const std::exception& e) {
    return render_error(Protocol::Query, aws_error(AwsErrorCode::InternalFailure, e.what()), form.ctx.request_id);
  }
  return std::nullopt;
}

}  // namespace sluice::api::sqs_wire::detail
