// The front door with two loops over one SQS engine, over real sockets. The kernel picks each
// connection's loop (SO_REUSEPORT); the tests open connections until they hold one on each loop,
// as ApiServer::open_connections(loop) shows, so every case really crosses loops:
//   - a long poll parked on one loop wakes for a send that arrives on the other, both ways. The
//     engine runs on a manual clock that never moves, so the poll cannot end by its wait time:
//     only the wake-up can answer it with the message;
//   - a drain answers the polls parked on every loop;
//   - every loop serves /metrics and applies the Host check.

#include <doctest/doctest.h>

#include <uv.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "sluice/api/server/server.h"
#include "sluice/api/sqs_wire/sqs_service.h"
#include "sluice/common/clock.h"
#include "sluice/sqs/engine.h"
#include "test_client.h"

using sluice::api::http::test::Client;
using sluice::api::http::test::wait_for;
using sluice::api::server::ApiOptions;
using sluice::api::server::ApiServer;
using namespace std::chrono_literals;

namespace {

constexpr int kClientTimeoutMs = 15'000;  // a wake-up that never comes fails the read, not the suite

// An in-memory engine on a manual clock and an ApiServer with `loops` loops; loop 0 runs on a
// thread of the test's.
class LoopsServer {
 public:
  explicit LoopsServer(size_t loops) {
    sluice::sqs::EngineOptions engine_options;
    engine_options.in_memory = true;
    engine_options.background_housekeeping = false;
    engine_options.clock = clock_;
    std::string error;
    engine_ = sluice::sqs::Engine::open(engine_options, &error);
    REQUIRE_MESSAGE(engine_, error);
    uv_loop_init(&loop_);
    ApiOptions options;
    options.port = 0;
    options.loops = loops;
    options.worker_threads = 1;
    options.clock = clock_;
    options.services.push_back(sluice::api::sqs_wire::make_sqs_service(*engine_));
    api_ = ApiServer::start(&loop_, std::move(options), &error);
    REQUIRE_MESSAGE(api_, error);
    stop_.data = this;
    uv_async_init(&loop_, &stop_, [](uv_async_t* handle) {
      auto* self = static_cast<LoopsServer*>(handle->data);
      self->api_->drain([self] {
        uv_close(reinterpret_cast<uv_handle_t*>(&self->stop_), nullptr);
        self->drained_ = true;
      });
    });
    thread_ = std::thread([this] {
      uv_run(&loop_, UV_RUN_DEFAULT);
      returned_ = true;
    });
  }

  ~LoopsServer() {
    stop();
    api_.reset();
    uv_loop_close(&loop_);
  }

