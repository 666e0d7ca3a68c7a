// JsonWriter: see json_write.h.

#include "json_write.h"

#include <stdexcept>

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
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(value.substr(run, i - run));
    run = i + 1;
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
  out_.append(value.substr(run));
  out_.push_back('"');
}

}  // namespace sluice::api::sqs::detail
