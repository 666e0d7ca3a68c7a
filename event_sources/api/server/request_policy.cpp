// The front door's browser policy: which Host names are ours, which origins may call, and when a
// request is one a web page made a browser send. See request_policy.h for the rules and why.

#include "request_policy.h"

#include <arpa/inet.h>

#include <algorithm>

namespace sluice::api::server::detail {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[16];
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), address) == 1;
  }
  return inet_pton(AF_INET, host.c_str(), address) == 1;
}

// "scheme://authority/..." -> "authority"
std::string_view authority_of_url(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  return url.substr(0, url.find_first_of("/?#"));
}

bool host_is_ours(const RequestPolicy& policy, const std::string& host) {
  if (host.empty() || is_ip_literal(host)) return true;
  if (host.find('.') == std::string::npos) return true;  // single label: not from public DNS
  if (ends_with(host, ".localhost")) return true;
  return contains(policy.host_names, host);
}

std::string normalized_origin(std::string_view origin) {
  std::string out = lowercase(origin);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

PolicyDecision refuse(std::string reason) {
  PolicyDecision decision;
  decision.verdict = PolicyDecision::Verdict::kRefuse;
  decision.reason = std::move(reason);
  return decision;
}

}  // namespace

std::string host_of(std::string_view authority) {
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') == std::string_view::npos ? host.size() : host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  std::string out = lowercase(host);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

RequestPolicy make_request_policy(const ApiOptions& options) {
  RequestPolicy policy;
  for (const std::string& origin : options.allowed_origins) policy.allowed_origins.push_back(normalized_origin(origin));
  for (const std::string& name : options.allowed_hosts) policy.host_names.push_back(host_of(name));
  policy.host_names.push_back(host_of(options.host));
  if (!options.public_base_url.empty()) {
    policy.host_names.push_back(host_of(authority_of_url(options.public_base_url)));
  }
  return policy;
}

PolicyDecision check_request(const RequestPolicy& policy, const http::Request& request) {
  const std::string* host_header = request.header("host");
  const std::string host = host_header != nullptr ? host_of(*host_header) : std::string();
  if (!host_is_ours(policy, host)) {
    return refuse("Host '" + host + "' is not a name of this server; start sluice with --allow-host " + host +
                  " to serve it.");
  }

  const std::string* origin_header = request.header("origin");
  const std::string origin = origin_header != nullptr ? normalized_origin(*origin_header) : std::string();
  const bool configured = !origin.empty() && contains(policy.allowed_origins, origin);
  const bool own = !origin.empty() && host_header != nullptr &&
                   (origin == "http://" + lowercase(*host_header) || origin == "https://" + lowercase(*host_header));

  if (request.method == "OPTIONS" && request.header("access-control-request-method") != nullptr) {
    if (!configured) {
      return refuse("Cross-origin requests from '" + origin +
                    "' are not allowed; start sluice with --allow-origin to allow an origin.");
    }
    PolicyDecision decision;
    decision.verdict = PolicyDecision::Verdict::kPreflight;
    decision.cors_origin = origin;
    return decision;
  }

  const bool signed_by_header = !header_credential(request).empty();
  if (!signed_by_header && !configured) {
    if (!origin.empty() && !own) {
      return refuse("Unsigned request from origin '" + origin +
                    "' refused; start sluice with --allow-origin to allow an origin.");
    }
    if (const std::string* site = request.header("sec-fetch-site")) {
      const std::string value = lowercase(*site);
      if (value != "same-origin" && value != "none") {
        return refuse("Unsigned " + value + " request from a web page refused; start sluice with --allow-origin " +
                      "to allow its origin.");
      }
    }
  }
  PolicyDecision decision;
  if (configured) decision.cors_origin = origin;
  return decision;
}

http::Response preflight_response(const http::Request& request, const std::string& origin) {
  http::Response response;
  response.status = 200;
  add_cors_headers(response, origin);
  response.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST");
  if (const std::string* asked = request.header("access-control-request-headers")) {
    response.headers.emplace_back("Access-Control-Allow-Headers", *asked);
  }
  response.headers.emplace_back("Access-Control-Max-Age", "600");
  return response;
}

void add_cors_headers(http::Response& response, const std::string& origin) {
  response.headers.emplace_back("Access-Control-Allow-Origin", origin);
  response.headers.emplace_back("Vary", "Origin");
  response.headers.emplace_back("Access-Control-Expose-Headers", "x-amzn-RequestId, x-amzn-query-error, x-amz-crc32");
}

}  // namespace sluice::api::server::detail
