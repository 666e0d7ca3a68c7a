// The deployer thread: deploys functions and versions in order and settles their State and
// LastUpdateStatus, retires deleted ones, and starts the stored mappings and Event invocations.

#include "control_plane_impl.h"

namespace sluice::lambda::detail {

void ControlPlaneImpl::wait_idle() {
  std::unique_lock<std::mutex> lock(idle_mu_);
  idle_.wait(lock, [this] { return idle_now(); });
}

void ControlPlaneImpl::enqueue(Job job) {
  jobs_.push_back(std::move(job));
  wake_.notify_one();
}

bool ControlPlaneImpl::idle_now() {
  common::MutexLock lock(mu_);
  return jobs_.empty() && !busy_;
}

void ControlPlaneImpl::run_deployer() {
  while (true) {
    Job job;
    {
      common::MutexLock lock(mu_);
      while (!stopping_ && jobs_.empty()) mu_.wait(wake_);
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
    }
    run(job);
    {
      common::MutexLock lock(mu_);
      busy_ = false;
    }
    std::lock_guard<std::mutex> idle_lock(idle_mu_);
    idle_.notify_all();
  }
}

void ControlPlaneImpl::run(const Job& job) {
  if (job.kind == Job::Kind::StartMappings) {
    mappings_.start_loaded();
    async_.start(store_->load_events());
    return;
  }
  if (job.kind == Job::Kind::Retire) {
    options_.executor->retire(job.version == "$LATEST" ? job.name : job.name + ":" + job.version);
    discard_code({job.discard_code, false});
    return;
  }
  if (job.version != "$LATEST") return deploy_version(job);
  std::optional<FunctionRecord> snapshot;
  {
    common::MutexLock lock(mu_);
    if (auto found = functions_.find(job.name); found != functions_.end()) snapshot = found->second;
  }
  if (!snapshot) return;  // deleted meanwhile
  auto deployed = options_.executor->deploy(*snapshot);
  common::MutexLock lock(mu_);
  auto found = functions_.find(job.name);
  // A later change has its own job; only the record this job deployed is settled here.
  if (found == functions_.end() || found->second.revision_id != snapshot->revision_id) return;
  FunctionRecord& function = found->second;
  if (deployed) {
    if (function.state == "Pending") function.state = "Active";
    function.state_reason.clear();
    function.state_reason_code.clear();
    if (!function.last_update_status.empty()) {
      function.last_update_status = "Successful";
      function.last_update_status_reason.clear();
      function.last_update_status_reason_code.clear();
    }
  } else if (function.state == "Pending") {
    function.state = "Failed";
    function.state_reason = deployed.error();
    function.state_reason_code = "InvalidConfiguration";
  } else {
    function.last_update_status = "Failed";
    function.last_update_status_reason = deployed.error();
    function.last_update_status_reason_code = "InvalidConfiguration";
  }
  (void)persist(function);
  if (deployed) discard_code({job.discard_code, false});
}

}  // namespace sluice::lambda::detail
