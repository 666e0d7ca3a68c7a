// sluice: SQS/SNS emulator and Lambda-style worker runtime. Parses the command line (CLI11) and
// runs the chosen subcommand. Every subcommand answers --help / -h with its own options; a bad
// command line is answered on stderr with the flag it concerns and exit code 64.

#include <cstdio>
#include <string>
#include <vector>

#include "command_line.h"

namespace {

constexpr const char* kVersion = "sluice 0.1.0";

}  // namespace

int main(int argc, char** argv) {
  using namespace sluice::cli;
  CLI::App app{"sluice: a local emulator of Amazon SQS and SNS with a Lambda-style runtime for handlers.", "sluice"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  app.footer("Run `sluice COMMAND --help` for a command's options.");
  std::vector<Subcommand> commands = {add_up_command(app),  add_invoke_command(app),  add_generate_event_command(app),
                                      add_new_command(app), add_explain_command(app), add_worker_command(app)};
  CLI::App* version = app.add_subcommand("version", "Print the version");
  CLI::App* help = app.add_subcommand("help", "Print this help");
  if (argc < 2) {
    std::fputs(app.help().c_str(), stderr);
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::puts(kVersion);
    return 0;
  } catch (const CLI::ParseError& e) {
    // Name the subcommand the error belongs to, then the error (which names the flag).
    std::string where = "sluice";
    for (CLI::App* chosen = &app; !chosen->get_subcommands().empty();) {
      chosen = chosen->get_subcommands().front();
      where += " " + chosen->get_name();
    }
    std::fprintf(stderr, "%s: %s\nRun `%s --help` for its options.\n", where.c_str(), e.what(), where.c_str());
    return kExitUsage;
  }
  if (version->parsed()) {
    std::puts(kVersion);
    return 0;
  }
  if (help->parsed()) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  for (const Subcommand& command : commands)
    if (command.app->parsed()) return command.run();
  return kExitUsage;  // require_subcommand makes this unreachable
}
