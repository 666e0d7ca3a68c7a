#pragma once
// Reading JSON-protocol request members with AWS's errors: a member of the wrong JSON type is a
// SerializationException (the request could not be deserialized into the model), a missing
// required member is MissingParameter "The request must contain the parameter X.". A JSON null
// counts as absent, as in AWS's JSON protocols.

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire::detail {

namespace json = boost::json;

AwsError missing_parameter(std::string_view name);
AwsError serialization_error(std::string_view name, std::string_view expected);

Outcome<std::optional<std::string>> opt_string(const json::object& in, std::string_view name);
Outcome<std::string> req_string(const json::object& in, std::string_view name);
Outcome<std::optional<int64_t>> opt_int(const json::object& in, std::string_view name);
Outcome<std::vector<std::string>> opt_string_list(const json::object& in, std::string_view name);
Outcome<std::optional<std::vector<std::string>>> opt_string_list_present(const json::object& in, std::string_view name);
Outcome<std::map<std::string, std::string>> opt_string_map(const json::object& in, std::string_view name);
Outcome<std::optional<std::map<std::string, std::string>>> opt_string_map_present(const json::object& in,
                                                                                  std::string_view name);
// A list of objects (batch Entries); each element must be an object.
Outcome<std::vector<const json::object*>> opt_object_list(const json::object& in, std::string_view name);

// {"name": {"DataType": ..., "StringValue"|"BinaryValue"(base64): ...}} -> decoded attributes.
Outcome<sluice::sqs::MessageAttributes> opt_message_attributes(const json::object& in, std::string_view name);
// The reverse, for ReceiveMessage answers (Binary values base64-encoded).
json::object message_attributes_json(const sluice::sqs::MessageAttributes& attributes);

}  // namespace sluice::api::sqs_wire::detail
