#pragma once
// Calls as the front door hands them to the trail, and the record of an event parsed back.

#include <stdlib.h>
#include <boost/json.hpp>

#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sluice/audit/audit.h"

namespace audit_test {

inline constexpr const char* kAccount = "111122223333";

inline sluice::audit::ApiCall call_as_user(std::string service, std::string action, std::string user = "alice") {
  sluice::audit::ApiCall call;
  call.service = std::move(service);
  call.event_name = std::move(action);
  call.region = "us-east-1";
  call.account_id = kAccount;
  call.principal = sluice::identity::user_principal(kAccount, user);
  call.access_key_id = "AKIA" + user;
  call.source_ip = "127.0.0.1";
  call.user_agent = "Boto3/1.26.27";
  call.request_id = "req-" + call.event_name;
  return call;
}

// A member's text ("<not a string>" otherwise), for CHECKs.
inline std::string text(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string().data(), v.get_string().size()) : std::string("<not a string>");
}

inline bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

inline boost::json::object record_of(const sluice::audit::Event& event) {
  return boost::json::parse(event.record).as_object();
}

// The one event a trail holds that is named `name` (fails the test otherwise).
inline sluice::audit::Event only_event(sluice::audit::Trail& trail, const std::string& name) {
  sluice::audit::LookupQuery query;
  query.key = sluice::audit::LookupKey::EventName;
  query.value = name;
  auto page = trail.lookup(query);
  if (!page || page->events.size() != 1) throw std::runtime_error("expected one " + name + " event");
  return page->events.front();
}

// A directory of its own under the system's temporary directory, removed at the end.
struct TempDir {
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-audit-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

// The trail's files in a data directory, in name order.
inline std::vector<std::filesystem::path> trail_files(const std::string& data_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/cloudtrail")) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

inline std::string all_text(const std::string& data_dir) {
  std::string text;
  for (const auto& file : trail_files(data_dir)) {
    std::ifstream in(file);
    std::stringstream content;
    content << in.rdbuf();
    text += content.str();
  }
  return text;
}

}  // namespace audit_test
