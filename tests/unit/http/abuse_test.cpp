// The HTTP server against clients that misbehave, over real loopback sockets: a pipeliner that
// never reads, a client whose output never moves, slowloris, half-closed clients, and more
// connections than the server may hold. Each case is bounded in count and time.

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "test_client.h"

using namespace sluice::api::http;
using namespace sluice::api::http::test;

namespace {

constexpr size_t kAnswerBytes = 64 * 1024;
constexpr int kPipelined = 1000;

ServerOptions opts() {
  ServerOptions o;
  o.idle_timeout_ms = 10'000;
  return o;
}

std::string pipelined_gets(int count) {
  std::string batch;
  for (int i = 0; i < count; ++i) batch += "GET /" + std::to_string(i) + " HTTP/1.1\r\n\r\n";
  return batch;
}

// Waits until `counter` stops changing for a while (bounded), and returns its value.
int settled(const std::atomic<int>& counter) {
  int last = -1;
  for (int i = 0; i < 30 && counter.load() != last; ++i) {
    last = counter.load();
    std::this_thread::sleep_for(200ms);
  }
  return counter.load();
}

}  // namespace

TEST_CASE("a pipeliner that never reads stops being read, and is read again once it reads") {
  ServerOptions o = opts();
  o.max_output_bytes = 256 * 1024;
  std::atomic<int> handled{0};
  LoopServer s(o, [&](Request&& req, ResponderPtr r) {
    ++handled;
    Response resp = text(200, std::string(kAnswerBytes, 'x'));
    resp.headers.emplace_back("X-Path", req.path);
    r->respond(std::move(resp));
  });
  Client c(s.port(), 5000, 32 * 1024);
  REQUIRE(c.send(pipelined_gets(kPipelined)));
  // Unbounded, every request is handled and ~64 MB of answers wait in the server. Bounded, what
  // the kernel's socket buffers take plus max_output_bytes.
  const int before_reading = settled(handled);
  CHECK(before_reading < 400);
  CHECK(before_reading > 0);
  int in_order = 0;
  for (int i = 0; i < kPipelined; ++i) {
    auto r = c.read_response();
    if (!r.ok) break;
    if (r.headers["x-path"] == "/" + std::to_string(i) && r.body.size() == kAnswerBytes) ++in_order;
  }
  CHECK(in_order == kPipelined);
  CHECK(handled == kPipelined);
  CHECK(s.stop());
}

TEST_CASE("pipelining stops being read at max_pending_requests unanswered requests") {
  ServerOptions o = opts();
  o.max_pending_requests = 8;
  Parked parked;
  LoopServer s(o, [&](Request&& req, ResponderPtr r) { parked.add(req.path, std::move(r)); });
  Client c(s.port(), 5000);
  REQUIRE(c.send(pipelined_gets(50)));
  REQUIRE(wait_for([&] { return parked.size() >= 8; }));
  // An absence has no event to wait for: a real interval in which a ninth would have been read.
  std::this_thread::sleep_for(200ms);
  CHECK(parked.size() == 8);
  // Answering them lets the next ones in, in order, until all 50 are answered.
  int answered = 0;
  while (answered < 50 && wait_for([&] { return parked.size() > 0; })) {
    for (auto& [path, responder] : parked.take()) {
      responder->respond(text(200, path));
      auto r = c.read_response();
      if (r.ok && r.body == "/" + std::to_string(answered)) ++answered;
    }
  }
  CHECK(answered == 50);
  CHECK(s.stop());
}

TEST_CASE("a connection whose output does not move is closed after stalled_output_timeout_ms") {
  ServerOptions o = opts();
  o.max_output_bytes = 256 * 1024;
  o.stalled_output_timeout_ms = 300;
  LoopServer s(o, [&](Request&&, ResponderPtr r) { r->respond(text(200, std::string(kAnswerBytes, 'x'))); });
  Client c(s.port(), 5000, 32 * 1024);
  REQUIRE(c.send(pipelined_gets(kPipelined)));
  REQUIRE(wait_for([&] { return s.server().open_connections() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  // Generous: under ThreadSanitizer on a loaded machine, filling the socket takes seconds.
  CHECK(wait_for([&] { return s.server().open_connections() == 0; }, 15000ms));
  CHECK(std::chrono::steady_clock::now() - start >= 250ms);
  CHECK(s.stop());
}

TEST_CASE("a request trickling in past request_timeout_ms is answered 408 and the connection closed") {
  ServerOptions o = opts();
  o.request_timeout_ms = 300;
  std::atomic<int> handled{0};
  LoopServer s(o, [&](Request&&, ResponderPtr r) {
    ++handled;
    r->respond(text(200, "ok"));
  });
  Client c(s.port(), 3000);
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(c.send("GET /slow HTTP/1.1\r\nX-Slow: "));
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    // One header byte every 50 ms: never idle, never complete.
    for (int i = 0; i < 60 && !stop; ++i) {
      if (!c.send("a")) break;
      std::this_thread::sleep_for(50ms);  // real pacing against the server's real socket timers
    }
  });
  auto r = c.read_response();
  stop = true;
  trickle.join();
  REQUIRE(r.ok);
  CHECK(r.status == 408);
  CHECK(r.headers["connection"] == "close");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= 250ms);
  CHECK(elapsed < 2000ms);
  CHECK(handled == 0);
  CHECK(wait_for([&] { return s.server().open_connections() == 0; }));
  CHECK(s.stop());
}

