// JsonWriter: see json_write.h.

#include "sluice/api/json/json.h"

#include <stdexcept>

#include "sluice/common/json_escape.h"

namespace sluice::api::json {

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

void JsonWriter::append_escaped(std::string_view value) { append_json_string(out_, value); }

}  // namespace sluice::api::json
