// JsonWriter: see json_write.h.

#include "json_write.h"

#include <stdexcept>

#include "json_plain_run.h"

namespace sluice::api::sqs::detail {

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;  // a member's value follows its key directly
    return;
  }
  if (depth_ == 0) return;
  if (!first_[depth_ - 1]) out_.push_back(',');
  first_[depth_ - 1] = false;
}

void JsonWriter::open(char c) {
  if (depth_ >= kMaxDepth) throw std::logic_error("JsonWriter: nesting too deep");
  separate();
  out_.push_back(c);
  first_[depth_++] = true;
}

void JsonWriter::close(char c) {
  --depth_;
  out_.push_back(c);
}

void JsonWriter::key(std::string_view name) {
  separate();
  append_escaped(name);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::string(std::string_view value) {
  separate();
  append_escaped(value);
}

void JsonWriter::boolean(bool value) {
  separate();
  out_.append(value ? "true" : "false");
}

void JsonWriter::append_escaped(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  const char* p = value.data();
  size_t left = value.size();
  for (;;) {
    size_t plain = json_plain_run(p, left);
    out_.append(p, plain);
    if (plain == left) break;
    auto c = static_cast<unsigned char>(p[plain]);
    p += plain + 1;
    left -= plain + 1;
    out_.push_back('\\');
    switch (c) {
      case '"': out_.push_back('"'); break;
      case '\\': out_.push_back('\\'); break;
      case '\b': out_.push_back('b'); break;
      case '\t': out_.push_back('t'); break;
      case '\n': out_.push_back('n'); break;
      case '\f': out_.push_back('f'); break;
      case '\r': out_.push_back('r'); break;
      default:
        out_.append("u00");
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0xF]);
    }
  }
  out_.push_back('"');
}

}  // namespace sluice::api::sqs::detail
