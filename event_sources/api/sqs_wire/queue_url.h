#pragma once
// Queue URLs and pagination tokens. A queue URL names its queue by path (/<account>/<name>); the
// host only matters when it is an AWS endpoint, whose name carries the region. Pagination tokens
// are opaque to clients: base64 of the last name returned.

#include <optional>
#include <string>
#include <string_view>

namespace sluice::api::sqs_wire::detail {

struct ParsedQueueUrl {
  std::string host;  // without port, lowercase
  std::string account_id;
  std::string name;
  std::optional<std::string> region;  // from an AWS host name
};

// http(s)://host[:port]/<12-digit account>/<name>[/] ; nullopt if it has another shape.
std::optional<ParsedQueueUrl> parse_queue_url(std::string_view url);
// Path form "/<account>/<name>" (a Query request sent to the queue URL). nullopt otherwise.
std::optional<ParsedQueueUrl> parse_queue_path(std::string_view path);
// sqs.<region>.amazonaws.com[.cn] or <region>.queue.amazonaws.com -> region.
std::optional<std::string> region_from_aws_host(std::string_view host);

std::string encode_page_token(std::string_view last_name);
std::optional<std::string> decode_page_token(std::string_view token);

}  // namespace sluice::api::sqs_wire::detail
