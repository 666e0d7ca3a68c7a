// long-poll-park: N connections each park a ReceiveMessage (WaitTimeSeconds=20) on an empty
// queue; meanwhile a sender/receiver pair on another queue runs cycles of
//   receiver: ReceiveMessage(wait 20) | sender: SendMessage  ->  receiver: DeleteMessage
// for --seconds. Figures: the pair's request latency (all three requests) and delivery latency
// (send start -> receiver holds the message), p50/p99; the server's thread count before parking,
// with all polls parked, and after the pair ran; how many parked polls returned early (a parked
// poll has nothing to return within 20 s, so any answer is early); and, as proof the polls sit
// parked in the server, that one message sent to their queue wakes exactly one of them.
//
//   bench_http park --endpoint NAME:json|query:PORT --server-pid PID [--connections 5000]
//                   [--seconds 5]

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "common.h"
#include "histogram.h"

namespace bench_http {

namespace {

constexpr const char* kBench = "long-poll-park";

struct Options {
  Endpoint endpoint;
  bool has_endpoint = false;
  int connections = 5000;
  double seconds = 5;
  int server_pid = 0;
};

bool parse(const std::vector<std::string>& args, Options* o) {
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    const std::string& k = args[i];
    const std::string& v = args[i + 1];
    if (k == "--endpoint") o->has_endpoint = parse_endpoint(v, &o->endpoint);
    else if (k == "--connections") o->connections = std::atoi(v.c_str());
    else if (k == "--seconds") o->seconds = std::atof(v.c_str());
    else if (k == "--server-pid") o->server_pid = std::atoi(v.c_str());
    else return false;
  }
  // Parked polls last 20 s; the pair must finish well inside that.
  return args.size() % 2 == 0 && o->has_endpoint && o->connections >= 0 && o->seconds > 0 && o->seconds <= 15 &&
         o->server_pid > 0;
}

// The pair: one cycle at a time until the deadline.
class Pair {
 public:
  Pair(Loop& loop, const Endpoint& ep, const std::string& url)
      : ep_(ep), url_(url), receiver_(loop, loopback(ep.port)), sender_(loop, loopback(ep.port)) {}

  void run_until(int64_t deadline) {
    deadline_ = deadline;
    cycle();
  }
  bool idle() const { return !receiver_.busy() && !sender_.busy(); }

  LatencyHistogram requests;
  LatencyHistogram delivery;
  int64_t errors = 0;
  int64_t cycles = 0;
  std::string first_error;

 private:
  void error(const Response& r, const char* what) {
    if (errors++ == 0) first_error = std::string(what) + ": " + std::to_string(r.status) + " " + r.body.substr(0, 300);
  }

  void cycle() {
    if (now_ns() >= deadline_) return;
    pending_ = 2;
    receiver_.send(receive_request(ep_, url_, 1, 20), [this](Response& r, int64_t latency) {
      int64_t now = now_ns();
      requests.record(latency);
      auto handles = r.status == 200 ? receipt_handles_of(ep_.protocol, r.body) : std::vector<std::string>();
      if (handles.empty()) {
        error(r, "ReceiveMessage");
        return step_done();
      }
      delivery.record(now - send_started_);
      receiver_.send(delete_request(ep_, url_, handles[0]), [this](Response& d, int64_t l) {
        requests.record(l);
        if (d.status != 200) error(d, "DeleteMessage");
        step_done();
      });
    });
    send_started_ = now_ns();
    sender_.send(send_request(ep_, url_, "pair"), [this](Response& r, int64_t latency) {
      requests.record(latency);
      if (r.status != 200) error(r, "SendMessage");
      step_done();
    });
  }

  void step_done() {
    if (--pending_ > 0) return;
    ++cycles;
    cycle();
  }

  const Endpoint& ep_;
  std::string url_;
  Conn receiver_;
  Conn sender_;
  int pending_ = 0;
  int64_t send_started_ = 0;
  int64_t deadline_ = 0;
};

}  // namespace

