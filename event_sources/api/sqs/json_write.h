#pragma once
// Writing JSON text straight into a string, for the hot path's answers (hot_path.h). Strings go
// through append_json_string (sluice/common/json_escape.h), which escapes as Boost.JSON's
// serializer does, so an answer written here is the same text the general path gets from
// json::serialize.
//
// Use: begin_object(); key("A"); string("x"); key("B"); begin_array(); ... end_array();
// end_object(). The writer places the commas.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::api::sqs::detail {

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

}  // namespace sluice::api::sqs::detail
