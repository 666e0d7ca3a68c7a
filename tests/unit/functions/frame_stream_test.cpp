// FrameStream (frame_codec.h): frames read through one buffer from a stream socket, whatever way
// the bytes arrive, with the deadline kept by the socket's receive timeout.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <thread>

#include "frame_codec.h"

using namespace sluice::functions::detail;

namespace {

struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0); }
  ~SocketPair() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  void close_writer() {
    ::close(fds[1]);
    fds[1] = -1;
  }
};

// The bytes of one whole frame (frame_codec.h: u32 length of type + body, little endian; type; body).
std::string frame_bytes(FrameType type, std::string_view body) {
  const auto length = static_cast<uint32_t>(body.size() + 1);
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xFFu));
  out.push_back(static_cast<char>(type));
  out.append(body);
  return out;
}

}  // namespace

TEST_CASE("several frames in one write, and a frame in pieces, are read whole and in order") {
  SocketPair p;
  FrameStream stream(p.fds[0]);
  const std::string big(200'000, 'b');  // more than the buffer starts with
  std::string bytes = frame_bytes(FrameType::Log, "first") + frame_bytes(FrameType::Answer, "second");
  REQUIRE(::send(p.fds[1], bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));

  Frame f;
  REQUIRE(stream.next(kNoDeadline, f) == ReadStatus::Ok);
  CHECK(f.type == FrameType::Log);
  CHECK(f.body == "first");
  REQUIRE(stream.next(kNoDeadline, f) == ReadStatus::Ok);
  CHECK(f.type == FrameType::Answer);
  CHECK(f.body == "second");

  // A large frame written a few bytes at a time from another thread.
  std::string large = frame_bytes(FrameType::Invoke, big);
  std::thread writer([&] {
    for (size_t at = 0; at < large.size();) {
      size_t n = std::min<size_t>(at < 16 ? 3 : 65'536, large.size() - at);
      ssize_t w = ::send(p.fds[1], large.data() + at, n, 0);
      if (w <= 0) return;
      at += static_cast<size_t>(w);
    }
  });
  REQUIRE(stream.next(steady_now_ms() + 10'000, f) == ReadStatus::Ok);
  writer.join();
  CHECK(f.type == FrameType::Invoke);
  CHECK(f.body == big);
}

TEST_CASE("a gathered write is one frame of its parts") {
  SocketPair p;
  FrameStream stream(p.fds[0]);
  const std::string_view parts[] = {"head|", "", "event|", "tail"};
  REQUIRE(write_frame(p.fds[1], FrameType::Invoke, parts));
  Frame f;
  REQUIRE(stream.next(kNoDeadline, f) == ReadStatus::Ok);
  CHECK(f.body == "head|event|tail");
}

TEST_CASE("a deadline ends the wait; a closed peer and a malformed header are told apart") {
  SocketPair p;
  FrameStream stream(p.fds[0]);
  Frame f;
  const int64_t start = steady_now_ms();
  CHECK(stream.next(start + 300, f) == ReadStatus::TimedOut);
  const int64_t waited = steady_now_ms() - start;
  CHECK(waited >= 300);
  CHECK(waited < 300 + 5'000);  // generous: a loaded machine

  // After a timed wait, an untimed one still blocks until data comes (the timeout is cleared).
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(FrameStream::kWaitSliceMs * 2));
    (void)write_frame(p.fds[1], FrameType::Ready, "r");
  });
  REQUIRE(stream.next(kNoDeadline, f) == ReadStatus::Ok);
  writer.join();
  CHECK(f.body == "r");

  const char bad[] = {2, 0, 0, 0, 99, 0};  // type 99 is no frame type
  REQUIRE(::send(p.fds[1], bad, sizeof bad, 0) == static_cast<ssize_t>(sizeof bad));
  CHECK(stream.next(kNoDeadline, f) == ReadStatus::Malformed);

  SocketPair q;
  FrameStream closed(q.fds[0]);
  q.close_writer();
  CHECK(closed.next(kNoDeadline, f) == ReadStatus::Closed);
}

TEST_CASE("a header that announces a huge frame costs memory only as its bytes arrive") {
  SocketPair p;
  FrameStream stream(p.fds[0]);
  // The header of a frame of kMaxFrameBytes (the largest allowed), then 100 bytes of its body.
  std::string bytes;
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((kMaxFrameBytes >> (8 * i)) & 0xFFu));
  bytes.push_back(static_cast<char>(FrameType::Answer));
  bytes.append(100, 'a');
  REQUIRE(::send(p.fds[1], bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  p.close_writer();
  Frame f;
  CHECK(stream.next(kNoDeadline, f) == ReadStatus::Closed);
  CHECK(stream.buffer_bytes() == FrameStream::kInitialBufferBytes);

  // A real large frame still arrives whole; the buffer grows to about its size, not past double.
  SocketPair q;
  FrameStream large(q.fds[0]);
  const std::string body(1'000'000, 'b');
  std::thread writer([&] { CHECK(write_frame(q.fds[1], FrameType::Invoke, body)); });
  REQUIRE(large.next(kNoDeadline, f) == ReadStatus::Ok);
  writer.join();
  CHECK(f.body == body);
  CHECK(large.buffer_bytes() >= 5 + body.size());
  CHECK(large.buffer_bytes() <= 2 * (5 + body.size()));
}
