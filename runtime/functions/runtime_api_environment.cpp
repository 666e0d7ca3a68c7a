// See runtime_api_environment.h.
//
// The environment is a small state machine driven by serve(): requests from the runtime arrive on
// loopback connections and are answered at once, except GET .../invocation/next, which is parked
// until invoke() has an event for it. One poll() waits for the listener, every connection, the
// runtime's output pipe and a pidfd that turns readable when the process exits.
#include "runtime_api_environment.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>

#include "frame_codec.h"
#include "runtime_api_http.h"
#include "sluice/common/crypto.h"
#include "sluice/common/own_listeners.h"
#include "spawner.h"

namespace sluice::functions::detail {
namespace {

// AWS allows 10 s for a runtime's init.
constexpr int64_t kInitLimitMs = 10'000;
constexpr const char* kApiPrefix = "/2018-06-01/runtime/";
// The Runtime API takes a little more than the response limit so that a too-large response can be
// recognised as such (and answered 413) instead of being cut silently.
constexpr size_t kMaxApiBodyBytes = kMaxResponseBytes + 1;
// How often a waiting invocation looks whether its process was killed for its memory.
constexpr int64_t kMemoryCheckMs = 20;

// Variables a function's own environment may not override (Lambda's reserved names).
bool reserved_name(const std::string& name) {
  static const char* const kReserved[] = {"_HANDLER",
                                          "_X_AMZN_TRACE_ID",
                                          "AWS_DEFAULT_REGION",
                                          "AWS_REGION",
                                          "AWS_EXECUTION_ENV",
                                          "AWS_LAMBDA_FUNCTION_NAME",
                                          "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                                          "AWS_LAMBDA_FUNCTION_VERSION",
                                          "AWS_LAMBDA_INITIALIZATION_TYPE",
                                          "AWS_LAMBDA_LOG_GROUP_NAME",
                                          "AWS_LAMBDA_LOG_STREAM_NAME",
                                          "AWS_ACCESS_KEY",
                                          "AWS_ACCESS_KEY_ID",
                                          "AWS_SECRET_ACCESS_KEY",
                                          "AWS_SESSION_TOKEN",
                                          "AWS_LAMBDA_RUNTIME_API",
                                          "LAMBDA_TASK_ROOT",
                                          "LAMBDA_RUNTIME_DIR"};
  for (const char* r : kReserved)
    if (name == r) return true;
  return false;
}

std::string hex(const std::string& bytes) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// An X-Ray trace header as Lambda passes one when the caller sent none.
std::string new_trace_id(int64_t now_ms) {
  char epoch[16];
  std::snprintf(epoch, sizeof epoch, "%08llx", static_cast<unsigned long long>(now_ms / 1000));
  return "Root=1-" + std::string(epoch) + "-" + hex(common::random_bytes(12)) +
         ";Parent=" + hex(common::random_bytes(8)) + ";Sampled=0";
}

std::string api_error(std::string_view type, std::string_view message) {
  boost::json::object o{{"errorMessage", message}, {"errorType", type}};
  return boost::json::serialize(o);
}

std::string exit_text(int status) {
  if (WIFSIGNALED(status)) {
    std::string name = strsignal(WTERMSIG(status));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "signal: " + name;
  }
  return "exit status " + std::to_string(WEXITSTATUS(status));
}

class RuntimeApiEnvironmentImpl final : public Environment {
 public:
  RuntimeApiEnvironmentImpl() = default;
  RuntimeApiEnvironmentImpl(const RuntimeApiEnvironmentImpl&) = delete;
  RuntimeApiEnvironmentImpl& operator=(const RuntimeApiEnvironmentImpl&) = delete;

  ~RuntimeApiEnvironmentImpl() override {
    stop_process();
    connections_.clear();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    if (out_fd_ >= 0) ::close(out_fd_);
  }

