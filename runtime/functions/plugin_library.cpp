// dlopen and the ABI version check; see plugin_library.h for the copy-before-load rule.
#include "plugin_library.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "invocation.h"

namespace sluice::functions::detail {
namespace {

std::string who(const FunctionConfig& config, const std::string& path) {
  return "function \"" + config.name + "\": handler file \"" + path + "\"";
}

// Copies `path` to a new private file in the temporary directory; returns its path.
common::Outcome<std::string, std::string> private_copy(const std::string& path) {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/sluice-handler-XXXXXX.so";
  int out = mkstemps(tmpl.data(), 3);
  if (out < 0)
    return common::Outcome<std::string, std::string>::failure("cannot create a temporary copy: " +
                                                              std::string(std::strerror(errno)));
  int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    int err = errno;
    ::close(out);
    ::unlink(tmpl.c_str());
    return common::Outcome<std::string, std::string>::failure(std::strerror(err));
  }
  char buf[1 << 16];
  bool ok = true;
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out, buf + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ok = false;
        break;
      }
      done += w;
    }
    if (!ok) break;
  }
  int err = errno;
  ::close(in);
  if (::close(out) != 0) ok = false;
  if (!ok) {
    ::unlink(tmpl.c_str());
    return common::Outcome<std::string, std::string>::failure("cannot copy: " + std::string(std::strerror(err)));
  }
  return tmpl;
}

template <typename Fn>
Fn symbol(void* handle, const char* name) {
  // dlsym returns an object pointer; POSIX guarantees it converts to a function pointer.
  return reinterpret_cast<Fn>(dlsym(handle, name));
}

}  // namespace

common::Outcome<FileIdentity, std::string> identify_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return common::Outcome<FileIdentity, std::string>::failure(std::strerror(errno));
  FileIdentity id;
  id.device = static_cast<uint64_t>(st.st_dev);
  id.inode = static_cast<uint64_t>(st.st_ino);
  id.size = static_cast<int64_t>(st.st_size);
  id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return id;
}

AbiConfig::AbiConfig(const FunctionConfig& config) : owned_(config) {
  for (const auto& [k, v] : owned_.environment) env_.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
  view_.struct_size = sizeof view_;
  view_.function_name = {owned_.name.data(), owned_.name.size()};
  view_.function_arn = {owned_.function_arn.data(), owned_.function_arn.size()};
  view_.memory_size_mb = owned_.memory_size_mb;
  view_.timeout_ms = owned_.timeout_ms;
  view_.environment = env_.data();
  view_.environment_count = env_.size();
}

common::Outcome<std::shared_ptr<LoadedPlugin>, std::string> LoadedPlugin::load(const std::string& path,
                                                                               const FunctionConfig& config,
                                                                               Copy copy) {
  using Out = common::Outcome<std::shared_ptr<LoadedPlugin>, std::string>;
  auto identity = identify_file(path);
  if (!identity) return Out::failure(who(config, path) + " cannot be loaded: " + identity.error());

  std::string load_path = path;
  if (copy == Copy::Private) {
    auto copied = private_copy(path);
    if (!copied) return Out::failure(who(config, path) + " cannot be loaded: " + copied.error());
    load_path = copied.value();
  }
  dlerror();
  void* handle = dlopen(load_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (copy == Copy::Private) ::unlink(load_path.c_str());
  if (!handle) {
    const char* error = dlerror();
    std::string why = error ? error : "dlopen failed";
    // dlerror names the file it opened: the private copy, which the user never made. Name theirs.
    for (size_t at = why.find(load_path); copy == Copy::Private && at != std::string::npos;
         at = why.find(load_path, at + path.size()))
      why.replace(at, load_path.size(), path);
    return Out::failure(who(config, path) + " cannot be loaded: " + why);
  }

  std::shared_ptr<LoadedPlugin> plugin(new LoadedPlugin());
  plugin->handle_ = handle;  // from here the destructor closes it
  plugin->identity_ = identity.value();

  auto version = symbol<sluice_handler_abi_version_fn>(handle, "sluice_handler_abi_version");
  if (!version) return Out::failure(who(config, path) + " does not export sluice_handler_abi_version");
  uint32_t v = version();
  if (v != SLUICE_HANDLER_ABI_VERSION) {
    return Out::failure(who(config, path) + " was built for handler ABI version " + std::to_string(v) +
                        "; this host supports version " + std::to_string(SLUICE_HANDLER_ABI_VERSION));
  }
  plugin->invoke_ = symbol<sluice_handler_invoke_fn>(handle, "sluice_handler_invoke");
  if (!plugin->invoke_) return Out::failure(who(config, path) + " does not export sluice_handler_invoke");
  plugin->invoke_sqs_ = symbol<sluice_handler_invoke_sqs_fn>(handle, "sluice_handler_invoke_sqs");
  plugin->shutdown_ = symbol<sluice_handler_shutdown_fn>(handle, "sluice_handler_shutdown");
  if (auto flags = symbol<sluice_handler_flags_fn>(handle, "sluice_handler_flags")) plugin->flags_ = flags();

  if (auto init = symbol<sluice_handler_init_fn>(handle, "sluice_handler_init")) {
    AbiConfig abi(config);
    int rc = init(host_services(), abi.get(), &plugin->state_);
    if (rc != 0) {
      plugin->shutdown_ = nullptr;  // init failed: there is nothing to shut down
      return Out::failure(who(config, path) + ": sluice_handler_init failed with code " + std::to_string(rc));
    }
  }
  return plugin;
}

LoadedPlugin::~LoadedPlugin() {
  if (shutdown_) shutdown_(state_);
  if (handle_) dlclose(handle_);
}

void LoadedPlugin::call(const sluice_invocation& inv, std::span<const sluice_sqs_record> records) {
  std::unique_lock<std::mutex> lock(call_mutex_, std::defer_lock);
  if (!concurrent()) lock.lock();
  if (invoke_sqs_ && !records.empty()) invoke_sqs_(state_, &inv, records.data(), records.size());
  else invoke_(state_, &inv);
}

}  // namespace sluice::functions::detail
