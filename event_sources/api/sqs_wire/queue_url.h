#pragma once
// Queue URLs and pagination tokens. Queues are per region, and a queue URL says which:
//   <base>/<account>/<name>            a queue of the server's default region (short, as before)
//   <base>/<region>/<account>/<name>   a queue of any other region
//   https://sqs.<region>.amazonaws.com/<account>/<name> (or <region>.queue.amazonaws.com): an AWS
//                                      URL pasted as it is; its host names the region
// Any other host is accepted (SDKs hand back whatever URL they were given); only the path and an
// AWS host name count. Pagination tokens are opaque to clients: base64 of the last name returned.

#include <optional>
#include <string>
#include <string_view>

namespace sluice::api::sqs_wire::detail {

struct ParsedQueueUrl {
  std::string host;  // without port, lowercase
  std::string account_id;
  std::string name;
  std::optional<std::string> region;  // from an AWS host name, else from the path
};

// http(s)://host[:port][/<region>]/<12-digit account>/<name>[/] ; nullopt if it has another shape.
std::optional<ParsedQueueUrl> parse_queue_url(std::string_view url);
// Path form "[/<region>]/<account>/<name>" (a Query request sent to the queue URL). nullopt
// otherwise.
std::optional<ParsedQueueUrl> parse_queue_path(std::string_view path);
// 1-80 characters of letters, digits, '-', '_' and '.': what may stand for a queue URL.
bool is_queue_name(std::string_view text);
// sqs.<region>.amazonaws.com[.cn] or <region>.queue.amazonaws.com -> region.
std::optional<std::string> region_from_aws_host(std::string_view host);

std::string encode_page_token(std::string_view last_name);
std::optional<std::string> decode_page_token(std::string_view token);

}  // namespace sluice::api::sqs_wire::detail