int run_park(const std::vector<std::string>& args) {
  Options o;
  if (!parse(args, &o)) {
    std::fprintf(stderr,
                 "usage: bench_http park --endpoint NAME:json|query:PORT --server-pid PID "
                 "[--connections N] [--seconds S<=15]\n");
    return 64;
  }
  int64_t fd_limit = raise_fd_limit();
  if (fd_limit < o.connections + 64) {
    std::fprintf(stderr, "open-files limit %lld is too low for %d connections\n", static_cast<long long>(fd_limit),
                 o.connections);
    return 1;
  }
  const Endpoint& ep = o.endpoint;
  Loop loop;
  Conn control(loop, loopback(ep.port));
  std::string error;
  std::string tag = std::to_string(::getpid());
  std::string park_url = create_queue(loop, control, ep, "bhp-park-" + tag, &error);
  std::string pair_url = park_url.empty() ? "" : create_queue(loop, control, ep, "bhp-pair-" + tag, &error);
  if (pair_url.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    emit_skip(kBench, ep.name, "setup failed: " + error);
    return 1;
  }
  int threads_before = thread_count(o.server_pid);

  // Park the polls, a batch at a time so the listen backlog never overflows.
  std::vector<std::unique_ptr<Conn>> parked;
  parked.reserve(static_cast<size_t>(o.connections));
  int64_t returned_early = 0;
  int64_t park_errors = 0;
  std::string park_error;
  std::string park_request = receive_request(ep, park_url, 1, 20);
  int64_t park_started = now_ns();
  constexpr int kBatch = 200;
  for (int i = 0; i < o.connections; i += kBatch) {
    size_t first = parked.size();
    for (int j = i; j < o.connections && j < i + kBatch; ++j) {
      parked.push_back(std::make_unique<Conn>(loop, loopback(ep.port)));
      parked.back()->send(park_request, [&](Response& r, int64_t) {
        ++returned_early;
        if (r.status != 200 && park_errors++ == 0) park_error = std::to_string(r.status) + " " + r.body.substr(0, 200);
      });
    }
    loop.run(
        [&] {
          for (size_t k = first; k < parked.size(); ++k)
            if (parked[k]->busy() && !parked[k]->request_written()) return false;
          return true;
        },
        now_ns() + 5'000'000'000);
  }
  int64_t park_ns = now_ns() - park_started;
  // Give the server time to read and park the last requests.
  loop.run([] { return false; }, now_ns() + 500'000'000);
  int threads_parked = thread_count(o.server_pid);

  Pair pair(loop, ep, pair_url);
  int64_t pair_end = now_ns() + static_cast<int64_t>(o.seconds * 1e9);
  pair.run_until(pair_end);
  loop.run([] { return false; }, pair_end);
  loop.run([&] { return pair.idle(); }, now_ns() + 5'000'000'000);
  int threads_after = thread_count(o.server_pid);
  int64_t still_parked = 0;
  for (auto& c : parked) still_parked += c->busy() ? 1 : 0;
  int64_t early = returned_early;

  // Proof that the polls are parked in the server (not unread in socket buffers): one message
  // sent to their queue must wake exactly one of them, promptly.
  int64_t woken_at = now_ns();
  Response sent = call(loop, control, send_request(ep, park_url, "wake one"));
  loop.run([&] { return returned_early > early; }, woken_at + 2'000'000'000);
  int64_t woken = returned_early - early;
  double wake_ms = woken > 0 ? static_cast<double>(now_ns() - woken_at) / 1e6 : -1;
  loop.run([] { return false; }, now_ns() + 100'000'000);  // a second wake-up would show here
  woken = returned_early - early;

  Fields f;
  f.add("target", ep.name)
      .add("protocol", protocol_name(ep.protocol))
      .add("connections", o.connections)
      .add("seconds", o.seconds);
  emit(kBench, "pair_request_p50_us", static_cast<double>(pair.requests.quantile_ns(0.50)) / 1e3, "us", f);
  emit(kBench, "pair_request_p99_us", static_cast<double>(pair.requests.quantile_ns(0.99)) / 1e3, "us", f);
  emit(kBench, "pair_delivery_p50_us", static_cast<double>(pair.delivery.quantile_ns(0.50)) / 1e3, "us", f);
  emit(kBench, "pair_delivery_p99_us", static_cast<double>(pair.delivery.quantile_ns(0.99)) / 1e3, "us", f);
  emit(kBench, "pair_cycles", static_cast<double>(pair.cycles), "count", f);
  emit(kBench, "pair_errors", static_cast<double>(pair.errors), "count", f);
  emit(kBench, "parked_polls", static_cast<double>(still_parked), "count", f);
  emit(kBench, "parked_returned_early", static_cast<double>(early), "count", f);
  emit(kBench, "parked_woken_by_one_message", static_cast<double>(sent.status == 200 ? woken : -1), "count", f);
  emit(kBench, "parked_wake_ms", wake_ms, "ms", f);
  emit(kBench, "park_setup_ms", static_cast<double>(park_ns) / 1e6, "ms", f);
  emit(kBench, "server_threads_before", threads_before, "threads", f);
  emit(kBench, "server_threads_parked", threads_parked, "threads", f);
  emit(kBench, "server_threads_after", threads_after, "threads", f);
  if (pair.errors > 0) std::fprintf(stderr, "pair: first error: %s\n", pair.first_error.c_str());
  if (park_errors > 0) std::fprintf(stderr, "parked polls: first error: %s\n", park_error.c_str());
  parked.clear();  // closes the parked connections
  return pair.errors == 0 && early == 0 && woken == 1 ? 0 : 1;
}

}  // namespace bench_http
