#pragma once
// CloudWatch Logs on the front door: the JSON 1.1 protocol (X-Amz-Target: Logs_20140328.<Op>,
// SigV4 service "logs") over the log store (sluice/logs/logs.h).
//
// Operations: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, CreateLogStream, DeleteLogStream,
// DescribeLogStreams, PutLogEvents, GetLogEvents, FilterLogEvents, PutRetentionPolicy,
// DeleteRetentionPolicy, and StartLiveTail: its answer is an HTTP/1.1 streamed (chunked) body in
// the event stream encoding, fed from the events the store takes in (live_tail_sessions.h). The
// SDKs send StartLiveTail to the `stream-` (older ones `streaming-`) prefixed host: with an
// endpoint override, turn the host prefix off (boto3: Config(inject_host_prefix=False); the JS
// SDK v3: disableHostPrefix: true). Others answer UnknownOperationException.
//
// Calls block on the store's SQLite commits: the service runs on the front door's workers.

#include <memory>

#include "sluice/api/server/server.h"
#include "sluice/logs/logs.h"

namespace sluice::api::logs_wire {

std::shared_ptr<server::Service> make_logs_service(std::shared_ptr<logs::LogStore> store);

}  // namespace sluice::api::logs_wire
