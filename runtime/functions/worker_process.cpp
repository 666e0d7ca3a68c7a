// See worker_process.h: the Load frame and the search for sluice-worker.

#include "worker_process.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "frame_codec.h"

namespace sluice::functions::detail {
namespace {

bool executable_file(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

std::string find_worker_executable() {
  if (const char* given = std::getenv("SLUICE_WORKER_EXECUTABLE"); given && *given) return given;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const auto& candidate : {self.parent_path() / "sluice-worker",
                                  self.parent_path().parent_path() / "libexec" / "sluice" / "sluice-worker"})
      if (executable_file(candidate)) return candidate.string();
  }
#ifdef SLUICE_WORKER_BUILD_PATH
  if (executable_file(SLUICE_WORKER_BUILD_PATH)) return SLUICE_WORKER_BUILD_PATH;
#endif
  return "";
}

}  // namespace

std::string encode_load(const std::string& path, const FunctionConfig& config) {
  FrameWriter w;
  w.bytes(path).bytes(config.name).bytes(config.function_arn).u32(config.memory_size_mb).u32(config.timeout_ms);
  w.u32(static_cast<uint32_t>(config.environment.size()));
  for (const auto& [key, value] : config.environment) w.bytes(key).bytes(value);
  return w.body();
}

bool decode_load(std::string_view body, std::string* path, FunctionConfig* config) {
  FrameReader r(body);
  std::string_view p, name, arn;
  uint32_t count = 0;
  if (!r.bytes(p) || !r.bytes(name) || !r.bytes(arn) || !r.u32(config->memory_size_mb) || !r.u32(config->timeout_ms) ||
      !r.u32(count))
    return false;
  *path = p;
  config->name = name;
  config->function_arn = arn;
  config->environment.clear();
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view key, value;
    if (!r.bytes(key) || !r.bytes(value)) return false;
    config->environment.emplace_back(key, value);
  }
  return r.at_end();
}

const std::string& worker_executable() {
  static const std::string found = find_worker_executable();
  return found;
}

}  // namespace sluice::functions::detail
