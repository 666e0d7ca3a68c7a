// SigV4 pieces, each a pure function of its inputs so test vectors can check them one by one.

#include "sluice/aws/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "sluice/common/crypto.h"

namespace sluice::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool unreserved(unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~'; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// True when `text` equals the lowercase `lower_name` ignoring ASCII case (no copy).
bool equals_lowercase(std::string_view text, std::string_view lower_name) {
  if (text.size() != lower_name.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != static_cast<unsigned char>(lower_name[i])) return false;
  }
  return true;
}

// Trims and collapses runs of whitespace into one space.
std::string collapse_spaces(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// An obsolete folded value (continuation lines) counts as one value per line, as in the AWS
// test suite's get-header-value-multiline.
std::string normalize_value(std::string_view value) {
  std::string out;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t nl = value.find('\n', pos);
    if (nl == std::string_view::npos) nl = value.size();
    std::string line = collapse_spaces(value.substr(pos, nl - pos));
    if (!line.empty()) {
      if (!out.empty()) out += ',';
      out += line;
    }
    pos = nl + 1;
  }
  return out;
}

bool unsigned_header(std::string_view name) {
  static constexpr std::string_view kSkip[] = {
      "authorization", "connection",        "expect",  "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
      "trailer",       "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id"};
  return std::find(std::begin(kSkip), std::end(kSkip), name) != std::end(kSkip);
}

std::string_view header_value(const HeaderList& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (lower(name) == lower_name) return value;
  }
  return {};
}

std::string payload_hash(const SignableRequest& request) {
  // A precomputed X-Amz-Content-SHA256 is used as given, as botocore does.
  std::string_view given = header_value(request.headers, "x-amz-content-sha256");
  if (!given.empty()) return std::string(given);
  return common::sha256_hex(request.body);
}

