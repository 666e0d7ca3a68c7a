#pragma once
// The sluice command line, parsed with CLI11. Each subcommand's flags live in a file of their own
// (up_flags.cpp, invoke_flags.cpp, generate_event_flags.cpp, new_flags.cpp, explain_flags.cpp,
// worker_flags.cpp): add_*_command
// registers the subcommand on the application, binds its flags to options it owns, and returns
// what runs it once parsing succeeded.

#include <CLI/CLI.hpp>

#include <functional>

namespace sluice::cli {

// Exit codes (sysexits.h): a bad command line is EX_USAGE.
constexpr int kExitUsage = 64;

struct Subcommand {
  CLI::App* app = nullptr;   // parsed() tells whether the user chose it
  std::function<int()> run;  // the process exit code
};

Subcommand add_up_command(CLI::App& sluice);
Subcommand add_invoke_command(CLI::App& sluice);
Subcommand add_generate_event_command(CLI::App& sluice);
Subcommand add_new_command(CLI::App& sluice);
Subcommand add_explain_command(CLI::App& sluice);
Subcommand add_worker_command(CLI::App& sluice);

}  // namespace sluice::cli
