// Behaviour of the HTTP server over real loopback sockets: parsing, keep-alive, ordered
// pipelining, body limits, timeouts, cross-thread answers and drain.

#include <doctest/doctest.h>

#include "test_client.h"

using namespace sluice::api::http;
using namespace sluice::api::http::test;

namespace {

// Answers every request at once with a description of what it received.
Handler echo_handler() {
  return [](Request&& req, ResponderPtr r) {
    Response resp;
    resp.status = 200;
    resp.headers.emplace_back("X-Method", req.method);
    resp.headers.emplace_back("X-Path", req.path);
    resp.headers.emplace_back("X-Query", req.query);
    const std::string* agent = req.header("x-test-agent");
    resp.headers.emplace_back("X-Agent", agent ? *agent : "-");
    resp.headers.emplace_back("X-Peer", req.peer_ip.empty() ? "-" : req.peer_ip);
    resp.body = std::move(req.body);
    r->respond(std::move(resp));
  };
}

ServerOptions opts() {
  ServerOptions o;
  o.idle_timeout_ms = 10'000;
  return o;
}

}  // namespace

TEST_CASE("simple GET and POST with header lowercasing, path and query") {
  LoopServer s(opts(), echo_handler());
  REQUIRE(s.listen_rc() == 0);
  REQUIRE(s.port() > 0);
  Client c(s.port());
  REQUIRE(c.connected());

  REQUIRE(c.send("GET /123/q?Action=List&x=1 HTTP/1.1\r\nHost: a\r\nX-Test-AGENT: Bob\r\n\r\n"));
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.status == 200);
  CHECK(r.headers["x-method"] == "GET");
  CHECK(r.headers["x-path"] == "/123/q");
  CHECK(r.headers["x-query"] == "Action=List&x=1");
  CHECK(r.headers["x-agent"] == "Bob");
  CHECK(r.headers["x-peer"] == "127.0.0.1");  // the client's address, as aws:SourceIp gives it
  CHECK(r.headers["content-length"] == "0");
  CHECK(r.headers.count("connection") == 0);
  CHECK(r.headers.count("date") == 1);

  REQUIRE(c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world"));
  r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.headers["x-method"] == "POST");
  CHECK(r.headers["x-query"] == "");
  CHECK(r.body == "hello world");

  REQUIRE(c.send("GET http://example.com:80/abs/p?y=2 HTTP/1.1\r\nHost: example.com\r\n\r\n"));
  r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.headers["x-path"] == "/abs/p");
  CHECK(r.headers["x-query"] == "y=2");
  CHECK(s.stop());
}

TEST_CASE("large response bodies arrive intact and Content-Length is the server's own") {
  LoopServer s(opts(), [](Request&& req, ResponderPtr r) {
    Response resp;
    resp.headers.emplace_back("content-LENGTH", "999999");  // wrong on purpose: must be replaced
    size_t n = std::stoul(req.path.substr(1));
    for (size_t i = 0; i < n; ++i) resp.body.push_back(static_cast<char>('A' + i % 23));
    r->respond(std::move(resp));
  });
  Client c(s.port());
  REQUIRE(c.send("GET /100000 HTTP/1.1\r\n\r\nGET /5 HTTP/1.1\r\n\r\nGET /9000 HTTP/1.1\r\n\r\n"));
  for (size_t n : {100000u, 5u, 9000u}) {
    auto r = c.read_response();
    REQUIRE(r.ok);
    REQUIRE(r.body.size() == n);
    CHECK(r.headers["content-length"] == std::to_string(n));
    bool same = true;
    for (size_t i = 0; i < n; ++i) same = same && r.body[i] == static_cast<char>('A' + i % 23);
    CHECK(same);
  }
  CHECK(s.stop());
}

