// http-cycle: C keep-alive connections, each on its own queue, each looping
// SendMessageBatch(10) -> ReceiveMessage(10, no wait) -> DeleteMessageBatch(what it received)
// for a fixed time after a warm-up. Endpoints are measured one after the other in one run; the
// figures are messages deleted per second (each message sent, received and deleted once) and the
// p50/p99 latency of all requests. When a "sluice" JSON endpoint and peers speaking JSON were
// measured, the run ends with the ratios sluice/peer. When an endpoint named "ceiling" was measured
// (bench_http_ceiling: sluice's HTTP server answering fixed answers, the loopback ceiling), every
// other endpoint's rate is also given as fraction_of_ceiling, against the ceiling of its protocol
// in the same run.
//
//   bench_http cycle --endpoint NAME:json|query:PORT[:signed] [--endpoint ...]
//                    [--clients 8] [--seconds 5] [--warmup 1] [--body-bytes 128]
//                    [--server-pid NAME=PID ...]
// With a server's PID, the CPU time it spent per message in the window is reported too, with
// the generator's own: on a shared machine these hold steadier than rates, and their sum bounds
// what two dedicated cores could do (capacity_on_2_cores = 2 s / CPU seconds per message).

#include <cstdio>
#include <map>
#include <memory>

#include <unistd.h>

#include "common.h"
#include "histogram.h"

namespace bench_http {

namespace {

constexpr const char* kBench = "http-cycle";
constexpr const char* kCeiling = "ceiling";  // the endpoint name of bench_http_ceiling

struct Options {
  std::vector<Endpoint> endpoints;
  int clients = 8;
  double seconds = 5;
  double warmup = 1;
  size_t body_bytes = 128;
  std::map<std::string, int> server_pids;
};

struct Totals {
  int64_t messages = 0;  // deleted within the window
  int64_t requests = 0;  // completed within the window
  int64_t errors = 0;    // any time
  std::string first_error;
  LatencyHistogram latency;
};

class Worker {
 public:
  Worker(Loop& loop, const Endpoint& ep, Totals& totals, const std::string& body)
      : conn_(loop, loopback(ep.port)), ep_(ep), totals_(totals), body_(body) {}

  bool setup(Loop& loop, const std::string& queue_name, std::string* error) {
    url_ = create_queue(loop, conn_, ep_, queue_name, error);
    if (url_.empty()) return false;
    if (!ep_.sign) {
      send_request_ = send_batch_request(ep_, url_, 10, body_);
      receive_request_ = receive_request(ep_, url_, 10, 0);
    }
    return true;
  }

  void start(int64_t window_start, int64_t window_end) {
    window_start_ = window_start;
    window_end_ = window_end;
    send_batch();
  }

  bool idle() const { return !conn_.busy(); }

 private:
  // Accounts one answer; false if the cycle should go back to sending.
  bool account(const Response& r, int64_t latency, int failed_entries) {
    int64_t now = now_ns();
    bool in_window = now >= window_start_ && now <= window_end_;
    if (in_window) {
      ++totals_.requests;
      totals_.latency.record(latency);
    }
    if (r.status != 200 || failed_entries > 0) {
      if (totals_.errors++ == 0) totals_.first_error = std::to_string(r.status) + " " + r.body.substr(0, 300);
      return false;
    }
    return true;
  }

  bool stopping() const { return now_ns() >= window_end_; }

  void send_batch() {
    if (stopping()) return;
    std::string request = ep_.sign ? send_batch_request(ep_, url_, 10, body_) : send_request_;
    conn_.send(std::move(request), [this](Response& r, int64_t latency) {
      account(r, latency, failed_entries_of(ep_.protocol, r.body));
      receive();
    });
  }

  void receive() {
    if (stopping()) return;
    std::string request = ep_.sign ? receive_request(ep_, url_, 10, 0) : receive_request_;
    conn_.send(std::move(request), [this](Response& r, int64_t latency) {
      if (!account(r, latency, 0)) return send_batch();
      handles_ = receipt_handles_of(ep_.protocol, r.body);
      if (handles_.empty()) return send_batch();
      delete_batch();
    });
  }

  void delete_batch() {
    if (stopping()) return;
    conn_.send(delete_batch_request(ep_, url_, handles_), [this](Response& r, int64_t latency) {
      int failed = failed_entries_of(ep_.protocol, r.body);
      int64_t now = now_ns();
      if (account(r, latency, failed) && now >= window_start_ && now <= window_end_) {
        totals_.messages += static_cast<int64_t>(handles_.size());
      }
      send_batch();
    });
  }

  Conn conn_;
  const Endpoint& ep_;
  Totals& totals_;
  const std::string& body_;
  std::string url_;
  std::string send_request_;
  std::string receive_request_;
  std::vector<std::string> handles_;
  int64_t window_start_ = 0;
  int64_t window_end_ = 0;
};

bool parse(const std::vector<std::string>& args, Options* o) {
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    const std::string& k = args[i];
    const std::string& v = args[i + 1];
    if (k == "--endpoint") {
      Endpoint ep;
      if (!parse_endpoint(v, &ep)) return false;
      o->endpoints.push_back(ep);
    } else if (k == "--clients") o->clients = std::atoi(v.c_str());
    else if (k == "--seconds") o->seconds = std::atof(v.c_str());
    else if (k == "--warmup") o->warmup = std::atof(v.c_str());
    else if (k == "--server-pid") {
      size_t eq = v.find('=');
      if (eq == std::string::npos) return false;
      o->server_pids[v.substr(0, eq)] = std::atoi(v.c_str() + eq + 1);
    } else if (k == "--body-bytes") o->body_bytes = static_cast<size_t>(std::atol(v.c_str()));
    else return false;
  }
  return args.size() % 2 == 0 && !o->endpoints.empty() && o->clients > 0 && o->seconds > 0;
}

}  // namespace

