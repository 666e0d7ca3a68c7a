#pragma once
// The AWS JSON protocol kit (JSON 1.0 and 1.1, selected by X-Amz-Target), shared by every service
// on the port that speaks it (SQS; later Lambda's JSON siblings, KMS, CloudWatch Logs):
//
// - JsonScanner: a strict pull reader for request bodies, and JsonWriter: JSON text written
//   straight into a string for answers, with no Boost.JSON tree in between.
// - request_storage(): a per-request arena for the Boost.JSON values of the general path.
// - json_response() / error_response(): the HTTP answers, errors as AWS writes them
//   ({"__type": "<namespace>#<Type>", "message": ...} plus the x-amzn-query-error header that
//   SDKs use to show a service's legacy Query codes).

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/api/http/server.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::json {

// ---- Reading -------------------------------------------------------------------------------------

// A strict pull reader for small JSON request bodies (the SQS message actions). It never
// reports why it stopped: anything it does not expect, or does not read exactly as Boost.JSON
// would (numbers other than plain integers, lone UTF-16 surrogates, invalid UTF-8, nesting deeper
// than kMaxDepth), makes it fail, and the caller hands the request to the general path, whose
// Boost.JSON parser words the error as AWS does. The reader may refuse valid JSON; it never
// accepts what Boost.JSON would reject.
//
// Use: begin_object(), then `while (next_member(&name)) { read the value }`, then check ok().
// Arrays likewise with begin_array() / next_element(). Strings without escapes are read as views
// into the text; escaped ones are decoded into the caller's string.
class JsonScanner {
 public:
  static constexpr int kMaxDepth = 8;

  explicit JsonScanner(std::string_view text) : text_(text) {}

  bool begin_object();
  // The next member's name (names with escapes fail); false at the closing '}' or on failure.
  bool next_member(std::string_view* name);
  bool begin_array();
  // True when another element follows; false at the closing ']' or on failure.
  bool next_element();

  // A string value. *view points into the text when it has no escapes, else into *scratch.
  bool read_string(std::string_view* view, std::string* scratch);
  bool read_string(std::string* out);
  // A plain integer (no fraction or exponent) that fits int64_t.
  bool read_int(int64_t* out);

  // True when nothing failed and only whitespace remains.
  bool finished();
  bool ok() const { return !failed_; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  void skip_whitespace();
  bool expect(char c);
  bool open(char c);
  // Before an element or member: a ',' unless it is the first one; false (and pops) at `close`.
  bool next_in_container(char close);

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool first_[kMaxDepth] = {};
  bool failed_ = false;
};

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points above
// U+10FFFF).
bool is_valid_utf8(std::string_view s);

// ---- Writing -------------------------------------------------------------------------------------

// Writing JSON text straight into a string, for the hot path's answers (hot_path.h). Strings go
// through append_json_string (sluice/common/json_escape.h), which escapes as Boost.JSON's
// serializer does, so an answer written here is the same text the general path gets from
// json::serialize.
//
// Use: begin_object(); key("A"); string("x"); key("B"); begin_array(); ... end_array();
// end_object(). The writer places the commas.
class JsonWriter {
 public:
  static constexpr int kMaxDepth = 16;

  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view name);
  void string(std::string_view value);
  void boolean(bool value);
  // key(name) followed by string(value).
  void member(std::string_view name, std::string_view value) {
    key(name);
    string(value);
  }

 private:
  void open(char c);
  void close(char c);
  // A ',' before every element or member but the first of its container.
  void separate();
  void append_escaped(std::string_view value);

  std::string& out_;
  int depth_ = 0;
  bool first_[kMaxDepth] = {};
  bool after_key_ = false;
};

// ---- Requests and answers ------------------------------------------------------------------------

// Storage for one request's Boost.JSON values: a monotonic arena whose first block shares the
// arena's own allocation. A request's input object is built in it and results built in the same
// storage move into it without copies, so a request costs one allocation instead of one per member
// and string; the arena is freed with the last value that uses it.
boost::json::storage_ptr request_storage();

// What differs between two services' JSON answers.
struct Dialect {
  std::string_view type_namespace;  // "__type" prefix, e.g. "com.amazonaws.sqs#"
  std::string_view content_type;    // e.g. "application/x-amz-json-1.0"
};

// HTTP 200 with this body.
http::Response json_response(std::string_view request_id, std::string body, const Dialect& dialect);
// The error's HTTP status; body {"__type","message"}; x-amzn-query-error "<QueryCode>;Sender|Receiver".
http::Response error_response(const AwsError& error, std::string_view request_id, const Dialect& dialect);

}  // namespace sluice::api::json
