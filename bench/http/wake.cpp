// wake-latency: a receiver long-polls an empty queue (WaitTimeSeconds=20); after it has had
// time to park (--park-delay-us), a sender on its own connection sends one message. The figure
// is the time from the start of the SendMessage request to the receiver holding the message.
// The receiver then deletes it, outside the timed window, and the next iteration starts.
//
//   bench_http wake --endpoint NAME:json|query:PORT[:signed] [...] [--iterations 2000]
//                   [--park-delay-us 1000] [--warmup-iterations 50]

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "common.h"
#include "histogram.h"

namespace bench_http {

namespace {

constexpr const char* kBench = "wake-latency";

struct Options {
  std::vector<Endpoint> endpoints;
  int iterations = 2000;
  int warmup = 50;
  int64_t park_delay_ns = 1'000'000;
};

class WakeRun {
 public:
  WakeRun(Loop& loop, const Endpoint& ep, const Options& o)
      : loop_(loop), ep_(ep), o_(o), receiver_(loop, loopback(ep.port)), sender_(loop, loopback(ep.port)) {}

  bool setup(std::string* error) {
    url_ = create_queue(loop_, sender_, ep_, "bhw-" + std::to_string(::getpid()), error);
    return !url_.empty();
  }

  void start() { iteration(); }
  bool done() const { return finished_; }
  const LatencyHistogram& wake() const { return wake_; }
  int64_t errors() const { return errors_; }
  const std::string& first_error() const { return first_error_; }
  int completed() const { return completed_; }

 private:
  void error(const Response& r, const char* what) {
    if (errors_++ == 0)
      first_error_ = std::string(what) + ": " + std::to_string(r.status) + " " + r.body.substr(0, 300);
    if (errors_ > 20) finished_ = true;
  }

  void iteration() {
    if (completed_ >= o_.warmup + o_.iterations || finished_) {
      finished_ = true;
      return;
    }
    pending_ = 2;  // the send's answer and the delete's answer
    send_started_ = 0;
    receiver_.send(receive_request(ep_, url_, 1, 20), [this](Response& r, int64_t) { on_received(r); });
    loop_.at(now_ns() + o_.park_delay_ns, [this] {
      send_started_ = now_ns();
      sender_.send(send_request(ep_, url_, "wake"), [this](Response& r, int64_t) {
        if (r.status != 200) error(r, "SendMessage");
        step_done();
      });
    });
  }

  void on_received(Response& r) {
    int64_t now = now_ns();
    auto handles = r.status == 200 ? receipt_handles_of(ep_.protocol, r.body) : std::vector<std::string>();
    if (handles.empty() || send_started_ == 0) {
      error(r, handles.empty() ? "ReceiveMessage without a message" : "ReceiveMessage answered before the send");
      // Drain what is there so the next iteration starts on an empty queue.
      if (!handles.empty()) {
        receiver_.send(delete_request(ep_, url_, handles[0]), [this](Response&, int64_t) { step_done(); });
      } else {
        step_done();
      }
      return;
    }
    if (completed_ >= o_.warmup) wake_.record(now - send_started_);
    receiver_.send(delete_request(ep_, url_, handles[0]), [this](Response& d, int64_t) {
      if (d.status != 200) error(d, "DeleteMessage");
      step_done();
    });
  }

  void step_done() {
    if (--pending_ > 0) return;
    ++completed_;
    iteration();
  }

  Loop& loop_;
  const Endpoint& ep_;
  const Options& o_;
  Conn receiver_;
  Conn sender_;
  std::string url_;
  LatencyHistogram wake_;
  int pending_ = 0;
  int completed_ = 0;
  int64_t send_started_ = 0;
  int64_t errors_ = 0;
  std::string first_error_;
  bool finished_ = false;
};

bool parse(const std::vector<std::string>& args, Options* o) {
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    const std::string& k = args[i];
    const std::string& v = args[i + 1];
    if (k == "--endpoint") {
      Endpoint ep;
      if (!parse_endpoint(v, &ep)) return false;
      o->endpoints.push_back(ep);
    } else if (k == "--iterations") o->iterations = std::atoi(v.c_str());
    else if (k == "--warmup-iterations") o->warmup = std::atoi(v.c_str());
    else if (k == "--park-delay-us") o->park_delay_ns = std::atoll(v.c_str()) * 1000;
    else return false;
  }
  return args.size() % 2 == 0 && !o->endpoints.empty() && o->iterations > 0;
}

}  // namespace

int run_wake(const std::vector<std::string>& args) {
  Options o;
  if (!parse(args, &o)) {
    std::fprintf(stderr,
                 "usage: bench_http wake --endpoint NAME:json|query:PORT[:signed] [...] "
                 "[--iterations N] [--park-delay-us US] [--warmup-iterations N]\n");
    return 64;
  }
  int status = 0;
  for (const Endpoint& ep : o.endpoints) {
    Loop loop;
    WakeRun run(loop, ep, o);
    std::string error;
    if (!run.setup(&error)) {
      emit_skip(kBench, ep.name, "setup failed: " + error);
      status = 1;
      continue;
    }
    run.start();
    // Bounded: each iteration needs the park delay plus a few round trips.
    int64_t budget = static_cast<int64_t>(o.iterations + o.warmup) * (o.park_delay_ns + 20'000'000) + 5'000'000'000;
    loop.run([&] { return run.done(); }, now_ns() + budget);
    Fields f;
    f.add("target", ep.name)
        .add("protocol", protocol_name(ep.protocol))
        .add("iterations", static_cast<int64_t>(run.wake().count()))
        .add("park_delay_us", o.park_delay_ns / 1000);
    emit(kBench, "wake_p50_us", static_cast<double>(run.wake().quantile_ns(0.50)) / 1e3, "us", f);
    emit(kBench, "wake_p99_us", static_cast<double>(run.wake().quantile_ns(0.99)) / 1e3, "us", f);
    emit(kBench, "errors", static_cast<double>(run.errors()), "count", f);
    if (run.errors() > 0) {
      std::fprintf(stderr, "%s: first error: %s\n", ep.name.c_str(), run.first_error().c_str());
      status = 1;
    }
  }
  return status;
}

}  // namespace bench_http
