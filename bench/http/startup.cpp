// startup: how fast a server answers after its process starts, and how much memory it holds idle
// and with a backlog. Each run starts the server command afresh, times from just before fork() to
// the last byte of the first answered SQS request (ListQueues over JSON 1.0, retried every 100 µs
// until the port accepts), then stops it with SIGTERM. The first run also reads the resident set
// (VmRSS) after half a second idle, then queues --messages messages of --body-bytes bytes
// (SendMessageBatch of 10 over 4 connections; every entry must succeed) and reads it again.
//
//   bench_http startup --target NAME --port PORT [--runs 5] [--messages 100000]
//                      [--body-bytes 128] -- COMMAND ARGS...
// In COMMAND ARGS, "{port}" becomes PORT and "{data}" a fresh empty directory per run (removed
// afterwards), for servers that keep their state on disk.

#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include "common.h"

namespace bench_http {

namespace {

constexpr const char* kBench = "startup";

struct Options {
  std::string target;
  int port = 0;
  int runs = 5;
  int64_t messages = 100'000;
  size_t body_bytes = 128;
  std::vector<std::string> command;
};

bool parse(const std::vector<std::string>& args, Options* o) {
  size_t i = 0;
  for (; i < args.size() && args[i] != "--"; i += 2) {
    if (i + 1 >= args.size()) return false;
    const std::string& k = args[i];
    const std::string& v = args[i + 1];
    if (k == "--target") o->target = v;
    else if (k == "--port") o->port = std::atoi(v.c_str());
    else if (k == "--runs") o->runs = std::atoi(v.c_str());
    else if (k == "--messages") o->messages = std::atoll(v.c_str());
    else if (k == "--body-bytes") o->body_bytes = static_cast<size_t>(std::atol(v.c_str()));
    else return false;
  }
  if (i < args.size()) o->command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
  return !o->target.empty() && o->port > 0 && o->runs > 0 && o->messages >= 0 && !o->command.empty();
}

std::string substitute(std::string s, const std::string& key, const std::string& value) {
  for (size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
  return s;
}

// A started server process; stopped (SIGTERM, then SIGKILL after 5 s) when destroyed.
class Server {
 public:
  Server(const std::vector<std::string>& command, int port) {
    std::string dir_template = (std::filesystem::temp_directory_path() / "sluice-bench-startup-XXXXXX").string();
    if (::mkdtemp(dir_template.data()) != nullptr) data_dir_ = dir_template;
    std::vector<std::string> argv;
    for (const auto& arg : command) {
      argv.push_back(substitute(substitute(arg, "{port}", std::to_string(port)), "{data}", data_dir_ + "/data"));
    }
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      if (std::freopen("/dev/null", "w", stdout) == nullptr || std::freopen("/dev/null", "w", stderr) == nullptr)
        _exit(126);
      ::execvp(raw[0], raw.data());
      _exit(127);
    }
  }
  ~Server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int64_t deadline = now_ns() + 5'000'000'000;
      while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
        if (now_ns() > deadline) {
          ::kill(pid_, SIGKILL);
          ::waitpid(pid_, nullptr, 0);
          break;
        }
        ::usleep(1000);
      }
    }
    std::error_code ignored;
    if (!data_dir_.empty()) std::filesystem::remove_all(data_dir_, ignored);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int pid() const { return pid_; }
  bool alive() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  int pid_ = -1;
  std::string data_dir_;
};

// One blocking request on a fresh connection: true when a complete HTTP 200 answer came back.
bool answered(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr = loopback(port);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    std::string in;
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
      size_t head_end = in.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      size_t cl = in.find("ontent-Length:");  // either case of the C
      if (cl == std::string::npos || cl > head_end) cl = in.find("ontent-length:");
      if (cl == std::string::npos || cl > head_end) break;
      size_t length = static_cast<size_t>(std::atoll(in.c_str() + cl + 15));
      if (in.size() >= head_end + 4 + length) {
        ok = in.compare(0, 12, "HTTP/1.1 200") == 0;
        break;
      }
    }
  }
  ::close(fd);
  return ok;
}

