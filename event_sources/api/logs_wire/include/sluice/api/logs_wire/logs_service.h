#pragma once
// CloudWatch Logs on the front door: the JSON 1.1 protocol (X-Amz-Target: Logs_20140328.<Op>,
// SigV4 service "logs") over the log store (sluice/logs/logs.h).
//
// Operations: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, CreateLogStream, DeleteLogStream,
// DescribeLogStreams, PutLogEvents, GetLogEvents, FilterLogEvents, PutRetentionPolicy,
// DeleteRetentionPolicy. Others answer UnknownOperationException. StartLiveTail is not served
// (its event stream needs the `streaming-` host prefix and HTTP/2 event framing).
//
// Calls block on the store's SQLite commits: the service runs on the front door's workers.

#include <memory>

#include "sluice/api/server/server.h"
#include "sluice/logs/logs.h"

namespace sluice::api::logs_wire {

std::shared_ptr<server::Service> make_logs_service(std::shared_ptr<logs::LogStore> store);

}  // namespace sluice::api::logs_wire
