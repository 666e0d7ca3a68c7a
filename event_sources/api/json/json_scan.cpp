// JsonScanner: see json.h. Strings are scanned eight bytes at a time for what ends a plain run
// (sluice/common/json_plain_run.h); runs that are pure ASCII skip UTF-8 validation. Numbers are
// checked against RFC 8259's grammar; the ones a caller wants as integers are classified as
// Boost.JSON classifies them (int64, uint64 or double) so an integer member means the same here
// as in a Boost.JSON tree.

#include "sluice/api/json/json.h"

#include <boost/json/parse.hpp>

#include <charconv>
#include <cmath>
#include <limits>

#include "sluice/common/json_escape.h"
#include "sluice/common/json_plain_run.h"

namespace sluice::api::json {

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra;
    uint32_t min;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += extra + 1;
  }
  return true;
}

bool JsonScanner::expect(char c) {
  skip_whitespace();
  if (failed_ || pos_ >= text_.size() || text_[pos_] != c) return fail();
  ++pos_;
  return true;
}

bool JsonScanner::open(char c) {
  if (depth_ >= kMaxDepth || !expect(c)) return fail();
  first_[depth_++] = true;
  return true;
}

bool JsonScanner::begin_object() { return open('{'); }
bool JsonScanner::begin_array() { return open('['); }

bool JsonScanner::next_in_container(char close) {
  if (failed_ || depth_ == 0) return fail();
  skip_whitespace();
  if (pos_ >= text_.size()) return fail();
  bool& first = first_[depth_ - 1];
  if (text_[pos_] == close) {
    // "[,]" and "{,}" never reach here: a ',' is only consumed when an element follows it.
    ++pos_;
    --depth_;
    return false;
  }
  if (!first && !expect(',')) return false;
  first = false;
  return true;
}

bool JsonScanner::next_member(std::string_view* name) {
  if (!next_in_container('}')) return false;
  if (!read_string(name, &name_scratch_)) return false;
  return expect(':');
}

bool JsonScanner::next_element() {
  if (!next_in_container(']')) return false;
  // "[1,]" must fail: after a ',' an element is required, which the element's reader checks.
  return true;
}

bool JsonScanner::read_string(std::string_view* view, std::string* scratch) {
  scratch->clear();
  if (!expect('"')) return false;
  size_t start = pos_;
  bool escaped = false;
  for (;;) {
    size_t run_start = pos_;
    pos_ += common::json_plain_run(text_.data() + pos_, text_.size() - pos_);
    if (pos_ >= text_.size()) return fail();
    std::string_view run = text_.substr(run_start, pos_ - run_start);
    if (!common::is_ascii(run.data(), run.size()) && !is_valid_utf8(run)) return fail();
    char c = text_[pos_];
    if (c == '"') {
      if (escaped) {
        scratch->append(run);
        *view = *scratch;
      } else {
        *view = text_.substr(start, pos_ - start);
      }
      ++pos_;
      return true;
    }
    if (c != '\\') return fail();  // a raw control character
    if (!escaped) {
      escaped = true;
      scratch->assign(text_.substr(start, run_start - start));
    }
    scratch->append(run);
    ++pos_;
    if (!common::decode_json_escape(text_, pos_, *scratch)) return fail();
  }
}

bool JsonScanner::read_string(std::string* out) {
  std::string_view view;
  std::string scratch;
  if (!read_string(&view, &scratch)) return false;
  // Every escape decodes to at least one byte, so a non-empty scratch holds the whole value.
  if (!scratch.empty()) {
    *out = std::move(scratch);
  } else {
    out->assign(view);
  }
  return true;
}

bool JsonScanner::read_int(int64_t* out) {
  skip_whitespace();
  if (failed_ || pos_ >= text_.size()) return fail();
  bool negative = text_[pos_] == '-';
  if (negative) ++pos_;
  size_t digits_start = pos_;
  uint64_t value = 0;
  const uint64_t limit = negative ? static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1
                                  : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
    auto digit = static_cast<uint64_t>(text_[pos_] - '0');
    if (value > (limit - digit) / 10) return fail();
    value = value * 10 + digit;
    ++pos_;
  }
  size_t digits = pos_ - digits_start;
  if (digits == 0 || (digits > 1 && text_[digits_start] == '0')) return fail();
  if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) return fail();
  *out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return true;
}

