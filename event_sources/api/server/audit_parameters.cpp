// See audit_parameters.h. Model-less reading builds the JSON value by walking each parameter's
// dotted name; map entries arrive as separate key and value parameters, so they are gathered
// first and placed once every parameter is read.

#include "audit_parameters.h"

#include <charconv>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace sluice::api::server::detail {
namespace {

namespace json = boost::json;

// Query parameters that sign a request or route it, not the operation's members.
bool is_envelope(std::string_view name) {
  return name == "Action" || name == "Version" || name.substr(0, 6) == "X-Amz-" || name == "AWSAccessKeyId" ||
         name.substr(0, 9) == "Signature" || name == "SecurityToken" || name == "Timestamp" || name == "Expires";
}

std::vector<std::string_view> split(std::string_view name) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

std::optional<size_t> index_of(std::string_view part) {
  size_t n = 0;
  const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
  if (ec != std::errc() || end != part.data() + part.size() || n == 0 || n > 1000) return std::nullopt;
  return n;
}

using Path = std::span<const std::string_view>;

void place(json::object& at, Path path, std::string_view value);

// The slot `index` (1-based) of the list member `name`, made an object when more parts follow.
void place_in_list(json::object& at, std::string_view name, size_t index, Path rest, std::string_view value) {
  json::value& list = at[name];
  if (!list.is_array()) list = json::array();
  json::array& elements = list.get_array();
  if (elements.size() < index) elements.resize(index);
  json::value& slot = elements[index - 1];
  if (rest.empty()) {
    slot = json::string(value);
    return;
  }
  if (!slot.is_object()) slot = json::object();
  place(slot.get_object(), rest, value);
}

void place(json::object& at, Path path, std::string_view value) {
  const std::string_view name = path[0];
  if (path.size() == 1) {
    at[name] = json::string(value);
    return;
  }
  if (path[1] == "member" && path.size() >= 3) {
    if (auto index = index_of(path[2])) return place_in_list(at, name, *index, path.subspan(3), value);
  }
  if (auto index = index_of(path[1])) return place_in_list(at, name, *index, path.subspan(2), value);
  json::value& inner = at[name];
  if (!inner.is_object()) inner = json::object();
  place(inner.get_object(), path.subspan(1), value);
}

bool is_key(std::string_view part) { return part == "key" || part == "Key" || part == "Name"; }
bool is_value(std::string_view part) { return part == "value" || part == "Value"; }

// One "<map>.entry.N" of a form: its key and its value's parameters (below "value").
struct Entry {
  std::string key;
  std::vector<std::pair<std::vector<std::string_view>, std::string_view>> value;
};

json::object read_by_convention(const query::FormParams& params) {
  json::object out;
  std::map<std::pair<std::string, size_t>, Entry> entries;  // by (path to the map, N)
  for (const auto& [name, value] : params) {
    if (is_envelope(name)) continue;
    std::vector<std::string_view> parts = split(name);
    size_t entry_at = 0;
    for (size_t i = 1; i + 2 < parts.size() && entry_at == 0; ++i)
      if (parts[i] == "entry" && index_of(parts[i + 1])) entry_at = i;
    if (entry_at == 0) {
      place(out, parts, value);
      continue;
    }
    std::string map_path;
    for (size_t i = 0; i < entry_at; ++i) map_path += std::string(i == 0 ? "" : ".") + std::string(parts[i]);
    Entry& entry = entries[{map_path, *index_of(parts[entry_at + 1])}];
    const Path rest = Path(parts).subspan(entry_at + 2);
    if (rest.size() == 1 && is_key(rest[0])) {
      entry.key = std::string(value);
    } else if (is_value(rest[0])) {
      entry.value.emplace_back(std::vector<std::string_view>(rest.begin() + 1, rest.end()), value);
    }
  }
  for (const auto& [where, entry] : entries) {
    if (entry.key.empty()) continue;
    // The map itself is placed like any member; its entry is a string or a structure.
    std::vector<std::string_view> map_parts = split(where.first);
    std::vector<std::string> owned(map_parts.begin(), map_parts.end());
    owned.push_back(entry.key);
    if (entry.value.size() == 1 && entry.value[0].first.empty()) {
      std::vector<std::string_view> path(owned.begin(), owned.end());
      place(out, path, entry.value[0].second);
      continue;
    }
    for (const auto& [below, text] : entry.value) {
      std::vector<std::string_view> path(owned.begin(), owned.end());
      path.insert(path.end(), below.begin(), below.end());
      place(out, path, text);
    }
  }
  return out;
}

}  // namespace

std::string query_request_parameters(const std::string& query_string, const std::string& body,
                                     const query::ActionSpec* spec) {
  auto form = query::Form::decode(query_string, body);
  if (!form) return {};
  if (spec != nullptr) {
    auto members = query::request_to_json(*spec, form->params());
    if (members) return members->empty() ? std::string() : json::serialize(*members);
  }
  json::object members = read_by_convention(form->params());
  return members.empty() ? std::string() : json::serialize(members);
}

}  // namespace sluice::api::server::detail