// Milliseconds from process start to the first answered request; nullopt if it never answered
// within 10 s or exited.
std::optional<double> time_to_first_answer(const Options& o, std::unique_ptr<Server>* server) {
  Endpoint ep{o.target, o.port, Protocol::kJson, false};
  std::string request = list_queues_request(ep);
  int64_t t0 = now_ns();
  *server = std::make_unique<Server>(o.command, o.port);
  int64_t deadline = t0 + 10'000'000'000;
  while (now_ns() < deadline) {
    if (answered(o.port, request)) return static_cast<double>(now_ns() - t0) / 1e6;
    if (!(*server)->alive()) return std::nullopt;
    ::usleep(100);
  }
  return std::nullopt;
}

// Queues o.messages messages; false (and *error) unless every entry was accepted.
bool fill_queue(const Options& o, std::string* error) {
  Endpoint ep{o.target, o.port, Protocol::kJson, false};
  Loop loop;
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < 4; ++i) conns.push_back(std::make_unique<Conn>(loop, loopback(o.port)));
  std::string url = create_queue(loop, *conns[0], ep, "startup-backlog", error);
  if (url.empty()) return false;
  std::string request = send_batch_request(ep, url, 10, message_body(o.body_bytes));
  int64_t batches = (o.messages + 9) / 10, started = 0, finished = 0;
  bool failed = false;
  std::function<void(Conn&)> next = [&](Conn& conn) {
    if (started >= batches || failed) return;
    ++started;
    conn.send(request, [&](Response& r, int64_t) {
      ++finished;
      if (r.status != 200 || failed_entries_of(Protocol::kJson, r.body) != 0) {
        if (!failed) *error = std::to_string(r.status) + " " + r.body.substr(0, 200);
        failed = true;
      }
      next(conn);
    });
  };
  for (auto& c : conns) next(*c);
  loop.run([&] { return finished == started && (started == batches || failed); }, now_ns() + 600'000'000'000);
  return !failed && finished == batches;
}

}  // namespace

int run_startup(const std::vector<std::string>& args) {
  Options o;
  if (!parse(args, &o)) {
    std::fprintf(stderr,
                 "usage: bench_http startup --target NAME --port PORT [--runs N] [--messages N] "
                 "[--body-bytes B] -- COMMAND ARGS...\n");
    return 64;
  }
  Fields fields;
  fields.add("target", o.target).add("runs", o.runs);
  std::vector<double> times;
  for (int run = 0; run < o.runs; ++run) {
    std::unique_ptr<Server> server;
    auto ms = time_to_first_answer(o, &server);
    if (!ms) {
      emit_skip(kBench, o.target, "the server did not answer within 10 s");
      return 1;
    }
    times.push_back(*ms);
    if (run > 0) continue;
    ::usleep(500'000);
    int64_t idle = resident_kib(server->pid());
    std::string error;
    if (!fill_queue(o, &error)) {
      std::fprintf(stderr, "%s: filling the queue failed: %s\n", o.target.c_str(), error.c_str());
      emit_skip(kBench, o.target, "filling the queue failed: " + error);
      return 1;
    }
    ::usleep(200'000);
    int64_t loaded = resident_kib(server->pid());
    emit(kBench, "idle_resident_mib", static_cast<double>(idle) / 1024.0, "MiB", fields);
    Fields loaded_fields = fields;
    loaded_fields.add("messages", o.messages).add("body_bytes", static_cast<int64_t>(o.body_bytes));
    emit(kBench, "resident_mib_with_backlog", static_cast<double>(loaded) / 1024.0, "MiB", loaded_fields);
  }
  std::sort(times.begin(), times.end());
  Fields time_fields = fields;
  time_fields.add("min_ms", times.front()).add("max_ms", times.back());
  emit(kBench, "start_to_first_answer_ms", times[times.size() / 2], "ms", time_fields);
  return 0;
}

}  // namespace bench_http
