// Path templates and query strings of REST requests (see rest_json.h).

#include <cctype>

#include "sluice/api/rest_json/rest_json.h"

namespace sluice::api::rest_json {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The '/'-separated segments of a path without its leading '/' and one trailing '/'.
std::vector<std::string_view> split_path(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string_view> segments;
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

PathTemplate::PathTemplate(std::string_view pattern) {
  for (std::string_view segment : split_path(pattern)) {
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}')
      segments_.push_back({std::string(segment.substr(1, segment.size() - 2)), true});
    else segments_.push_back({std::string(segment), false});
  }
}

bool PathTemplate::match(std::string_view raw_path, Params* params) const {
  const std::vector<std::string_view> parts = split_path(raw_path);
  if (parts.size() != segments_.size()) return false;
  Params found;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (segments_[i].parameter) {
      if (parts[i].empty()) return false;
      found[segments_[i].text] = percent_decode(parts[i]);
    } else if (parts[i] != segments_[i].text) {
      return false;
    }
  }
  if (params) *params = std::move(found);
  return true;
}

std::vector<std::string> query_values(std::string_view raw_query, std::string_view name) {
  std::vector<std::string> values;
  while (!raw_query.empty()) {
    const size_t amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq), true) != name) continue;
    values.push_back(eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true));
  }
  return values;
}

Params parse_query(std::string_view raw_query) {
  Params params;
  while (!raw_query.empty()) {
    const size_t amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string name = percent_decode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
    params.emplace(std::move(name), std::move(value));
  }
  return params;
}

}  // namespace sluice::api::rest_json
