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
#include <optional>
#include <string>
#include <string_view>

#include "sluice/api/http/server.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::json {

// ---- Reading -------------------------------------------------------------------------------------

// A strict pull reader for JSON request bodies that accepts exactly what Boost.JSON's parser
// accepts with its default options (RFC 8259, valid UTF-8, no lone UTF-16 surrogates, at most
// kMaxDepth nested containers), so a body it refuses is one AWS's JSON protocols answer as not
// valid JSON. Once it fails it stays failed: every later call returns false and ok() tells.
//
// Use: begin_object(), then `while (next_member(&name)) { read or skip the value }`, then
// finished(). Arrays likewise with begin_array() / next_element(). peek() tells what the next
// value is, so a caller can read the types it expects and skip_value() the rest. Strings without
// escapes are read as views into the text; escaped ones are decoded into the caller's string.
class JsonScanner {
 public:
  static constexpr int kMaxDepth = 32;  // Boost.JSON's default nesting limit

  enum class Token { String, Number, Object, Array, True, False, Null, Invalid };

  explicit JsonScanner(std::string_view text) : text_(text) {}

  // What the next value is, judged by its first byte (nothing is consumed).
  Token peek() {
    skip_whitespace();
    if (failed_ || pos_ >= text_.size()) return Token::Invalid;
    switch (text_[pos_]) {
      case '"':
        return Token::String;
      case '{':
        return Token::Object;
      case '[':
        return Token::Array;
      case 't':
        return Token::True;
      case 'f':
        return Token::False;
      case 'n':
        return Token::Null;
      default:
        return text_[pos_] == '-' || (text_[pos_] >= '0' && text_[pos_] <= '9') ? Token::Number : Token::Invalid;
    }
  }

  bool begin_object();
  // The next member's name; false at the closing '}' or on failure. The view lives until the
  // next call.
  bool next_member(std::string_view* name);
  bool begin_array();
  // True when another element follows; false at the closing ']' or on failure.
  bool next_element();

  // A string value. *view points into the text when it has no escapes, else into *scratch.
  bool read_string(std::string_view* view, std::string* scratch);
  bool read_string(std::string* out);
  // A plain integer (no fraction or exponent) that fits int64_t.
  bool read_int(int64_t* out);
  // Any number. *integer is set when the number is one AWS's JSON protocols take for an integer
  // member (Boost.JSON reads it as an int64_t, or as a double with an integral value within
  // +-9e18, such as 5.0 or 1e3); it is left empty otherwise (1.5, 2^63).
  bool read_number(std::optional<int64_t>* integer);
  // true, false or null.
  bool read_literal();
  // Reads and checks any value without keeping it.
  bool skip_value();

  // True when nothing failed and only whitespace remains.
  bool finished();
  bool ok() const { return !failed_; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  void skip_whitespace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }
  bool expect(char c);
  bool open(char c);
  // Before an element or member: a ',' unless it is the first one; false (and pops) at `close`.
  bool next_in_container(char close);

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool first_[kMaxDepth] = {};
  bool failed_ = false;
  std::string name_scratch_;  // an escaped member name, decoded
};

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points above
// U+10FFFF).
bool is_valid_utf8(std::string_view s);

// ---- Writing -------------------------------------------------------------------------------------

// Writing JSON text straight into a string, for answers built without a Boost.JSON tree. Strings
// go through append_json_string (sluice/common/json_escape.h), which escapes as Boost.JSON's
// serializer does, so an answer written here is the same text json::serialize would give.
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
  void member(std::string_view name, std::string_view value);

 private:
  void open(char c);
  void close(char c);
  // A ',' before every element or member but the first of its container.
  void separate();
  // Whether the next value needs that ',' (and the container's state updated as if it was written).
  bool take_separator();
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
http::Response error_response(const common::AwsError& error, std::string_view request_id, const Dialect& dialect);
// error_response() for services whose refusal by policy is AccessDeniedException with HTTP 400
// (KMS, CloudWatch Logs), where the common row says 403 and AccessDenied: the status and the
// x-amzn-query-error type (which SDKs read before __type) say what these services answer.
http::Response error_response_denied_as_400(const common::AwsError& error, std::string_view request_id,
                                            const Dialect& dialect);

// The string value of a top-level member of a JSON object body, read as the actions' readers read
// it (members in arrival order, a later one replacing an earlier one), so that a check made before
// an action sees what the action will; a member of that name nested deeper is not taken for it.
// "" when absent, not a string, or the body is not a JSON object.
std::string top_level_string(std::string_view body, std::string_view name);

}  // namespace sluice::api::json
