// The SQS service over real sockets: an ApiServer on 127.0.0.1:0 running its loop on a background
// thread, raw HTTP/1.1 requests in both wire protocols, long polls woken by a send from another
// connection or timing out, and drain answering a parked poll; a call parked while its queue is
// read from the store.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/engine_impl.h"
#include "sluice/api/server/server.h"
#include "sluice/api/sqs_wire/sqs_service.h"

using sluice::api::server::ApiOptions;
using sluice::api::server::ApiServer;
namespace json = boost::json;

namespace {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
};

class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Client() { ::close(fd_); }

  HttpReply send(const std::string& raw) {
    size_t sent = 0;
    while (sent < raw.size()) {
      ssize_t n = ::write(fd_, raw.data() + sent, raw.size() - sent);
      if (n <= 0) FAIL("write failed");
      sent += static_cast<size_t>(n);
    }
    return read_reply();
  }

 private:
  HttpReply read_reply() {
    HttpReply reply;
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) fill();
    std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    reply.status = std::stoi(status_line.substr(9, 3));
    size_t content_length = 0;
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(pos, end - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") content_length = std::stoul(value);
      reply.headers.emplace_back(name, value);
      pos = end + 2;
    }
    while (buffer_.size() < content_length) fill();
    reply.body = buffer_.substr(0, content_length);
    buffer_.erase(0, content_length);
    return reply;
  }

  void fill() {
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) throw std::runtime_error("connection closed or timed out");
    buffer_.append(chunk, static_cast<size_t>(n));
  }

  int fd_;
  std::string buffer_;
};

