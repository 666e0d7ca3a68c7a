#pragma once
// C++20 helpers over the C ABI in handler.h, header-only.
//
// A C++ handler is one function and one macro:
//
//   sluice::handler::Result handle(const std::vector<sluice::handler::SqsRecord>& records,
//                                  sluice::handler::Context& ctx) { ... }
//   SLUICE_SQS_HANDLER(handle)
//
// The macro exports the C symbols, turns the event into typed records (from the event JSON, or
// straight from the host's structs when the host uses the SQS fast path) and turns the Result
// into respond/fail calls. No exception leaves the plugin: any exception becomes a function error
// whose type is the exception's C++ type name and whose message is what().
//
// JSON comes from Boost.JSON. Writing a JSON reader here would be one more parser to get right
// (escapes, surrogates, numbers) for every plugin; Boost.JSON is a packaged, well-tested library
// that sluice itself uses, and a plugin's copy stays private to it (plugins are loaded with
// RTLD_LOCAL). C authors, and C++ authors who avoid this header, need nothing but handler.h.

#include <sluice/handler.h>

#include <boost/json.hpp>

#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#if defined(__GNUG__)
#include <cxxabi.h>

#include <cstdlib>
#endif

namespace sluice::handler {

// The event was not the JSON shape the handler declared it wants.
class EventError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SqsMessageAttribute {
  std::string data_type;     // "String", "Number", "Binary" (optionally ".custom")
  std::string string_value;  // String and Number types
  std::string binary_value;  // Binary types: raw bytes (base64-decoded)
};

// One record of the Lambda SQS event.
struct SqsRecord {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  std::string md5_of_body;
  std::optional<std::string> md5_of_message_attributes;
  std::string event_source = "aws:sqs";
  std::string event_source_arn;
  std::string aws_region;
  std::map<std::string, std::string> attributes;  // "ApproximateReceiveCount", "SentTimestamp", ...
  std::map<std::string, SqsMessageAttribute> message_attributes;

  std::string_view attribute(const std::string& name) const {
    auto it = attributes.find(name);
    return it == attributes.end() ? std::string_view{} : std::string_view{it->second};
  }
};

struct SnsMessageAttribute {
  std::string type;
  std::string value;
};

// One record of the Lambda SNS event (the "Sns" object flattened into the record).
struct SnsRecord {
  std::string event_source;
  std::string event_version;
  std::string event_subscription_arn;
  std::string type;
  std::string message_id;
  std::string topic_arn;
  std::optional<std::string> subject;  // null when the publisher gave none
  std::string message;
  std::string timestamp;
  std::string signature_version;
  std::string signature;
  std::string signing_cert_url;
  std::string unsubscribe_url;
  std::map<std::string, SnsMessageAttribute> message_attributes;
};

// What a handler answers.
class Result {
 public:
  enum class Kind { Payload, Error };

  // Success with a JSON payload, taken verbatim (so it must be valid JSON).
  static Result payload(std::string json) { return Result(Kind::Payload, std::move(json), {}); }
  static Result json(const boost::json::value& v) { return payload(boost::json::serialize(v)); }
  // Success without a payload: the function returns null.
  static Result null() { return payload("null"); }
  // Function error, delivered as {"errorType": type, "errorMessage": message}.
  static Result error(std::string type, std::string message) {
    return Result(Kind::Error, std::move(type), std::move(message));
  }
  // Partial batch response: only these message ids go back to the queue.
  static Result batch_item_failures(const std::vector<std::string>& failed_message_ids) {
    boost::json::array items;
    for (const auto& id : failed_message_ids) items.push_back(boost::json::object{{"itemIdentifier", id}});
    return json(boost::json::object{{"batchItemFailures", std::move(items)}});
  }

  Kind kind() const { return kind_; }
  const std::string& payload_json() const { return first_; }
  const std::string& error_type() const { return first_; }
  const std::string& error_message() const { return second_; }