  // Drains every loop from loop 0's thread and waits, bounded, for loop 0 to return.
  void stop() {
    if (!thread_.joinable()) return;
    uv_async_send(&stop_);
    if (!wait_for([this] { return returned_.load(); }, 20'000ms)) {
      std::fprintf(stderr, "the front door did not finish draining\n");
      std::_Exit(3);
    }
    thread_.join();
  }

  ApiServer& api() { return *api_; }
  int port() const { return api_->port(); }
  bool drained() const { return drained_; }
  size_t open_total() const { return api_->open_connections(0) + api_->open_connections(1); }

 private:
  std::shared_ptr<sluice::common::ManualClock> clock_ = std::make_shared<sluice::common::ManualClock>();
  std::unique_ptr<sluice::sqs::Engine> engine_;
  uv_loop_t loop_{};
  uv_async_t stop_{};
  std::unique_ptr<ApiServer> api_;
  std::thread thread_;
  std::atomic<bool> drained_{false};
  std::atomic<bool> returned_{false};
};

// Two clients whose connections live on different loops.
struct Pinned {
  std::unique_ptr<Client> first;
  std::unique_ptr<Client> second;
  size_t first_loop = 0;
  size_t second_loop = 0;
};

// The first client lands wherever the kernel puts it; then new connections are opened (and
// closed again) until one lands on the other loop. The kernel picks by a hash of the client's
// port, so each try is a fresh draw.
Pinned pin_two(LoopsServer& s) {
  Pinned p;
  p.first = std::make_unique<Client>(s.port(), kClientTimeoutMs);
  REQUIRE(p.first->connected());
  REQUIRE(wait_for([&] { return s.open_total() == 1; }, 15'000ms));
  p.first_loop = s.api().open_connections(0) == 1 ? 0 : 1;
  for (int attempt = 0; attempt < 200 && !p.second; ++attempt) {
    auto candidate = std::make_unique<Client>(s.port(), kClientTimeoutMs);
    REQUIRE(candidate->connected());
    REQUIRE(wait_for([&] { return s.open_total() == 2; }, 15'000ms));
    if (s.api().open_connections(p.first_loop) == 1) {
      p.second = std::move(candidate);
      p.second_loop = 1 - p.first_loop;
    } else {
      candidate.reset();
      REQUIRE(wait_for([&] { return s.open_total() == 1; }, 15'000ms));
    }
  }
  REQUIRE_MESSAGE(p.second, "200 connections all landed on one loop");
  return p;
}

std::string json_call(const std::string& action, const std::string& body) {
  return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS." +
         action + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// CreateQueue through `client`; the queue's URL.
std::string create_queue(Client& client, const std::string& name) {
  REQUIRE(client.send(json_call("CreateQueue", R"({"QueueName":")" + name + R"("})")));
  auto created = client.read_response();
  REQUIRE(created.status == 200);
  const std::string key = R"("QueueUrl":")";
  const size_t start = created.body.find(key);
  REQUIRE(start != std::string::npos);
  const size_t end = created.body.find('"', start + key.size());
  return created.body.substr(start + key.size(), end - start - key.size());
}

std::string long_poll(const std::string& url) {
  return json_call("ReceiveMessage", R"({"QueueUrl":")" + url + R"(","WaitTimeSeconds":20})");
}

}  // namespace

TEST_CASE("a long poll parked on one loop wakes for a send that arrives on another, either way") {
  LoopsServer s(2);
  REQUIRE(s.api().loops() == 2);
  Pinned p = pin_two(s);
  const std::string url = create_queue(*p.first, "across");
  for (int round = 0; round < 2; ++round) {
    Client& parked = round == 0 ? *p.first : *p.second;
    Client& sender = round == 0 ? *p.second : *p.first;
    const size_t parked_loop = round == 0 ? p.first_loop : p.second_loop;
    const std::string message = "sent on loop " + std::to_string(1 - parked_loop);
    CAPTURE(parked_loop);
    REQUIRE(parked.send(long_poll(url)));
    REQUIRE(wait_for([&] { return s.api().parked_calls() == 1; }, 15'000ms));
    REQUIRE(sender.send(json_call("SendMessage", R"({"QueueUrl":")" + url + R"(","MessageBody":")" + message + "\"}")));
    CHECK(sender.read_response().status == 200);
    auto received = parked.read_response();
    REQUIRE(received.ok);
    CHECK(received.status == 200);
    CHECK(received.body.find(message) != std::string::npos);
    CHECK(wait_for([&] { return s.api().parked_calls() == 0; }, 15'000ms));
  }
}

TEST_CASE("a drain answers the long polls parked on every loop") {
  LoopsServer s(2);
  Pinned p = pin_two(s);
  const std::string url = create_queue(*p.first, "drained");
  REQUIRE(p.first->send(long_poll(url)));
  REQUIRE(p.second->send(long_poll(url)));
  REQUIRE(wait_for([&] { return s.api().parked_calls() == 2; }, 15'000ms));
  s.stop();
  CHECK(s.drained());
  for (Client* client : {p.first.get(), p.second.get()}) {
    auto answer = client->read_response();
    REQUIRE(answer.ok);
    CHECK(answer.status == 200);
    CHECK(answer.body.find("Messages") == std::string::npos);
  }
}

TEST_CASE("every loop serves /metrics and refuses a foreign Host") {
  LoopsServer s(2);
  Pinned p = pin_two(s);
  for (Client* client : {p.first.get(), p.second.get()}) {
    REQUIRE(client->send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto metrics = client->read_response();
    CHECK(metrics.status == 200);
    CHECK(metrics.body.find("sluice_open_connections 2") != std::string::npos);
    REQUIRE(
        client->send("POST / HTTP/1.1\r\nHost: rebound.attacker.example\r\nContent-Type: "
                     "application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: "
                     "2\r\n\r\n{}"));
    auto refused = client->read_response();
    CHECK(refused.status == 403);
  }
}
