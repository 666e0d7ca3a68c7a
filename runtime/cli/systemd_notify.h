#pragma once
// The service manager's readiness protocol (systemd Type=notify), through libsystemd's sd_notify:
// READY=1 once the process serves, STOPPING=1 when it starts to drain, and WATCHDOG=1 every half
// of WATCHDOG_USEC while it runs, when the unit sets WatchdogSec=. Outside systemd (no
// NOTIFY_SOCKET) every call does nothing.
//
// Threads: the watchdog pings from a thread of its own, which the destructor stops; ready() and
// stopping() may be called from any thread.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace sluice::cli {

class SystemdNotifier {
 public:
  SystemdNotifier();
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  void ready(const std::string& status);
  void stopping(const std::string& status);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_thread_ = false;
  std::thread watchdog_;
};

}  // namespace sluice::cli
