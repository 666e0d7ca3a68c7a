#pragma once
// Function code packages: a zip checked and unpacked with libzip (internal to
// event_sources/lambda).

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/common/aws_error.h"

namespace sluice::lambda::detail {

// AWS's limit on a function's unpacked code.
constexpr int64_t kMaxUnzippedBytes = 262'144'000;

// Unpacks `zip` into the directory `into` (created; it must not exist yet), keeping the entries'
// Unix permissions (a `bootstrap` stays executable). A file that is not a readable zip, or an
// entry that would land outside `into`, is InvalidParameterValueException with AWS's text; on
// failure nothing is left behind.
common::Status unpack_zip(std::string_view zip, const std::string& into);

}  // namespace sluice::lambda::detail
