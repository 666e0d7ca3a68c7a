#pragma once
// Internal: the SNS Query protocol over the SNS service: a decoded form (Action=...&Version=2010-03-31&...)
// goes in, an HTTP status and an XML document come out. This is the one entry point the SNS
// service (sns_service.cpp) needs: the front door has routed the request to SNS and decoded its
// form with the Query kit (sluice/api/query/query.h); handle() answers it.
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

#include "sluice/api/query/query.h"
#include "sluice/sns/sns.h"

namespace sluice::api::sns_wire {

// The SNS core's request and result types are this adapter's vocabulary.
using namespace ::sluice::sns;  // NOLINT(google-build-using-namespace)

using query::FormParams;

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
std::string error_xml(const common::AwsError& error, std::string_view request_id);

}  // namespace sluice::api::sns_wire