TEST_CASE("a request that arrives slowly but within request_timeout_ms is served") {
  ServerOptions o = opts();
  // Well above the ~0.25 s the bytes take to trickle in, even when ThreadSanitizer and a loaded
  // machine stretch that several times.
  o.request_timeout_ms = 5000;
  LoopServer s(o, [&](Request&& req, ResponderPtr r) { r->respond(text(200, req.body)); });
  Client c(s.port(), 3000);
  const std::string request = "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  for (char ch : request) {
    REQUIRE(c.send(std::string(1, ch)));
    std::this_thread::sleep_for(5ms);  // one byte per read, in real time, against the real request timer
  }
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.body == "hello");
  CHECK(s.stop());
}

TEST_CASE("a parked request is never timed out by the request or idle timers") {
  ServerOptions o = opts();
  o.request_timeout_ms = 150;
  o.idle_timeout_ms = 150;
  Parked parked;
  LoopServer s(o, [&](Request&& req, ResponderPtr r) { parked.add(req.path, std::move(r)); });
  Client c(s.port(), 3000);
  REQUIRE(c.send("GET /park HTTP/1.1\r\n\r\n"));
  REQUIRE(wait_for([&] { return parked.size() == 1; }));
  std::this_thread::sleep_for(700ms);  // several periods of both timers
  CHECK(s.server().open_connections() == 1);
  parked.take()[0].second->respond(text(200, "late"));
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.body == "late");
  CHECK(s.stop());
}

