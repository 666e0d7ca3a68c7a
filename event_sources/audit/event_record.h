#pragma once
// Internal: an ApiCall made into a CloudTrail record (with its secrets taken out) and the
// LookupEvents summary of it; and the summary read back from a record written earlier.

#include <optional>
#include <string_view>

#include "sluice/audit/audit.h"

namespace sluice::audit::detail {

inline constexpr std::string_view kEventVersion = "1.09";
inline constexpr std::string_view kHidden = "HIDDEN_DUE_TO_SECURITY_REASONS";

// The record and its summary. `call.decode` has run.
Event build_event(const ApiCall& call, uint64_t sequence);
// The summary of a record written by build_event; nullopt when the text is not one.
std::optional<Event> read_event(std::string_view record, uint64_t sequence);

// Whether a record (JSON text) was recorded for the account (recipientAccountId) in the region
// (awsRegion). False for a text that is not a record.
bool recorded_for(std::string_view record, std::string_view account_id, std::string_view region);

// "2026-12-07T09:31:02Z" and back (nullopt when not that form).
std::string iso_time(int64_t ms);
std::optional<int64_t> parse_iso_time(std::string_view text);

}  // namespace sluice::audit::detail
