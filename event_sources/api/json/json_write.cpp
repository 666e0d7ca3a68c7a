// JsonWriter: see json_write.h.

#include "sluice/api/json/json.h"

#include <cstring>
#include <stdexcept>

#include "sluice/common/json_escape.h"
#include "sluice/common/json_plain_run.h"

namespace sluice::api::json {

bool JsonWriter::take_separator() {
  if (after_key_) {
    after_key_ = false;  // a member's value follows its key directly
    return false;
  }
  if (depth_ == 0) return false;
  bool comma = !first_[depth_ - 1];
  first_[depth_ - 1] = false;
  return comma;
}

void JsonWriter::separate() {
  if (take_separator()) out_.push_back(',');
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

// Most members of an answer are a model name and a short value with nothing to escape (ids,
// hashes, receipt handles, plain bodies): those are assembled on the stack and appended in one
// piece, instead of a call per quote, colon and comma. Only ASCII takes this way: anything else
// goes through append_json_string, whose UTF-8 check keeps every text this writer makes well
// formed, so that an answer written here alone needs no second pass over the whole body.
void JsonWriter::member(std::string_view name, std::string_view value) {
  char buf[512];
  constexpr size_t kPunctuation = 6;  // ,"name":"value"
  if (name.size() + value.size() + kPunctuation > sizeof buf ||
      common::json_plain_run(name.data(), name.size()) != name.size() ||
      common::json_plain_run(value.data(), value.size()) != value.size() ||
      !common::is_ascii(name.data(), name.size()) || !common::is_ascii(value.data(), value.size())) {
    key(name);
    string(value);
    return;
  }
  char* p = buf;
  if (take_separator()) *p++ = ',';
  *p++ = '"';
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = '"';
  *p++ = ':';
  *p++ = '"';
  std::memcpy(p, value.data(), value.size());
  p += value.size();
  *p++ = '"';
  out_.append(buf, static_cast<size_t>(p - buf));
}

void JsonWriter::boolean(bool value) {
  separate();
  out_.append(value ? "true" : "false");
}

void JsonWriter::append_escaped(std::string_view value) { common::append_json_string(out_, value); }

}  // namespace sluice::api::json
