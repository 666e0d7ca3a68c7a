#pragma once
// `sluice worker --template FILE`: the functions and event-source mappings of a CloudFormation or
// SAM template (template_import.h, as `sluice up --template` reads it) run against queues at the
// SQS endpoint. A worker creates nothing there: the template's queues are not created (its
// mappings poll the queue of that name, which must exist), and topics with their subscriptions
// are skipped; each such resource is printed with the reason, as are the ones the import skips.
// A mapping's queue (an ARN) becomes the queue URL at --endpoint-url, else at the region's SQS
// endpoint (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME).

#include <string>

#include "config.h"
#include "worker_options.h"

namespace sluice::cli {

// Adds the template's functions and mappings to *config. False (the reason printed) when the
// template cannot be read, declares something invalid, or names a function *config declares too.
bool add_worker_template(const WorkerOptions& options, Config* config);

}  // namespace sluice::cli
