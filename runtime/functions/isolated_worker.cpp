// Host side of an isolated worker; the child side is worker_main.cpp.
#include "isolated_worker.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

#include "frame_codec.h"
#include "spawner.h"
#include "worker_process.h"

namespace sluice::functions::detail {
namespace {

// The time a worker gets to load the library and run init (AWS allows 10 s for init).
constexpr int64_t kInitLimitMs = 10'000;

void encode_bytes(FrameWriter& w, sluice_bytes b) { w.bytes(std::string_view(b.data ? b.data : "", b.size)); }

void encode_records(FrameWriter& w, std::span<const sluice_sqs_record> records) {
  w.u32(static_cast<uint32_t>(records.size()));
  for (const auto& r : records) {
    for (sluice_bytes b : {r.message_id, r.receipt_handle, r.body, r.md5_of_body, r.md5_of_message_attributes,
                           r.event_source_arn, r.aws_region, r.sender_id, r.sequence_number, r.message_group_id,
                           r.message_deduplication_id, r.aws_trace_header})
      encode_bytes(w, b);
    w.u32(r.approximate_receive_count).i64(r.sent_timestamp_ms).i64(r.approximate_first_receive_timestamp_ms);
    w.u32(static_cast<uint32_t>(r.message_attribute_count));
    for (size_t i = 0; i < r.message_attribute_count; ++i) {
      encode_bytes(w, r.message_attributes[i].name);
      encode_bytes(w, r.message_attributes[i].data_type);
      encode_bytes(w, r.message_attributes[i].value);
    }
  }
}

}  // namespace

common::Outcome<std::unique_ptr<IsolatedWorker>, std::string> IsolatedWorker::start(const std::string& path,
                                                                                    const FunctionConfig& config) {
  using Out = common::Outcome<std::unique_ptr<IsolatedWorker>, std::string>;
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return Out::failure("function \"" + config.name + "\": socketpair: " + std::strerror(errno));
  const std::string& executable = worker_executable();
  if (executable.empty()) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Out::failure("function \"" + config.name +
                        "\": the sluice-worker program was not found next to this program (or in "
                        "$SLUICE_WORKER_EXECUTABLE)");
  }
  const int child_fd = fds[1];
  int err = 0;
  pid_t pid = fork_from_spawner([&] { exec_worker(child_fd, executable.c_str()); }, &err);
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Out::failure("function \"" + config.name + "\": fork: " + std::strerror(err));
  }
  ::close(fds[1]);
  std::unique_ptr<IsolatedWorker> worker(new IsolatedWorker(pid, fds[0]));
  worker->memory_ = watch_memory(pid, config.memory_size_mb);

  Frame frame;
  ReadStatus s = write_frame(worker->fd_, FrameType::Load, encode_load(path, config))
                     ? worker->frames_.next(steady_now_ms() + kInitLimitMs, frame)
                     : ReadStatus::Closed;
  if (s == ReadStatus::Ok && frame.type == FrameType::Ready) {
    FrameReader r(frame.body);
    uint8_t fast = 0;
    if (r.u8(fast)) {
      worker->fast_path_ = fast != 0;
      return worker;
    }
  }
  if (s == ReadStatus::Ok && frame.type == FrameType::LoadError) {
    FrameReader r(frame.body);
    std::string_view message;
    if (r.bytes(message)) return Out::failure(std::string(message));
  }
  std::string why = s == ReadStatus::TimedOut ? "init did not finish within 10 s" : "";
  worker->kill_and_reap();
  if (why.empty()) why = "the worker process ended while loading: " + worker->exit_reason();
  return Out::failure("function \"" + config.name + "\": handler file \"" + path + "\": " + why);
}

