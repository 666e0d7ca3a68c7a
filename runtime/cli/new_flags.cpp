// `sluice new handler NAME [--lang c|cpp] [--dir DIR]`: scaffolds an out-of-tree handler project.
// The project builds against the sluice installed beside this binary (PREFIX/bin/sluice ->
// PREFIX), which `cmake --install` of a sluice build tree provides.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "command_line.h"
#include "handler_scaffold.h"

namespace sluice::cli {
namespace {

// The install prefix of this binary: the parent of the bin directory it runs from.
std::string own_prefix() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "/usr/local";
  return self.parent_path().parent_path().string();
}

}  // namespace

Subcommand add_new_command(CLI::App& sluice) {
  CLI::App* create = sluice.add_subcommand("new", "Create a new project from a template");
  create->require_subcommand(1);
  auto scaffold = std::make_shared<HandlerScaffold>();
  scaffold->directory = ".";
  CLI::App* handler = create->add_subcommand(
      "handler",
      "A handler plugin project (CMake, one source, a sample event and a test) that builds against the installed "
      "handler SDK; `NAME/test.sh` builds it and runs its test.");
  handler->add_option("NAME", scaffold->name, "The handler's name (letters, digits, underscores)")
      ->required()
      ->check([](const std::string& name) { return check_handler_name(name); });
  handler->add_option("--lang", scaffold->language, "Language of the handler source")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, HandlerLanguage>{{"c", HandlerLanguage::C}, {"cpp", HandlerLanguage::Cpp}}))
      ->default_str("cpp");
  handler->add_option("--dir", scaffold->directory, "Directory to create the project in")
      ->type_name("DIR")
      ->default_str(".");
  return {create, [scaffold] {
            scaffold->sluice_prefix = own_prefix();
            if (std::string error = write_handler_project(*scaffold); !error.empty()) {
              std::fprintf(stderr, "sluice new handler: %s\n", error.c_str());
              return 73;  // EX_CANTCREAT
            }
            const std::string path = (std::filesystem::path(scaffold->directory) / scaffold->name).string();
            std::printf("created %s: build and test it with %s/test.sh\n", path.c_str(), path.c_str());
            return 0;
          }};
}

}  // namespace sluice::cli
