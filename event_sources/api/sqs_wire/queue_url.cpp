// Queue URL parsing. SDKs hand back whatever URL they were given, so any host is accepted; the
// path names the queue and, for a region other than the default, its region. AWS hosts also name
// the region, which then wins over the path's.

#include "queue_url.h"

#include <cctype>

#include "sluice/common/crypto.h"

namespace sluice::api::sqs_wire::detail {
namespace {

bool is_account_id(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_queue_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

// "us-east-1", "eu-central-2", "us-gov-west-1": [a-z]+(-[a-z]+)*-[0-9]+
bool looks_like_region(std::string_view s) {
  size_t dash = s.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= s.size()) return false;
  for (size_t i = dash + 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  bool previous_dash = true;  // no leading dash, no "--"
  for (size_t i = 0; i < dash; ++i) {
    char c = s[i];
    if (c == '-') {
      if (previous_dash) return false;
      previous_dash = true;
    } else if (c >= 'a' && c <= 'z') {
      previous_dash = false;
    } else {
      return false;
    }
  }
  return !previous_dash;
}

}  // namespace

bool is_queue_name(std::string_view text) {
  if (text.empty() || text.size() > 80) return false;
  for (char c : text)
    if (!is_queue_name_char(c)) return false;
  return true;
}

std::optional<std::string> region_from_aws_host(std::string_view host) {
  if (host == "queue.amazonaws.com") return std::string("us-east-1");
  if (host.substr(0, 4) == "sqs.") {
    std::string_view rest = host.substr(4);
    size_t dot = rest.find('.');
    if (dot != std::string_view::npos && looks_like_region(rest.substr(0, dot)))
      return std::string(rest.substr(0, dot));
    return std::nullopt;
  }
  constexpr std::string_view kLegacy = ".queue.amazonaws.com";
  if (host.size() > kLegacy.size() && host.substr(host.size() - kLegacy.size()) == kLegacy) {
    std::string_view region = host.substr(0, host.size() - kLegacy.size());
    if (looks_like_region(region)) return std::string(region);
  }
  return std::nullopt;
}

std::optional<ParsedQueueUrl> parse_queue_path(std::string_view path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::optional<std::string> region;
  if (looks_like_region(path.substr(0, slash))) {
    region = std::string(path.substr(0, slash));
    path.remove_prefix(slash + 1);
    slash = path.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
  }
  std::string_view account = path.substr(0, slash);
  std::string_view name = path.substr(slash + 1);
  if (!is_account_id(account) || !is_queue_name(name)) return std::nullopt;
  ParsedQueueUrl out;
  out.account_id = std::string(account);
  out.name = std::string(name);
  out.region = std::move(region);
  return out;
}

std::optional<ParsedQueueUrl> parse_queue_url(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  std::string scheme;
  for (char c : url.substr(0, scheme_end)) scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(scheme_end + 3);
  size_t path_start = rest.find('/');
  if (path_start == std::string_view::npos) return std::nullopt;
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = rest.substr(path_start);
  if (path.find_first_of("?#") != std::string_view::npos) path = path.substr(0, path.find_first_of("?#"));
  if (authority.empty()) return std::nullopt;
  // Drop userinfo and port; keep IPv6 brackets intact.
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view host = authority;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = host.substr(0, close + 1);
  } else if (size_t colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  auto parsed = parse_queue_path(path);
  if (!parsed) return std::nullopt;
  for (char c : host) parsed->host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto aws_region = region_from_aws_host(parsed->host)) parsed->region = std::move(aws_region);
  return parsed;
}

std::string encode_page_token(std::string_view last_name) { return common::base64_encode(last_name); }

std::optional<std::string> decode_page_token(std::string_view token) {
  auto decoded = common::base64_decode(token);
  if (!decoded || decoded->empty()) return std::nullopt;
  return decoded;
}

}  // namespace sluice::api::sqs_wire::detail
