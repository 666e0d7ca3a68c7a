#pragma once
// Length-prefixed frames between the host and an isolated worker process, over a stream socket.
//
//   frame   = u32 length (little endian, counts type + body) | u8 type | body
//   body    = a sequence of fields: u8 / u32 / i64 little endian, bytes = u32 length + data
//
// Everything read is bounds-checked: a worker whose memory is corrupt can send anything, and that
// must become a failed invocation, not a crash of the host.

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace sluice::functions::detail {

enum class FrameType : uint8_t {
  Invoke = 1,      // host -> worker: one invocation
  Load = 2,        // host -> worker, first: the handler to load and its configuration (worker_process.h)
  Ready = 10,      // worker -> host: plugin loaded; body: u8 has_sqs_fast_path
  LoadError = 11,  // worker -> host: bytes message
  Log = 12,        // worker -> host: u32 level, bytes text
  Answer = 13,     // worker -> host: u8 kind (0 none, 1 respond, 2 fail), bytes, bytes
};

inline constexpr uint32_t kMaxFrameBytes = 64u << 20;
inline constexpr int64_t kNoDeadline = std::numeric_limits<int64_t>::max();

// A frame as read by a FrameStream: its body lies in the stream's buffer.
struct Frame {
  FrameType type = FrameType::Invoke;
  std::string_view body;
};

class FrameWriter {
 public:
  FrameWriter& u8(uint8_t v);
  FrameWriter& u32(uint32_t v);
  FrameWriter& i64(int64_t v);
  FrameWriter& bytes(std::string_view v);
  const std::string& body() const { return body_; }

 private:
  std::string body_;
};

class FrameReader {
 public:
  explicit FrameReader(std::string_view body) : rest_(body) {}
  bool u8(uint8_t& v);
  bool u32(uint32_t& v);
  bool i64(int64_t& v);
  bool bytes(std::string_view& v);  // view into the body
  bool at_end() const { return rest_.empty(); }

 private:
  bool take(size_t n, std::string_view& out);
  std::string_view rest_;
};

int64_t steady_now_ms();

// Writes a whole frame; false when the peer is gone.
bool write_frame(int fd, FrameType type, std::string_view body);
// The same, the body given in parts that are sent as they are (one gathered write, no copy into
// one buffer): a batch's event, hundreds of kilobytes, goes out from where it was built.
bool write_frame(int fd, FrameType type, std::span<const std::string_view> body_parts);

enum class ReadStatus { Ok, Closed, TimedOut, Malformed, Error };

// Reads the frames of one blocking stream socket through a buffer of its own, so that a frame's
// header and its body (sent in one write) come in with one recv, and a wait is the recv itself,
// without a poll before it: a system call costs microseconds on a virtual machine and a batch
// crosses the socket twice. The buffer keeps its size, grown (as bytes arrive) to the largest
// frame, so a worker allocates (and faults in) its batch buffer once, not per invocation.
//
// A deadline is kept with the socket's receive timeout (SO_RCVTIMEO), set only when it changes:
// waits are cut into slices of kWaitSliceMs, and the last slice is the exact time left.
class FrameStream {
 public:
  explicit FrameStream(int fd) : fd_(fd) {}
  FrameStream(const FrameStream&) = delete;
  FrameStream& operator=(const FrameStream&) = delete;

  // Reads the next frame, waiting at most until `steady_deadline_ms` (steady_now_ms() scale).
  // The frame's body stays valid until the next call.
  ReadStatus next(int64_t steady_deadline_ms, Frame& out);

  static constexpr int64_t kWaitSliceMs = 250;
  static constexpr size_t kInitialBufferBytes = size_t{64} * 1024;

  // The buffer's size now: what reading has cost in memory so far.
  size_t buffer_bytes() const { return buffer_.size(); }

 private:
  // Receives more bytes into the buffer (at least one, unless it fails or times out).
  ReadStatus fill(int64_t steady_deadline_ms, size_t want);
  bool set_receive_timeout(int64_t ms);

  const int fd_;
  std::string buffer_;
  size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  size_t end_ = 0;
  int64_t timeout_ms_ = 0;  // the socket's SO_RCVTIMEO now; 0: none
};

}  // namespace sluice::functions::detail
