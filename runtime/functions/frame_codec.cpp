// Frame encoding and blocking socket I/O with a deadline; see frame_codec.h.
#include "frame_codec.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
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
    case FrameType::Load:
    case FrameType::Ready:
    case FrameType::LoadError:
    case FrameType::Log:
    case FrameType::Answer:
      return true;
  }
  return false;
}

// Reads exactly n bytes into out. A frame's header is usually awaited (the peer is still working),
// so `wait_first` polls before reading; its body was sent with the header and is almost always
// there already, so it is read at once and the poll is only paid when it is not (a poll per read
// cost one more system call per frame on the dispatch path).
ReadStatus read_exact(int fd, char* out, size_t n, int64_t deadline, bool wait_first) {
  size_t got = 0;
  bool readable = !wait_first;
  while (got < n) {
    if (readable) {
      ssize_t r = ::recv(fd, out + got, n - got, MSG_DONTWAIT);
      if (r > 0) {
        got += static_cast<size_t>(r);
        continue;
      }
      if (r == 0) return ReadStatus::Closed;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return ReadStatus::Error;
    }
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
    readable = rc > 0;  // readable or hung up: the recv says which; 0: re-check the deadline
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
  std::string header;
  put_le(header, body.size() + 1, 4);
  header.push_back(static_cast<char>(type));
  // Header and body leave in one sendmsg, without copying the body (a batch's event) into a frame.
  iovec parts[2] = {{header.data(), header.size()}, {const_cast<char*>(body.data()), body.size()}};
  size_t done = 0;
  const size_t total = header.size() + body.size();
  while (done < total) {
    msghdr message{};
    iovec rest[2];
    int count = 0;
    // Skip what was sent already.
    size_t skip = done;
    for (const iovec& part : parts) {
      if (skip >= part.iov_len) {
        skip -= part.iov_len;
        continue;
      }
      rest[count++] = {static_cast<char*>(part.iov_base) + skip, part.iov_len - skip};
      skip = 0;
    }
    message.msg_iov = rest;
    message.msg_iovlen = static_cast<size_t>(count);
    // MSG_NOSIGNAL: a dead peer must give an error, not SIGPIPE the process.
    ssize_t w = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

ReadStatus read_frame(int fd, int64_t steady_deadline_ms, Frame& out) {
  char header[5];
  ReadStatus s = read_exact(fd, header, sizeof header, steady_deadline_ms, true);
  if (s != ReadStatus::Ok) return s;
  auto length = static_cast<uint32_t>(get_le(std::string_view(header, 4)));
  auto type = static_cast<uint8_t>(header[4]);
  if (length == 0 || length > kMaxFrameBytes || !known_type(type)) return ReadStatus::Malformed;
  out.type = static_cast<FrameType>(type);
  out.body.resize(length - 1);
  s = read_exact(fd, out.body.data(), out.body.size(), steady_deadline_ms, false);
  return s;
}

}  // namespace sluice::functions::detail
