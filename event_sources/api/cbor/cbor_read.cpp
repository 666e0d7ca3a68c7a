// Reading a CBOR request body (see cbor.h) with libcbor's streaming decoder: each call decodes
// one item head (or one whole scalar) and calls back; the values are built here on an explicit
// stack of open containers, so nesting costs no recursion and its depth is checked as it grows.

#include <cbor.h>

#include <boost/json.hpp>

#include <cstdint>
#include <limits>
#include <vector>

#include "sluice/api/cbor/cbor.h"
#include "sluice/common/crypto.h"

namespace sluice::api::cbor {
namespace {

namespace bj = boost::json;

constexpr uint64_t kEpochSecondsTag = 1;

class Builder {
 public:
  // The callbacks' entry points.
  void scalar(bj::value v) {
    if (failed_) return;
    if (!stack_.empty() && (stack_.back().kind == Kind::Text || stack_.back().kind == Kind::Bytes)) {
      return fail();  // only chunks of its own kind may sit inside an indefinite string
    }
    deliver(std::move(v));
  }
  void text(std::string_view chunk) {
    if (failed_) return;
    if (!stack_.empty() && stack_.back().kind == Kind::Text) {
      stack_.back().chunks.append(chunk);
      return;
    }
    scalar(bj::string(chunk));
  }
  void bytes(std::string_view chunk) {
    if (failed_) return;
    if (!stack_.empty() && stack_.back().kind == Kind::Bytes) {
      stack_.back().chunks.append(chunk);
      return;
    }
    scalar(bj::string(common::base64_encode(chunk)));
  }
  void open(bool array, std::optional<uint64_t> size) {
    if (failed_) return;
    if (!stack_.empty() && (stack_.back().kind == Kind::Text || stack_.back().kind == Kind::Bytes)) return fail();
    if (size && *size == 0) {
      deliver(array ? bj::value(bj::array()) : bj::value(bj::object()));
      return;
    }
    if (containers_ >= kMaxDepth) return fail();
    ++containers_;
    Frame frame;
    frame.kind = array ? Kind::Array : Kind::Map;
    frame.value = array ? bj::value(bj::array()) : bj::value(bj::object());
    // A map of n pairs holds 2n items. The size is the sender's word: nothing is reserved by it.
    if (size) frame.remaining = array ? *size : (*size > std::numeric_limits<uint64_t>::max() / 2 ? 0 : *size * 2);
    if (size && frame.remaining == 0) return fail();
    frame.definite = size.has_value();
    stack_.push_back(std::move(frame));
  }
  void open_string(bool text) {
    if (failed_) return;
    if (!stack_.empty() && (stack_.back().kind == Kind::Text || stack_.back().kind == Kind::Bytes)) return fail();
    Frame frame;
    frame.kind = text ? Kind::Text : Kind::Bytes;
    stack_.push_back(std::move(frame));
  }
  void tag(uint64_t value) {
    if (failed_) return;
    if (value != kEpochSecondsTag || stack_.size() > static_cast<size_t>(2 * kMaxDepth)) return fail();
    if (!stack_.empty() && (stack_.back().kind == Kind::Text || stack_.back().kind == Kind::Bytes)) return fail();
    Frame frame;
    frame.kind = Kind::Tag;
    stack_.push_back(std::move(frame));
  }
  void end_indefinite() {
    if (failed_) return;
    if (stack_.empty() || stack_.back().definite || stack_.back().kind == Kind::Tag) return fail();
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    switch (frame.kind) {
      case Kind::Text:
        return deliver(bj::string(frame.chunks));
      case Kind::Bytes:
        return deliver(bj::string(common::base64_encode(frame.chunks)));
      case Kind::Map:
        if (frame.key) return fail();  // a key without its value
        [[fallthrough]];
      case Kind::Array:
        --containers_;
        return deliver(std::move(frame.value));
      case Kind::Tag:
        return fail();
    }
  }
  void fail() { failed_ = true; }

  bool failed() const { return failed_; }
  bool done() const { return root_.has_value(); }
  bj::value take() { return std::move(*root_); }

 private:
  enum class Kind { Array, Map, Text, Bytes, Tag };
  struct Frame {
    Kind kind = Kind::Array;
    bool definite = false;
    uint64_t remaining = 0;  // items still to come in a definite container
    bj::value value;
    std::optional<std::string> key;  // a map's key waiting for its value
    std::string chunks;              // an indefinite string's bytes so far
  };

