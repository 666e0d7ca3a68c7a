#pragma once
// A handler library loaded into this process: dlopen, ABI check, symbol table, init/shutdown.
//
// load() copies the file to a private temporary path first (unless told not to), so the original
// path can be overwritten by a new build while this copy keeps running and dlopen never hands back
// an already-loaded old copy. The copy is unlinked right after dlopen: the mapping keeps the inode
// alive, and nothing is left behind if the process dies. The destructor calls
// sluice_handler_shutdown and dlclose; owners hold a shared_ptr, so the last in-flight invocation
// of an old version is what releases it.

#include "sluice/functions/plugin_host.h"

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace sluice::functions::detail {

// What "the file changed" means: another inode, size or modification time.
struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

common::Outcome<FileIdentity, std::string> identify_file(const std::string& path);

// The function configuration in the shape the C ABI wants; owns the storage it points into.
class AbiConfig {
 public:
  explicit AbiConfig(const FunctionConfig& config);
  AbiConfig(const AbiConfig&) = delete;
  AbiConfig& operator=(const AbiConfig&) = delete;
  const sluice_function_config* get() const { return &view_; }

 private:
  FunctionConfig owned_;
  std::vector<sluice_key_value> env_;
  sluice_function_config view_{};
};

class LoadedPlugin {
 public:
  enum class Copy { Private, InPlace };

  static common::Outcome<std::shared_ptr<LoadedPlugin>, std::string> load(const std::string& path,
                                                                          const FunctionConfig& config,
                                                                          Copy copy = Copy::Private);
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  bool concurrent() const { return (flags_ & SLUICE_HANDLER_CONCURRENT) != 0; }
  bool has_sqs_fast_path() const { return invoke_sqs_ != nullptr; }
  const FileIdentity& identity() const { return identity_; }

  // Calls the handler (the SQS fast path when `records` is given and exported); one call at a
  // time unless the handler is concurrent.
  void call(const sluice_invocation& inv, std::span<const sluice_sqs_record> records);

 private:
  LoadedPlugin() = default;

  void* handle_ = nullptr;
  FileIdentity identity_;
  uint32_t flags_ = 0;
  void* state_ = nullptr;
  sluice_handler_invoke_fn invoke_ = nullptr;
  sluice_handler_invoke_sqs_fn invoke_sqs_ = nullptr;
  sluice_handler_shutdown_fn shutdown_ = nullptr;
  std::mutex call_mutex_;  // serialises calls of non-concurrent handlers
};

}  // namespace sluice::functions::detail
