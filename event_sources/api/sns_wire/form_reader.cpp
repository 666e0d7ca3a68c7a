// Reading flattened Query parameters into the service's request shapes.

#include "form_reader.h"

#include <cstdlib>

#include "sluice/common/crypto.h"

namespace sluice::api::sns_wire::detail {

Params to_params(const FormParams& form) {
  Params p;
  for (const auto& [k, v] : form) p.emplace(k, v);
  return p;
}

std::optional<std::string> get(const Params& p, const std::string& name) {
  auto it = p.find(name);
  if (it == p.end()) return std::nullopt;
  return it->second;
}

std::map<int, Params> indexed(const Params& p, std::string_view prefix) {
  std::map<int, Params> out;
  std::string start = std::string(prefix) + ".";
  for (auto it = p.lower_bound(start); it != p.end() && it->first.compare(0, start.size(), start) == 0; ++it) {
    std::string_view rest = std::string_view(it->first).substr(start.size());
    size_t dot = rest.find('.');
    std::string_view number = rest.substr(0, dot);
    if (number.empty() || number.size() > 6 || number.find_first_not_of("0123456789") != std::string_view::npos)
      continue;
    int n = std::atoi(std::string(number).c_str());
    std::string tail = dot == std::string_view::npos ? std::string() : std::string(rest.substr(dot + 1));
    out[n].emplace(std::move(tail), it->second);
  }
  return out;
}

std::map<std::string, std::string> read_attribute_map(const Params& p, std::string_view prefix) {
  std::map<std::string, std::string> out;
  for (const auto& [n, group] : indexed(p, std::string(prefix) + ".entry")) {
    auto key = get(group, "key");
    if (key) out[*key] = get(group, "value").value_or("");
  }
  return out;
}

TagList read_tags(const Params& p, std::string_view prefix) {
  TagList out;
  for (const auto& [n, group] : indexed(p, std::string(prefix) + ".member")) {
    out.emplace_back(get(group, "Key").value_or(""), get(group, "Value").value_or(""));
  }
  return out;
}

std::vector<std::string> read_list(const Params& p, std::string_view prefix) {
  std::vector<std::string> out;
  for (const auto& [n, group] : indexed(p, std::string(prefix) + ".member")) {
    if (auto v = get(group, "")) out.push_back(*v);
  }
  return out;
}

common::Outcome<PublishAttributes> read_message_attributes(const Params& p, std::string_view prefix) {
  PublishAttributes out;
  for (const auto& [n, group] : indexed(p, std::string(prefix) + ".entry")) {
    auto name = get(group, "Name");
    if (!name) continue;
    PublishAttribute a;
    a.data_type = get(group, "Value.DataType").value_or("");
    a.string_value = get(group, "Value.StringValue");
    if (auto b64 = get(group, "Value.BinaryValue")) {
      auto bytes = common::base64_decode(*b64);
      if (!bytes) return invalid_parameter("MessageAttributes Reason: invalid base64 in BinaryValue of " + *name);
      a.binary_value = std::move(*bytes);
    }
    out[*name] = std::move(a);
  }
  return out;
}

}  // namespace sluice::api::sns_wire::detail
