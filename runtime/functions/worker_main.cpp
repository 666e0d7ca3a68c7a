// Child side of an isolated worker (see isolated_worker.h and worker_process.h): the forked child
// resets what it inherited and execs sluice-worker, which loads the handler, reports Ready and
// serves Invoke frames until the host closes the socket. Every exit is _exit: nothing registered
// with atexit may run in a worker that is going away because its handler misbehaved.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <vector>

#include "frame_codec.h"
#include "invocation.h"
#include "plugin_library.h"
#include "worker_process.h"

namespace sluice::functions::detail {
namespace {

// Undo what the host process set up: blocked signals and crash handlers must not hide a crash.
// The handlers go first: until the exec this child runs on the host's memory (spawner.h), where a
// host handler must never run.
void reset_process_state(int fd) {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    struct sigaction sa {};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, nullptr);
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(0);  // the host died before prctl took effect
  // Keep stdin/out/err and the socket, which must survive the exec (dup2 clears close-on-exec;
  // a socket that is fd 3 already keeps the flag, so it is cleared by hand); drop the host's other
  // descriptors (listening sockets...).
  if (fd != kWorkerSocketFd) {
    if (dup2(fd, kWorkerSocketFd) < 0) _exit(3);
    close(fd);
    fd = kWorkerSocketFd;
  } else if (fcntl(fd, F_SETFD, 0) != 0) {
    _exit(3);
  }
  close_range(kWorkerSocketFd + 1, ~0u, 0);
}

sluice_bytes to_bytes(std::string_view v) { return {v.data(), v.size()}; }

// Decodes the records of an Invoke frame; the structs point into the frame body.
bool decode_records(FrameReader& r, std::vector<sluice_sqs_record>& records,
                    std::vector<std::vector<sluice_sqs_message_attribute>>& attrs) {
  uint32_t count = 0;
  if (!r.u32(count)) return false;
  records.assign(count, sluice_sqs_record{});
  attrs.assign(count, {});
  for (uint32_t i = 0; i < count; ++i) {
    sluice_sqs_record& rec = records[i];
    for (sluice_bytes* field :
         {&rec.message_id, &rec.receipt_handle, &rec.body, &rec.md5_of_body, &rec.md5_of_message_attributes,
          &rec.event_source_arn, &rec.aws_region, &rec.sender_id, &rec.sequence_number, &rec.message_group_id,
          &rec.message_deduplication_id, &rec.aws_trace_header}) {
      std::string_view v;
      if (!r.bytes(v)) return false;
      *field = to_bytes(v);
    }
    uint32_t n_attrs = 0;
    if (!r.u32(rec.approximate_receive_count) || !r.i64(rec.sent_timestamp_ms) ||
        !r.i64(rec.approximate_first_receive_timestamp_ms) || !r.u32(n_attrs))
      return false;
    for (uint32_t j = 0; j < n_attrs; ++j) {
      std::string_view name, type, value;
      if (!r.bytes(name) || !r.bytes(type) || !r.bytes(value)) return false;
      attrs[i].push_back({to_bytes(name), to_bytes(type), to_bytes(value)});
    }
    rec.message_attributes = attrs[i].data();
    rec.message_attribute_count = attrs[i].size();
  }
  return true;
}

void serve_one(int fd, LoadedPlugin& plugin, const Frame& frame) {
  FrameReader r(frame.body);
  std::string_view request_id, arn, event, client_context;
  PreparedRequest req;
  std::vector<sluice_sqs_record> records;
  std::vector<std::vector<sluice_sqs_message_attribute>> attrs;
  if (!r.bytes(request_id) || !r.bytes(arn) || !r.i64(req.deadline_ms) || !r.bytes(event) ||
      !decode_records(r, records, attrs) || !r.bytes(client_context))
    _exit(4);
  req.request_id = request_id;
  req.function_arn = arn;
  req.client_context = client_context;
  req.sqs_records = records;

  InvocationContext ctx(req.deadline_ms, *common::system_clock(), [fd](int32_t level, std::string_view text) {
    FrameWriter w;
    w.u32(static_cast<uint32_t>(level)).bytes(text);
    if (!write_frame(fd, FrameType::Log, w.body())) _exit(0);
  });
  sluice_invocation inv = make_invocation(req, ctx);
  inv.event = to_bytes(event);  // read where it arrived: a batch's event is not copied again
  plugin.call(inv, records);

  FrameWriter w;
  switch (ctx.answer()) {
    case InvocationContext::Answer::None:
      w.u8(0).bytes("").bytes("");
      break;
    case InvocationContext::Answer::Respond:
      w.u8(1).bytes(ctx.first()).bytes("");
      break;
    case InvocationContext::Answer::Fail:
      w.u8(2).bytes(ctx.first()).bytes(ctx.second());
      break;
  }
  if (!write_frame(fd, FrameType::Answer, w.body())) _exit(0);
}

}  // namespace

void exec_worker(int fd, const char* executable) {
  reset_process_state(fd);
  char* const argv[] = {const_cast<char*>("sluice-worker"), nullptr};
  execv(executable, argv);
  _exit(127);  // the host reads the socket's end and reports the exit status
}

void serve_worker(int fd, FrameStream& frames, const std::string& path, const FunctionConfig& config) {
  auto loaded = LoadedPlugin::load(path, config, LoadedPlugin::Copy::Private);
  if (!loaded) {
    FrameWriter w;
    w.bytes(loaded.error());
    write_frame(fd, FrameType::LoadError, w.body());
    _exit(1);
  }
  std::shared_ptr<LoadedPlugin> plugin = loaded.value();
  {
    FrameWriter w;
    w.u8(plugin->has_sqs_fast_path() ? 1 : 0);
    if (!write_frame(fd, FrameType::Ready, w.body())) _exit(0);
  }
  for (;;) {
    Frame frame;
    ReadStatus s = frames.next(kNoDeadline, frame);
    if (s != ReadStatus::Ok) break;
    if (frame.type != FrameType::Invoke) _exit(5);
    serve_one(fd, *plugin, frame);
  }
  plugin.reset();  // shutdown + dlclose
  _exit(0);
}

}  // namespace sluice::functions::detail
