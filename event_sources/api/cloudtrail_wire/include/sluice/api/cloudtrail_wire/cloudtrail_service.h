#pragma once
// CloudTrail on the front door: the JSON 1.1 protocol (X-Amz-Target
// com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>, SigV4 service "cloudtrail") over the
// audit trail (sluice/audit/audit.h).
//
// LookupEvents searches the trail's management events (one lookup attribute, a time range,
// MaxResults 1-50, NextToken), newest first, as CloudTrail's event history. Trails deliver to an
// S3 bucket, which sluice does not have: no trail can exist, so CreateTrail answers
// S3BucketDoesNotExistException, DescribeTrails and ListTrails answer an empty list, and the
// actions on a named trail (GetTrail, GetTrailStatus, UpdateTrail, DeleteTrail, StartLogging,
// StopLogging, Get/PutEventSelectors, Get/PutInsightSelectors) answer TrailNotFoundException.
// Other operations answer UnknownOperationException.
//
// LookupEvents waits for the trail's queued records: the service runs on the front door's workers.

#include <memory>

#include "sluice/api/server/server.h"
#include "sluice/audit/audit.h"

namespace sluice::api::cloudtrail_wire {

std::shared_ptr<server::Service> make_cloudtrail_service(std::shared_ptr<audit::Trail> trail);

}  // namespace sluice::api::cloudtrail_wire
