// Fuzzes the frame codec between the host and an isolated worker process (runtime/functions/
// frame_codec.h): a worker whose memory is corrupt can send any bytes, and the host must turn them
// into frames or a refusal, never a crash or a read past what arrived.
//
// Input: the bytes a worker sends, written whole into one end of a socket pair that is then shut
// for writing; the host's FrameStream reads frames from the other end until it stops. Invariants:
// - every frame read is exactly the bytes at its place in the input (length = type + body, a known
//   type), and reading stops with Closed at a frame boundary or at a cut-short frame, or with
//   Malformed at a header it refuses: never an error;
// - each body is read with FrameReader as its reader (host or worker) reads that frame type; what it reads, written
//   again with FrameWriter, is the body's prefix byte for byte;
// - write_frame of a frame read and FrameStream::next give back the same frame.

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "frame_codec.h"

namespace {

namespace detail = sluice::functions::detail;
using detail::FrameType;

void check(bool condition) {
  if (!condition) std::abort();
}

struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() { check(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0); }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
};

// Reads a body the way its reader (host or worker) reads that frame type, writes what it read again, and checks
// that the copy is the body's prefix.
void reread(const detail::Frame& frame) {
  detail::FrameReader reader(frame.body);
  detail::FrameWriter copy;
  uint8_t u8 = 0;
  uint32_t u32 = 0;
  std::string_view first, second;
  switch (frame.type) {
    case FrameType::Answer:
      if (!reader.u8(u8)) return;
      copy.u8(u8);
      if (!reader.bytes(first)) break;
      copy.bytes(first);
      if (!reader.bytes(second)) break;
      copy.bytes(second);
      break;
    case FrameType::Log:
      if (!reader.u32(u32)) return;
      copy.u32(u32);
      if (reader.bytes(first)) copy.bytes(first);
      break;
    case FrameType::Ready:
      if (reader.u8(u8)) copy.u8(u8);
      break;
    case FrameType::LoadError:
      if (reader.bytes(first)) copy.bytes(first);
      break;
    case FrameType::Invoke: {  // the worker's side: request id, function ARN, deadline, event
      int64_t deadline = 0;
      if (!reader.bytes(first)) return;
      copy.bytes(first);
      if (!reader.bytes(second)) break;
      copy.bytes(second);
      if (!reader.i64(deadline)) break;
      copy.i64(deadline);
      if (reader.bytes(first)) copy.bytes(first);
      break;
    }
    case FrameType::Load:  // the worker's side: handler path, name, ARN, memory, timeout
      if (!reader.bytes(first)) return;
      copy.bytes(first);
      if (!reader.bytes(second)) break;
      copy.bytes(second);
      if (!reader.bytes(first)) break;
      copy.bytes(first);
      if (!reader.u32(u32)) break;
      copy.u32(u32);
      if (reader.u32(u32)) copy.u32(u32);
      break;
  }
  check(frame.body.substr(0, copy.body().size()) == copy.body());
}

// write_frame, then next: the same frame comes back.
void round_trip(const detail::Frame& frame) {
  SocketPair pair;
  check(detail::write_frame(pair.fds[1], frame.type, frame.body));
  detail::FrameStream stream(pair.fds[0]);
  detail::Frame back;
  check(stream.next(detail::kNoDeadline, back) == detail::ReadStatus::Ok);
  check(back.type == frame.type && back.body == frame.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  SocketPair pair;
  size_t written = 0;
  while (written < input.size()) {  // a few kilobytes: the socket's buffer holds them all
    const ssize_t n = ::write(pair.fds[1], input.data() + written, input.size() - written);
    check(n > 0);
    written += static_cast<size_t>(n);
  }
  ::shutdown(pair.fds[1], SHUT_WR);

  detail::FrameStream stream(pair.fds[0]);
  size_t offset = 0;
  for (;;) {
    detail::Frame frame;
    // No deadline: the input is all written and the writer shut, so a read ends; a deadline would
    // only measure how loaded the machine is.
    const detail::ReadStatus status = stream.next(detail::kNoDeadline, frame);
    // The buffer grows with what arrived, whatever a header announces.
    check(stream.buffer_bytes() <= std::max(detail::FrameStream::kInitialBufferBytes, 2 * input.size()));
    if (status != detail::ReadStatus::Ok) {
      check(status == detail::ReadStatus::Closed || status == detail::ReadStatus::Malformed);
      if (status == detail::ReadStatus::Malformed) check(input.size() - offset >= 5);
      break;
    }
    const std::string_view at = input.substr(offset);
    check(at.size() >= 5 + frame.body.size());
    const uint32_t length = static_cast<uint32_t>(static_cast<uint8_t>(at[0])) |
                            static_cast<uint32_t>(static_cast<uint8_t>(at[1])) << 8 |
                            static_cast<uint32_t>(static_cast<uint8_t>(at[2])) << 16 |
                            static_cast<uint32_t>(static_cast<uint8_t>(at[3])) << 24;
    check(length == frame.body.size() + 1 && length <= detail::kMaxFrameBytes);
    check(static_cast<uint8_t>(at[4]) == static_cast<uint8_t>(frame.type));
    check(at.substr(5, frame.body.size()) == frame.body);
    reread(frame);
    round_trip(frame);
    offset += 5 + frame.body.size();
  }
  return 0;
}