std::string json_request(const std::string& action, const std::string& body, const std::string& extra_headers = "") {
  return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS." +
         action + "\r\n" + extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string query_request(const std::string& path, const std::string& form, const std::string& extra_headers = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
         extra_headers + "Content-Length: " + std::to_string(form.size()) + "\r\n\r\n" + form;
}

// An engine on the system clock (its own, or one another Service shares) and an ApiServer whose
// loop runs on its own thread.
struct Service {
  std::unique_ptr<sluice::sqs::Engine> own_engine;
  sluice::sqs::Engine* engine = nullptr;
  uv_loop_t loop{};
  uv_async_t stop{};
  uv_async_t probe{};  // asks the loop how many calls are parked
  std::unique_ptr<ApiServer> api;
  std::thread thread;
  std::promise<void> drained;
  std::mutex probe_mu;
  std::condition_variable probe_cv;
  uint64_t probes_answered = 0;  // guarded by probe_mu, as parked_seen
  size_t parked_seen = 0;

  explicit Service(sluice::sqs::Engine* shared = nullptr) : engine(shared) {
    std::string error;
    if (engine == nullptr) {
      sluice::sqs::EngineOptions options;
      options.in_memory = true;
      options.background_housekeeping = false;
      own_engine = sluice::sqs::Engine::open(options, &error);
      REQUIRE(own_engine);
      engine = own_engine.get();
    }
    uv_loop_init(&loop);
    ApiOptions api_options;
    api_options.port = 0;
    api_options.worker_threads = 2;
    api_options.max_body_bytes = 4096;
    api_options.services.push_back(sluice::api::sqs_wire::make_sqs_service(*engine));
    api = ApiServer::start(&loop, std::move(api_options), &error);
    REQUIRE_MESSAGE(api, error);
    stop.data = this;
    uv_async_init(&loop, &stop, [](uv_async_t* handle) {
      auto* self = static_cast<Service*>(handle->data);
      self->api->drain([self] {
        uv_close(reinterpret_cast<uv_handle_t*>(&self->stop), nullptr);
        uv_close(reinterpret_cast<uv_handle_t*>(&self->probe), nullptr);
        self->drained.set_value();
      });
    });
    probe.data = this;
    uv_async_init(&loop, &probe, [](uv_async_t* handle) {
      auto* self = static_cast<Service*>(handle->data);
      const size_t parked = self->api->parked_calls();  // loop thread only
      std::lock_guard lock(self->probe_mu);
      self->parked_seen = parked;
      self->probes_answered++;
      self->probe_cv.notify_all();
    });
    thread = std::thread([this] { uv_run(&loop, UV_RUN_DEFAULT); });
  }

  // Drains from the loop thread; answers once the drain completed.
  void drain() {
    auto done = drained.get_future();
    uv_async_send(&stop);
    REQUIRE(done.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  }

  ~Service() {
    if (thread.joinable()) {
      try {
        drain();
      } catch (...) {
      }
      thread.join();
    }
    api.reset();
    uv_loop_close(&loop);
  }

  int port() const { return api->port(); }

  // Waits until at least `n` calls are parked (long polls the loop holds), asking the loop again
  // after each answer. False when none got there in a generous time.
  bool wait_for_parked(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::unique_lock lock(probe_mu);
    while (std::chrono::steady_clock::now() < deadline) {
      const uint64_t asked = probes_answered;
      uv_async_send(&probe);
      if (!probe_cv.wait_until(lock, deadline, [&] { return probes_answered > asked; })) return false;
      if (parked_seen >= n) return true;
    }
    return false;
  }
};

// A fresh directory under the system's temporary folder, removed with its contents at the end.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-http-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// Holds a mutex from construction until release() or the end of its scope, whichever is first.
// Not checked by the thread-safety analysis: the lock outlives the constructor by design.
class HeldLock {
 public:
  explicit HeldLock(sluice::common::Mutex& mu) NO_THREAD_SAFETY_ANALYSIS : mu_(mu) { mu_.lock(); }
  ~HeldLock() { release(); }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
  void release() NO_THREAD_SAFETY_ANALYSIS {
    if (held_) mu_.unlock();
    held_ = false;
  }

 private:
  sluice::common::Mutex& mu_;
  bool held_ = true;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("HTTP: health, JSON protocol success and error shapes") {
  Service s;
  Client c(s.port());

  auto health = c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(health.status == 200);
  CHECK(health.body == R"({"status":"ok"})");

  auto created = c.send(json_request("CreateQueue", R"({"QueueName":"q1"})"));
  CHECK(created.status == 200);
  CHECK(created.header("content-type") == "application/x-amz-json-1.0");
  CHECK_FALSE(created.header("x-amzn-requestid").empty());
  auto url = std::string(json::parse(created.body).at("QueueUrl").as_string());
  CHECK(url == "http://127.0.0.1/123456789012/q1");

  auto empty_ok = c.send(json_request("PurgeQueue", R"({"QueueUrl":")" + url + R"("})"));
  CHECK(empty_ok.status == 200);
  CHECK(empty_ok.body == "{}");

  auto missing = c.send(json_request("GetQueueUrl", R"({"QueueName":"nope"})"));
  CHECK(missing.status == 400);
  CHECK(missing.header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender");
  auto error = json::parse(missing.body).as_object();
  CHECK(error.at("__type").as_string() == "com.amazonaws.sqs#QueueDoesNotExist");
  CHECK(error.at("message").as_string() == "The specified queue does not exist.");

  auto bad_json = c.send(json_request("ListQueues", "{not json"));
  CHECK(bad_json.status == 400);
  CHECK(json::parse(bad_json.body).at("__type").as_string() == "com.amazonaws.sqs#SerializationException");

  auto unknown = c.send(json_request("Teleport", "{}"));
  CHECK(unknown.status == 400);
  CHECK(json::parse(unknown.body).at("__type").as_string() == "com.amazonaws.sqs#UnknownOperationException");

  auto too_large = c.send(json_request("SendMessage", std::string(5000, ' ')));
  CHECK(too_large.status == 413);
  CHECK(json::parse(too_large.body).at("__type").as_string() == "com.amazonaws.sqs#RequestEntityTooLarge");

  Client after(s.port());  // the server is still up
  CHECK(after.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
}

TEST_CASE("HTTP: Query protocol, queue-path requests, credentials select account and region") {
  Service s;
  Client c(s.port());
  auto created = c.send(query_request("/", "Action=CreateQueue&QueueName=q2&Version=2012-11-05"));
  CHECK(created.status == 200);
  CHECK(created.header("content-type") == "text/xml");
  CHECK(created.body.find("<CreateQueueResponse") != std::string::npos);
  CHECK(created.body.find("<QueueUrl>http://127.0.0.1/123456789012/q2</QueueUrl>") != std::string::npos);

  auto sent = c.send(query_request("/123456789012/q2", "Action=SendMessage&MessageBody=hello&Version=2012-11-05"));
  CHECK(sent.status == 200);
  CHECK(sent.body.find("<MD5OfMessageBody>5d41402abc4b2a76b9719d911017c592</MD5OfMessageBody>") != std::string::npos);

  auto via_get = c.send(
      "GET /?Action=ReceiveMessage&QueueUrl=http%3A%2F%2F127.0.0.1%2F123456789012%2Fq2 HTTP/1.1\r\nHost: "
      "127.0.0.1\r\n\r\n");
  CHECK(via_get.status == 200);
  CHECK(via_get.body.find("<Body>hello</Body>") != std::string::npos);

  auto missing = c.send(query_request("/", "Action=GetQueueUrl&QueueName=nope"));
  CHECK(missing.status == 400);
  CHECK(missing.body.find("<Code>AWS.SimpleQueueService.NonExistentQueue</Code>") != std::string::npos);
  CHECK(missing.body.find("The specified queue does not exist for this wsdl version.") != std::string::npos);

  auto no_action = c.send(query_request("/", "QueueName=x"));
  CHECK(no_action.status == 400);
  CHECK(no_action.body.find("<Code>MissingAction</Code>") != std::string::npos);
  auto bad_action = c.send(query_request("/", "Action=Teleport"));
  CHECK(bad_action.body.find("<Code>InvalidAction</Code>") != std::string::npos);

  std::string auth =
      "Authorization: AWS4-HMAC-SHA256 Credential=111122223333/20240101/eu-west-1/sqs/aws4_request, "
      "SignedHeaders=host, Signature=00\r\n";
  auto other = c.send(json_request("CreateQueue", R"({"QueueName":"theirs"})", auth));
  CHECK(other.status == 200);
  // eu-west-1 is not the server's default region: the URL names it.
  CHECK(std::string(json::parse(other.body).at("QueueUrl").as_string()) ==
        "http://127.0.0.1/eu-west-1/111122223333/theirs");
  auto arn = c.send(json_request(
      "GetQueueAttributes",
      R"({"QueueUrl":"http://127.0.0.1/eu-west-1/111122223333/theirs","AttributeNames":["QueueArn"]})", auth));
  CHECK(json::parse(arn.body).at("Attributes").at("QueueArn").as_string() ==
        "arn:aws:sqs:eu-west-1:111122223333:theirs");
  auto mine = c.send(json_request("ListQueues", R"({"QueueNamePrefix":"theirs"})"));
  CHECK(mine.body == "{}");
}

TEST_CASE("HTTP: a long poll is woken by a send on another connection") {
  Service s;
  Client setup(s.port());
  auto created = setup.send(json_request("CreateQueue", R"({"QueueName":"lp"})"));
  auto url = std::string(json::parse(created.body).at("QueueUrl").as_string());

  auto start = std::chrono::steady_clock::now();
  auto poll = std::async(std::launch::async, [&] {
    Client poller(s.port());
    return poller.send(json_request("ReceiveMessage", R"({"QueueUrl":")" + url + R"(","WaitTimeSeconds":10})"));
  });
  REQUIRE(s.wait_for_parked(1));
  CHECK(poll.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);  // parked, not answered
  auto sent = setup.send(json_request("SendMessage", R"({"QueueUrl":")" + url + R"(","MessageBody":"wake up"})"));
  CHECK(sent.status == 200);
  REQUIRE(poll.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto reply = poll.get();
  CHECK(reply.status == 200);
  CHECK(json::parse(reply.body).at("Messages").at(0).at("Body").as_string() == "wake up");
  CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("HTTP: two loops over one engine: a poll parked on one is woken by a send on the other") {
  Service first;
  Service second(first.engine);  // a second front door, its own loop and thread, the same queues
  Client setup(first.port());
  auto created = setup.send(json_request("CreateQueue", R"({"QueueName":"two-loops"})"));
  auto url = std::string(json::parse(created.body).at("QueueUrl").as_string());

  auto start = std::chrono::steady_clock::now();
  auto poll = std::async(std::launch::async, [&] {
    Client poller(second.port());
    return poller.send(json_request("ReceiveMessage", R"({"QueueUrl":")" + url + R"(","WaitTimeSeconds":10})"));
  });
  REQUIRE(second.wait_for_parked(1));
  CHECK(poll.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);  // parked on the second loop
  CHECK(setup.send(json_request("SendMessage", R"({"QueueUrl":")" + url + R"(","MessageBody":"across"})")).status ==
        200);
  REQUIRE(poll.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto reply = poll.get();
  CHECK(reply.status == 200);
  CHECK(json::parse(reply.body).at("Messages").at(0).at("Body").as_string() == "across");
  CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("HTTP: a long poll with nothing to receive answers empty after WaitTimeSeconds") {
  Service s;
  Client c(s.port());
  c.send(query_request("/", "Action=CreateQueue&QueueName=quiet"));
  auto start = std::chrono::steady_clock::now();
  auto reply = c.send(
      json_request("ReceiveMessage", R"({"QueueUrl":"http://127.0.0.1/123456789012/quiet","WaitTimeSeconds":1})"));
  double elapsed = seconds_since(start);
  CHECK(reply.status == 200);
  CHECK(reply.body == "{}");
  CHECK(elapsed >= 0.9);
  CHECK(elapsed < 4.0);
}

TEST_CASE("HTTP: a delayed message wakes a long poll when its delay ends") {
  Service s;
  Client c(s.port());
  c.send(json_request("CreateQueue", R"({"QueueName":"delayed"})"));
  std::string url = "http://127.0.0.1/123456789012/delayed";
  c.send(json_request("SendMessage", R"({"QueueUrl":")" + url + R"(","MessageBody":"later","DelaySeconds":1})"));
  auto start = std::chrono::steady_clock::now();
  auto reply = c.send(json_request("ReceiveMessage", R"({"QueueUrl":")" + url + R"(","WaitTimeSeconds":5})"));
  double elapsed = seconds_since(start);
  CHECK(reply.status == 200);
  REQUIRE(reply.body.find("later") != std::string::npos);
  CHECK(elapsed < 4.0);
}

TEST_CASE("HTTP: drain answers a parked long poll empty") {
  Service s;
  Client c(s.port());
  c.send(json_request("CreateQueue", R"({"QueueName":"drained"})"));
  auto start = std::chrono::steady_clock::now();
  auto poll = std::async(std::launch::async, [&] {
    Client poller(s.port());
    return poller.send(
        json_request("ReceiveMessage", R"({"QueueUrl":"http://127.0.0.1/123456789012/drained","WaitTimeSeconds":20})"));
  });
  REQUIRE(s.wait_for_parked(1));
  s.drain();
  REQUIRE(poll.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto reply = poll.get();
  CHECK(reply.status == 200);
  CHECK(reply.body == "{}");
  CHECK(seconds_since(start) < 5.0);
  s.thread.join();
}

// A restarted durable engine reads each queue's messages on first use. The loop must not wait for
// that read: a call on a queue still being read is parked, calls on other queues are answered
// meanwhile, and the parked call is answered from the whole queue once the read is done. The test
// holds the queue's internal load mutex, so the read cannot finish until it lets go.
TEST_CASE("HTTP: a call on a queue still being read is parked while other queues are served") {
  const ScratchDir dir;
  sluice::sqs::EngineOptions options;
  options.data_dir = dir.path;
  options.background_housekeeping = false;
  const sluice::sqs::QueueAddress big{"123456789012", "us-east-1", "big"};
  const sluice::sqs::QueueAddress small{"123456789012", "us-east-1", "small"};
  std::string error;
  {
    auto engine = sluice::sqs::Engine::open(options, &error);
    REQUIRE_MESSAGE(engine, error);
    REQUIRE(engine->create_queue(big, {}, {}).ok());
    REQUIRE(engine->create_queue(small, {}, {}).ok());
    for (int i = 0; i < 30; ++i) {
      sluice::sqs::SendMessageRequest request;
      request.body = "stored " + std::to_string(i);
      REQUIRE(engine->send_message(big, request).ok());
    }
  }
  auto engine = sluice::sqs::Engine::open(options, &error);
  REQUIRE_MESSAGE(engine, error);
  auto& impl = dynamic_cast<sluice::sqs::detail::EngineImpl&>(*engine);
  auto big_queue = impl.find_queue(big);
  REQUIRE(big_queue);
  REQUIRE_FALSE(big_queue->loaded.load());
  std::optional<Service> s;                // goes after the read is let go (declared first)
  HeldLock hold_read(big_queue->load_mu);  // before the service starts its background reads
  s.emplace(engine.get());
  const std::string big_url = "http://127.0.0.1/123456789012/big";
  const std::string small_url = "http://127.0.0.1/123456789012/small";
  auto big_receive = std::async(std::launch::async, [&] {
    Client c(s->port());
    return c.send(json_request("ReceiveMessage", R"({"QueueUrl":")" + big_url + R"(","MaxNumberOfMessages":10})"));
  });
  REQUIRE(s->wait_for_parked(1));  // the loop answers while the receive waits for its queue
  Client c(s->port());
  // The first call on the other queue, not yet read either, waits for its read and runs again
  // from its request: a Query form is decoded anew for that second run.
  auto query_sent =
      c.send(query_request("/123456789012/small", "Action=SendMessage&MessageBody=form%20body&Version=2012-11-05"));
  CHECK(query_sent.status == 200);
  CHECK(query_sent.body.find("<MD5OfMessageBody>") != std::string::npos);
  for (int i = 0; i < 3; ++i) {
    auto sent = c.send(json_request("SendMessage", R"({"QueueUrl":")" + small_url + R"(","MessageBody":"now"})"));
    CHECK(sent.status == 200);
  }
  auto got = c.send(json_request("ReceiveMessage", R"({"QueueUrl":")" + small_url + R"(","MaxNumberOfMessages":10})"));
  CHECK(got.status == 200);
  const json::value got_body = json::parse(got.body);
  const auto& received = got_body.at("Messages").as_array();
  CHECK(received.size() == 4);
  bool form_body_seen = false;
  for (const auto& m : received) form_body_seen = form_body_seen || m.at("Body").as_string() == "form body";
  CHECK(form_body_seen);
  // The big queue's counts come from its stored rows, never from an empty queue.
  auto counts = c.send(json_request(
      "GetQueueAttributes", R"({"QueueUrl":")" + big_url + R"(","AttributeNames":["ApproximateNumberOfMessages"]})"));
  CHECK(json::parse(counts.body).at("Attributes").at("ApproximateNumberOfMessages").as_string() == "30");
  CHECK(big_receive.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);

  hold_read.release();  // the read goes ahead; the parked receive runs on the whole queue
  auto reply = big_receive.get();
  CHECK(reply.status == 200);
  CHECK(json::parse(reply.body).at("Messages").as_array().size() == 10);
}
