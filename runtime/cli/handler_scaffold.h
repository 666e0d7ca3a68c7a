#pragma once
// `sluice new handler NAME`: writes an out-of-tree handler project (CMake, one handler source, a
// sample event, a test and a script that builds and tests it with one command) that builds
// against the installed handler SDK (find_package(sluice)).

#include <string>

namespace sluice::cli {

enum class HandlerLanguage { C, Cpp };

struct HandlerScaffold {
  std::string name;       // the handler's target name; the project goes into directory/name
  std::string directory;  // where to create it ("." by default)
  HandlerLanguage language = HandlerLanguage::Cpp;
  std::string sluice_prefix;  // install prefix of the sluice package the project builds against
};

// "" when `name` may name a handler (a CMake target and a file name), else why not.
std::string check_handler_name(const std::string& name);

// Writes the project; returns "" or a sentence naming what could not be written.
std::string write_handler_project(const HandlerScaffold& scaffold);

}  // namespace sluice::cli
