// Shared helpers of the benchmark modes (see common.h).

#include "common.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace bench_http {

namespace {

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

Fields& Fields::add(const std::string& key, const std::string& value) {
  text_ += "," + json_quote(key) + ":" + json_quote(value);
  return *this;
}
Fields& Fields::add(const std::string& key, double value) {
  text_ += "," + json_quote(key) + ":" + number(value);
  return *this;
}
Fields& Fields::add(const std::string& key, int64_t value) {
  text_ += "," + json_quote(key) + ":" + std::to_string(value);
  return *this;
}
Fields& Fields::add(const std::string& key, bool value) {
  text_ += "," + json_quote(key) + ":" + (value ? "true" : "false");
  return *this;
}

void emit(const std::string& bench, const std::string& figure, double value, const std::string& unit,
          const Fields& fields) {
  std::printf("{\"bench\":%s,\"figure\":%s,\"value\":%s,\"unit\":%s%s}\n", json_quote(bench).c_str(),
              json_quote(figure).c_str(), number(value).c_str(), json_quote(unit).c_str(), fields.text().c_str());
  std::fflush(stdout);
}

void emit_skip(const std::string& bench, const std::string& target, const std::string& reason) {
  std::printf("{\"bench\":%s,\"target\":%s,\"skipped\":true,\"reason\":%s}\n", json_quote(bench).c_str(),
              json_quote(target).c_str(), json_quote(reason).c_str());
  std::fflush(stdout);
}

Response call(Loop& loop, Conn& conn, std::string request, int64_t timeout_ns) {
  Response result;
  bool done = false;
  conn.send(std::move(request), [&](Response& r, int64_t) {
    result = std::move(r);
    done = true;
  });
  if (!loop.run([&] { return done; }, now_ns() + timeout_ns)) {
    result.status = 0;
    result.body = "timed out";
  }
  return result;
}

std::string create_queue(Loop& loop, Conn& conn, const Endpoint& ep, const std::string& name, std::string* error) {
  Response r = call(loop, conn, create_queue_request(ep, name));
  std::string url = r.status == 200 ? queue_url_of(ep.protocol, r.body) : std::string();
  if (url.empty()) *error = "CreateQueue " + name + " -> " + std::to_string(r.status) + " " + r.body.substr(0, 300);
  return url;
}

namespace {

// The whole of a small /proc file ("" if unreadable). Plain read(2): procfs files are short and
// iostreams trip GCC 12's -Wnull-dereference in optimised builds.
std::string read_proc(const std::string& path) {
  std::string text;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return text;
}

}  // namespace

std::string message_body(size_t n) {
  std::string body(n, 'x');
  for (size_t i = 0; i < n; ++i) body[i] = static_cast<char>('A' + (i * 7) % 58);
  for (auto& c : body)
    if (c == '\\' || c == '`' || c == '^' || c == '[' || c == ']') c = 'q';
  return body;
}

int64_t resident_kib(int pid) {
  std::string text = read_proc("/proc/" + std::to_string(pid) + "/status");
  size_t at = text.find("\nVmRSS:");
  return at == std::string::npos ? -1 : std::atoll(text.c_str() + at + 7);
}

int thread_count(int pid) {
  std::string text = read_proc("/proc/" + std::to_string(pid) + "/status");
  size_t at = text.find("\nThreads:");
  return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + 9);
}

double process_cpu_seconds(int pid) {
  std::string text = read_proc("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = text.rfind(')');  // the command name may contain spaces
  if (paren == std::string::npos) return -1;
  // Fields after ") " start at field 3 (state); utime and stime are fields 14 and 15.
  const char* p = text.c_str() + paren + 2;
  for (int field = 3; field < 14 && *p; ++field) {
    while (*p && *p != ' ') ++p;
    while (*p == ' ') ++p;
  }
  char* end = nullptr;
  long long utime = std::strtoll(p, &end, 10);
  long long stime = std::strtoll(end, nullptr, 10);
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

int64_t raise_fd_limit() {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  getrlimit(RLIMIT_NOFILE, &lim);
  return static_cast<int64_t>(lim.rlim_cur);
}

bool parse_endpoint(const std::string& text, Endpoint* out) {
  std::vector<std::string> parts;
  size_t from = 0;
  for (size_t colon; (colon = text.find(':', from)) != std::string::npos; from = colon + 1) {
    parts.push_back(text.substr(from, colon - from));
  }
  parts.push_back(text.substr(from));
  if (parts.size() < 3 || parts.size() > 4) return false;
  out->name = parts[0];
  if (parts[1] == "json") out->protocol = Protocol::kJson;
  else if (parts[1] == "query") out->protocol = Protocol::kQuery;
  else return false;
  out->port = std::atoi(parts[2].c_str());
  if (out->port <= 0 || out->port > 65535) return false;
  out->sign = parts.size() == 4 && parts[3] == "signed";
  return parts.size() == 3 || out->sign;
}

}  // namespace bench_http
