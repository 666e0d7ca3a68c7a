#pragma once
// The SQS Query protocol (form-encoded requests, XML answers) as a translation to and from the
// JSON 1.0 shapes: the action layer (api/sqs) works on JSON-protocol objects only, and this codec
// converts Query requests into those objects and result objects into Query XML. Both protocols
// therefore run the same validation and the same engine calls.

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/common/aws_error.h"

namespace sluice::api::query {

// Decoded name/value pairs in arrival order ('+' is a space, %XX decoded).
using FormParams = std::vector<std::pair<std::string, std::string>>;

// Parses application/x-www-form-urlencoded text (a POST body or a GET query string). A malformed
// percent escape is an error (AWS: MalformedQueryString).
Outcome<FormParams> parse_form(std::string_view encoded);

// Builds the JSON-protocol request object of `action` from its flattened Query parameters
// (Attribute.N.Name/Value -> "Attributes" map, MessageAttribute.N.* -> "MessageAttributes",
// SendMessageBatchRequestEntry.N.* -> "Entries", AttributeName.N -> "AttributeNames", numbers
// as JSON numbers where the JSON protocol has integers, ...). Action and Version are dropped.
// Parameters the action does not know are ignored, as AWS does. A value that should be an
// integer but is not answers InvalidParameterValue / MalformedQueryString as AWS would.
// The object and everything in it are allocated from `storage`.
Outcome<boost::json::object> sqs_request_to_json(std::string_view action, const FormParams& params,
                                                 boost::json::storage_ptr storage = {});

// Renders the JSON-protocol result object of `action` as its Query XML document
// (<ActionResponse xmlns=...><ActionResult>...</ActionResult><ResponseMetadata>...).
std::string sqs_response_to_xml(std::string_view action, const boost::json::object& result,
                                std::string_view request_id);

// <ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error><RequestId/></ErrorResponse>
std::string error_xml(const AwsError& error, std::string_view request_id);

}  // namespace sluice::api::query
