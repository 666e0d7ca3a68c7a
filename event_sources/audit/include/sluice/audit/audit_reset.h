#pragma once
// POST /_sluice/reset's part in the audit trail. Kept apart from audit.h, the interface the front
// door records through, since only a reset takes events away.

#include <cstddef>
#include <string_view>

#include "sluice/audit/audit.h"

namespace sluice::audit {

// The events recorded for the account (recipientAccountId) in the region (awsRegion: us-east-1
// for IAM's and STS's, as CloudTrail records them) go, from the ring lookup() reads and from the
// files, rewritten without them, so that a restart does not bring them back. Waits for queued
// records first; records made meanwhile wait for it. Returns how many events went from the ring.
// `trail` is one Trail::open made.
size_t reset_events(Trail& trail, std::string_view account_id, std::string_view region);

}  // namespace sluice::audit