  std::optional<std::string> start(const BootstrapSpec& spec, const FunctionConfig& config) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return std::string("socket: ") + std::strerror(errno);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return std::string("Runtime API listener: ") + std::strerror(errno);
    // SNS deliveries refuse this port unless the configuration names it.
    runtime_api_port_ = common::ListeningPort(ntohs(addr.sin_port));
    const std::string api = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
    out_fd_ = out[0];

    // Everything the child needs is built before fork: after fork in a threaded process only
    // async-signal-safe calls are allowed until exec.
    std::vector<std::string> env_strings = bootstrap_environment(spec, config, api);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = spec.argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    const char* cwd = spec.task_root.c_str();

    const int out_w = out[1];
    int err = 0;
    pid_t pid = fork_from_spawner([&] { exec_child(out_w, cwd, argv.data(), envp.data()); }, &err);
    if (pid < 0) {
      ::close(out[1]);
      return std::string("fork: ") + std::strerror(err);
    }
    ::close(out[1]);
    pid_ = pid;
    ::setpgid(pid, pid);  // also done by the child: whichever runs first
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    memory_ = watch_memory(pid, config.memory_size_mb);

    const int64_t init_deadline = steady_now_ms() + kInitLimitMs;
    Served s = serve(init_deadline, [&] { return parked_ != nullptr || init_error_.has_value(); });
    if (s == Served::Done) return std::nullopt;
    std::string why = s == Served::TimedOut ? "init did not finish within 10 s" : "Runtime exited with error: " + exit_;
    stop_process();
    drain_output();
    std::string output = std::move(output_);
    while (!output.empty() && output.back() == '\n') output.pop_back();
    return why + (output.empty() ? "" : " (output: " + output + ")");
  }

  InvocationResult invoke(PreparedRequest& req, const common::Clock& clock) override {
    using Status = InvocationResult::Status;
    if (init_error_) {  // the runtime reported an init error: this invocation gets it, then we are done
      auto [type, body] = *init_error_;
      InvocationResult r = error_result(req.request_id, Status::FunctionError, type, message_of(body), take_output());
      stop_process();
      return r;
    }
    req.ensure_event_json();
    const int64_t left_ms = req.deadline_ms - clock.now_ms();
    const int64_t real_left_ms = left_ms <= 0 ? 0 : clock.real_delay_ms(left_ms).value_or(left_ms);
    current_ = Current{};
    current_->id = req.request_id;
    current_->event = std::move(req.event);
    current_->headers = {
        {"Lambda-Runtime-Aws-Request-Id", req.request_id},
        {"Lambda-Runtime-Deadline-Ms", std::to_string(common::system_clock()->now_ms() + real_left_ms)},
        {"Lambda-Runtime-Invoked-Function-Arn", req.function_arn},
        {"Lambda-Runtime-Trace-Id", new_trace_id(common::system_clock()->now_ms())}};
    if (!req.client_context.empty()) current_->headers.emplace("Lambda-Runtime-Client-Context", req.client_context);
    if (parked_) deliver();

    Served s = serve(steady_now_ms() + real_left_ms, [&] { return current_->result.has_value(); });
    InvocationResult result;
    if (s == Served::Done) {
      drain_output();
      result = std::move(*current_->result);
      result.logs = take_output();
    } else if (s == Served::TimedOut) {
      stop_process();
      result = timeout_result(req.request_id, req.timeout_ms, take_output());
    } else {
      drain_output();
      const char* type = memory_killed_ ? "Runtime.OutOfMemory" : "Runtime.ExitError";
      result =
          error_result(req.request_id, Status::FunctionError, type,
                       "RequestId: " + req.request_id + " Error: Runtime exited with error: " + exit_, take_output());
    }
    current_.reset();
    return result;
  }

  bool alive() override {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped(status);
      return false;
    }
    return true;
  }

  // While the process runs its watch has the figure; once stopped, what the watch saw last.
  uint64_t peak_memory_bytes() const override { return memory_ ? memory_->peak_bytes() : peak_bytes_; }