bool JsonScanner::read_literal() {
  skip_whitespace();
  if (failed_) return false;
  for (std::string_view word : {"true", "false", "null"}) {
    if (text_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
  }
  return fail();
}

bool JsonScanner::read_number(std::optional<int64_t>* integer) {
  integer->reset();
  skip_whitespace();
  if (failed_) return false;
  const size_t start = pos_;
  auto digits = [&] {
    size_t from = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ - from;
  };
  bool negative = pos_ < text_.size() && text_[pos_] == '-';
  if (negative) ++pos_;
  const size_t int_start = pos_;
  size_t int_digits = digits();
  if (int_digits == 0 || (int_digits > 1 && text_[int_start] == '0')) return fail();
  bool fraction = false;
  bool exponent = false;
  bool negative_exponent = false;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (digits() == 0) return fail();
    fraction = true;
  }
  size_t exponent_digits = 0;
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) negative_exponent = text_[pos_++] == '-';
    exponent_digits = digits();
    if (exponent_digits == 0) return fail();
    exponent = true;
  }
  std::string_view number = text_.substr(start, pos_ - start);
  // Boost.JSON refuses an exponent past INT_MAX, adjusted by the digits its mantissa could not
  // hold (exponent_overflow). Such exponents have ten digits or more; the rare number that has them
  // is judged by Boost.JSON itself, so the two readers keep one verdict (found by fuzzing).
  if (exponent_digits >= 10) {
    boost::json::error_code ec;
    boost::json::parse(number, ec);
    if (ec) return fail();
  }
  if (!fraction && !exponent) {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec == std::errc{} && end == number.data() + number.size()) {
      *integer = value;
      return true;
    }
    // Past int64_t: Boost.JSON keeps a non-negative one as uint64_t, which is no integer member's
    // value; anything larger, or negative, becomes a double.
    uint64_t unsigned_value = 0;
    auto [uend, uec] = std::from_chars(number.data(), number.data() + number.size(), unsigned_value);
    if (!negative && uec == std::errc{} && uend == number.data() + number.size()) return true;
  }
  double d = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), d);
  if (ec == std::errc::result_out_of_range) {
    d = negative_exponent ? 0.0 : std::numeric_limits<double>::infinity();  // underflow reads as zero
  } else if (ec != std::errc{} || end != number.data() + number.size()) {
    return fail();
  }
  // Integral doubles ("5.0", "1e3") are what some JSON encoders write for integers.
  if (d >= -9.0e18 && d <= 9.0e18 && std::trunc(d) == d) *integer = static_cast<int64_t>(d);
  return true;
}

bool JsonScanner::skip_value() {
  std::string_view name;
  std::string scratch;
  switch (peek()) {
    case Token::String:
      return read_string(&name, &scratch);
    case Token::Number: {
      std::optional<int64_t> ignored;
      return read_number(&ignored);
    }
    case Token::True:
    case Token::False:
    case Token::Null:
      return read_literal();
    case Token::Object:
      if (!begin_object()) return false;
      while (next_member(&name)) {
        if (!skip_value()) return false;
      }
      return ok();
    case Token::Array:
      if (!begin_array()) return false;
      while (next_element()) {
        if (!skip_value()) return false;
      }
      return ok();
    case Token::Invalid:
      break;
  }
  return fail();
}

bool JsonScanner::finished() {
  if (failed_ || depth_ != 0) return false;
  skip_whitespace();
  return pos_ == text_.size();
}

std::string top_level_string(std::string_view body, std::string_view name) {
  JsonScanner scanner(body);
  if (scanner.peek() != JsonScanner::Token::Object || !scanner.begin_object()) return {};
  std::string found;
  std::string_view member;
  while (scanner.next_member(&member)) {
    if (member == name && scanner.peek() == JsonScanner::Token::String) {
      if (!scanner.read_string(&found)) return {};
    } else if (!scanner.skip_value()) {
      return {};
    }
  }
  return found;
}

}  // namespace sluice::api::json
