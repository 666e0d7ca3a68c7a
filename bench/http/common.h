#pragma once
// Pieces every benchmark mode shares: printing figures as JSON lines, a blocking call on the
// event loop (for setup steps), queue creation, reading a process's thread count, and the
// modes' entry points.

#include <cstdint>
#include <string>
#include <vector>

#include "http_client.h"
#include "sqs_wire.h"

namespace bench_http {

// Context fields of a figure, printed after bench/figure/value/unit.
class Fields {
 public:
  Fields& add(const std::string& key, const std::string& value);
  Fields& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
  Fields& add(const std::string& key, double value);
  Fields& add(const std::string& key, int64_t value);
  Fields& add(const std::string& key, int value) { return add(key, static_cast<int64_t>(value)); }
  Fields& add(const std::string& key, bool value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;  // ,"k":v,...
};

// {"bench":..,"figure":..,"value":..,"unit":..,<fields>} on stdout, flushed.
void emit(const std::string& bench, const std::string& figure, double value, const std::string& unit,
          const Fields& fields);
// A line for something not measured: {"bench":..,"target":..,"skipped":true,"reason":..}.
void emit_skip(const std::string& bench, const std::string& target, const std::string& reason);

// Sends one request and runs the loop until its answer (status 0 on transport error or after
// timeout_ns; the loop must have nothing else to do meanwhile that could stall).
Response call(Loop& loop, Conn& conn, std::string request, int64_t timeout_ns = 10'000'000'000);

// CreateQueue; returns the queue URL or "" with *error set.
std::string create_queue(Loop& loop, Conn& conn, const Endpoint& ep, const std::string& name, std::string* error);

// Printable body of n bytes, varied so no layer can shortcut on repetition.
std::string message_body(size_t n);

// "VmRSS:" of /proc/PID/status in KiB, -1 if unreadable.
int64_t resident_kib(int pid);

// "Threads:" of /proc/PID/status, -1 if unreadable.
int thread_count(int pid);

// CPU time (user + system) a process used so far, in seconds; -1 if unreadable.
double process_cpu_seconds(int pid);
// CPU time of this process so far, in seconds.
double own_cpu_seconds();

// Raises the soft open-files limit to the hard limit; returns the new soft limit.
int64_t raise_fd_limit();

// Endpoint syntax on the command line: NAME:PROTOCOL:PORT[:signed], e.g. sluice:json:9324.
bool parse_endpoint(const std::string& text, Endpoint* out);

int run_cycle(const std::vector<std::string>& args);
int run_park(const std::vector<std::string>& args);
int run_wake(const std::vector<std::string>& args);
int run_startup(const std::vector<std::string>& args);
int run_selftest();

}  // namespace bench_http