  // A complete value for whatever is open (or the body's one top-level item).
  void deliver(bj::value v) {
    while (true) {
      if (stack_.empty()) {
        if (root_) return fail();  // a second top-level item
        root_ = std::move(v);
        return;
      }
      Frame& top = stack_.back();
      if (top.kind == Kind::Tag) {
        if (!v.is_number()) return fail();  // tag 1 holds a number of seconds
        stack_.pop_back();
        continue;  // the tagged number is the value
      }
      if (top.kind == Kind::Array) {
        top.value.get_array().push_back(std::move(v));
      } else if (!top.key) {
        if (!v.is_string()) return fail();  // Smithy's maps and structures have text keys
        top.key = std::string(v.get_string());
      } else {
        top.value.get_object()[*top.key] = std::move(v);
        top.key.reset();
      }
      if (!top.definite || --top.remaining > 0) return;
      v = std::move(top.value);
      stack_.pop_back();
      --containers_;
    }
  }

  std::vector<Frame> stack_;
  int containers_ = 0;
  std::optional<bj::value> root_;
  bool failed_ = false;
};

Builder& of(void* context) { return *static_cast<Builder*>(context); }

void on_uint(void* c, uint64_t v) {
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    of(c).scalar(bj::value(static_cast<int64_t>(v)));
  } else {
    of(c).scalar(bj::value(v));
  }
}
void on_negint(void* c, uint64_t v) {  // the value is -1 - v
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    of(c).scalar(bj::value(-1 - static_cast<int64_t>(v)));
  } else {
    of(c).scalar(bj::value(-1.0 - static_cast<double>(v)));
  }
}

const cbor_callbacks kCallbacks = [] {
  cbor_callbacks cb{};
  cb.uint8 = [](void* c, uint8_t v) { on_uint(c, v); };
  cb.uint16 = [](void* c, uint16_t v) { on_uint(c, v); };
  cb.uint32 = [](void* c, uint32_t v) { on_uint(c, v); };
  cb.uint64 = [](void* c, uint64_t v) { on_uint(c, v); };
  cb.negint8 = [](void* c, uint8_t v) { on_negint(c, v); };
  cb.negint16 = [](void* c, uint16_t v) { on_negint(c, v); };
  cb.negint32 = [](void* c, uint32_t v) { on_negint(c, v); };
  cb.negint64 = [](void* c, uint64_t v) { on_negint(c, v); };
  cb.byte_string = [](void* c, cbor_data data, size_t size) {
    of(c).bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  };
  cb.byte_string_start = [](void* c) { of(c).open_string(false); };
  cb.string = [](void* c, cbor_data data, size_t size) {
    of(c).text(std::string_view(reinterpret_cast<const char*>(data), size));
  };
  cb.string_start = [](void* c) { of(c).open_string(true); };
  cb.array_start = [](void* c, size_t size) { of(c).open(true, size); };
  cb.indef_array_start = [](void* c) { of(c).open(true, std::nullopt); };
  cb.map_start = [](void* c, size_t size) { of(c).open(false, size); };
  cb.indef_map_start = [](void* c) { of(c).open(false, std::nullopt); };
  cb.tag = [](void* c, uint64_t v) { of(c).tag(v); };
  cb.float2 = [](void* c, float v) { of(c).scalar(bj::value(static_cast<double>(v))); };
  cb.float4 = [](void* c, float v) { of(c).scalar(bj::value(static_cast<double>(v))); };
  cb.float8 = [](void* c, double v) { of(c).scalar(bj::value(v)); };
  cb.undefined = [](void* c) { of(c).scalar(bj::value(nullptr)); };
  cb.null = [](void* c) { of(c).scalar(bj::value(nullptr)); };
  cb.boolean = [](void* c, bool v) { of(c).scalar(bj::value(v)); };
  cb.indef_break = [](void* c) { of(c).end_indefinite(); };
  return cb;
}();

common::AwsError malformed(std::string what) {
  return common::aws_error(common::AwsErrorCode::SerializationException,
                           "The request body is not valid CBOR: " + what + ".");
}

}  // namespace

common::Outcome<bj::object> read_object(std::string_view body) {
  if (body.empty()) return bj::object();
  Builder builder;
  const auto* data = reinterpret_cast<cbor_data>(body.data());
  size_t at = 0;
  while (at < body.size()) {
    if (builder.done()) return malformed("bytes follow the top-level item");
    const cbor_decoder_result r = cbor_stream_decode(data + at, body.size() - at, &kCallbacks, &builder);
    if (r.status == CBOR_DECODER_NEDATA) return malformed("it ends inside an item");
    if (r.status != CBOR_DECODER_FINISHED || r.read == 0) return malformed("an item is malformed");
    if (builder.failed())
      return malformed("only text keys, tag 1 on numbers and at most " + std::to_string(kMaxDepth) +
                       " nested containers are accepted");
    at += r.read;
  }
  if (!builder.done()) return malformed("it ends inside an item");
  bj::value root = builder.take();
  if (!root.is_object())
    return common::aws_error(common::AwsErrorCode::SerializationException, "The request body must be a CBOR map.");
  return std::move(root.get_object());
}

}  // namespace sluice::api::cbor
