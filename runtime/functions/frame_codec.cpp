// Frame encoding and blocking socket I/O with a deadline; see frame_codec.h.
#include "frame_codec.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace sluice::functions::detail {
namespace {

void put_le(std::string& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
}

uint64_t get_le(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < in.size(); ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

bool known_type(uint8_t t) {
  switch (static_cast<FrameType>(t)) {
    case FrameType::Invoke:
    case FrameType::Ready:
    case FrameType::LoadError:
    case FrameType::Log:
    case FrameType::Answer:
      return true;
  }
  return false;
}

// Reads exactly n bytes into out.
ReadStatus read_exact(int fd, char* out, size_t n, int64_t deadline) {
  size_t got = 0;
  while (got < n) {
    int wait = -1;
    if (deadline != kNoDeadline) {
      int64_t left = deadline - steady_now_ms();
      if (left <= 0) return ReadStatus::TimedOut;
      wait = left > 1'000'000 ? 1'000'000 : static_cast<int>(left);
    }
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, wait);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return ReadStatus::Error;
    if (rc == 0) continue;  // re-check the deadline
    ssize_t r = ::read(fd, out + got, n - got);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r < 0) return ReadStatus::Error;
    if (r == 0) return ReadStatus::Closed;
    got += static_cast<size_t>(r);
  }
  return ReadStatus::Ok;
}

}  // namespace

FrameWriter& FrameWriter::u8(uint8_t v) {
  put_le(body_, v, 1);
  return *this;
}
FrameWriter& FrameWriter::u32(uint32_t v) {
  put_le(body_, v, 4);
  return *this;
}
FrameWriter& FrameWriter::i64(int64_t v) {
  put_le(body_, static_cast<uint64_t>(v), 8);
  return *this;
}
FrameWriter& FrameWriter::bytes(std::string_view v) {
  u32(static_cast<uint32_t>(v.size()));
  body_.append(v);
  return *this;
}

bool FrameReader::take(size_t n, std::string_view& out) {
  if (rest_.size() < n) return false;
  out = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return true;
}
bool FrameReader::u8(uint8_t& v) {
  std::string_view s;
  if (!take(1, s)) return false;
  v = static_cast<uint8_t>(get_le(s));
  return true;
}
bool FrameReader::u32(uint32_t& v) {
  std::string_view s;
  if (!take(4, s)) return false;
  v = static_cast<uint32_t>(get_le(s));
  return true;
}
bool FrameReader::i64(int64_t& v) {
  std::string_view s;
  if (!take(8, s)) return false;
  v = static_cast<int64_t>(get_le(s));
  return true;
}
bool FrameReader::bytes(std::string_view& v) {
  uint32_t n = 0;
  return u32(n) && take(n, v);
}

int64_t steady_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool write_frame(int fd, FrameType type, std::string_view body) {
  if (body.size() + 1 > kMaxFrameBytes) return false;
  std::string frame;
  frame.reserve(body.size() + 5);
  put_le(frame, body.size() + 1, 4);
  frame.push_back(static_cast<char>(type));
  frame.append(body);
  size_t done = 0;
  while (done < frame.size()) {
    // send with MSG_NOSIGNAL: a dead peer must give an error, not SIGPIPE the process.
    ssize_t w = ::send(fd, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

ReadStatus read_frame(int fd, int64_t steady_deadline_ms, Frame& out) {
  char header[5];
  ReadStatus s = read_exact(fd, header, sizeof header, steady_deadline_ms);
  if (s != ReadStatus::Ok) return s;
  auto length = static_cast<uint32_t>(get_le(std::string_view(header, 4)));
  auto type = static_cast<uint8_t>(header[4]);
  if (length == 0 || length > kMaxFrameBytes || !known_type(type)) return ReadStatus::Malformed;
  out.type = static_cast<FrameType>(type);
  out.body.resize(length - 1);
  s = read_exact(fd, out.body.data(), out.body.size(), steady_deadline_ms);
  return s;
}

}  // namespace sluice::functions::detail
