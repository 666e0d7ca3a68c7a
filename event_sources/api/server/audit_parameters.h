#pragma once
// Internal: a Query request's parameters as CloudTrail records them, in the shape the operation's
// JSON form has ({"queueName": ..., "attributes": {"VisibilityTimeout": "30"}}) rather than the
// form's flat names ("Attribute.1.Name", "Attribute.1.Value").
//
// With the action's model (a service that has one: SQS) the form is read by it, so every member
// gets its JSON-protocol name. Without one (SNS, STS, IAM, CloudWatch) the form is read by the Query
// protocol's own conventions: "Name.member.N" is the Nth element of list Name, "Name.entry.N.key"
// and "Name.entry.N.value" an entry of map Name (a value with parts, "Value.DataType", is a
// structure), "A.B" the member B of structure A; a bare number after a name ("AttributeName.1") is a
// list element too.

#include <string>

#include "sluice/api/query/query.h"

namespace sluice::api::server::detail {

// JSON object text of the request's members (the envelope, Action, Version and the signing
// parameters, left out); "" when the form cannot be read.
std::string query_request_parameters(const std::string& query_string, const std::string& body,
                                     const query::ActionSpec* spec);

}  // namespace sluice::api::server::detail
