#pragma once
// The Isolated PluginHost: a pool of execution environments (isolated worker processes) for one
// function. See plugin_host.h for the rules it keeps.

#include <memory>
#include <string>

#include "environment.h"
#include "plugin_library.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::functions::detail {

// Starts the first environment (so a file that cannot be loaded is reported here) and returns the
// host. `options.clock` must be set.
common::Outcome<std::unique_ptr<PluginHost>, std::string> open_isolated_host(std::string path, FunctionConfig config,
                                                                             PluginHostOptions options,
                                                                             FileIdentity id);

// The same pool over any kind of environment: `factory` starts one. `watched_file` (with its
// identity `id`) is what hot reload watches: when it changes, new environments replace the old.
common::Outcome<std::unique_ptr<PluginHost>, std::string> open_environment_pool(std::string watched_file,
                                                                                FunctionConfig config,
                                                                                PluginHostOptions options,
                                                                                FileIdentity id,
                                                                                EnvironmentFactory factory);

}  // namespace sluice::functions::detail
