#pragma once
// Internal: reads flattened Query parameters. Values are looked up by full name; indexed groups
// ("Prefix.N.rest") are collected by N, so nested shapes (batch entries holding message
// attributes) are read by applying the same step twice.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sns_api.h"

namespace sluice::api::sns_wire::detail {

using Params = std::map<std::string, std::string>;  // first occurrence of each name wins

Params to_params(const FormParams& form);
std::optional<std::string> get(const Params& p, const std::string& name);
// Members "prefix.N" or "prefix.N.rest", grouped by N (ascending), each group keyed by "rest"
// ("" for a plain "prefix.N").
std::map<int, Params> indexed(const Params& p, std::string_view prefix);

// Attributes.entry.N.key / .value
std::map<std::string, std::string> read_attribute_map(const Params& p, std::string_view prefix);
// Tags.member.N.Key / .Value
TagList read_tags(const Params& p, std::string_view prefix);
// X.member.N
std::vector<std::string> read_list(const Params& p, std::string_view prefix);
// MessageAttributes.entry.N.Name / .Value.DataType|StringValue|BinaryValue. Fails on bad base64.
common::Outcome<PublishAttributes> read_message_attributes(const Params& p, std::string_view prefix);

}  // namespace sluice::api::sns_wire::detail
