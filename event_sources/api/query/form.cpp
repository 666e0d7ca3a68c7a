// application/x-www-form-urlencoded decoding. One pass over the text: pairs split on '&', the
// first '=' splits name from value, '+' is a space and %XX a byte. Segments without any escape
// are copied as they are, which is the common case for Action/QueueUrl-style parameters once a
// client has encoded them. Empty segments ("a=1&&b=2", a trailing '&') are skipped; a segment
// without '=' is a name with an empty value.

#include <algorithm>
#include <cstring>

#include "sluice/api/query/query.h"
#include "sluice/common/json_escape.h"

namespace sluice::api::query {
namespace {

// Decodes one name or value into `out`; false on a malformed percent escape.
bool decode_component(std::string_view in, std::string& out) {
  const char* p = in.data();
  const char* end = p + in.size();
  // Fast path: nothing to decode.
  bool plain = true;
  for (const char* q = p; q != end; ++q) {
    if (*q == '%' || *q == '+') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out.assign(in);
    return true;
  }
  // Decoded text is never longer than the input: write into a buffer of that size, then trim.
  out.resize(in.size());
  char* o = out.data();
  while (p != end) {
    char c = *p;
    if (c == '+') {
      *o++ = ' ';
      ++p;
    } else if (c == '%') {
      if (end - p < 3) return false;
      int hi = hex_digit_value(p[1]);
      int lo = hex_digit_value(p[2]);
      if (hi < 0 || lo < 0) return false;
      *o++ = static_cast<char>((hi << 4) | lo);
      p += 3;
    } else {
      *o++ = c;
      ++p;
    }
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return true;
}

}  // namespace

Outcome<FormParams> parse_form(std::string_view encoded) {
  FormParams params;
  // One pair per '&'-separated segment at most: sized once, the pairs are never moved (a batch of
  // ten is two dozen pairs).
  params.reserve(static_cast<size_t>(std::count(encoded.begin(), encoded.end(), '&')) + 1);
  const char* p = encoded.data();
  const char* end = p + encoded.size();
  while (p < end) {
    const void* amp = std::memchr(p, '&', static_cast<size_t>(end - p));
    const char* seg_end = amp ? static_cast<const char*>(amp) : end;
    if (seg_end != p) {
      std::string_view segment(p, static_cast<size_t>(seg_end - p));
      size_t eq = segment.find('=');
      std::string_view name = segment.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? std::string_view{} : segment.substr(eq + 1);
      auto& pair = params.emplace_back();
      if (!decode_component(name, pair.first) || !decode_component(value, pair.second)) {
        // Text of AWS's common error MalformedQueryString.
        return aws_error(AwsErrorCode::MalformedQueryString, "The query string contains a syntax error.");
      }
    }
    p = seg_end + 1;
  }
  return params;
}

}  // namespace sluice::api::query
