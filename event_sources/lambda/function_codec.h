#pragma once
// The stored forms of function and mapping records (a JSON document per function, internal to
// event_sources/lambda). Unlike the wire shape it keeps every field, code location included.

#include <optional>
#include <string>
#include <string_view>

#include "sluice/lambda/alias.h"
#include "sluice/lambda/function.h"
#include "sluice/lambda/mapping.h"
#include "sluice/lambda/policy.h"

namespace sluice::lambda::detail {

std::string store_json(const FunctionRecord& function);
std::optional<FunctionRecord> record_from_store_json(std::string_view text);
std::string mapping_store_json(const MappingRecord& mapping);
std::optional<MappingRecord> mapping_from_store_json(std::string_view text);
std::string alias_store_json(const AliasRecord& alias);
std::optional<AliasRecord> alias_from_store_json(std::string_view text);
std::string policy_store_json(const PolicyDocument& policy);
std::optional<PolicyDocument> policy_from_store_json(std::string_view text);

}  // namespace sluice::lambda::detail
