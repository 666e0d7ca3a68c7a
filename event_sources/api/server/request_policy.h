#pragma once
// Internal: who may reach the front door from a web browser. sluice listens on a local port that
// any web page can make the browser send requests to: a drive-by GET /?Action=..., a text/plain
// POST or an HTML form post are "simple" requests that run without a CORS preflight, and a page
// whose DNS name is rebound to 127.0.0.1 is even same-origin. check_request() decides, before
// routing, from the headers alone:
//
//   1. Host must be one of ours: an IP literal (a page cannot rebind an address), a single-label
//      name ("localhost", a container name: public DNS, which an attacker controls, only has
//      dotted names), a name under .localhost (browsers resolve it to loopback themselves), the
//      listen host, the host of the public URL, or a name configured with --allow-host.
//      Everything else is refused, signed or not: after a DNS rebinding the page is same-origin
//      and can sign.
//   2. A CORS preflight (OPTIONS with Access-Control-Request-Method) is answered for the
//      configured origins (--allow-origin) and refused for every other.
//   3. A request without a SigV4 Authorization header is refused when it carries an Origin that
//      is neither configured nor the server's own, or a Sec-Fetch-Site other than same-origin or
//      none (modern browsers send it even where they send no Origin, e.g. an <img> GET). A
//      presigned X-Amz-Credential does not exempt a request: sluice checks no signature, so a
//      page could add a made-up one to a drive-by URL. An SDK or the CLI sends neither header.
//
// A request from a configured origin passes, and its answer carries the CORS headers a browser
// needs to hand it to the page.

#include <string>
#include <string_view>
#include <vector>

#include "sluice/api/http/server.h"
#include "sluice/api/server/server.h"

namespace sluice::api::server::detail {

struct RequestPolicy {
  std::vector<std::string> allowed_origins;  // lowercase "scheme://host[:port]"
  std::vector<std::string> host_names;       // lowercase names accepted in Host besides the built-in ones
};

// The policy ApiOptions asks for: its allowed origins and hosts, plus the listen host and the host
// of public_base_url.
RequestPolicy make_request_policy(const ApiOptions& options);

struct PolicyDecision {
  enum class Verdict { kPass, kPreflight, kRefuse };
  Verdict verdict = Verdict::kPass;
  std::string reason;       // kRefuse: the AccessDenied message
  std::string cors_origin;  // kPass / kPreflight: a configured Origin to answer with CORS headers
};

PolicyDecision check_request(const RequestPolicy& policy, const http::Request& request);

// The answer to an allowed preflight.
http::Response preflight_response(const http::Request& request, const std::string& origin);
// Makes an answer readable by a page of `origin` (a configured one).
void add_cors_headers(http::Response& response, const std::string& origin);

// The host part of a Host header value or URL authority, lowercase, without port, brackets of an
// IPv6 literal kept ("[::1]"), without a trailing dot.
std::string host_of(std::string_view authority);

}  // namespace sluice::api::server::detail
