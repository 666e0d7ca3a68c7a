// The files of a new handler project. The project's test runs the handler through the installed
// `sluice invoke` with the sample event, so it checks the handler, the SDK and the ABI together.

#include "handler_scaffold.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

// Replaces every @NAME@ (and @PREFIX@) in a template.
std::string fill(std::string text, const HandlerScaffold& scaffold) {
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"@NAME@", scaffold.name},
                                   std::pair<std::string, std::string>{"@PREFIX@", scaffold.sluice_prefix}}) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  }
  return text;
}

constexpr const char* kCMakeLists = R"~(# The @NAME@ handler, built against an installed sluice (find_package(sluice)).
cmake_minimum_required(VERSION 3.25)
project(@NAME@ LANGUAGES C CXX)
find_package(sluice REQUIRED)
sluice_add_handler(@NAME@ SOURCES @SOURCE@)

# The test runs the handler through `sluice invoke` with the sample event.
enable_testing()
find_program(SLUICE_EXECUTABLE sluice HINTS "${sluice_DIR}/../../../bin" "${sluice_DIR}/../../../../bin" REQUIRED)
add_test(NAME @NAME@_answers_the_sample_event
  COMMAND ${SLUICE_EXECUTABLE} invoke --plugin $<TARGET_FILE:@NAME@> --event ${CMAKE_CURRENT_SOURCE_DIR}/events/event.json)
set_tests_properties(@NAME@_answers_the_sample_event PROPERTIES
  PASS_REGULAR_EXPRESSION "\\{\"handler\":\"@NAME@\",\"received\":\\{\"name\":\"sluice\"\\}\\}")
)~";

constexpr const char* kCppSource = R"~(// The @NAME@ handler: answers {"handler": "@NAME@", "received": <the event>}.
#include <sluice/handler.hpp>

#include <boost/json.hpp>

namespace {

sluice::handler::Result handle(std::string_view event, sluice::handler::Context&) {
  boost::json::object answer{{"handler", "@NAME@"}, {"received", boost::json::parse(event)}};
  return sluice::handler::Result::payload(boost::json::serialize(answer));
}

}  // namespace

SLUICE_HANDLER(handle)
)~";

constexpr const char* kCSource = R"~(/* The @NAME@ handler: answers {"handler": "@NAME@", "received": <the event>}. */
#include <sluice/handler.h>

#include <stdlib.h>
#include <string.h>

uint32_t sluice_handler_abi_version(void) { return SLUICE_HANDLER_ABI_VERSION; }

void sluice_handler_invoke(void* state, const sluice_invocation* inv) {
  static const char prefix[] = "{\"handler\":\"@NAME@\",\"received\":";
  size_t size = sizeof prefix - 1 + inv->event.size + 1;
  char* answer = (char*)malloc(size);
  (void)state;
  if (!answer) {
    inv->host->fail(inv->host_context, "OutOfMemory", 11, "no memory for the answer", 24);
    return;
  }
  memcpy(answer, prefix, sizeof prefix - 1);
  memcpy(answer + sizeof prefix - 1, inv->event.data, inv->event.size);
  answer[size - 1] = '}';
  inv->host->respond(inv->host_context, answer, size);
  free(answer);
}
)~";

constexpr const char* kEvent = "{\"name\":\"sluice\"}";  // compact: the C handler echoes its bytes

constexpr const char* kTestScript = R"~(#!/bin/sh
# Builds the @NAME@ handler and runs its test: ./test.sh
# SLUICE_PREFIX: where sluice is installed (default: where `sluice new` ran from).
set -eu
cd "$(dirname "$0")"
cmake -S . -B build -DCMAKE_PREFIX_PATH="${SLUICE_PREFIX:-@PREFIX@}" >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure
)~";

constexpr const char* kReadme = R"~(# @NAME@

A sluice handler plugin.

    ./test.sh                                   # build, then run the test
    sluice invoke --plugin build/lib@NAME@.so --event events/event.json

`@SOURCE@` is the handler; `events/event.json` the sample event the test sends. Generate other
events with `sluice generate-event --help`, and declare the handler as a function in a `sluice up`
configuration to run it from a queue.
)~";

bool write_file(const fs::path& path, const std::string& text, bool executable, std::string* error) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) {
    *error = "cannot write " + path.string();
    return false;
  }
  if (executable)
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
  return true;
}

}  // namespace

std::string check_handler_name(const std::string& name) {
  auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  bool valid =
      !name.empty() && name.size() <= 64 && letter(name.front()) && std::all_of(name.begin(), name.end(), word_char);
  if (!valid)
    return "NAME must start with a letter and hold only letters, digits and underscores (at most 64), got '" + name +
           "'";
  return "";
}

std::string write_handler_project(const HandlerScaffold& scaffold) {
  if (std::string bad = check_handler_name(scaffold.name); !bad.empty()) return bad;
  const fs::path root = fs::path(scaffold.directory) / scaffold.name;
  std::error_code ec;
  if (fs::exists(root, ec)) return root.string() + " already exists; choose another NAME or directory";
  if (!fs::create_directories(root / "events", ec)) return "cannot create " + root.string() + ": " + ec.message();
  const bool cpp = scaffold.language == HandlerLanguage::Cpp;
  const std::string source = cpp ? "handler.cpp" : "handler.c";
  auto with_source = [&](std::string text) {
    for (size_t at = text.find("@SOURCE@"); at != std::string::npos; at = text.find("@SOURCE@", at))
      text.replace(at, 8, source);
    return fill(std::move(text), scaffold);
  };
  std::string error;
  if (!write_file(root / "CMakeLists.txt", with_source(kCMakeLists), false, &error) ||
      !write_file(root / source, with_source(cpp ? kCppSource : kCSource), false, &error) ||
      !write_file(root / "events" / "event.json", kEvent, false, &error) ||
      !write_file(root / "test.sh", with_source(kTestScript), true, &error) ||
      !write_file(root / "README.md", with_source(kReadme), false, &error))
    return error;
  return "";
}

}  // namespace sluice::cli