int run_cycle(const std::vector<std::string>& args) {
  Options o;
  if (!parse(args, &o)) {
    std::fprintf(stderr,
                 "usage: bench_http cycle --endpoint NAME:json|query:PORT[:signed] [...] "
                 "[--clients N] [--seconds S] [--warmup S] [--body-bytes B]\n");
    return 64;
  }
  raise_fd_limit();
  std::string body = message_body(o.body_bytes);
  std::map<std::string, double> json_rate;                   // endpoint name -> msg/s, JSON endpoints only
  std::map<std::string, double> ceiling_rate;                // protocol -> the ceiling's msg/s
  std::vector<std::pair<const Endpoint*, double>> measured;  // every other endpoint, with its msg/s
  int status = 0;
  for (const Endpoint& ep : o.endpoints) {
    Loop loop;
    Totals totals;
    std::vector<std::unique_ptr<Worker>> workers;
    std::string error;
    bool ok = true;
    for (int i = 0; i < o.clients && ok; ++i) {
      workers.push_back(std::make_unique<Worker>(loop, ep, totals, body));
      std::string name =
          "bhc-" + protocol_name(ep.protocol) + "-" + std::to_string(::getpid()) + "-" + std::to_string(i);
      ok = workers.back()->setup(loop, name, &error);
    }
    if (!ok) {
      std::fprintf(stderr, "%s: %s\n", ep.name.c_str(), error.c_str());
      emit_skip(kBench, ep.name, "setup failed: " + error);
      status = 1;
      continue;
    }
    int64_t t0 = now_ns();
    int64_t window_start = t0 + static_cast<int64_t>(o.warmup * 1e9);
    int64_t window_end = window_start + static_cast<int64_t>(o.seconds * 1e9);
    auto pid = o.server_pids.find(ep.name);
    int server_pid = pid == o.server_pids.end() ? 0 : pid->second;
    double server_cpu = 0, own_cpu = 0;
    loop.at(window_start, [&] {
      server_cpu = server_pid > 0 ? process_cpu_seconds(server_pid) : 0;
      own_cpu = own_cpu_seconds();
    });
    for (auto& w : workers) w->start(window_start, window_end);
    loop.run([] { return false; }, window_end);
    server_cpu = server_pid > 0 ? process_cpu_seconds(server_pid) - server_cpu : -1;
    own_cpu = own_cpu_seconds() - own_cpu;
    // Let requests in flight finish (they are not counted) so connections close cleanly.
    loop.run(
        [&] {
          for (auto& w : workers)
            if (!w->idle()) return false;
          return true;
        },
        now_ns() + 5'000'000'000);

    double rate = static_cast<double>(totals.messages) / o.seconds;
    Fields f;
    f.add("target", ep.name)
        .add("protocol", protocol_name(ep.protocol))
        .add("clients", o.clients)
        .add("seconds", o.seconds)
        .add("queues", "one per connection")
        .add("body_bytes", static_cast<int64_t>(o.body_bytes));
    emit(kBench, "messages_per_second", rate, "msg/s", f);
    emit(kBench, "requests_per_second", static_cast<double>(totals.requests) / o.seconds, "req/s", f);
    emit(kBench, "request_p50_us", static_cast<double>(totals.latency.quantile_ns(0.50)) / 1e3, "us", f);
    emit(kBench, "request_p99_us", static_cast<double>(totals.latency.quantile_ns(0.99)) / 1e3, "us", f);
    emit(kBench, "errors", static_cast<double>(totals.errors), "count", f);
    if (totals.messages > 0) {
      auto per_message_us = [&](double cpu) { return cpu * 1e6 / static_cast<double>(totals.messages); };
      emit(kBench, "generator_cpu_us_per_message", per_message_us(own_cpu), "us", f);
      if (server_cpu >= 0) {
        emit(kBench, "server_cpu_us_per_message", per_message_us(server_cpu), "us", f);
        emit(kBench, "server_cpu_cores_used", server_cpu / o.seconds, "cores", f);
        emit(kBench, "capacity_on_2_cores", 2.0 / ((server_cpu + own_cpu) / static_cast<double>(totals.messages)),
             "msg/s", f);
      }
    }
    if (totals.errors > 0) std::fprintf(stderr, "%s: first error: %s\n", ep.name.c_str(), totals.first_error.c_str());
    if (ep.protocol == Protocol::kJson && ep.name != kCeiling) json_rate[ep.name] = rate;
    if (ep.name == kCeiling) {
      ceiling_rate[protocol_name(ep.protocol)] = rate;
    } else {
      measured.emplace_back(&ep, rate);
    }
  }
  for (const auto& [ep, rate] : measured) {
    auto ceiling = ceiling_rate.find(protocol_name(ep->protocol));
    if (ceiling == ceiling_rate.end() || ceiling->second <= 0) continue;
    Fields f;
    f.add("target", ep->name).add("protocol", protocol_name(ep->protocol)).add("clients", o.clients);
    f.add("ceiling_messages_per_second", ceiling->second);
    emit(kBench, "fraction_of_ceiling", rate / ceiling->second, "fraction", f);
  }
  auto sluice = json_rate.find("sluice");
  if (sluice != json_rate.end()) {
    for (const auto& [name, rate] : json_rate) {
      if (name.rfind("sluice", 0) == 0 || rate <= 0) continue;  // peers only
      Fields f;
      f.add("target", "sluice").add("peer", name).add("protocol", "json").add("clients", o.clients);
      emit(kBench, "ratio_vs_" + name, sluice->second / rate, "x", f);
    }
  }
  return status;
}

}  // namespace bench_http