TEST_CASE("a half-closed client still gets the answers owed to it") {
  std::mutex mu;
  std::vector<std::thread> workers;
  LoopServer s(opts(), [&](Request&& req, ResponderPtr r) {
    // Answered later from another thread, as an answer held for its commit is.
    std::lock_guard lock(mu);
    workers.emplace_back([r = std::move(r), path = req.path] {
      std::this_thread::sleep_for(100ms);  // the answer comes late, as a commit's does: nothing to wait for
      r->respond(text(200, "stored " + path));
    });
  });
  Client c(s.port(), 3000);
  REQUIRE(c.send("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
  c.shutdown_write();
  auto a = c.read_response();
  auto b = c.read_response();
  const bool closed = c.closed_by_server();
  CHECK(s.stop());
  for (auto& t : workers) t.join();
  CHECK(a.ok);
  CHECK(b.ok);
  CHECK(a.body == "stored /a");
  CHECK(b.body == "stored /b");
  CHECK(closed);
}

TEST_CASE("a client gone with answers owed is let go after half_closed_grace_ms") {
  ServerOptions o = opts();
  o.half_closed_grace_ms = 200;
  Parked parked;
  LoopServer s(o, [&](Request&& req, ResponderPtr r) { parked.add(req.path, std::move(r)); });
  {
    Client c(s.port());
    REQUIRE(c.send("GET /poll HTTP/1.1\r\n\r\n"));
    REQUIRE(wait_for([&] { return parked.size() == 1; }));
  }
  CHECK(wait_for([&] { return s.server().open_connections() == 0; }, 2000ms));
  parked.take()[0].second->respond(text(200, "into the void"));
  CHECK(s.stop());
}

TEST_CASE("a request whose client goes away is cancelled; an answered one never is") {
  ServerOptions o = opts();
  o.half_closed_grace_ms = 200;
  Parked parked;
  std::atomic<int> cancelled_parked{0};
  std::atomic<int> cancelled_answered{0};
  LoopServer s(o, [&](Request&& req, ResponderPtr r) {
    if (req.path == "/answered") {
      r->on_cancel([&] { ++cancelled_answered; });
      r->respond(text(200, "done"));
      return;
    }
    r->on_cancel([&] { ++cancelled_parked; });
    parked.add(req.path, std::move(r));
  });
  {
    Client answered(s.port());
    REQUIRE(answered.send("GET /answered HTTP/1.1\r\n\r\n"));
    REQUIRE(answered.read_response().ok);
    Client gone(s.port());
    REQUIRE(gone.send("GET /poll HTTP/1.1\r\n\r\n"));
    REQUIRE(wait_for([&] { return parked.size() == 1; }));
    CHECK(cancelled_parked == 0);  // not while the client is there
  }
  CHECK(wait_for([&] { return cancelled_parked == 1; }, 2000ms));
  CHECK(wait_for([&] { return s.server().open_connections() == 0; }, 2000ms));
  // Asking after the connection closed hears it at once; answering afterwards is harmless.
  auto items = parked.take();
  std::atomic<int> late{0};
  s.server().post([&] { items[0].second->on_cancel([&] { ++late; }); });
  CHECK(wait_for([&] { return late == 1; }, 2000ms));
  items[0].second->respond(text(200, "into the void"));
  CHECK(cancelled_parked == 1);
  CHECK(cancelled_answered == 0);
  CHECK(s.stop());
}

TEST_CASE("at max_connections a new client sheds the longest-idle connection; with none idle it is refused") {
  ServerOptions o = opts();
  o.max_connections = 8;
  Parked parked;
  LoopServer s(o, [&](Request&& req, ResponderPtr r) {
    if (req.path == "/park") {
      parked.add(req.path, std::move(r));
    } else {
      r->respond(text(200, "served"));
    }
  });
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<Client>(s.port(), 2000));
    REQUIRE(wait_for([&] { return s.server().open_connections() == static_cast<size_t>(i + 1); }));
  }
  Client fresh(s.port(), 2000);
  REQUIRE(fresh.send("GET / HTTP/1.1\r\n\r\n"));
  auto r = fresh.read_response();
  REQUIRE(r.ok);
  CHECK(r.body == "served");
  CHECK(idle.front()->closed_by_server());
  CHECK(s.server().open_connections() <= 8);
  idle.clear();
  REQUIRE(wait_for([&] { return s.server().open_connections() == 1; }));

  // Every connection owed an answer: nothing may be shed, the newcomer is closed.
  std::vector<std::unique_ptr<Client>> waiting;
  for (int i = 0; i < 7; ++i) {
    waiting.push_back(std::make_unique<Client>(s.port(), 2000));
    REQUIRE(waiting.back()->send("GET /park HTTP/1.1\r\n\r\n"));
  }
  REQUIRE(fresh.send("GET /park HTTP/1.1\r\n\r\n"));
  REQUIRE(wait_for([&] { return parked.size() == 8; }));
  Client refused(s.port(), 2000);
  CHECK(refused.closed_by_server());
  for (auto& [path, responder] : parked.take()) responder->respond(text(200, "late"));
  for (auto& w : waiting) CHECK(w->read_response().ok);
  CHECK(s.stop());
}

TEST_CASE("with a 128-descriptor limit, 300 idle connections do not lock a new client out") {
  // The server runs in a child process whose descriptor limit is low; the clients are here.
  int ports[2];
  REQUIRE(::pipe(ports) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    rlimit low{128, 128};
    ::setrlimit(RLIMIT_NOFILE, &low);
    LoopServer s(opts(), [](Request&&, ResponderPtr r) { r->respond(text(200, "served")); });
    const int port = s.port();
    (void)!::write(ports[1], &port, sizeof port);
    ::pause();  // until the parent kills this process
    std::_Exit(0);
  }
  ::close(ports[1]);
  int port = 0;
  REQUIRE(::read(ports[0], &port, sizeof port) == static_cast<ssize_t>(sizeof port));
  ::close(ports[0]);
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 300; ++i) idle.push_back(std::make_unique<Client>(port, 2000));
  std::this_thread::sleep_for(300ms);  // let the server accept what it will
  int served = 0;
  for (int i = 0; i < 3; ++i) {
    Client fresh(port, 2000);
    if (fresh.send("GET / HTTP/1.1\r\n\r\n")) {
      auto r = fresh.read_response();
      if (r.ok && r.body == "served") ++served;
    }
  }
  CHECK(served == 3);
  idle.clear();
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
}
