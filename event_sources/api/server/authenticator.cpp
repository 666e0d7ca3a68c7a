// SigV4 verification, for every service on the port. A request is signed in one of two forms:
// the Authorization header (with X-Amz-Date, and X-Amz-Security-Token for temporary credentials)
// or a presigned query string (X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Signature,
// -Security-Token). Either way the server rebuilds the canonical request from exactly the headers
// the signature names, hashes it into the string to sign and HMACs that with the key derived from
// the secret behind the access key id; the signature must be the same. The pieces are the client
// signer's own (sluice/aws/sigv4.h), so signing and verifying cannot drift apart.
//
// Order of the checks, each with AWS's answer: no signature at all (MissingAuthenticationToken,
// unless the operation is one AWS leaves unsigned); a malformed one (IncompleteSignature); an
// unknown access key id or a session token that does not belong to it (InvalidClientTokenId);
// temporary credentials past their expiry (ExpiredToken); a signing time outside AWS's window of
// 15 minutes either side of the wall clock (SignatureDoesNotMatch, "Signature expired" / "not yet
// current"); then the signature itself (SignatureDoesNotMatch). Query-protocol services (SQS, SNS,
// STS) allow 15 minutes of skew; a presigned URL of those services is valid within the same
// window of its X-Amz-Date, whatever X-Amz-Expires says, as on AWS.
//
// Derived signing keys (four HMACs) are cached per access key, secret and scope (a day, a region, a
// service), prepared as HMAC keys (hmac_key.h), so a request costs one SHA-256 of its body, one of
// its canonical request and one HMAC of the string to sign.
//
// Modes: Off checks nothing (a known access key still names its principal, an unknown one the
// account its 12 digits say); Audit checks everything, logs what would be refused, and allows it;
// Enforce refuses.

#include "authenticator.h"

#include <openssl/crypto.h>

#include <array>
#include <chrono>
#include <ctime>
#include <vector>

#include "sluice/aws/sigv4.h"
#include "sluice/common/crypto.h"

namespace sluice::api::server::detail {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr int64_t kSkewMs = 15 * 60 * 1000;
constexpr size_t kMaxCachedKeys = 4096;
constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

common::AwsError incomplete(std::string message) {
  return common::aws_error(common::AwsErrorCode::IncompleteSignature, std::move(message));
}

common::AwsError signature_mismatch() {
  return common::aws_error(
      common::AwsErrorCode::SignatureDoesNotMatch,
      "The request signature we calculated does not match the signature you provided. Check your AWS "
      "Secret Access Key and signing method. Consult the service documentation for details.");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding as SigV4 signers encode ('+' stays '+': signers write a space as %20).
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> query_pairs(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    out.emplace_back(percent_decode(pair.substr(0, eq)),
                     eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1)));
  }
  return out;
}

const std::string* find_pair(const std::vector<std::pair<std::string, std::string>>& pairs, std::string_view name) {
  for (const auto& [key, value] : pairs) {
    if (key == name) return &value;
  }
  return nullptr;
}

// yyyyMMddTHHmmssZ -> epoch ms, or nullopt.
std::optional<int64_t> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto digits = [&](size_t pos, size_t n) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  std::tm tm{};
  tm.tm_year = digits(0, 4) - 1900;
  tm.tm_mon = digits(4, 2) - 1;
  tm.tm_mday = digits(6, 2);
  tm.tm_hour = digits(9, 2);
  tm.tm_min = digits(11, 2);
  tm.tm_sec = digits(13, 2);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
      tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::string amz_date(int64_t epoch_ms) {
  return aws::format_amz_date(std::chrono::system_clock::time_point(std::chrono::milliseconds(epoch_ms)));
}

// A credential scope's parts (AKID/DATE/REGION/SERVICE/aws4_request), as views into the text: the
// first five, and how many parts the text has in all.
struct ScopeParts {
  std::array<std::string_view, 5> part;
  size_t count = 0;
};

ScopeParts split_scope(std::string_view text) {
  ScopeParts out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t next = text.find('/', pos);
    if (next == std::string_view::npos) next = text.size();
    if (out.count < out.part.size()) out.part[out.count] = text.substr(pos, next - pos);
    ++out.count;
    pos = next + 1;
  }
  return out;
}

