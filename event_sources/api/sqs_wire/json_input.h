#pragma once
// Reading the members of a JSON-protocol request tree (the queue-management actions) with AWS's
// errors, worded as the typed message codecs word them (read_errors.h): a member of the wrong
// JSON type is a SerializationException (the request could not be deserialized into the model), a missing
// required member is MissingParameter "The request must contain the parameter X.". A JSON null
// counts as absent, as in AWS's JSON protocols.

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "read_errors.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::sqs_wire::detail {

namespace json = boost::json;

common::Outcome<std::optional<std::string>> opt_string(const json::object& in, std::string_view name);
common::Outcome<std::string> req_string(const json::object& in, std::string_view name);
common::Outcome<std::optional<int64_t>> opt_int(const json::object& in, std::string_view name);
common::Outcome<std::vector<std::string>> opt_string_list(const json::object& in, std::string_view name);
common::Outcome<std::optional<std::vector<std::string>>> opt_string_list_present(const json::object& in,
                                                                                 std::string_view name);
common::Outcome<std::map<std::string, std::string>> opt_string_map(const json::object& in, std::string_view name);
common::Outcome<std::optional<std::map<std::string, std::string>>> opt_string_map_present(const json::object& in,
                                                                                          std::string_view name);

}  // namespace sluice::api::sqs_wire::detail
