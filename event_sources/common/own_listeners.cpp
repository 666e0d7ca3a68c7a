// The registry behind sluice/common/own_listeners.h: a count per port (a port bound twice, on two
// addresses, stays registered until both let go).

#include "sluice/common/own_listeners.h"

#include <algorithm>
#include <vector>

#include "sluice/common/mutex.h"

namespace sluice::common {
namespace {

struct Registry {
  Mutex mu;
  std::vector<uint16_t> ports GUARDED_BY(mu);  // one entry per holder
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: listeners may let go during exit
  return *r;
}

void add(uint16_t port) {
  if (port == 0) return;
  Registry& r = registry();
  MutexLock lock(r.mu);
  r.ports.push_back(port);
}

void remove(uint16_t port) {
  if (port == 0) return;
  Registry& r = registry();
  MutexLock lock(r.mu);
  auto it = std::find(r.ports.begin(), r.ports.end(), port);
  if (it != r.ports.end()) r.ports.erase(it);
}

}  // namespace

bool is_own_listening_port(uint16_t port) {
  Registry& r = registry();
  MutexLock lock(r.mu);
  return std::find(r.ports.begin(), r.ports.end(), port) != r.ports.end();
}

ListeningPort::ListeningPort(uint16_t port) : port_(port) { add(port_); }

ListeningPort::~ListeningPort() { remove(port_); }

ListeningPort& ListeningPort::operator=(ListeningPort&& other) noexcept {
  if (this != &other) {
    remove(port_);
    port_ = other.port_;
    other.port_ = 0;
  }
  return *this;
}

}  // namespace sluice::common
