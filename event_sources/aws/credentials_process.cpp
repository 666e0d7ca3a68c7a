// credential_process: a command the user names prints credentials as JSON on stdout. Its stderr is
// left alone (it reaches the user's terminal or log, as with the SDKs); a non-zero exit, output
// larger than the SDKs' limit or a document that is not Version 1 is an error.

#include <sys/wait.h>

#include <cstdio>

#include <boost/json.hpp>

#include "credential_sources.h"
#include "http_util.h"

namespace sluice::aws::detail {
namespace {

namespace json = boost::json;

constexpr size_t kMaxOutput = 64 * 1024;

std::string text(const json::object& obj, const char* key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

ResolvedCredentials run_credential_process(const std::string& command) {
  std::string where = "credential_process \"" + command + "\"";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {std::nullopt, where + ": cannot start"};
  std::string output;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0 && output.size() <= kMaxOutput) {
    output.append(buffer, n);
  }
  int status = ::pclose(pipe);
  if (status != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return {std::nullopt, where + ": exited with status " + std::to_string(code)};
  }
  if (output.size() > kMaxOutput) return {std::nullopt, where + ": more than 64 KiB of output"};
  boost::system::error_code ec;
  json::value doc = json::parse(output, ec);
  if (ec || !doc.is_object()) return {std::nullopt, where + ": the output is not a JSON object"};
  const auto& obj = doc.as_object();
  const json::value* version = obj.if_contains("Version");
  if (version == nullptr || !version->is_int64() || version->as_int64() != 1) {
    return {std::nullopt, where + ": unsupported Version (1 expected)"};
  }
  Credentials c{text(obj, "AccessKeyId"), text(obj, "SecretAccessKey"), text(obj, "SessionToken"), std::nullopt};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return {std::nullopt, where + ": AccessKeyId/SecretAccessKey missing"};
  }
  if (std::string expiration = text(obj, "Expiration"); !expiration.empty()) {
    c.expiration = parse_iso8601(expiration);
    if (!c.expiration) return {std::nullopt, where + ": unreadable Expiration " + expiration};
  }
  return {std::move(c), {}};
}

}  // namespace sluice::aws::detail
