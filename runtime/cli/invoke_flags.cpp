// `sluice invoke`'s flags.

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "command_line.h"
#include "invoke_options.h"

namespace sluice::cli {

Subcommand add_invoke_command(CLI::App& sluice) {
  auto options = std::make_shared<InvokeOptions>();
  CLI::App* invoke = sluice.add_subcommand(
      "invoke",
      "Run one invocation of a declared function or of a handler plugin, like `sam local invoke`: the logs go to "
      "stderr, the response payload to stdout; exit 0 on success, 1 on a function error or timeout.");
  CLI::Option* function =
      invoke->add_option("FUNCTION", options->function_name, "A function declared in --config FILE");
  CLI::Option* config =
      invoke->add_option("--config", options->config_path, "The configuration declaring FUNCTION")->type_name("FILE");
  CLI::Option* plugin =
      invoke->add_option("--plugin", options->plugin, "A handler plugin (shared library) to run instead")
          ->type_name("FILE");
  function->needs(config);
  config->needs(function);
  plugin->excludes(function);
  invoke->add_option("--event", options->event_path, "The event: a JSON file, or - for standard input (default {})")
      ->type_name("FILE|-");
  invoke
      ->add_option_function<double>(
          "--timeout", [options](double seconds) { options->timeout_s = seconds; },
          "Timeout in seconds, 1 to 900 (default: as declared, else 3)")
      ->type_name("SECONDS")
      ->check([](const std::string& text) {
        char* end = nullptr;
        const double seconds = std::strtod(text.c_str(), &end);
        return *end == '\0' && seconds > 0 && seconds <= 900 ? "" : "must be more than 0 and at most 900 seconds";
      });
  CLI::Option* isolated = invoke->add_flag_callback(
      "--isolated", [options] { options->isolated = true; }, "Run in an execution environment (a worker process)");
  CLI::Option* in_process = invoke->add_flag_callback(
      "--in-process", [options] { options->isolated = false; }, "Run in this process");
  isolated->excludes(in_process);
  return {invoke, [options, invoke] {
            if (options->function_name.empty() && options->plugin.empty()) {
              std::fprintf(stderr, "sluice invoke: give FUNCTION --config FILE or --plugin FILE\n\n%s",
                           invoke->help().c_str());
              return kExitUsage;
            }
            return command_invoke(*options);
          }};
}

}  // namespace sluice::cli