std::string_view trim_spaces(std::string_view part) {
  while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
  while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
  return part;
}

// The parts of a signature, whichever form carried it: views into the request's Authorization
// header, or into `owned` for a presigned query string (whose pairs are decoded copies).
struct Signed {
  bool presigned = false;
  std::string_view credential;  // AKID/DATE/REGION/SERVICE/aws4_request
  std::string_view signed_headers;
  std::string_view signature;
  std::string_view amz_date;
  std::string_view security_token;
  std::vector<std::pair<std::string, std::string>> query;  // decoded; without X-Amz-Signature
  std::array<std::string, 5> owned;
};

// Reads "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." into `out`, or says what
// AWS would say about it.
std::optional<common::AwsError> read_authorization_header(std::string_view value, Signed& out) {
  const std::string_view whole = value;
  if (value.substr(0, kAlgorithm.size()) != kAlgorithm) {
    return incomplete("Unsupported AWS 'algorithm': '" + std::string(value.substr(0, value.find(' '))) + "'");
  }
  value.remove_prefix(kAlgorithm.size());
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t next = value.find(',', pos);
    if (next == std::string_view::npos) next = value.size();
    const std::string_view part = trim_spaces(value.substr(pos, next - pos));
    pos = next + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return incomplete("'" + std::string(part) +
                        "' not a valid key=value pair (missing equal-sign) in Authorization header: '" +
                        std::string(whole) + "'.");
    }
    std::string_view key = part.substr(0, eq);
    std::string_view val = part.substr(eq + 1);
    if (key == "Credential") out.credential = val;
    else if (key == "SignedHeaders") out.signed_headers = val;
    else if (key == "Signature") out.signature = val;
  }
  std::string missing;
  if (out.credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
  if (out.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
  if (out.signed_headers.empty()) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) return incomplete(missing + "Authorization=" + std::string(whole));
  return std::nullopt;
}

std::optional<common::AwsError> read_presigned(std::vector<std::pair<std::string, std::string>> pairs, Signed& out) {
  out.presigned = true;
  const std::string* algorithm = find_pair(pairs, "X-Amz-Algorithm");
  if (algorithm == nullptr || *algorithm != kAlgorithm) {
    return incomplete("X-Amz-Algorithm only supports \"" + std::string(kAlgorithm) + "\"");
  }
  std::string missing;
  for (std::string_view name : {"X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"}) {
    const std::string* value = find_pair(pairs, name);
    if (value == nullptr || value->empty())
      missing += "AWS query-string parameters must include '" + std::string(name) + "'. ";
  }
  if (!missing.empty()) return incomplete(missing + "Re-examine the query-string parameters.");
  out.credential = out.owned[0] = *find_pair(pairs, "X-Amz-Credential");
  out.signature = out.owned[1] = *find_pair(pairs, "X-Amz-Signature");
  out.signed_headers = out.owned[2] = *find_pair(pairs, "X-Amz-SignedHeaders");
  out.amz_date = out.owned[3] = *find_pair(pairs, "X-Amz-Date");
  if (const std::string* token = find_pair(pairs, "X-Amz-Security-Token")) out.security_token = out.owned[4] = *token;
  std::erase_if(pairs, [](const auto& pair) { return pair.first == "X-Amz-Signature"; });
  out.query = std::move(pairs);
  return std::nullopt;
}

bool has_presigned_marker(std::string_view query) {
  return query.find("X-Amz-Algorithm=") != std::string_view::npos ||
         query.find("X-Amz-Signature=") != std::string_view::npos ||
         query.find("X-Amz-Credential=") != std::string_view::npos;
}

std::string describe(const Call& call) {
  std::string who = call.ctx.signing_service.empty() ? std::string("?") : call.ctx.signing_service;
  return who + ":" + (call.action.empty() ? std::string("?") : call.action);
}

}  // namespace

Authenticator::Authenticator(AuthOptions options)
    : options_(std::move(options)), default_root_(identity::root_principal(options_.account_id)) {
  if (!options_.directory) options_.directory = std::make_shared<identity::Directory>();
  if (!options_.clock) options_.clock = common::system_clock();
  if (!options_.wall_clock) options_.wall_clock = common::system_clock();
}

