// Streamed answers (Responder::respond_stream) over real loopback sockets: chunked pieces in
// order, the next pipelined answer after the end, the close callback when the client goes, the
// output cap refusing pieces a client does not take, HTTP/1.0's close-delimited body, and a drain
// that waits for the stream its owner ends.

#include <doctest/doctest.h>

#include "test_client.h"

using namespace sluice::api::http;
using namespace sluice::api::http::test;

namespace {

// Hands out each request's stream (GET /stream) or answers at once (any other path).
struct Streams {
  std::mutex mu;
  std::vector<BodyStreamPtr> streams;
  bool second_answer_taken = false;  // a responder that streamed must refuse a second answer
  BodyStreamPtr at(size_t i) {
    std::lock_guard lock(mu);
    return i < streams.size() ? streams[i] : nullptr;
  }
  size_t size() {
    std::lock_guard lock(mu);
    return streams.size();
  }
};

Handler streaming_handler(Streams& streams) {
  return [&streams](Request&& req, ResponderPtr r) {
    if (req.path != "/stream") {
      r->respond(text(200, "plain " + req.path));
      return;
    }
    Response head;
    head.status = 200;
    head.headers.emplace_back("Content-Type", "application/vnd.amazon.eventstream");
    head.headers.emplace_back("Content-Length", "5");  // not the stream's to say: dropped
    BodyStreamPtr stream = r->respond_stream(std::move(head));
    const bool answered_twice = r->respond_stream(Response{}) != nullptr;
    std::lock_guard lock(streams.mu);
    streams.second_answer_taken = streams.second_answer_taken || answered_twice;
    streams.streams.push_back(std::move(stream));
  };
}

// Reads one chunk ("<hex>\r\n<data>\r\n"); false on a timeout or a malformed chunk.
bool read_chunk(Client& c, std::string& data) {
  std::string line;
  std::string byte;
  while (line.size() < 2 || line.compare(line.size() - 2, 2, "\r\n") != 0) {
    if (!c.read_exact(1, byte)) return false;
    line += byte;
  }
  const size_t size = std::stoul(line.substr(0, line.size() - 2), nullptr, 16);
  std::string crlf;
  return c.read_exact(size, data) && c.read_exact(2, crlf) && crlf == "\r\n";
}

ServerOptions opts() {
  ServerOptions o;
  o.idle_timeout_ms = 10'000;
  return o;
}

}  // namespace

TEST_CASE("a streamed answer goes out chunk by chunk, and the next pipelined answer follows its end") {
  Streams streams;
  LoopServer s(opts(), streaming_handler(streams));
  Client c(s.port());
  REQUIRE(c.send("GET /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n"));
  auto head = c.read_response();  // no Content-Length: the head only
  CHECK(head.status == 200);
  CHECK(head.headers["transfer-encoding"] == "chunked");
  CHECK(head.headers.count("content-length") == 0);
  CHECK(head.headers["content-type"] == "application/vnd.amazon.eventstream");
  REQUIRE(wait_for([&] { return streams.size() == 1; }));
  BodyStreamPtr stream = streams.at(0);
  REQUIRE(stream != nullptr);
  CHECK_FALSE(streams.second_answer_taken);

  CHECK(stream->write("first") == BodyStream::Write::kQueued);
  std::string piece;
  REQUIRE(read_chunk(c, piece));
  CHECK(piece == "first");
  // A piece written from another thread, then one more: they keep their order.
  std::thread([&] { CHECK(stream->write(std::string(20000, 'x')) == BodyStream::Write::kQueued); }).join();
  CHECK(stream->write("third") == BodyStream::Write::kQueued);
  REQUIRE(read_chunk(c, piece));
  CHECK(piece == std::string(20000, 'x'));
  REQUIRE(read_chunk(c, piece));
  CHECK(piece == "third");
  CHECK(c.pending().empty());  // the pipelined answer waits for the stream's end

  stream->end();
  CHECK_FALSE(stream->open());
  CHECK(stream->write("late") == BodyStream::Write::kClosed);
  REQUIRE(read_chunk(c, piece));
  CHECK(piece.empty());  // the last chunk, without trailers
  auto after = c.read_response();
  REQUIRE(after.ok);
  CHECK(after.body == "plain /after");
  CHECK(s.stop());
}

TEST_CASE("a client that goes away closes the stream and runs its close callback") {
  Streams streams;
  ServerOptions o = opts();
  o.half_closed_grace_ms = 100;  // the client's EOF: its stream is given up soon
  LoopServer s(o, streaming_handler(streams));
  std::atomic<int> closed{0};
  {
    Client c(s.port());
    REQUIRE(c.send("GET /stream HTTP/1.1\r\n\r\n"));
    REQUIRE(wait_for([&] { return streams.size() == 1; }));
    streams.at(0)->on_close([&closed] { ++closed; });
    CHECK(c.read_response().status == 200);
  }
  REQUIRE(wait_for([&] { return closed.load() == 1; }));
  CHECK_FALSE(streams.at(0)->open());
  CHECK(streams.at(0)->write("nobody") == BodyStream::Write::kClosed);
  // A callback asked for after the close runs at once (on the loop).
  streams.at(0)->on_close([&closed] { ++closed; });
  REQUIRE(wait_for([&] { return closed.load() == 2; }));
  CHECK(s.stop());
}

