// sluice: SQS/SNS emulator and Lambda-style worker runtime. Dispatches to a sub-command.

#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"

namespace {

constexpr const char* kUsage =
    "usage: sluice <command> [options]\n"
    "\n"
    "commands:\n"
    "  up [--listen HOST:PORT] [--data DIR [--recover] | --in-memory] [--account ID] [--region REGION]\n"
    "     [--time-scale N] [--allow-origin ORIGIN]... [--allow-host NAME]... [--auth MODE]\n"
    "     [--tls | --tls-cert FILE --tls-key FILE] [--log-format text|json] [CONFIG]\n"
    "      start the engine, the AWS API (SQS over Query and JSON, SNS and STS over Query, Lambda over\n"
    "      REST-JSON) and the event-source mappings; CONFIG declares queues, functions, mappings and\n"
    "      accounts, and where SNS may deliver over HTTP (sns.DeliveryAllowList).\n"
    "      --recover starts even when files of the data directory were lost or damaged, with what\n"
    "      is still readable, and says what was lost (without it such a directory is refused).\n"
    "      --auth off (default: signatures unchecked, a 12-digit access key id selects the account),\n"
    "      audit (check every signature, log what AWS would refuse, allow it) or enforce (refuse it)\n"
    "      --allow-origin lets that web origin's pages call the API (CORS); --allow-host serves one\n"
    "      more Host name (IP addresses, single-label names such as localhost, and *.localhost always are).\n"
    "      --tls serves HTTPS on the same port as HTTP, with a self-signed certificate for localhost and\n"
    "      127.0.0.1 kept in DATA/tls/cert.pem (printed at start; trust it with AWS_CA_BUNDLE);\n"
    "      --tls-cert/--tls-key use your own PEM certificate chain and key instead.\n"
    "      --log-format json writes the function and runtime log as one JSON object per line, in\n"
    "      Lambda's JSON log format (default text: Lambda's START / END / REPORT lines).\n"
    "      --time-scale N is for tests only: every timer\n"
    "      (delays, visibility, retention, long polls, batching windows, retries, function timeouts)\n"
    "      runs N times faster, and timestamps run ahead of the wall clock accordingly\n"
    "  invoke (FUNCTION --config FILE | --plugin FILE) [--event FILE|-] [--timeout SECONDS] [--isolated | "
    "--in-process]\n"
    "      run one invocation of a declared function or a handler plugin; logs to stderr,\n"
    "      response to stdout\n"
    "  generate-event sqs|sns [options]\n"
    "      print a sample Lambda event (sqs: --body --queue-arn --count; sns: --message --subject --topic-arn)\n"
    "  version\n"
    "      print the version\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 64 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  // `sluice up --help` and the like: every command's flags are in the one usage text.
  for (const std::string& arg : args) {
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  if (command == "up") return sluice::cli::command_up(args);
  if (command == "invoke") return sluice::cli::command_invoke(args);
  if (command == "generate-event") return sluice::cli::command_generate_event(args);
  if (command == "version" || command == "--version") {
    std::puts("sluice 0.1.0");
    return 0;
  }
  std::fprintf(stderr, "sluice: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 64;
}
