// See function_logs.h.

#include "function_logs.h"

#include <cstdio>
#include <ctime>
#include <map>

#include "sluice/common/mutex.h"

namespace sluice::cli {
namespace {

// The stream of each environment, named once; forgotten wholesale past a bound (a forgotten
// environment that logs again gets today's date in its name, which is what Lambda's would show
// for a new environment anyway).
class StreamNames {
 public:
  std::string of(const std::string& environment_id, int64_t first_seen_ms) {
    common::MutexLock lock(mu_);
    auto it = names_.find(environment_id);
    if (it != names_.end()) return it->second;
    if (names_.size() >= kMaxRemembered) names_.clear();
    return names_.emplace(environment_id, lambda_log_stream_name(first_seen_ms, environment_id)).first->second;
  }

 private:
  static constexpr size_t kMaxRemembered = 10000;
  common::Mutex mu_;
  std::map<std::string, std::string> names_ GUARDED_BY(mu_);
};

}  // namespace

std::string lambda_log_stream_name(int64_t ms, const std::string& environment_id) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[48];
  std::snprintf(date, sizeof date, "%04d/%02d/%02d", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
  return std::string(date) + "/[$LATEST]" + environment_id;
}

functions::InvocationRecordSink function_log_sink(std::shared_ptr<logs::LogIngest> ingest) {
  auto names = std::make_shared<StreamNames>();
  return [ingest = std::move(ingest), names](functions::InvocationLogRecord record) {
    if (record.lines.empty()) return;
    std::vector<logs::InputEvent> events;
    events.reserve(record.lines.size());
    for (auto& [ms, line] : record.lines) {
      // CloudWatch Logs refuses empty messages; Lambda writes a blank output line as a newline.
      events.push_back({ms, line.empty() ? std::string("\n") : std::move(line)});
    }
    const std::string stream = names->of(record.environment_id, events.front().timestamp_ms);
    ingest->submit("/aws/lambda/" + record.function_name, stream, std::move(events));
  };
}

}  // namespace sluice::cli
