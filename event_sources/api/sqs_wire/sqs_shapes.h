#pragma once
// Internal: the slice of the SQS Query-protocol model (botocore's 2012-11-05 query revision) that
// the Query kit needs to convert SQS requests and answers (sluice/api/query/query.h describes the
// shapes).

#include <span>
#include <string_view>

#include "sluice/api/query/query.h"

namespace sluice::api::sqs_wire::detail {

// nullptr when the action is not an SQS action.
const query::ActionSpec* find_action(std::string_view name);

// The "<parent>/<entry>" names of every flattened list and map in SQS's result documents
// (query::FlattenedNames), gathered from the shape table once.
query::FlattenedNames flattened_result_names();

// All actions, for tests.
std::span<const query::ActionSpec> all_actions();

}  // namespace sluice::api::sqs_wire::detail
