// Runtime API latency: how long a function of each runtime takes to start (cold start) and to
// answer one invocation on a warm environment, measured around PluginHost::invoke (what a mapping
// or Invoke calls) with a small event.
//
//   bench_runtimes [--warm N] [--cold N] [--runtime c|python|nodejs]
//       cold start: open the function (its first environment starts and reaches `next`) and run
//       one invocation, N times; warm: N invocations on one environment. p50 / p99 of each.
//
// Runtimes: "c" is a custom runtime (provided.al2023) whose bootstrap is a small C program with
// one keep-alive connection; "python" and "nodejs" are sluice's shims with an echo handler.
// Prints one JSON object per line per figure: {"bench","figure","value","unit",...}.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "sluice/functions/runtime_function.h"

using namespace sluice;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_runtimes: %s\n", what.c_str());
  std::exit(1);
}

double since_us(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t at = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return values[at];
}

void print(const std::string& figure, double value, const char* unit, const std::string& runtime) {
  std::printf("{\"bench\":\"runtime-latency\",\"figure\":\"%s\",\"value\":%.1f,\"unit\":\"%s\",\"runtime\":\"%s\"}\n",
              figure.c_str(), value, unit, runtime.c_str());
  std::fflush(stdout);
}

struct Runtime {
  std::string name;
  functions::RuntimeFunctionCode code;
};

// The C bootstrap goes into a code directory of its own, as `bootstrap`.
fs::path c_code_directory() {
  fs::path dir = fs::temp_directory_path() / ("bench-runtimes-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(BOOTSTRAP_C, dir / "bootstrap", fs::copy_options::overwrite_existing);
  return dir;
}

std::unique_ptr<functions::PluginHost> open(const Runtime& runtime) {
  functions::FunctionConfig config;
  config.name = "bench-" + runtime.name;
  config.timeout_ms = 10'000;
  config.memory_size_mb = 512;
  auto host = functions::open_runtime_function(runtime.code, config);
  if (!host) die(runtime.name + ": " + host.error());
  return std::move(host.value());
}

void invoke_ok(functions::PluginHost& host, const std::string& runtime) {
  functions::InvocationRequest request;
  request.event = R"({"order":1})";
  auto result = host.invoke(request);
  if (!result.ok()) die(runtime + ": invocation failed: " + result.error_type + ": " + result.error_message);
}

void measure(const Runtime& runtime, int cold_runs, int warm_runs) {
  std::vector<double> cold;
  for (int i = 0; i < cold_runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto host = open(runtime);
    invoke_ok(*host, runtime.name);
    cold.push_back(since_us(start) / 1000);
  }
  print("cold_start_p50", percentile(cold, 0.5), "ms", runtime.name);
  print("cold_start_p99", percentile(cold, 0.99), "ms", runtime.name);

  auto host = open(runtime);
  for (int i = 0; i < 20; ++i) invoke_ok(*host, runtime.name);  // warm up
  std::vector<double> warm;
  warm.reserve(static_cast<size_t>(warm_runs));
  for (int i = 0; i < warm_runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    invoke_ok(*host, runtime.name);
    warm.push_back(since_us(start));
  }
  print("warm_invoke_p50", percentile(warm, 0.5), "us", runtime.name);
  print("warm_invoke_p99", percentile(warm, 0.99), "us", runtime.name);
}

}  // namespace

int main(int argc, char** argv) {
  int warm_runs = 2000, cold_runs = 20;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--warm") == 0) warm_runs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--cold") == 0) cold_runs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--runtime") == 0) only = argv[i + 1];
    else die(std::string("unknown option ") + argv[i]);
  }
  const fs::path c_dir = c_code_directory();
  const std::string code = HANDLER_CODE;
  const std::vector<Runtime> runtimes = {
      {"c", {"provided.al2023", c_dir.string(), "function.handler"}},
      {"python", {"python3.11", code + "/python", "echo.handler"}},
      {"nodejs", {"nodejs20.x", code + "/nodejs", "echo.handler"}},
  };
  for (const auto& runtime : runtimes)
    if (only.empty() || only == runtime.name) measure(runtime, cold_runs, warm_runs);
  std::error_code ec;
  fs::remove_all(c_dir, ec);
  return 0;
}
