// Servers on loops of their own sharing one port (ServerOptions::servers_on_port, SO_REUSEPORT):
// reserve_shared_port refuses a port that anything serves, and the kernel hands each connection to
// one of the servers, which answers all of that connection's requests.

#include <doctest/doctest.h>

#include "test_client.h"

using namespace sluice::api::http;
using namespace sluice::api::http::test;

namespace {

// Answers every request with the server's name.
Handler named(std::string name) {
  return [name](Request&&, ResponderPtr r) {
    Response resp;
    resp.body = name;
    r->respond(std::move(resp));
  };
}

ServerOptions shared_by_two() {
  ServerOptions o;
  o.servers_on_port = 2;
  return o;
}

}  // namespace

TEST_CASE("reserve_shared_port refuses a port served by a plain listener and by a shared one") {
  LoopServer plain(ServerOptions{}, named("plain"));
  REQUIRE(plain.listen_rc() == 0);
  int chosen = 0;
  CHECK(reserve_shared_port("127.0.0.1", plain.port(), &chosen) == UV_EADDRINUSE);

  REQUIRE(reserve_shared_port("127.0.0.1", 0, &chosen) == 0);
  REQUIRE(chosen > 0);
  LoopServer a(shared_by_two(), named("a"), chosen);
  LoopServer b(shared_by_two(), named("b"), chosen);
  REQUIRE(a.listen_rc() == 0);
  REQUIRE(b.listen_rc() == 0);
  CHECK(a.port() == chosen);
  CHECK(b.port() == chosen);
  int again = 0;
  CHECK(reserve_shared_port("127.0.0.1", chosen, &again) == UV_EADDRINUSE);
  // A server of its own on the shared port is refused as well.
  LoopServer intruder(ServerOptions{}, named("intruder"), chosen);
  CHECK(intruder.listen_rc() == UV_EADDRINUSE);
  CHECK(a.stop());
  CHECK(b.stop());
  CHECK(plain.stop());
}

TEST_CASE("two servers on one port each take connections and answer all of a connection's requests") {
  int port = 0;
  REQUIRE(reserve_shared_port("127.0.0.1", 0, &port) == 0);
  LoopServer a(shared_by_two(), named("a"), port);
  LoopServer b(shared_by_two(), named("b"), port);
  REQUIRE(a.listen_rc() == 0);
  REQUIRE(b.listen_rc() == 0);
  // The kernel picks by a hash of the client's port: new connections until both servers have one.
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::string> answered_by;
  bool saw_a = false;
  bool saw_b = false;
  for (int i = 0; i < 200 && !(saw_a && saw_b); ++i) {
    clients.push_back(std::make_unique<Client>(port));
    REQUIRE(clients.back()->connected());
    REQUIRE(clients.back()->send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = clients.back()->read_response();
    REQUIRE(r.ok);
    answered_by.push_back(r.body);
    saw_a = saw_a || r.body == "a";
    saw_b = saw_b || r.body == "b";
  }
  REQUIRE(saw_a);
  REQUIRE(saw_b);
  // Every later request of a connection is answered by the server that took it.
  for (size_t i = 0; i < clients.size(); ++i) {
    REQUIRE(clients[i]->send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = clients[i]->read_response();
    REQUIRE(r.ok);
    CHECK(r.body == answered_by[i]);
  }
  CHECK(a.server().open_connections() + b.server().open_connections() == clients.size());
  CHECK(a.stop());
  CHECK(b.stop());
}