size_t Authenticator::cached_signing_keys() const {
  common::MutexLock lock(cache_mu_);
  return signing_keys_.size();
}

std::shared_ptr<const HmacSha256Key> Authenticator::signing_key(std::string_view access_key_id, std::string_view secret,
                                                                std::string_view date, std::string_view region,
                                                                std::string_view service) {
  // The key is built in a buffer each thread keeps, so a cached key costs no allocation.
  thread_local std::string cache_key;
  cache_key.clear();
  cache_key.append(access_key_id).append("/").append(date).append("/").append(region).append("/").append(service);
  {
    common::MutexLock lock(cache_mu_);
    auto it = signing_keys_.find(cache_key);
    if (it != signing_keys_.end() && it->second.secret == secret) return it->second.key;
  }
  auto key = std::make_shared<const HmacSha256Key>(aws::signing_key(secret, date, region, service));
  common::MutexLock lock(cache_mu_);
  // Keys are a day's: a full cache is old keys; starting over is the simplest eviction.
  if (signing_keys_.size() >= kMaxCachedKeys) signing_keys_.clear();
  signing_keys_.insert_or_assign(cache_key, CachedSigningKey{std::string(secret), key});
  return key;
}

std::optional<common::AwsError> Authenticator::verify(const Call& call, bool unsigned_ok,
                                                      identity::Principal* principal,
                                                      std::string_view sent_body_sha256) {
  const http::Request& request = call.request;
  Signed sig;
  const std::string* authorization = request.header("authorization");
  if (authorization != nullptr) {
    if (auto error = read_authorization_header(*authorization, sig)) return error;
    if (const std::string* date = request.header("x-amz-date")) sig.amz_date = *date;
    if (const std::string* token = request.header("x-amz-security-token")) sig.security_token = *token;
    if (sig.amz_date.empty()) {
      return incomplete(
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
          "Authorization=" +
          *authorization);
    }
    sig.query = query_pairs(request.query);
  } else if (has_presigned_marker(request.query)) {
    if (auto error = read_presigned(query_pairs(request.query), sig)) return error;
  } else {
    if (unsigned_ok) {
      *principal = identity::Principal{};
      return std::nullopt;
    }
    return common::aws_error(common::AwsErrorCode::MissingAuthenticationToken,
                             "Request is missing Authentication Token");
  }

  const ScopeParts scope_parts = split_scope(sig.credential);
  const std::array<std::string_view, 5>& scope = scope_parts.part;
  // Texts as AWS answers them: the element count (seen in AWS answers), the terminator and the
  // region (AWS's wording, not confirmed by a recording).
  if (scope_parts.count != 5) {
    return incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" +
        std::string(sig.credential) + "'");
  }
  if (scope[4] != "aws4_request") {
    return incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      std::string(scope[4]) + "'. ");
  }
  if (scope[0].empty() || scope[2].empty()) {
    return incomplete("Credential should be scoped to a valid region, not '" + std::string(scope[2]) + "'. ");
  }
  const std::string_view access_key_id = scope[0];
  std::shared_ptr<const identity::KeyRecord> key = options_.directory->find_key(access_key_id);
  if (!key || key->session_token != sig.security_token) {
    return common::aws_error(common::AwsErrorCode::InvalidClientTokenId,
                             "The security token included in the request is invalid");
  }
  *principal = key->principal;
  if (key->expires_ms && *key->expires_ms <= options_.clock->now_ms()) {
    return common::aws_error(common::AwsErrorCode::ExpiredToken,
                             "The security token included in the request is expired");
  }

  std::optional<int64_t> signed_ms = parse_amz_date(sig.amz_date);
  if (!signed_ms) {
    return incomplete("Date must be in ISO-8601 'basic format'. Got '" + std::string(sig.amz_date) +
                      "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (sig.amz_date.compare(0, 8, scope[1]) != 0) {
    return common::aws_error(
        common::AwsErrorCode::SignatureDoesNotMatch,
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
            std::string(scope[1]) + "' != '" + std::string(sig.amz_date.substr(0, 8)) + "', from '" +
            std::string(sig.amz_date) + "'.");
  }
  const int64_t now = options_.wall_clock->now_ms();
  if (*signed_ms < now - kSkewMs) {
    return common::aws_error(common::AwsErrorCode::SignatureDoesNotMatch,
                             "Signature expired: " + std::string(sig.amz_date) + " is now earlier than " +
                                 amz_date(now - kSkewMs) + " (" + amz_date(now) + " - 15 min.)");
  }
  if (*signed_ms > now + kSkewMs) {
    return common::aws_error(common::AwsErrorCode::SignatureDoesNotMatch,
                             "Signature not yet current: " + std::string(sig.amz_date) + " is still later than " +
                                 amz_date(now + kSkewMs) + " (" + amz_date(now) + " + 15 min.)");
  }

  const aws::CanonicalHeaders headers = aws::canonical_headers_signed(request.headers, sig.signed_headers);
  std::string body_sha256;
  std::string_view payload_hash = sent_body_sha256;
  if (payload_hash.empty()) {
    if (request.body.empty()) payload_hash = kEmptySha256;
    else payload_hash = body_sha256 = common::sha256_hex(request.body);
  }
  if (sig.presigned) {
    const std::string* content_sha = find_pair(sig.query, "X-Amz-Content-Sha256");
    if (content_sha != nullptr && *content_sha == "UNSIGNED-PAYLOAD") payload_hash = *content_sha;
  }
  const std::string canonical = aws::canonical_request(request.method, request.path, sig.query, headers, payload_hash);
  // The scope as signed: the credential past the access key id and its '/'.
  const std::string_view scope_text = sig.credential.substr(access_key_id.size() + 1);
  const std::string to_sign = aws::string_to_sign(sig.amz_date, scope_text, canonical);
  const std::string expected =
      signing_key(access_key_id, key->secret_access_key, scope[1], scope[2], scope[3])->hex(to_sign);
  if (expected.size() != sig.signature.size() ||
      CRYPTO_memcmp(expected.data(), sig.signature.data(), expected.size()) != 0) {
    return signature_mismatch();
  }
  return std::nullopt;
}

