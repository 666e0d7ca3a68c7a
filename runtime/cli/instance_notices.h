#pragma once
// Watches EC2 instance metadata for the two notices that an instance is about to go away, so a
// worker drains before it does:
//
//   spot/instance-action                  present (200) once a Spot interruption is scheduled:
//                                         {"action": "terminate"|"stop"|"hibernate", "time": ...}
//   autoscaling/target-lifecycle-state    Terminated (scale-in) or Warmed:* (moving to a warm pool)
//
// Each is looked at every `interval` on the watcher's own thread (AWS suggests every 5 seconds
// for Spot: the notice comes two minutes ahead). The first look that finds no metadata service
// at all (not on EC2) ends the watch with one log line; an answer that is merely missing (404:
// no notice, not in a group) is looked at again.
//
// Lifecycle: start() once; `on_notice` runs once, on the watcher thread, for the first notice;
// the destructor stops and joins the thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server_log.h"
#include "sluice/aws/instance_metadata.h"

namespace sluice::cli {

struct InstanceNotice {
  enum class Kind { SpotInterruption, ScaleIn };
  Kind kind = Kind::SpotInterruption;
  std::string detail;  // the instance-action document, or the target lifecycle state
};

// Whether a target lifecycle state means the instance is leaving service.
bool leaves_service(const std::string& target_lifecycle_state);

class InstanceNoticeWatcher {
 public:
  InstanceNoticeWatcher(aws::InstanceMetadataOptions metadata, std::chrono::milliseconds interval,
                        std::shared_ptr<const ServerLog> log, std::function<void(const InstanceNotice&)> on_notice);
  ~InstanceNoticeWatcher();
  InstanceNoticeWatcher(const InstanceNoticeWatcher&) = delete;
  InstanceNoticeWatcher& operator=(const InstanceNoticeWatcher&) = delete;

  void start();

 private:
  void run();

  aws::InstanceMetadata metadata_;
  const std::chrono::milliseconds interval_;
  const std::shared_ptr<const ServerLog> log_;
  const std::function<void(const InstanceNotice&)> on_notice_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice::cli