 private:
  enum class Served { Done, TimedOut, Died };
  struct Current {
    std::string id;
    std::string event;
    std::map<std::string, std::string> headers;
    bool delivered = false;
    std::optional<InvocationResult> result;
  };

  [[noreturn]] static void exec_child(int out_fd, const char* cwd, char* const* argv, char* const* envp) {
    ::setpgid(0, 0);
    // Handlers first, then the mask: until execve this child runs on the server's memory
    // (spawner.h), where none of the server's handlers may run.
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      struct sigaction sa {};
      sa.sa_handler = SIG_DFL;
      sigaction(sig, &sa, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    ::close_range(3, ~0u, 0);
    if (::chdir(cwd) != 0) {
      static const char kMsg[] = "cannot enter the function's code directory\n";
      (void)!::write(2, kMsg, sizeof kMsg - 1);
      _exit(127);
    }
    ::execve(argv[0], argv, envp);
    const char* why = std::strerror(errno);  // glibc's table: no allocation
    (void)!::write(2, "cannot start ", 13);
    (void)!::write(2, argv[0], std::strlen(argv[0]));
    (void)!::write(2, ": ", 2);
    (void)!::write(2, why, std::strlen(why));
    (void)!::write(2, "\n", 1);
    _exit(127);
  }

  // Serves the API until `done()`, the steady deadline, or the death of the process.
  Served serve(int64_t steady_deadline, const std::function<bool()>& done) {
    for (;;) {
      if (done()) return Served::Done;
      if (pid_ <= 0) return Served::Died;
      const int64_t left = steady_deadline - steady_now_ms();
      if (left <= 0) {
        // Out of time, but perhaps past its memory first (memory_watchdog.h: check_now()).
        if (memory_ && memory_->check_now()) {
          stop_process();
          return Served::Died;
        }
        return Served::TimedOut;
      }
      std::vector<pollfd> fds;
      fds.push_back({listen_fd_, POLLIN, 0});
      fds.push_back({out_fd_, static_cast<short>(out_fd_ >= 0 ? POLLIN : 0), 0});
      fds.push_back({pidfd_, POLLIN, 0});
      for (auto& c : connections_) fds.push_back({c->fd(), POLLIN, 0});
      int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<int64_t>(left, kMemoryCheckMs)));
      // A process the memory watchdog killed may take a while to be fully gone (its pidfd turns
      // readable only then); its invocation has failed already.
      if (memory_ && memory_->killed_for_memory()) {
        stop_process();
        return Served::Died;
      }
      if (n < 0 && errno != EINTR) return Served::Died;
      if (n <= 0) continue;
      if (fds[0].revents & POLLIN) accept_connection();
      if (fds[1].revents & (POLLIN | POLLHUP)) read_output();
      // Requests before death: a runtime that answers and exits has still answered.
      for (size_t i = 3; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ApiConnection& c = *connections_[i - 3];
        c.read_available();
        ApiRequest request;
        while (c.next_request(request)) handle(c, request);
      }
      drop_closed_connections();
      if (done()) return Served::Done;
      if ((fds[2].revents & POLLIN) || pidfd_ < 0) {
        if (!alive()) return Served::Died;
      }
    }
  }

  void accept_connection() {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    // Answers leave at once: an invocation's `next` response must not wait on Nagle's algorithm
    // for the runtime's acknowledgement of an earlier segment.
    int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connections_.push_back(std::make_unique<ApiConnection>(fd, kMaxApiBodyBytes));
  }

  void drop_closed_connections() {
    for (auto it = connections_.begin(); it != connections_.end();) {
      if ((*it)->closed()) {
        if (parked_ == it->get()) parked_ = nullptr;
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void handle(ApiConnection& c, const ApiRequest& r) {
    std::string path = r.path.substr(0, r.path.find('?'));
    if (!path.starts_with(kApiPrefix)) return not_found(c);
    std::string_view rest = std::string_view(path).substr(std::strlen(kApiPrefix));
    if (rest == "invocation/next") {
      if (r.method != "GET") return c.answer(405, api_error("MethodNotAllowed", "Method Not Allowed")), void();
      parked_ = &c;
      if (current_ && !current_->delivered) deliver();
      return;
    }
    if (rest == "init/error") {
      if (r.method != "POST") return c.answer(405, api_error("MethodNotAllowed", "Method Not Allowed")), void();
      if (init_error_ || current_) return invalid_transition(c, "InitErrorResponse");
      init_error_ = std::make_pair(error_type_of(r, "Runtime.Unknown"), r.body);
      c.answer(202, R"({"status":"OK"})");
      return;
    }
    constexpr std::string_view kInvocation = "invocation/";
    if (!rest.starts_with(kInvocation)) return not_found(c);
    rest.remove_prefix(kInvocation.size());
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return not_found(c);
    const std::string id(rest.substr(0, slash));
    const std::string_view verb = rest.substr(slash + 1);
    if (verb != "response" && verb != "error") return not_found(c);
    if (r.method != "POST") return c.answer(405, api_error("MethodNotAllowed", "Method Not Allowed")), void();
    const char* transition = verb == "response" ? "InvocationResponse" : "InvocationErrorResponse";
    if (!current_ || !current_->delivered || current_->result) {
      if (current_ && current_->id != id) return invalid_request_id(c);
      return invalid_transition(c, transition);
    }
    if (id != current_->id) return invalid_request_id(c);
    if (r.body_too_large) {
      c.answer(413, api_error("RequestEntityTooLarge", "Exceeded maximum allowed payload size (" +
                                                           std::to_string(kMaxResponseBytes) + " bytes)."));
      current_->result = error_result(id, InvocationResult::Status::FunctionError, "Function.ResponseSizeTooLarge",
                                      "Response payload size exceeded maximum allowed payload size (" +
                                          std::to_string(kMaxResponseBytes) + " bytes).");
      return;
    }
    c.answer(202, R"({"status":"OK"})");
    if (verb == "response") {
      InvocationResult ok;
      ok.request_id = id;
      ok.payload = r.body.empty() ? "null" : r.body;
      current_->result = std::move(ok);
      return;
    }
    const std::string type = error_type_of(r, "Unhandled");
    InvocationResult failed = error_result(id, InvocationResult::Status::FunctionError, type, message_of(r.body));
    if (is_json_object(r.body)) failed.payload = r.body;  // the runtime's own error shape, stack trace and all
    current_->result = std::move(failed);
  }

  // The error type of an error post: the body's errorType, else the header's, else `fallback`.
  static std::string error_type_of(const ApiRequest& r, const char* fallback) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (!ec && v.is_object())
      if (auto* t = v.as_object().if_contains("errorType"); t && t->is_string()) return std::string(t->as_string());
    std::string header = r.header("lambda-runtime-function-error-type");
    return header.empty() ? fallback : header;
  }

  static std::string message_of(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (!ec && v.is_object())
      if (auto* m = v.as_object().if_contains("errorMessage"); m && m->is_string()) return std::string(m->as_string());
    return body;
  }

  static bool is_json_object(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return !ec && v.is_object();
  }

  void not_found(ApiConnection& c) { c.answer(404, api_error("NotFound", "Not Found")); }
  void invalid_request_id(ApiConnection& c) { c.answer(400, api_error("InvalidRequestID", "Invalid request ID")); }
  void invalid_transition(ApiConnection& c, const char* to) {
    c.answer(403, api_error("InvalidStateTransition",
                            std::string("State transition from ") + (current_ ? "Invoking" : "Ready") + " to " + to +
                                " failed for runtime. Error: State transition is not allowed"));
  }

  void deliver() {
    ApiConnection* c = parked_;
    parked_ = nullptr;
    if (c->answer(200, current_->event, current_->headers)) current_->delivered = true;
  }

  void read_output() {
    char buf[16 * 1024];
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n > 0) {
      if (output_.size() < kMaxLogBytes) output_.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      ::close(out_fd_);
      out_fd_ = -1;
    }
  }

  // Reads whatever output is already in the pipe.
  void drain_output() {
    while (out_fd_ >= 0) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) return;
      read_output();
    }
  }

  std::string take_output() {
    std::string out = std::move(output_);
    output_.clear();
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out;
  }

  void reaped(int status) {
    exit_ = exit_text(status);
    if (memory_) {
      memory_killed_ = memory_->killed_for_memory();
      peak_bytes_ = memory_->peak_bytes();
      memory_.reset();
    }
    ::kill(-pid_, SIGKILL);  // whatever the runtime started is stopped with it
    pid_ = -1;
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
  }

  void stop_process() {
    if (pid_ <= 0) return;
    if (memory_) {  // stop watching before the pid can be reused
      memory_killed_ = memory_->killed_for_memory();
      peak_bytes_ = memory_->peak_bytes();
      memory_.reset();
    }
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped(status);
  }

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int listen_fd_ = -1;
  common::ListeningPort runtime_api_port_;
  int out_fd_ = -1;
  std::vector<std::unique_ptr<ApiConnection>> connections_;
  ApiConnection* parked_ = nullptr;  // holds a GET .../next waiting for an event
  std::optional<Current> current_;
  std::optional<std::pair<std::string, std::string>> init_error_;  // type, body
  std::unique_ptr<MemoryWatch> memory_;
  bool memory_killed_ = false;
  uint64_t peak_bytes_ = 0;
  std::string exit_;
  std::string output_;
};

}  // namespace