TEST_CASE("a stream ended by its writer never runs its close callback") {
  Streams streams;
  LoopServer s(opts(), streaming_handler(streams));
  std::atomic<int> closed{0};
  {
    Client c(s.port());
    REQUIRE(c.send("GET /stream HTTP/1.1\r\n\r\n"));
    REQUIRE(wait_for([&] { return streams.size() == 1; }));
    streams.at(0)->on_close([&closed] { ++closed; });
    streams.at(0)->end();
    CHECK(c.read_response().status == 200);
    std::string piece;
    REQUIRE(read_chunk(c, piece));
    CHECK(piece.empty());
  }
  // The client is gone now too; give the loop a moment to notice.
  std::this_thread::sleep_for(50ms);
  CHECK(closed.load() == 0);
  CHECK(s.stop());
}

TEST_CASE("the output cap refuses pieces a client does not take, and takes them again once it reads") {
  Streams streams;
  ServerOptions o = opts();
  o.max_output_bytes = 64 * 1024;
  LoopServer s(o, streaming_handler(streams));
  Client c(s.port(), 3000, 4096);
  REQUIRE(c.send("GET /stream HTTP/1.1\r\n\r\n"));
  REQUIRE(wait_for([&] { return streams.size() == 1; }));
  BodyStreamPtr stream = streams.at(0);
  const std::string piece(8 * 1024, 'p');
  size_t queued = 0;
  bool full = false;
  // The socket buffers take some; the cap stops the rest. Bounded: 4 MiB of pieces at most.
  for (int i = 0; i < 512 && !full; ++i) {
    const auto result = stream->write(piece);
    if (result == BodyStream::Write::kFull) {
      full = true;
    } else {
      REQUIRE(result == BodyStream::Write::kQueued);
      ++queued;
      std::this_thread::sleep_for(1ms);  // lets the loop take pieces in and publish its backlog
    }
  }
  REQUIRE(full);
  CHECK(queued >= 1);
  // The client reads what was queued: the stream takes pieces again.
  CHECK(c.read_response().status == 200);
  std::string data;
  for (size_t i = 0; i < queued; ++i) {
    REQUIRE(read_chunk(c, data));
    CHECK(data == piece);
  }
  CHECK(wait_for([&] { return stream->write(piece) == BodyStream::Write::kQueued; }));
  stream->end();
  CHECK(s.stop());
}

TEST_CASE("an HTTP/1.0 client gets the body unframed, ended by the connection's close") {
  Streams streams;
  LoopServer s(opts(), streaming_handler(streams));
  Client c(s.port());
  REQUIRE(c.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  REQUIRE(wait_for([&] { return streams.size() == 1; }));
  auto head = c.read_response();
  CHECK(head.status == 200);
  CHECK(head.headers.count("transfer-encoding") == 0);
  CHECK(head.headers["connection"] == "close");
  streams.at(0)->write("raw bytes");
  streams.at(0)->end();
  std::string body;
  REQUIRE(c.read_exact(9, body));
  CHECK(body == "raw bytes");
  CHECK(c.closed_by_server());
  CHECK(s.stop());
}

TEST_CASE("an HTTP/1.0 stream ended after its last piece went out still closes the connection") {
  Streams streams;
  LoopServer s(opts(), streaming_handler(streams));
  Client c(s.port());
  REQUIRE(c.send("GET /stream HTTP/1.0\r\n\r\n"));
  REQUIRE(wait_for([&] { return streams.size() == 1; }));
  CHECK(c.read_response().status == 200);
  streams.at(0)->write("all of it");
  std::string body;
  REQUIRE(c.read_exact(9, body));  // written before the end is posted: the end sends nothing
  streams.at(0)->end();
  CHECK(c.closed_by_server());
  CHECK(s.stop());
}

TEST_CASE("a drain waits for the open stream its owner ends from on_drain") {
  Streams streams;
  ServerOptions o = opts();
  o.on_drain = [&streams] {
    for (size_t i = 0; i < streams.size(); ++i) streams.at(i)->end();
  };
  LoopServer s(o, streaming_handler(streams));
  Client c(s.port());
  REQUIRE(c.send("GET /stream HTTP/1.1\r\n\r\n"));
  REQUIRE(wait_for([&] { return streams.size() == 1; }));
  CHECK(c.read_response().status == 200);
  CHECK(s.stop());
  std::string piece;
  REQUIRE(read_chunk(c, piece));
  CHECK(piece.empty());
}