void set_header(HeaderList& headers, std::string_view name, std::string value) {
  std::string wanted = lower(name);
  std::erase_if(headers, [&](const auto& header) { return lower(header.first) == wanted; });
  headers.emplace_back(std::string(name), std::move(value));
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string canonical_uri(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string_view segment = path.substr(pos, next - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    pos = next + 1;
  }
  std::string out;
  for (std::string_view segment : segments) {
    out += '/';
    out += uri_encode(segment, false);
  }
  // A trailing slash is part of the resource name and stays.
  bool trailing = !path.empty() && path.back() == '/' && !segments.empty();
  if (out.empty() || trailing) out += '/';
  return out;
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [key, value] : query) encoded.emplace_back(uri_encode(key, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

CanonicalHeaders canonical_headers(const HeaderList& headers) {
  std::map<std::string, std::string> merged;  // sorted by lowercase name
  for (const auto& [name, value] : headers) {
    std::string key = lower(name);
    if (unsigned_header(key)) continue;
    auto [it, inserted] = merged.try_emplace(key, normalize_value(value));
    if (!inserted) it->second += "," + normalize_value(value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.block.append(name).append(":").append(value).append("\n");
    if (!out.signed_headers.empty()) out.signed_headers += ';';
    out.signed_headers += name;
  }
  return out;
}

namespace {

// True when normalize_value(value) == value: one line, no tab or carriage return, no space at
// either end and no run of spaces. What clients send almost always is, and is then copied as is.
bool already_normal(std::string_view value) {
  if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) return false;
  char previous = 0;
  for (char c : value) {
    if (c == '\n' || c == '\t' || c == '\r' || (c == ' ' && previous == ' ')) return false;
    previous = c;
  }
  return true;
}

// One name of a signature's SignedHeaders: "name:value\n" into the block, the name into the list.
void add_named(CanonicalHeaders& out, const HeaderList& headers, std::string_view name) {
  out.block.append(name).append(":");
  bool first = true;
  for (const auto& [header, header_value] : headers) {
    if (!equals_lowercase(header, name)) continue;
    if (!first) out.block += ',';
    if (already_normal(header_value)) out.block.append(header_value);
    else out.block.append(normalize_value(header_value));
    first = false;
  }
  out.block.append("\n");
  if (!out.signed_headers.empty()) out.signed_headers += ';';
  out.signed_headers.append(name);
}

}  // namespace

CanonicalHeaders canonical_headers_named(const HeaderList& headers, const std::vector<std::string>& names) {
  CanonicalHeaders out;
  for (const std::string& name : names) add_named(out, headers, name);
  return out;
}

CanonicalHeaders canonical_headers_signed(const HeaderList& headers, std::string_view signed_headers) {
  CanonicalHeaders out;
  out.block.reserve(256);
  out.signed_headers.reserve(signed_headers.size());
  size_t pos = 0;
  while (pos <= signed_headers.size()) {
    size_t next = signed_headers.find(';', pos);
    if (next == std::string_view::npos) next = signed_headers.size();
    add_named(out, headers, signed_headers.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view path,
                              const std::vector<std::pair<std::string, std::string>>& query,
                              const CanonicalHeaders& headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(256 + headers.block.size());
  out.append(method).append("\n");
  out.append(canonical_uri(path)).append("\n");
  out.append(canonical_query(query)).append("\n");
  out.append(headers.block).append("\n");
  out.append(headers.signed_headers).append("\n");
  out.append(payload_hash);
  return out;
}

std::string canonical_request(const SignableRequest& request) {
  return canonical_request(request.method, request.path, request.query, canonical_headers(request.headers),
                           payload_hash(request));
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical) {
  std::string out(kAlgorithm);
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += common::sha256_hex(canonical);
  return out;
}

std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  std::string k_date = common::hmac_sha256_raw("AWS4" + std::string(secret), date);
  std::string k_region = common::hmac_sha256_raw(k_date, region);
  std::string k_service = common::hmac_sha256_raw(k_region, service);
  return common::hmac_sha256_raw(k_service, "aws4_request");
}

std::string format_amz_date(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string authorization_value(const SignableRequest& request, const Credentials& credentials,
                                const SigningParams& params) {
  std::string date = params.amz_date.substr(0, 8);
  std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";
  std::string to_sign = string_to_sign(params.amz_date, scope, canonical_request(request));
  std::string signature = common::to_hex(common::hmac_sha256_raw(
      signing_key(credentials.secret_access_key, date, params.region, params.service), to_sign));
  return std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + scope +
         ", SignedHeaders=" + canonical_headers(request.headers).signed_headers + ", Signature=" + signature;
}

std::string sign(SignableRequest& request, const Credentials& credentials, const SigningParams& params) {
  std::erase_if(request.headers, [](const auto& header) { return lower(header.first) == "authorization"; });
  set_header(request.headers, "X-Amz-Date", params.amz_date);
  if (!credentials.session_token.empty())
    set_header(request.headers, "X-Amz-Security-Token", credentials.session_token);
  std::string value = authorization_value(request, credentials, params);
  request.headers.emplace_back("Authorization", value);
  return value;
}

std::optional<ParsedAuthorization> parse_authorization(std::string_view value) {
  if (value.substr(0, kAlgorithm.size()) != kAlgorithm) return std::nullopt;
  value.remove_prefix(kAlgorithm.size());
  ParsedAuthorization out;
  std::string credential;
  std::string signed_headers;
  // Components are separated by commas, with optional spaces.
  while (!value.empty()) {
    while (!value.empty() && (value.front() == ' ' || value.front() == ',')) value.remove_prefix(1);
    size_t end = value.find(',');
    std::string_view part = value.substr(0, end);
    value = end == std::string_view::npos ? std::string_view{} : value.substr(end);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      if (part.empty()) continue;
      return std::nullopt;
    }
    std::string_view key = part.substr(0, eq);
    std::string val(part.substr(eq + 1));
    if (key == "Credential") credential = val;
    else if (key == "SignedHeaders") signed_headers = val;
    else if (key == "Signature") out.signature = val;
  }
  // Credential = AKID/DATE/REGION/SERVICE/aws4_request
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= credential.size()) {
    size_t slash = credential.find('/', pos);
    if (slash == std::string::npos) slash = credential.size();
    parts.push_back(credential.substr(pos, slash - pos));
    pos = slash + 1;
  }
  if (parts.size() != 5 || parts[4] != "aws4_request" || signed_headers.empty() || out.signature.empty()) {
    return std::nullopt;
  }
  out.access_key_id = parts[0];
  out.date = parts[1];
  out.region = parts[2];
  out.service = parts[3];
  pos = 0;
  while (pos <= signed_headers.size()) {
    size_t semi = signed_headers.find(';', pos);
    if (semi == std::string::npos) semi = signed_headers.size();
    out.signed_headers.push_back(signed_headers.substr(pos, semi - pos));
    pos = semi + 1;
  }
  return out;
}

}  // namespace sluice::aws
