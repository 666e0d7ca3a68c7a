#pragma once
// AWS Signature Version 4 (header form). A request is signed by building its canonical request
// (method, normalized and URI-encoded path, sorted query, canonical headers, payload hash), hashing
// it into the string to sign, and HMAC-ing that with a key derived from the secret, the date, the
// region and the service. The same functions serve a client (sign()) and a server or a test that
// recomputes a signature from the headers named in SignedHeaders (parse_authorization()).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term credentials
  // Set for temporary credentials; providers refresh them before this time.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// What SigV4 looks at. The path and the query are in decoded form; signing encodes them.
struct SignableRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/" or "/123456789012/queue"
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;  // as sent, any case; Host must be among them
  std::string body;
};

// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX
// (uppercase hex); '/' kept only when keep_slash.
std::string uri_encode(std::string_view text, bool keep_slash);

std::string canonical_uri(std::string_view path);  // dot segments and repeated slashes removed
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);

struct CanonicalHeaders {
  std::string block;           // "name:value\n" per header, sorted
  std::string signed_headers;  // "host;x-amz-date"
};
// Every header except hop-by-hop ones and user-agent is signed.
CanonicalHeaders canonical_headers(const HeaderList& headers);

std::string canonical_request(const SignableRequest& request);

// ---- Verification: a server rebuilding a client's canonical request ----------------------------
// Exactly the headers a signature names (SignedHeaders, lowercase), in that order, values
// normalized as for signing; a named header the request lacks counts as empty, so the signature
// simply does not match.
CanonicalHeaders canonical_headers_named(const HeaderList& headers, const std::vector<std::string>& names);
// The same from the SignedHeaders text itself ("host;x-amz-date"), split at each ';'.
CanonicalHeaders canonical_headers_signed(const HeaderList& headers, std::string_view signed_headers);
// METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED\nPAYLOAD_HASH, from pieces the caller has already chosen. The
// path is the raw path of the request line: non-S3 services sign it URI-encoded once more, as
// canonical_uri() does. The query is in decoded form.
std::string canonical_request(std::string_view method, std::string_view path,
                              const std::vector<std::pair<std::string, std::string>>& query,
                              const CanonicalHeaders& headers, std::string_view payload_hash);
std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);
std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);  // raw 32 bytes

std::string format_amz_date(std::chrono::system_clock::time_point when);  // 20150830T123600Z

struct SigningParams {
  std::string region;
  std::string service;   // "sqs"
  std::string amz_date;  // yyyyMMddTHHmmssZ
};

// Adds X-Amz-Date, X-Amz-Security-Token (temporary credentials) and Authorization to the request's
// headers; returns the Authorization value. Existing headers of those names are replaced.
std::string sign(SignableRequest& request, const Credentials& credentials, const SigningParams& params);

// The Authorization value sign() would produce for the request as it stands (no headers added).
std::string authorization_value(const SignableRequest& request, const Credentials& credentials,
                                const SigningParams& params);

struct ParsedAuthorization {
  std::string access_key_id;
  std::string date;  // yyyyMMdd from the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;
  std::string signature;
};
// Parses "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=..,
// Signature=..". nullopt when malformed.
std::optional<ParsedAuthorization> parse_authorization(std::string_view value);

}  // namespace sluice::aws
