// YAML through yaml-cpp (JSON is read by the same parser: a JSON template is YAML too).

#include "template_yaml.h"

#include <yaml-cpp/yaml.h>
#include <boost/json.hpp>

namespace sluice::cli {
namespace {

namespace json = boost::json;

// "!Ref" and the like; untagged nodes say "?" (plain) or "!" (quoted), and "!!str"-style standard
// tags are spelled out in full.
bool is_intrinsic_tag(const std::string& tag) { return tag.size() > 1 && tag[0] == '!' && tag[1] != '!'; }

json::value convert(const YAML::Node& node) {
  json::value out;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out = json::string(node.Scalar());
      break;
    case YAML::NodeType::Sequence: {
      json::array items;
      for (const auto& item : node) items.push_back(convert(item));
      out = std::move(items);
      break;
    }
    case YAML::NodeType::Map: {
      json::object members;
      for (const auto& member : node) members[member.first.as<std::string>()] = convert(member.second);
      out = std::move(members);
      break;
    }
    default:
      out = nullptr;
  }
  const std::string& tag = node.Tag();
  if (!is_intrinsic_tag(tag)) return out;
  std::string name = tag.substr(1);
  if (name == "Ref" || name == "Condition") return json::object{{name, std::move(out)}};
  if (name == "GetAtt" && out.is_string()) {
    std::string text(out.as_string());
    size_t dot = text.find('.');
    json::array pair{json::string(text.substr(0, dot)),
                     json::string(dot == std::string::npos ? std::string() : text.substr(dot + 1))};
    return json::object{{"Fn::GetAtt", std::move(pair)}};
  }
  return json::object{{"Fn::" + name, std::move(out)}};
}

}  // namespace

bool read_template_document(const std::string& path, json::value* document, std::string* error) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    *document = convert(root);
  } catch (const YAML::BadFile&) {
    *error = "cannot be read";
    return false;
  } catch (const YAML::Exception& e) {
    *error = "line " + std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg;
    return false;
  }
  if (!document->is_object()) {
    *error = "a template is a mapping (Resources, Parameters, ...)";
    return false;
  }
  return true;
}

}  // namespace sluice::cli
