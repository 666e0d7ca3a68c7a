// Frame encoding and blocking socket I/O with a deadline; see frame_codec.h.
#include "frame_codec.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
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
  return write_frame(fd, type, std::span<const std::string_view>(&body, 1));
}

bool write_frame(int fd, FrameType type, std::span<const std::string_view> body_parts) {
  constexpr size_t kMaxParts = 8;
  if (body_parts.size() + 1 > kMaxParts) return false;
  size_t body_size = 0;
  for (std::string_view part : body_parts) body_size += part.size();
  if (body_size + 1 > kMaxFrameBytes) return false;
  std::string header;
  put_le(header, body_size + 1, 4);
  header.push_back(static_cast<char>(type));
  // Header and body leave in one sendmsg, without copying the body (a batch's event) into a frame.
  iovec parts[kMaxParts];
  size_t count = 0;
  parts[count++] = {header.data(), header.size()};
  for (std::string_view part : body_parts)
    if (!part.empty()) parts[count++] = {const_cast<char*>(part.data()), part.size()};
  size_t done = 0;
  const size_t total = header.size() + body_size;
  while (done < total) {
    msghdr message{};
    iovec rest[kMaxParts];
    size_t left = 0;
    // Skip what was sent already.
    size_t skip = done;
    for (size_t i = 0; i < count; ++i) {
      if (skip >= parts[i].iov_len) {
        skip -= parts[i].iov_len;
        continue;
      }
      rest[left++] = {static_cast<char*>(parts[i].iov_base) + skip, parts[i].iov_len - skip};
      skip = 0;
    }
    message.msg_iov = rest;
    message.msg_iovlen = left;
    // MSG_NOSIGNAL: a dead peer must give an error, not SIGPIPE the process.
    ssize_t w = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

ReadStatus FrameStream::next(int64_t steady_deadline_ms, Frame& out) {
  while (end_ - begin_ < 5) {
    ReadStatus s = fill(steady_deadline_ms, 5);
    if (s != ReadStatus::Ok) return s;
  }
  const auto length = static_cast<uint32_t>(get_le(std::string_view(buffer_.data() + begin_, 4)));
  const auto type = static_cast<uint8_t>(buffer_[begin_ + 4]);
  if (length == 0 || length > kMaxFrameBytes || !known_type(type)) return ReadStatus::Malformed;
  const size_t frame_bytes = 4 + static_cast<size_t>(length);
  while (end_ - begin_ < frame_bytes) {
    ReadStatus s = fill(steady_deadline_ms, frame_bytes);
    if (s != ReadStatus::Ok) return s;
  }
  out.type = static_cast<FrameType>(type);
  out.body = std::string_view(buffer_.data() + begin_ + 5, length - 1);
  begin_ += frame_bytes;
  return ReadStatus::Ok;
}

ReadStatus FrameStream::fill(int64_t steady_deadline_ms, size_t want) {
  if (begin_ == end_) begin_ = end_ = 0;
  if (buffer_.size() - begin_ < want && begin_ > 0) {  // make room for the whole frame: unread bytes to the front
    buffer_.erase(0, begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {
    // Grow as the frame's bytes arrive, doubling up to its size, not to the length its header
    // announces: a peer that announces 64 MB and sends five bytes costs the first 64 KiB only.
    buffer_.resize(std::max(kInitialBufferBytes, std::min(want, 2 * buffer_.size())));
  }
  for (;;) {
    if (steady_deadline_ms != kNoDeadline) {
      const int64_t left = steady_deadline_ms - steady_now_ms();
      if (left <= 0) return ReadStatus::TimedOut;
      if (!set_receive_timeout(std::min(left, kWaitSliceMs))) return ReadStatus::Error;
    } else if (!set_receive_timeout(0)) {
      return ReadStatus::Error;
    }
    // As much as the buffer holds: the rest of this frame and, on the host, frames behind it.
    ssize_t r = ::recv(fd_, buffer_.data() + end_, buffer_.size() - end_, 0);
    if (r > 0) {
      end_ += static_cast<size_t>(r);
      return ReadStatus::Ok;
    }
    if (r == 0) return ReadStatus::Closed;
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;  // the slice ended: check the deadline
    return ReadStatus::Error;
  }
}

bool FrameStream::set_receive_timeout(int64_t ms) {
  // Only a change costs a system call: waits of a whole slice, the common case, set it once.
  if (ms == timeout_ms_) return true;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  if (ms > 0 && tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1000;
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) return false;
  timeout_ms_ = ms;
  return true;
}

}  // namespace sluice::functions::detail