 private:
  Result(Kind kind, std::string first, std::string second)
      : kind_(kind), first_(std::move(first)), second_(std::move(second)) {}
  Kind kind_;
  std::string first_;
  std::string second_;
};

// The invocation as the handler sees it. Valid only during the handler call.
class Context {
 public:
  Context(void* state, const sluice_invocation* inv) : state_(state), inv_(inv) {}

  std::string_view request_id() const { return view(inv_->request_id); }
  std::string_view function_arn() const { return view(inv_->function_arn); }
  std::string_view event() const { return view(inv_->event); }
  int64_t deadline_ms() const { return inv_->deadline_ms; }
  // Invoke's ClientContext JSON, empty when none was given (or the host predates the field).
  std::string_view client_context() const { return view(sluice_invocation_client_context(inv_)); }
  int64_t remaining_time_ms() const { return inv_->host->remaining_time_ms(inv_->host_context); }
  void* state() const { return state_; }
  void log(std::string_view text, sluice_log_level level = SLUICE_LOG_INFO) const {
    inv_->host->log(inv_->host_context, level, text.data(), text.size());
  }
  const sluice_invocation& raw() const { return *inv_; }

  static std::string_view view(sluice_bytes b) {
    return b.size ? std::string_view(b.data, b.size) : std::string_view{};
  }

 private:
  void* state_;
  const sluice_invocation* inv_;
};

namespace detail {

inline std::string base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) throw EventError("binaryValue is not base64");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFFu));
    }
  }
  return out;
}

inline const boost::json::object& as_object(const boost::json::value& v, const char* what) {
  if (!v.is_object()) throw EventError(std::string(what) + " is not a JSON object");
  return v.get_object();
}

inline std::string str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) throw EventError(std::string("field ") + key + " is not a string");
  return std::string(v->get_string());
}

inline std::optional<std::string> opt_str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  return str(o, key);
}

inline boost::json::value parse(std::string_view event_json) {
  boost::json::error_code ec;
  boost::json::value doc = boost::json::parse(event_json, ec);
  if (ec) throw EventError("event is not valid JSON: " + ec.message());
  return doc;
}

inline const boost::json::array& records_of(const boost::json::value& doc) {
  const auto* records = as_object(doc, "event").if_contains("Records");
  if (!records || !records->is_array()) throw EventError("event has no Records array");
  return records->get_array();
}

inline std::string string_of(sluice_bytes b) { return std::string(Context::view(b)); }

}  // namespace detail

// Parses a Lambda SQS event. Throws EventError when the shape is wrong.
inline std::vector<SqsRecord> parse_sqs_event(std::string_view event_json) {
  const boost::json::value doc = detail::parse(event_json);
  std::vector<SqsRecord> out;
  for (const auto& rv : detail::records_of(doc)) {
    const auto& r = detail::as_object(rv, "record");
    SqsRecord rec;
    rec.message_id = detail::str(r, "messageId");
    rec.receipt_handle = detail::str(r, "receiptHandle");
    rec.body = detail::str(r, "body");
    rec.md5_of_body = detail::str(r, "md5OfBody");
    rec.md5_of_message_attributes = detail::opt_str(r, "md5OfMessageAttributes");
    rec.event_source = detail::str(r, "eventSource");
    rec.event_source_arn = detail::str(r, "eventSourceARN");
    rec.aws_region = detail::str(r, "awsRegion");
    if (const auto* a = r.if_contains("attributes"); a && a->is_object())
      for (const auto& [k, v] : a->get_object())
        if (v.is_string()) rec.attributes.emplace(std::string(k), std::string(v.get_string()));
    if (const auto* m = r.if_contains("messageAttributes"); m && m->is_object())
      for (const auto& [k, v] : m->get_object()) {
        const auto& mo = detail::as_object(v, "message attribute");
        SqsMessageAttribute attr{detail::str(mo, "dataType"), detail::str(mo, "stringValue"),
                                 detail::base64_decode(detail::str(mo, "binaryValue"))};
        rec.message_attributes.emplace(std::string(k), std::move(attr));
      }
    out.push_back(std::move(rec));
  }
  return out;
}