IsolatedWorker::~IsolatedWorker() {
  memory_.reset();  // the clean exit below may reap the process: stop watching its pid first
  if (fd_ >= 0) {
    ::close(fd_);  // the worker sees EOF, shuts the handler down and exits
    fd_ = -1;
    for (int i = 0; i < 100 && !reaped_; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        exit_status_ = status;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }
  kill_and_reap();
}

void IsolatedWorker::kill_and_reap() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (reaped_) return;
  if (memory_) {  // stop watching before the pid can be reused
    killed_for_memory_ = memory_->killed_for_memory();
    memory_.reset();
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  exit_status_ = status;
}

std::string IsolatedWorker::exit_reason() {
  if (!reaped_) kill_and_reap();
  if (WIFSIGNALED(exit_status_)) {
    std::string name = strsignal(WTERMSIG(exit_status_));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "signal: " + name;
  }
  return "exit status " + std::to_string(WEXITSTATUS(exit_status_));
}

InvocationResult IsolatedWorker::invoke(PreparedRequest& req, const common::Clock& clock) {
  using Status = InvocationResult::Status;
  bool fast = fast_path_ && !req.sqs_records.empty();
  if (!fast) req.ensure_event_json();
  // The worker process knows only real time: it gets the deadline as the wall time at which
  // `clock` reaches it, and this process waits for the same real delay.
  const int64_t left_ms = req.deadline_ms - clock.now_ms();
  const int64_t real_left_ms = left_ms <= 0 ? 0 : clock.real_delay_ms(left_ms).value_or(left_ms);
  // The frame's fields in order: request id, ARN, deadline, event (bytes), records, client context.
  // The event is sent from where it lies, between the fields before it and those after it.
  FrameWriter head;
  head.bytes(req.request_id).bytes(req.function_arn).i64(common::system_clock()->now_ms() + real_left_ms);
  head.u32(static_cast<uint32_t>(req.event.size()));
  FrameWriter tail;
  encode_records(tail, fast ? req.sqs_records : std::span<const sluice_sqs_record>{});
  tail.bytes(req.client_context);
  const std::string_view body[] = {head.body(), req.event, tail.body()};

  InvocationContext ctx(req.deadline_ms, clock);
  auto exited = [&](const std::string& why) {
    kill_and_reap();
    // Lambda words a memory overrun as the kill it is, under its own error type.
    const char* type = killed_for_memory_ ? "Runtime.OutOfMemory" : "Runtime.ExitError";
    return error_result(req.request_id, Status::FunctionError, type,
                        "RequestId: " + req.request_id + " Error: Runtime exited with error: " + why,
                        ctx.finish(req.request_id).logs);
  };
  if (!alive()) return exited("worker process is not running");
  if (!write_frame(fd_, FrameType::Invoke, body)) return exited(exit_reason());

  const int64_t steady_deadline = steady_now_ms() + real_left_ms;
  for (;;) {
    Frame frame;
    ReadStatus s = frames_.next(steady_deadline, frame);
    // Out of time, but perhaps past its memory first (memory_watchdog.h: check_now()).
    if (s == ReadStatus::TimedOut && memory_ && memory_->check_now()) return exited(exit_reason());
    if (s == ReadStatus::TimedOut) {
      kill_and_reap();
      return timeout_result(req.request_id, req.timeout_ms, ctx.finish(req.request_id).logs);
    }
    if (s == ReadStatus::Closed || s == ReadStatus::Error) return exited(exit_reason());
    if (s == ReadStatus::Malformed) return exited("malformed frame from the worker process");

    FrameReader r(frame.body);
    if (frame.type == FrameType::Log) {
      uint32_t level = 0;
      std::string_view text;
      if (!r.u32(level) || !r.bytes(text)) return exited("malformed log frame from the worker process");
      ctx.log(static_cast<int32_t>(level), text);
      continue;
    }
    uint8_t kind = 0;
    std::string_view a, b;
    if (frame.type != FrameType::Answer || !r.u8(kind) || !r.bytes(a) || !r.bytes(b) || !r.at_end() || kind > 2)
      return exited("malformed answer from the worker process");
    if (kind == 1) ctx.respond(a);
    if (kind == 2) ctx.fail(a, b);
    return ctx.finish(req.request_id);
  }
}

}  // namespace sluice::functions::detail
