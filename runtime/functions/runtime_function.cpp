// See sluice/functions/runtime_function.h. This file turns a Runtime value into the command that
// starts an environment (a bootstrap, or an interpreter with sluice's shim) and hands it to the
// environment pool.
#include "sluice/functions/runtime_function.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "isolated_host.h"
#include "runtime_api_environment.h"
#include "sluice/runtimes/shims.h"

namespace sluice::functions {
namespace {

namespace fs = std::filesystem;
using Opened = common::Outcome<std::unique_ptr<PluginHost>, std::string>;

// Where interpreters are looked for: the PATH a function's environment gets.
constexpr const char* kInterpreterPath[] = {"/usr/local/bin", "/usr/bin", "/bin"};

bool is_custom(std::string_view runtime) {
  return runtime == "provided" || runtime == "provided.al2" || runtime == "provided.al2023";
}
bool is_python(std::string_view runtime) { return runtime.starts_with("python3."); }
bool is_nodejs(std::string_view runtime) { return runtime.starts_with("nodejs"); }

std::string find_interpreter(std::initializer_list<const char*> names) {
  for (const char* dir : kInterpreterPath)
    for (const char* name : names) {
      std::string candidate = std::string(dir) + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  return {};
}

// The shims' private directory, removed when the process that made it exits. Worker processes
// forked from it run the same static destructors when they exit, so only the maker removes it.
struct ShimDirectory {
  std::string path;
  pid_t maker = ::getpid();
  ~ShimDirectory() {
    std::error_code ec;
    if (!path.empty() && ::getpid() == maker) fs::remove_all(path, ec);
  }
};

// Writes the shims once per process into a private directory; "" when that fails.
const std::string& shim_directory() {
  static std::once_flag once;
  static ShimDirectory dir;
  std::call_once(once, [] {
    std::string tmpl = (fs::temp_directory_path() / "sluice-runtimes-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return;
    std::ofstream(tmpl + "/bootstrap.py") << runtimes::python_shim();
    std::ofstream(tmpl + "/bootstrap.mjs") << runtimes::nodejs_shim();
    dir.path = tmpl;
  });
  return dir.path;
}

// The handler's source file, when it can be named: what hot reload watches.
std::string handler_file(const RuntimeFunctionCode& code, std::initializer_list<const char*> extensions) {
  const std::string module = code.handler.substr(0, code.handler.rfind('.'));
  for (const char* ext : extensions) {
    fs::path candidate = fs::path(code.code_directory) / (module + ext);
    if (fs::exists(candidate)) return candidate.string();
  }
  return {};
}

}  // namespace

bool is_supported_runtime(std::string_view runtime) {
  return is_custom(runtime) || is_python(runtime) || is_nodejs(runtime);
}

Opened open_runtime_function(RuntimeFunctionCode code, FunctionConfig config, PluginHostOptions options) {
  const std::string who = "function \"" + config.name + "\": ";
  if (!options.clock) options.clock = common::system_clock();
  if (!is_supported_runtime(code.runtime))
    return Opened::failure(who + "runtime \"" + code.runtime +
                           "\" is not supported (provided, provided.al2, provided.al2023, python3.x, nodejs*)");
  std::error_code ec;
  if (!fs::is_directory(code.code_directory, ec))
    return Opened::failure(who + "code directory \"" + code.code_directory + "\" does not exist");
  code.code_directory = fs::absolute(code.code_directory).lexically_normal().string();

  detail::BootstrapSpec spec;
  spec.task_root = code.code_directory;
  spec.handler = code.handler;
  spec.region = code.region;
  std::string watched;
  if (is_custom(code.runtime)) {
    const std::string bootstrap = code.code_directory + "/bootstrap";
    if (::access(bootstrap.c_str(), X_OK) != 0)
      return Opened::failure(who + "runtime " + code.runtime + " needs an executable file named bootstrap in \"" +
                             code.code_directory + "\"");
    spec.argv = {bootstrap};
    spec.runtime_dir = code.code_directory;
    watched = bootstrap;
  } else {
    const bool python = is_python(code.runtime);
    const std::string interpreter = python ? find_interpreter({"python3"}) : find_interpreter({"node", "nodejs"});
    if (interpreter.empty())
      return Opened::failure(who + "runtime " + code.runtime + " needs " + (python ? "python3" : "node") +
                             ", which is not installed (looked in /usr/local/bin, /usr/bin, /bin)");
    if (code.handler.find('.') == std::string::npos)
      return Opened::failure(who + "handler \"" + code.handler + "\" must be " +
                             (python ? "module.function" : "file.export"));
    const std::string& shims = shim_directory();
    if (shims.empty()) return Opened::failure(who + "cannot write the runtime shim to the temporary directory");
    spec.argv = {interpreter, shims + (python ? "/bootstrap.py" : "/bootstrap.mjs")};
    spec.runtime_dir = shims;
    spec.execution_env = "AWS_Lambda_" + code.runtime;
    watched = python ? handler_file(code, {".py"}) : handler_file(code, {".js", ".mjs", ".cjs"});
    if (watched.empty()) watched = spec.argv[1];  // the import error is reported by the runtime itself
  }
  auto id = detail::identify_file(watched);
  if (!id) return Opened::failure(who + id.error());
  detail::EnvironmentFactory factory = [spec, config]() { return detail::start_runtime_api_environment(spec, config); };
  return detail::open_environment_pool(watched, std::move(config), options, id.value(), std::move(factory));
}

}  // namespace sluice::functions
