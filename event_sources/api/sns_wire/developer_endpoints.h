#pragma once
// Internal: SNS's developer endpoints, plain HTTP beside the AWS API (the paths and shapes that
// LocalStack users already script against). Nothing SNS texts or pushes leaves the machine; these
// read and clear what would have been sent, opt a number out as a recipient's STOP would, and
// reject a device token as a push service would:
//
//   GET|DELETE /_aws/sns/sms-messages[?accountId=&region=&phoneNumber=]
//     {"sms_messages": {"<phone>": [{"PhoneNumber","TopicArn","SubscriptionArn","MessageId",
//      "Message","MessageAttributes","MessageStructure","Subject"}, ...]}, "region": "<region>"}
//   GET|DELETE /_aws/sns/platform-endpoint-messages[?accountId=&region=&endpointArn=]
//     {"platform_endpoint_messages": {"<endpoint arn>": [{"TargetArn","MessageId","Message",
//      "MessageAttributes","MessageStructure","Subject"}, ...]}, "region": "<region>"}
//   POST /_aws/sns/phone-opt-outs  phoneNumber (required) and accountId, as query parameters or
//     a JSON object body
//   POST /_aws/sns/platform-token-rejections  endpointArn (required), as a query parameter or a
//     JSON object body: the push service rejects that endpoint's token on the next delivery
//     (Mobile::reject_platform_token); 404 for an unknown endpoint
//
// accountId and region default to the server's (what an unsigned AWS call gets). DELETE answers
// 204; unknown paths 404 and other methods 405, with a JSON {"error": "..."}.

#include <string_view>

#include "sluice/api/http/server.h"
#include "sluice/api/query/query.h"
#include "sluice/sns/mobile.h"

namespace sluice::api::sns_wire::detail {

inline constexpr std::string_view kDeveloperPrefix = "/_aws/sns/";

inline bool is_developer_path(std::string_view path) {
  return path.substr(0, kDeveloperPrefix.size()) == kDeveloperPrefix;
}

// `query` is the request's decoded query string; `account_id` and `region` the defaults.
http::Response answer_developer_request(sluice::sns::Mobile& mobile, const http::Request& request,
                                        const query::FormParams& query, const std::string& account_id,
                                        const std::string& region);

}  // namespace sluice::api::sns_wire::detail
