// A FIFO order processor. Each record's body is {"customer": GROUP, "seq": N}; the handler logs
// "GROUP/N" and appends the same line to the file named by the PROCESSED_LOG environment variable
// (from the function's Environment.Variables, which the host hands to init: a plugin shares the
// process, so they are not in the process environment), so the run script can check that every
// message group was processed in the order it was sent. The handler declares itself safe to run
// concurrently, so the mapping's several batches (one per message group in flight) really overlap;
// it sleeps briefly per batch to make that overlap likely.
#include <sluice/handler.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<int> in_flight{0};

// One write() per batch on an O_APPEND descriptor: lines of concurrent batches never interleave.
void append(const std::string& path, const std::string& lines) {
  if (path.empty() || lines.empty()) return;
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  ssize_t written = ::write(fd, lines.data(), lines.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(lines.size())) throw std::runtime_error("cannot write " + path);
}

sluice::handler::Result process(const std::vector<sluice::handler::SqsRecord>& records, sluice::handler::Context& ctx) {
  int concurrent = ++in_flight;
  std::string lines;
  for (const auto& record : records) {
    const auto body = boost::json::parse(record.body).as_object();
    std::string entry = std::string(body.at("customer").as_string()) + "/" + std::to_string(body.at("seq").as_int64());
    ctx.log(entry + " (group " + std::string(record.attribute("MessageGroupId")) + ", sequence number " +
            std::string(record.attribute("SequenceNumber")) + ")");
    lines += entry + "\n";
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ctx.log("batch of " + std::to_string(records.size()) + ", batches in the handler: " + std::to_string(concurrent));
  append(*static_cast<const std::string*>(ctx.state()), lines);
  --in_flight;
  return sluice::handler::Result::null();
}

}  // namespace

SLUICE_SQS_HANDLER(process)
SLUICE_HANDLER_CONCURRENT_SAFE()

// The state is the PROCESSED_LOG path ("" when the variable is not set).
extern "C" SLUICE_HANDLER_EXPORT int sluice_handler_init(const sluice_host*, const sluice_function_config* config,
                                                         void** state) {
  auto* path = new std::string;
  for (size_t i = 0; i < config->environment_count; ++i) {
    const sluice_key_value& variable = config->environment[i];
    if (sluice::handler::Context::view(variable.key) == "PROCESSED_LOG")
      path->assign(sluice::handler::Context::view(variable.value));
  }
  *state = path;
  return 0;
}

extern "C" SLUICE_HANDLER_EXPORT void sluice_handler_shutdown(void* state) { delete static_cast<std::string*>(state); }
