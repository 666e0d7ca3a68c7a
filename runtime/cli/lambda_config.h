#pragma once
// The configuration's functions and event-source mappings, applied through Lambda's control
// plane at start (and after a reset), so that GetFunction, ListFunctions and
// ListEventSourceMappings show them and the configuration and the API make the same state.
//
// Idempotent: each declared function is created, or, when a function of that name exists (from
// an earlier start, or created over the API), brought to the configuration's settings: Runtime,
// Handler, Timeout, MemorySize, Environment, its code (the declared file or folder, as hot-reload
// code: Code.S3Bucket "hot-reload", S3Key the path), its reserved concurrency and its OnFailure
// destination. The configuration wins at start; what it cannot express (versions, aliases, tags,
// policies, a DeadLetterConfig, other event invoke settings) is kept, and changes made over the
// API last until the next start. Nothing is written when the settings already match, so a
// restart changes no RevisionId and no LastModified. Each embedded-queue mapping is created
// unless one of the same function and queue exists; that one gets the declared settings where
// they differ. A mapping of a remote queue (QueueUrl) runs beside the control plane
// (runtime_launcher.h): Lambda's API has no way to name a queue outside this server.

#include <string>

#include "config.h"
#include "sluice/lambda/control_plane.h"

namespace sluice::cli {

// The role a declared function gets (the configuration has none to give).
std::string declared_function_role(const std::string& account_id);

// Returns false with *error naming the function or mapping ("functions[1]: ...") and the reason;
// a function whose code cannot run (State Failed) is an error too.
bool apply_lambda_config(const Config& config, lambda::ControlPlane& functions, const std::string& account_id,
                         std::string* error);

}  // namespace sluice::cli