std::vector<std::string> bootstrap_environment(const BootstrapSpec& spec, const FunctionConfig& config,
                                               const std::string& runtime_api) {
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin:/opt/bin"},
      {"LANG", "en_US.UTF-8"},
      {"TZ", ":UTC"},
      {"LD_LIBRARY_PATH", spec.task_root + "/lib:/opt/lib"},
  };
  for (const auto& [name, value] : config.environment)
    if (!reserved_name(name)) env[name] = value;
  const std::string name = config.name;
  env["AWS_LAMBDA_RUNTIME_API"] = runtime_api;
  env["_HANDLER"] = spec.handler;
  env["LAMBDA_TASK_ROOT"] = spec.task_root;
  env["LAMBDA_RUNTIME_DIR"] = spec.runtime_dir;
  env["AWS_LAMBDA_FUNCTION_NAME"] = name;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(config.memory_size_mb);
  env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + name;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = "$LATEST/" + hex(common::random_bytes(16));
  env["AWS_REGION"] = spec.region;
  env["AWS_DEFAULT_REGION"] = spec.region;
  if (!spec.execution_env.empty()) env["AWS_EXECUTION_ENV"] = spec.execution_env;
  // The function's credentials are the server's own when it has some, else local placeholders
  // that sluice's embedded services accept.
  for (const char* key : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
    if (const char* v = std::getenv(key)) env[key] = v;
  if (!env.contains("AWS_ACCESS_KEY_ID")) {
    env["AWS_ACCESS_KEY_ID"] = "test";
    env["AWS_SECRET_ACCESS_KEY"] = "test";
  }
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

common::Outcome<std::unique_ptr<Environment>, std::string> start_runtime_api_environment(const BootstrapSpec& spec,
                                                                                         const FunctionConfig& config) {
  auto env = std::make_unique<RuntimeApiEnvironmentImpl>();
  if (auto error = env->start(spec, config))
    return common::Outcome<std::unique_ptr<Environment>, std::string>::failure("function \"" + config.name +
                                                                               "\": " + *error);
  return std::unique_ptr<Environment>(std::move(env));
}

}  // namespace sluice::functions::detail