// Builds typed records from the host's structs (the SQS fast path).
inline std::vector<SqsRecord> sqs_records_from(const sluice_sqs_record* records, size_t count) {
  using detail::string_of;
  std::vector<SqsRecord> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const sluice_sqs_record& r = records[i];
    SqsRecord rec;
    rec.message_id = string_of(r.message_id);
    rec.receipt_handle = string_of(r.receipt_handle);
    rec.body = string_of(r.body);
    rec.md5_of_body = string_of(r.md5_of_body);
    if (r.md5_of_message_attributes.size) rec.md5_of_message_attributes = string_of(r.md5_of_message_attributes);
    rec.event_source_arn = string_of(r.event_source_arn);
    rec.aws_region = string_of(r.aws_region);
    rec.attributes["ApproximateReceiveCount"] = std::to_string(r.approximate_receive_count);
    rec.attributes["SentTimestamp"] = std::to_string(r.sent_timestamp_ms);
    rec.attributes["SenderId"] = string_of(r.sender_id);
    rec.attributes["ApproximateFirstReceiveTimestamp"] = std::to_string(r.approximate_first_receive_timestamp_ms);
    const std::pair<const char*, sluice_bytes> optional_attrs[] = {
        {"SequenceNumber", r.sequence_number},
        {"MessageGroupId", r.message_group_id},
        {"MessageDeduplicationId", r.message_deduplication_id},
        {"AWSTraceHeader", r.aws_trace_header}};
    for (const auto& [name, value] : optional_attrs)
      if (value.size) rec.attributes[name] = string_of(value);
    for (size_t j = 0; j < r.message_attribute_count; ++j) {
      const auto& a = r.message_attributes[j];
      SqsMessageAttribute attr{string_of(a.data_type), {}, {}};
      if (attr.data_type.rfind("Binary", 0) == 0) attr.binary_value = string_of(a.value);
      else attr.string_value = string_of(a.value);
      rec.message_attributes.emplace(string_of(a.name), std::move(attr));
    }
    out.push_back(std::move(rec));
  }
  return out;
}

// Parses a Lambda SNS event. Throws EventError when the shape is wrong.
inline std::vector<SnsRecord> parse_sns_event(std::string_view event_json) {
  using detail::str;
  const boost::json::value doc = detail::parse(event_json);
  std::vector<SnsRecord> out;
  for (const auto& rv : detail::records_of(doc)) {
    const auto& r = detail::as_object(rv, "record");
    const auto* snsv = r.if_contains("Sns");
    if (!snsv) throw EventError("record has no Sns object");
    const auto& s = detail::as_object(*snsv, "Sns");
    SnsRecord rec{str(r, "EventSource"),
                  str(r, "EventVersion"),
                  str(r, "EventSubscriptionArn"),
                  str(s, "Type"),
                  str(s, "MessageId"),
                  str(s, "TopicArn"),
                  detail::opt_str(s, "Subject"),
                  str(s, "Message"),
                  str(s, "Timestamp"),
                  str(s, "SignatureVersion"),
                  str(s, "Signature"),
                  str(s, "SigningCertUrl"),
                  str(s, "UnsubscribeUrl"),
                  {}};
    if (const auto* m = s.if_contains("MessageAttributes"); m && m->is_object())
      for (const auto& [k, v] : m->get_object()) {
        const auto& mo = detail::as_object(v, "message attribute");
        rec.message_attributes.emplace(std::string(k), SnsMessageAttribute{str(mo, "Type"), str(mo, "Value")});
      }
    out.push_back(std::move(rec));
  }
  return out;
}