TEST_CASE("keep-alive serves several sequential requests on one connection") {
  LoopServer s(opts(), echo_handler());
  Client c(s.port());
  for (int i = 0; i < 5; ++i) {
    std::string body = "req" + std::to_string(i);
    REQUIRE(
        c.send("POST /k HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
    auto r = c.read_response();
    REQUIRE(r.ok);
    CHECK(r.body == body);
  }
  CHECK(s.server().open_connections() == 1);
  CHECK(s.stop());
}

TEST_CASE("HTTP/1.0 closes unless keep-alive; Connection: close closes") {
  LoopServer s(opts(), echo_handler());
  {
    Client c(s.port());
    REQUIRE(c.send("GET /a HTTP/1.0\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r.ok);
    CHECK(r.headers["connection"] == "close");
    CHECK(c.closed_by_server());
  }
  {
    Client c(s.port());
    REQUIRE(c.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r.ok);
    CHECK(r.headers["connection"] == "keep-alive");
    REQUIRE(c.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    r = c.read_response();
    REQUIRE(r.ok);
    CHECK(r.headers["x-path"] == "/b");
  }
  {
    Client c(s.port());
    // The second pipelined request comes after a close and must not be answered.
    REQUIRE(c.send("GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r.ok);
    CHECK(r.headers["x-path"] == "/a");
    CHECK(r.headers["connection"] == "close");
    CHECK(c.closed_by_server());
  }
  CHECK(s.stop());
}

TEST_CASE("pipelined requests are answered in request order even when answered out of order") {
  Parked parked;
  LoopServer s(opts(), [&](Request&& req, ResponderPtr r) { parked.add(req.path, std::move(r)); });
  Client c(s.port());
  REQUIRE(c.send("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n"));
  REQUIRE(wait_for([&] { return parked.size() == 3; }));
  auto items = parked.take();
  REQUIRE(items[0].first == "/1");
  // Answer 2 and 3 from another thread; nothing may be sent before 1 is answered.
  std::thread t([&] {
    items[2].second->respond(text(200, "three"));
    items[1].second->respond(text(201, "two"));
  });
  t.join();
  std::this_thread::sleep_for(100ms);
  {
    Client probe(s.port());  // the loop is alive and has processed the answers by now
    REQUIRE(probe.send("GET /probe HTTP/1.1\r\n\r\n"));
    REQUIRE(wait_for([&] { return parked.size() == 1; }));
    parked.take()[0].second->respond(text(200, "p"));
    REQUIRE(probe.read_response().ok);
  }
  CHECK(c.pending().empty());
  items[0].second->respond(text(200, "one"));
  auto r1 = c.read_response();
  auto r2 = c.read_response();
  auto r3 = c.read_response();
  REQUIRE(r1.ok);
  REQUIRE(r2.ok);
  REQUIRE(r3.ok);
  CHECK(r1.body == "one");
  CHECK(r2.body == "two");
  CHECK(r2.status == 201);
  CHECK(r3.body == "three");
  CHECK(s.stop());
}

TEST_CASE("chunked request body is reassembled") {
  LoopServer s(opts(), echo_handler());
  Client c(s.port());
  REQUIRE(c.send("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
  std::this_thread::sleep_for(20ms);  // the two parts reach the server in separate TCP reads
  REQUIRE(c.send("1\r\n \r\n6\r\nworld!\r\n0\r\n\r\n"));
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.body == "hello world!");
  CHECK(s.stop());
}

TEST_CASE("Content-Length body split across many writes") {
  LoopServer s(opts(), echo_handler());
  Client c(s.port());
  std::string body;
  for (int i = 0; i < 3000; ++i) body.push_back(static_cast<char>('a' + i % 26));
  std::string msg = "PUT /split HTTP/1.1\r\nContent-Length: 3000\r\n\r\n" + body;
  for (size_t off = 0; off < msg.size(); off += 97) {
    REQUIRE(c.send(std::string_view(msg).substr(off, 97)));
    if (off % (97 * 8) == 0) std::this_thread::sleep_for(1ms);  // splits the body over TCP reads
  }
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.headers["x-method"] == "PUT");
  CHECK(r.body == body);
  CHECK(s.stop());
}

TEST_CASE("a body over max_body_bytes gets on_too_large's answer and the connection closes") {
  ServerOptions o = opts();
  o.max_body_bytes = 100;
  std::atomic<int> handled{0};
  std::string seen_path;
  o.on_too_large = [&](const Request& headers_only) {
    seen_path = headers_only.path;
    Response r = text(413, "too big");
    r.headers.emplace_back("X-Limit", "100");
    return r;
  };
  LoopServer s(o, [&](Request&&, ResponderPtr r) {
    ++handled;
    r->respond(text(200, "ok"));
  });
  SUBCASE("declared Content-Length") {
    Client c(s.port());
    REQUIRE(c.send("POST /big HTTP/1.1\r\nContent-Length: 1000\r\n\r\n" + std::string(50, 'x')));
    auto r = c.read_response();
    REQUIRE(r.ok);
    CHECK(r.status == 413);
    CHECK(r.body == "too big");
    CHECK(r.headers["x-limit"] == "100");
    CHECK(r.headers["connection"] == "close");
    CHECK(seen_path == "/big");
    CHECK(c.closed_by_server());
  }
  SUBCASE("chunked body growing past the limit, after a good pipelined request") {
    Client c(s.port());
    REQUIRE(
        c.send("POST /ok HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
               "POST /big2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" +
               std::string(64, 'y') + "\r\n40\r\n" + std::string(64, 'y') + "\r\n"));
    auto r1 = c.read_response();
    REQUIRE(r1.ok);
    CHECK(r1.body == "ok");
    auto r2 = c.read_response();
    REQUIRE(r2.ok);
    CHECK(r2.status == 413);
    CHECK(seen_path == "/big2");
    CHECK(c.closed_by_server());
    CHECK(handled == 1);
  }
  CHECK(s.stop());
}

TEST_CASE("without on_too_large an oversize body gets an empty 413") {
  ServerOptions o = opts();
  o.max_body_bytes = 10;
  LoopServer s(o, echo_handler());
  Client c(s.port());
  REQUIRE(c.send("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n"));
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.status == 413);
  CHECK(r.body.empty());
  CHECK(c.closed_by_server());
  CHECK(s.stop());
}

TEST_CASE("malformed requests get 400 and the connection closes") {
  LoopServer s(opts(), echo_handler());
  SUBCASE("garbage request line") {
    Client c(s.port());
    REQUIRE(c.send("THIS IS NOT HTTP\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r.ok);
    CHECK(r.status == 400);
    CHECK(c.closed_by_server());
  }
  SUBCASE("bad Content-Length after a good request") {
    Client c(s.port());
    REQUIRE(c.send("GET /fine HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"));
    auto r1 = c.read_response();
    REQUIRE(r1.ok);
    CHECK(r1.status == 200);
    auto r2 = c.read_response();
    REQUIRE(r2.ok);
    CHECK(r2.status == 400);
    CHECK(c.closed_by_server());
  }
  CHECK(s.stop());
}

TEST_CASE("idle connections close after idle_timeout_ms; parked ones do not") {
  ServerOptions o = opts();
  o.idle_timeout_ms = 200;
  Parked parked;
  LoopServer s(o, [&](Request&& req, ResponderPtr r) {
    if (req.path == "/park") {
      parked.add(req.path, std::move(r));
    } else {
      r->respond(text(200, "now"));
    }
  });
  auto start = std::chrono::steady_clock::now();
  Client idle(s.port(), 3000);
  Client used(s.port(), 3000);
  Client waiting(s.port(), 3000);
  REQUIRE(used.send("GET / HTTP/1.1\r\n\r\n"));
  REQUIRE(used.read_response().ok);
  REQUIRE(waiting.send("GET /park HTTP/1.1\r\n\r\n"));
  REQUIRE(wait_for([&] { return parked.size() == 1; }));

  CHECK(idle.closed_by_server());
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= 190ms);
  CHECK(elapsed < 2000ms);
  CHECK(used.closed_by_server());

  std::this_thread::sleep_for(400ms);  // two idle periods: the parked request keeps it open
  CHECK(s.server().open_connections() == 1);
  parked.take()[0].second->respond(text(200, "late"));
  auto r = waiting.read_response();
  REQUIRE(r.ok);
  CHECK(r.body == "late");
  CHECK(waiting.closed_by_server());  // idle again after the answer
  CHECK(s.stop());
}

TEST_CASE("respond from another thread, and a dropped responder answers 500") {
  std::mutex mu;
  std::vector<std::thread> workers;
  LoopServer s(opts(), [&](Request&& req, ResponderPtr r) {
    std::lock_guard lock(mu);
    if (req.path == "/drop") {
      workers.emplace_back([r = std::move(r)]() mutable { r.reset(); });
    } else {
      workers.emplace_back([r = std::move(r), body = std::move(req.body)] {
        std::this_thread::sleep_for(5ms);  // answered late from another thread: nothing to wait for
        r->respond(text(202, "worker:" + body));
        r->respond(text(500, "ignored second answer"));
      });
    }
  });
  Client c(s.port());
  REQUIRE(c.send("POST /w HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"));
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.status == 202);
  CHECK(r.body == "worker:abc");
  REQUIRE(c.send("GET /drop HTTP/1.1\r\n\r\n"));
  r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.status == 500);
  REQUIRE(c.send("GET /again HTTP/1.1\r\n\r\n"));
  r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.body == "worker:");
  CHECK(s.stop());
  for (auto& t : workers) t.join();
}

TEST_CASE("responding after the client disconnected is dropped safely") {
  Parked parked;
  LoopServer s(opts(), [&](Request&& req, ResponderPtr r) { parked.add(req.path, std::move(r)); });
  {
    Client c(s.port());
    REQUIRE(c.send("GET /gone HTTP/1.1\r\n\r\nGET /gone2 HTTP/1.1\r\n\r\n"));
    REQUIRE(wait_for([&] { return parked.size() == 2; }));
  }
  REQUIRE(wait_for([&] { return s.server().open_connections() == 0; }));
  auto items = parked.take();
  std::thread t([&] { items[1].second->respond(text(200, "into the void")); });
  t.join();
  s.server().post([&] { items[0].second->respond(text(200, "from the loop")); });
  // The server still works.
  Client c2(s.port());
  REQUIRE(c2.send("GET /next HTTP/1.1\r\n\r\n"));
  REQUIRE(wait_for([&] { return parked.size() == 1; }));
  parked.take()[0].second->respond(text(200, "fine"));
  auto r = c2.read_response();
  REQUIRE(r.ok);
  CHECK(r.body == "fine");
  CHECK(s.stop());
  items.clear();
}

TEST_CASE("Expect: 100-continue gets an interim answer before the body is sent") {
  LoopServer s(opts(), echo_handler());
  Client c(s.port());
  REQUIRE(c.send("POST /e HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  std::string interim;
  REQUIRE(c.read_exact(25, interim));
  CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
  REQUIRE(c.send("body"));
  auto r = c.read_response();
  REQUIRE(r.ok);
  CHECK(r.status == 200);
  CHECK(r.body == "body");
  CHECK(s.stop());
}

TEST_CASE("drain answers parked requests through on_drain, closes idle connections, and uv_run returns") {
  Parked parked;
  std::atomic<bool> on_drain_called{false};
  ServerOptions o = opts();
  o.on_drain = [&] {
    on_drain_called = true;
    for (auto& [path, r] : parked.take()) r->respond(text(503, "draining " + path));
  };
  LoopServer s(o, [&](Request&& req, ResponderPtr r) { parked.add(req.path, std::move(r)); });
  Client waiting(s.port());
  Client idle(s.port());
  REQUIRE(waiting.send("GET /poll HTTP/1.1\r\n\r\n"));
  REQUIRE(wait_for([&] { return parked.size() == 1 && s.server().open_connections() == 2; }));
  CHECK(s.stop());
  CHECK(on_drain_called);
  auto r = waiting.read_response();
  REQUIRE(r.ok);
  CHECK(r.status == 503);
  CHECK(r.body == "draining /poll");
  CHECK(r.headers["connection"] == "close");
  CHECK(waiting.closed_by_server());
  CHECK(idle.closed_by_server());
}

TEST_CASE("post runs on the loop; timers fire, can be cancelled and do not block drain") {
  LoopServer s(opts(), echo_handler());
  std::atomic<int> fired{0};
  std::atomic<bool> cancelled_fired{false};
  std::atomic<bool> ran{false};
  s.server().post([&] {
    ran = true;
    s.server().add_timer(30, [&] { fired += 1; });
    s.server().add_timer(10, [&] {
      fired += 10;
      s.server().add_timer(5, [&] { fired += 100; });
    });
    uint64_t id = s.server().add_timer(20, [&] { cancelled_fired = true; });
    s.server().cancel_timer(id);
    s.server().add_timer(60'000, [] {});  // pending at drain: must not keep the loop alive
  });
  REQUIRE(wait_for([&] { return fired.load() == 111; }, 3000ms));
  CHECK(ran);
  CHECK_FALSE(cancelled_fired);
  CHECK(s.stop());
}

TEST_CASE("2,000 parked requests on 100 connections are answered later from another thread") {
  Parked parked;
  LoopServer s(opts(), [&](Request&& req, ResponderPtr r) { parked.add(req.path, std::move(r)); });
  constexpr int kConns = 100, kPerConn = 20;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kConns; ++i) {
    clients.push_back(std::make_unique<Client>(s.port(), 5000));
    std::string batch;
    for (int j = 0; j < kPerConn; ++j)
      batch += "GET /" + std::to_string(i) + "/" + std::to_string(j) + " HTTP/1.1\r\n\r\n";
    REQUIRE(clients.back()->send(batch));
  }
  REQUIRE(wait_for([&] { return parked.size() == kConns * kPerConn; }, 10000ms));
  auto items = parked.take();
  std::thread answerer([&] {
    for (auto it = items.rbegin(); it != items.rend(); ++it) it->second->respond(text(200, it->first));
  });
  answerer.join();
  int good = 0;
  for (int i = 0; i < kConns; ++i) {
    for (int j = 0; j < kPerConn; ++j) {
      auto r = clients[static_cast<size_t>(i)]->read_response();
      if (r.ok && r.body == "/" + std::to_string(i) + "/" + std::to_string(j)) ++good;
    }
  }
  CHECK(good == kConns * kPerConn);
  CHECK(s.stop());
}

TEST_CASE("answers from several threads while clients disconnect mid-way") {
  Parked parked;
  LoopServer s(opts(), [&](Request&& req, ResponderPtr r) { parked.add(req.path, std::move(r)); });
  constexpr int kConns = 20, kPerConn = 10;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kConns; ++i) {
    clients.push_back(std::make_unique<Client>(s.port(), 5000));
    std::string batch;
    for (int j = 0; j < kPerConn; ++j)
      batch += "GET /" + std::to_string(i) + "/" + std::to_string(j) + " HTTP/1.1\r\n\r\n";
    REQUIRE(clients.back()->send(batch));
  }
  REQUIRE(wait_for([&] { return parked.size() == kConns * kPerConn; }));
  auto items = parked.take();
  for (int i = 0; i < kConns; i += 2) clients[static_cast<size_t>(i)]->close();  // even ones leave
  std::vector<std::thread> answerers;
  for (size_t t = 0; t < 4; ++t) {
    answerers.emplace_back([&, t] {
      for (size_t k = t; k < items.size(); k += 4)
        items[items.size() - 1 - k].second->respond(text(200, items[items.size() - 1 - k].first));
    });
  }
  for (auto& t : answerers) t.join();
  int good = 0;
  for (int i = 1; i < kConns; i += 2) {
    for (int j = 0; j < kPerConn; ++j) {
      auto r = clients[static_cast<size_t>(i)]->read_response();
      if (r.ok && r.body == "/" + std::to_string(i) + "/" + std::to_string(j)) ++good;
    }
  }
  CHECK(good == kConns / 2 * kPerConn);
  REQUIRE(wait_for([&] { return s.server().open_connections() == kConns / 2; }));
  CHECK(s.stop());
}