std::optional<common::AwsError> Authenticator::authenticate(Call& call, bool unsigned_ok,
                                                            std::string_view sent_body_sha256) {
  CallContext& ctx = call.ctx;
  if (options_.mode == identity::AuthMode::Off) {
    // Nothing is checked: a known key still names its principal, any other the account its digits
    // selected (apply_credential_scope).
    std::string_view credential = header_credential(call.request);
    std::string_view access_key_id = credential.substr(0, credential.find('/'));
    if (!access_key_id.empty()) {
      if (auto key = options_.directory->find_key(access_key_id)) {
        ctx.principal = key->principal;
        ctx.principal.authenticated = false;
        ctx.account_id = ctx.principal.account_id;
        return std::nullopt;
      }
    }
    ctx.principal =
        ctx.account_id == default_root_.account_id ? default_root_ : identity::root_principal(ctx.account_id);
    return std::nullopt;
  }
  identity::Principal principal;
  std::optional<common::AwsError> refusal = verify(call, unsigned_ok, &principal, sent_body_sha256);
  if (!refusal) {
    if (principal.kind != identity::Principal::Kind::Anonymous) ctx.account_id = principal.account_id;
    ctx.principal = std::move(principal);
    return std::nullopt;
  }
  if (options_.mode == identity::AuthMode::Enforce) return refusal;
  // Audit: say what AWS would have done, then carry on as if it had been allowed.
  if (options_.audit_log) {
    options_.audit_log("sluice auth audit: would refuse " + describe(call) + " (request " + ctx.request_id +
                       "): " + std::string(refusal->info().query_code) + ": " + refusal->message);
  }
  if (principal.kind != identity::Principal::Kind::Anonymous) {
    ctx.account_id = principal.account_id;
    ctx.principal = std::move(principal);
    ctx.principal.authenticated = false;
  } else {
    ctx.principal = identity::root_principal(ctx.account_id);
  }
  return std::nullopt;
}

}  // namespace sluice::api::server::detail
