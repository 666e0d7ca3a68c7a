// application/x-www-form-urlencoded decoding. The text is copied once into the Form's buffer and
// decoded there in place: pairs split on '&', the first '=' splits name from value, '+' is a space
// and %XX a byte (byte_scan.h finds them sixteen bytes at a time). Decoding never lengthens a
// segment, so a segment's decoded bytes stay inside it and every name and value is a view into
// the buffer. Segments without any escape, the common case
// for Action/QueueUrl-style parameters once a client has encoded them, are not written at all.
// Empty segments ("a=1&&b=2", a trailing '&') are skipped; a segment without '=' is a name with an
// empty value.

#include <cstring>

#include "byte_scan.h"
#include "sluice/api/query/query.h"
#include "sluice/common/json_escape.h"

namespace sluice::api::query {
namespace {

constexpr size_t kUsualPairs = 32;

char* next_escape(char* p, char* end) { return p + (detail::find_form_escape(p, end) - p); }

// Decodes [p, end) in place into *out; false on a malformed percent escape. The text before the
// first escape stays where it is; after it, each run up to the next escape moves down in one piece.
bool decode_in_place(char* p, char* end, std::string_view* out) {
  char* q = next_escape(p, end);
  char* o = q;
  while (q != end) {
    if (*q == '+') {
      *o++ = ' ';
      ++q;
    } else {
      if (end - q < 3) return false;
      int hi = common::hex_digit_value(q[1]);
      int lo = common::hex_digit_value(q[2]);
      if (hi < 0 || lo < 0) return false;
      *o++ = static_cast<char>((hi << 4) | lo);
      q += 3;
    }
    char* next = next_escape(q, end);
    std::memmove(o, q, static_cast<size_t>(next - q));
    o += next - q;
    q = next;
  }
  *out = std::string_view(p, static_cast<size_t>(o - p));
  return true;
}

// Appends the pairs of [p, end), decoded in place, to `params`.
bool decode_pairs(char* p, char* end, FormParams& params) {
  while (p < end) {
    auto* amp = static_cast<char*>(std::memchr(p, '&', static_cast<size_t>(end - p)));
    char* segment_end = amp != nullptr ? amp : end;
    if (segment_end != p) {
      auto* eq = static_cast<char*>(std::memchr(p, '=', static_cast<size_t>(segment_end - p)));
      std::string_view name;
      // A pair without '=' has an empty value that still points into the text: views handed on
      // (to JSON keys, memcpy) never carry a null pointer.
      std::string_view value(segment_end, 0);
      if (!decode_in_place(p, eq != nullptr ? eq : segment_end, &name)) return false;
      if (eq != nullptr && !decode_in_place(eq + 1, segment_end, &value)) return false;
      params.emplace_back(name, value);
    }
    p = segment_end + 1;
  }
  return true;
}

}  // namespace

common::Outcome<Form> Form::decode(std::string_view first, std::string_view second) {
  Form form;
  const size_t size = first.size() + second.size();
  if (size == 0) return form;
  form.text_ = std::make_unique_for_overwrite<char[]>(size);
  char* text = form.text_.get();
  // An empty view may have no data at all, which memcpy must not be given.
  if (!first.empty()) std::memcpy(text, first.data(), first.size());
  if (!second.empty()) std::memcpy(text + first.size(), second.data(), second.size());
  // Room for a batch of ten with a few members each, without counting pairs first (a scan of the
  // whole text); larger forms grow.
  form.params_.reserve(kUsualPairs);
  // The two texts are decoded apart: a pair never spans from one into the other.
  if (!decode_pairs(text, text + first.size(), form.params_) ||
      !decode_pairs(text + first.size(), text + size, form.params_)) {
    // Text of AWS's common error MalformedQueryString.
    return common::aws_error(common::AwsErrorCode::MalformedQueryString, "The query string contains a syntax error.");
  }
  return form;
}

}  // namespace sluice::api::query
