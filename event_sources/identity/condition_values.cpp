// Comparisons of single values for the condition operators (see condition_values.h).

#include "condition_values.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace sluice::identity::detail {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool same_char(char a, char b, bool ignore_case) { return ignore_case ? lower(a) == lower(b) : a == b; }

bool holds(int order, Comparison comparison) {
  switch (comparison) {
    case Comparison::Equal:
      return order == 0;
    case Comparison::NotEqual:
      return order != 0;
    case Comparison::Less:
      return order < 0;
    case Comparison::LessOrEqual:
      return order <= 0;
    case Comparison::Greater:
      return order > 0;
    case Comparison::GreaterOrEqual:
      return order >= 0;
  }
  return false;
}

std::optional<long double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  long double value = std::strtold(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

// Reads `digits` decimal digits at text[*pos].
bool read_digits(std::string_view text, size_t* pos, size_t digits, int* out) {
  if (*pos + digits > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  *out = value;
  return true;
}

// Epoch milliseconds of an ISO 8601 date or date-time, or of epoch seconds.
std::optional<int64_t> parse_date(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return seconds * 1000;
  }
  size_t pos = 0;
  std::tm tm{};
  int year = 0, month = 0, day = 0;
  if (!read_digits(text, &pos, 4, &year) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, &pos, 2, &month) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  int64_t millis = 0;
  int64_t offset_s = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't') return std::nullopt;
    ++pos;
    int hour = 0, minute = 0, second = 0;
    if (!read_digits(text, &pos, 2, &hour) || pos >= text.size() || text[pos++] != ':' ||
        !read_digits(text, &pos, 2, &minute)) {
      return std::nullopt;
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_digits(text, &pos, 2, &second)) return std::nullopt;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int64_t scale = 100;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
          millis += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
      ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos] == '+' ? 1 : -1;
      ++pos;
      int oh = 0, om = 0;
      if (!read_digits(text, &pos, 2, &oh)) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (!read_digits(text, &pos, 2, &om)) return std::nullopt;
      offset_s = sign * (oh * 3600 + om * 60);
    }
  }
  if (pos != text.size()) return std::nullopt;
  const int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return seconds * 1000 + millis;
}

// The address's bytes (4 or 16), or nullopt.
std::optional<std::string> parse_address(std::string_view text) {
  std::string copy(text);
  unsigned char bytes[16];
  if (inet_pton(AF_INET, copy.c_str(), bytes) == 1) return std::string(reinterpret_cast<char*>(bytes), 4);
  if (inet_pton(AF_INET6, copy.c_str(), bytes) == 1) return std::string(reinterpret_cast<char*>(bytes), 16);
  return std::nullopt;
}

}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  // Greedy with backtracking to the last '*': linear in practice, no recursion.
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || (pattern[p] != '*' && same_char(pattern[p], text[t], ignore_case)))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool compare_numbers(std::string_view context_value, std::string_view policy_value, Comparison comparison) {
  auto a = parse_number(context_value);
  auto b = parse_number(policy_value);
  if (!a || !b) return false;
  return holds(*a < *b ? -1 : (*a > *b ? 1 : 0), comparison);
}

bool compare_dates(std::string_view context_value, std::string_view policy_value, Comparison comparison) {
  auto a = parse_date(context_value);
  auto b = parse_date(policy_value);
  if (!a || !b) return false;
  return holds(*a < *b ? -1 : (*a > *b ? 1 : 0), comparison);
}

bool ip_in_range(std::string_view address, std::string_view range) {
  std::string_view network = range;
  std::optional<int> prefix;
  if (size_t slash = range.find('/'); slash != std::string_view::npos) {
    network = range.substr(0, slash);
    int bits = 0;
    std::string_view digits = range.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty()) return false;
    prefix = bits;
  }
  auto a = parse_address(address);
  auto n = parse_address(network);
  if (!a || !n || a->size() != n->size()) return false;
  const int total_bits = static_cast<int>(n->size() * 8);
  const int bits = prefix.value_or(total_bits);
  if (bits < 0 || bits > total_bits) return false;
  for (int i = 0; i < bits; ++i) {
    const int byte = i / 8;
    const int mask = 0x80 >> (i % 8);
    if (((*a)[byte] & mask) != ((*n)[byte] & mask)) return false;
  }
  return true;
}

bool arn_match(std::string_view pattern, std::string_view arn) {
  // Split both into their six parts; the resource (last) part may itself contain colons.
  auto split = [](std::string_view text, std::string_view parts[6]) {
    for (int i = 0; i < 5; ++i) {
      size_t colon = text.find(':');
      if (colon == std::string_view::npos) return false;
      parts[i] = text.substr(0, colon);
      text.remove_prefix(colon + 1);
    }
    parts[5] = text;
    return true;
  };
  std::string_view want[6];
  std::string_view have[6];
  if (!split(pattern, want) || !split(arn, have)) return false;
  for (int i = 0; i < 6; ++i) {
    if (!wildcard_match(want[i], have[i])) return false;
  }
  return true;
}

}  // namespace sluice::identity::detail