namespace detail {

inline std::string type_name(const std::type_info& t) {
#if defined(__GNUG__)
  int status = 0;
  char* demangled = abi::__cxa_demangle(t.name(), nullptr, nullptr, &status);
  if (status == 0 && demangled) {
    std::string name(demangled);
    std::free(demangled);  // NOLINT: __cxa_demangle allocates with malloc
    return name;
  }
#endif
  return t.name();
}

inline void deliver(const sluice_invocation* inv, const Result& r) {
  if (r.kind() == Result::Kind::Payload) {
    inv->host->respond(inv->host_context, r.payload_json().data(), r.payload_json().size());
  } else {
    inv->host->fail(inv->host_context, r.error_type().data(), r.error_type().size(), r.error_message().data(),
                    r.error_message().size());
  }
}

inline void fail(const sluice_invocation* inv, std::string_view type, std::string_view message) noexcept {
  inv->host->fail(inv->host_context, type.data(), type.size(), message.data(), message.size());
}

// Runs `body` (returning a Result) and makes sure no exception escapes into the host.
template <typename Body>
void run(const sluice_invocation* inv, Body&& body) noexcept {
  try {
    deliver(inv, body());
  } catch (const std::exception& e) {
    try {
      fail(inv, type_name(typeid(e)), e.what());
    } catch (...) {
      fail(inv, "std::exception", "exception while reporting an exception");
    }
  } catch (...) {
    fail(inv, "UnknownException", "a non-standard exception was thrown");
  }
}

}  // namespace detail
}  // namespace sluice::handler

#define SLUICE_HANDLER_DETAIL_ABI \
  extern "C" SLUICE_HANDLER_EXPORT uint32_t sluice_handler_abi_version(void) { return SLUICE_HANDLER_ABI_VERSION; }

// fn: sluice::handler::Result fn(std::string_view event_json, sluice::handler::Context&)
#define SLUICE_HANDLER(fn)                                                                                 \
  SLUICE_HANDLER_DETAIL_ABI                                                                                \
  extern "C" SLUICE_HANDLER_EXPORT void sluice_handler_invoke(void* state, const sluice_invocation* inv) { \
    ::sluice::handler::detail::run(inv, [&] {                                                              \
      ::sluice::handler::Context ctx(state, inv);                                                          \
      return fn(ctx.event(), ctx);                                                                         \
    });                                                                                                    \
  }

// fn: sluice::handler::Result fn(const std::vector<sluice::handler::SqsRecord>&, Context&)
// Exports the JSON entry point and the structured SQS fast path.
#define SLUICE_SQS_HANDLER(fn)                                                                                      \
  SLUICE_HANDLER_DETAIL_ABI                                                                                         \
  extern "C" SLUICE_HANDLER_EXPORT void sluice_handler_invoke(void* state, const sluice_invocation* inv) {          \
    ::sluice::handler::detail::run(inv, [&] {                                                                       \
      ::sluice::handler::Context ctx(state, inv);                                                                   \
      return fn(::sluice::handler::parse_sqs_event(ctx.event()), ctx);                                              \
    });                                                                                                             \
  }                                                                                                                 \
  extern "C" SLUICE_HANDLER_EXPORT void sluice_handler_invoke_sqs(void* state, const sluice_invocation* inv,        \
                                                                  const sluice_sqs_record* records, size_t count) { \
    ::sluice::handler::detail::run(inv, [&] {                                                                       \
      ::sluice::handler::Context ctx(state, inv);                                                                   \
      return fn(::sluice::handler::sqs_records_from(records, count), ctx);                                          \
    });                                                                                                             \
  }

// fn: sluice::handler::Result fn(const std::vector<sluice::handler::SnsRecord>&, Context&)
#define SLUICE_SNS_HANDLER(fn)                                                                             \
  SLUICE_HANDLER_DETAIL_ABI                                                                                \
  extern "C" SLUICE_HANDLER_EXPORT void sluice_handler_invoke(void* state, const sluice_invocation* inv) { \
    ::sluice::handler::detail::run(inv, [&] {                                                              \
      ::sluice::handler::Context ctx(state, inv);                                                          \
      return fn(::sluice::handler::parse_sns_event(ctx.event()), ctx);                                     \
    });                                                                                                    \
  }

// Declares that the handler may be invoked concurrently (see handler.h, Threading).
#define SLUICE_HANDLER_CONCURRENT_SAFE() \
  extern "C" SLUICE_HANDLER_EXPORT uint32_t sluice_handler_flags(void) { return SLUICE_HANDLER_CONCURRENT; }
