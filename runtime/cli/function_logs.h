#pragma once
// Where functions' invocation lines go in CloudWatch Logs, as on Lambda: the log group
// /aws/lambda/<function name>, one log stream per execution environment named
// YYYY/MM/DD/[$LATEST]<environment id> (the UTC date of the environment's first invocation).
// The sink only queues into LogIngest, so an invocation never waits for the log store.

#include <cstdint>
#include <memory>
#include <string>

#include "sluice/functions/registry.h"
#include "sluice/logs/ingest.h"

namespace sluice::cli {

// "2024/05/17/[$LATEST]0123456789abcdef0123456789abcdef" for an environment first seen at `ms`.
std::string lambda_log_stream_name(int64_t ms, const std::string& environment_id);

functions::InvocationRecordSink function_log_sink(std::shared_ptr<logs::LogIngest> ingest);

}  // namespace sluice::cli
