#pragma once
// The SNS Query protocol over the SNS service: a decoded form (Action=...&Version=2010-03-31&...)
// goes in, an HTTP status and an XML document come out. This is the one entry point the HTTP
// front end needs: it routes a request here when its Action is an SNS action (is_sns_action) or
// its SigV4 credential scope names the "sns" service, parses the form with the shared Query
// codec (sqs_query/query_codec.h: parse_form) and sends back what handle() answers.
//
// Parameter flattening follows the botocore SNS model: Attributes.entry.N.key/value (lowercase),
// MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue / .Value.BinaryValue
// (base64), Tags.member.N.Key/Value, TagKeys.member.N, AWSAccountId.member.N,
// ActionName.member.N, PublishBatchRequestEntries.member.N.<Field>. Answers use the namespace
// http://sns.amazonaws.com/doc/2010-03-31/; errors are <ErrorResponse><Error><Type/><Code/>
// <Message/></Error><RequestId/></ErrorResponse> with the status of the error's table row.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/sns/sns.h"

namespace sluice::sns::api {

using FormParams = std::vector<std::pair<std::string, std::string>>;  // same shape as the Query codec's

struct ApiResponse {
  int status = 200;
  std::string body;  // text/xml
};

class SnsApi {
 public:
  explicit SnsApi(Service& service) : service_(service) {}

  // request_id: echoed in the document (a new UUID when empty).
  ApiResponse handle(const FormParams& params, const CallContext& ctx, std::string request_id = {}) const;

  // True for the actions this API implements (and the SNS actions it answers as unsupported).
  static bool is_sns_action(std::string_view action);

 private:
  Service& service_;
};

// The XML error document for an SNS error.
std::string error_xml(const AwsError& error, std::string_view request_id);

}  // namespace sluice::sns::api
