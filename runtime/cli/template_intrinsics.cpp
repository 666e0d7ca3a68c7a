// Evaluation of Ref, Fn::GetAtt, Fn::Sub and Fn::Join over the symbols the importer collected.

#include "template_intrinsics.h"

#include <boost/json.hpp>

namespace sluice::cli {
namespace {

namespace json = boost::json;

constexpr std::string_view kNoValue = "AWS::NoValue";

[[noreturn]] void refuse(const std::string& text) { throw IntrinsicError{text}; }

std::string ref(const std::string& name, const TemplateSymbols& symbols) {
  if (auto it = symbols.parameters.find(name); it != symbols.parameters.end()) return it->second;
  if (auto it = symbols.resources.find(name); it != symbols.resources.end()) {
    if (it->second.ref.empty()) refuse("Ref " + name + ": a " + it->second.type + " has no value sluice can give");
    return it->second.ref;
  }
  if (auto it = symbols.skipped.find(name); it != symbols.skipped.end())
    refuse("Ref " + name + ": that resource is skipped (" + it->second + ")");
  if (name.starts_with("AWS::")) refuse("Ref " + name + ": pseudo parameter not known locally");
  refuse("Ref " + name + ": no such parameter or resource");
}

std::string get_att(const std::string& name, const std::string& attribute, const TemplateSymbols& symbols) {
  if (auto it = symbols.resources.find(name); it != symbols.resources.end()) {
    auto found = it->second.attributes.find(attribute);
    if (found == it->second.attributes.end())
      refuse("Fn::GetAtt " + name + "." + attribute + ": not an attribute sluice gives for " + it->second.type);
    return found->second;
  }
  if (auto it = symbols.skipped.find(name); it != symbols.skipped.end())
    refuse("Fn::GetAtt " + name + "." + attribute + ": that resource is skipped (" + it->second + ")");
  refuse("Fn::GetAtt " + name + "." + attribute + ": no such resource");
}

std::string as_text(const json::value& value, const std::string& what) {
  if (value.is_string()) return std::string(value.as_string());
  refuse(what + " must give a string");
}

std::string sub(const std::string& text, const std::map<std::string, std::string>& variables,
                const TemplateSymbols& symbols) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t open = text.find("${", at);
    if (open == std::string::npos) {
      out += text.substr(at);
      break;
    }
    out += text.substr(at, open - at);
    size_t close = text.find('}', open);
    if (close == std::string::npos) refuse("Fn::Sub: \"${\" without \"}\" in " + text);
    std::string name = text.substr(open + 2, close - open - 2);
    if (name.starts_with("!")) {
      out += "${" + name.substr(1) + "}";
    } else if (auto it = variables.find(name); it != variables.end()) {
      out += it->second;
    } else if (size_t dot = name.find('.'); dot != std::string::npos && !name.starts_with("AWS::")) {
      out += get_att(name.substr(0, dot), name.substr(dot + 1), symbols);
    } else {
      out += ref(name, symbols);
    }
    at = close + 1;
  }
  return out;
}

bool is_no_value(const json::value& value) {
  if (!value.is_object() || value.as_object().size() != 1) return false;
  const json::value* target = value.as_object().if_contains("Ref");
  return target != nullptr && target->is_string() && target->as_string() == kNoValue;
}

json::value evaluate(const json::value& value, const TemplateSymbols& symbols);

json::value evaluate_function(const std::string& name, const json::value& argument, const TemplateSymbols& symbols) {
  if (name == "Ref") return json::string(ref(as_text(argument, "Ref"), symbols));
  if (name == "Fn::GetAtt") {
    json::value resolved = evaluate(argument, symbols);
    if (resolved.is_string()) {  // "Resource.Attribute"
      std::string text(resolved.as_string());
      size_t dot = text.find('.');
      if (dot == std::string::npos) refuse("Fn::GetAtt " + text + ": needs Resource.Attribute");
      return json::string(get_att(text.substr(0, dot), text.substr(dot + 1), symbols));
    }
    if (!resolved.is_array() || resolved.as_array().size() != 2) refuse("Fn::GetAtt takes [Resource, Attribute]");
    return json::string(get_att(as_text(resolved.as_array()[0], "Fn::GetAtt's resource"),
                                as_text(resolved.as_array()[1], "Fn::GetAtt's attribute"), symbols));
  }
  if (name == "Fn::Sub") {
    if (argument.is_string()) return json::string(sub(std::string(argument.as_string()), {}, symbols));
    if (!argument.is_array() || argument.as_array().size() != 2 || !argument.as_array()[1].is_object())
      refuse("Fn::Sub takes a string or [String, {Variables}]");
    std::map<std::string, std::string> variables;
    for (const auto& [key, item] : argument.as_array()[1].as_object())
      variables[std::string(key)] = as_text(evaluate(item, symbols), "Fn::Sub's variable " + std::string(key));
    return json::string(sub(as_text(argument.as_array()[0], "Fn::Sub"), variables, symbols));
  }
  if (name == "Fn::Join") {
    json::value resolved = evaluate(argument, symbols);
    if (!resolved.is_array() || resolved.as_array().size() != 2 || !resolved.as_array()[1].is_array())
      refuse("Fn::Join takes [Delimiter, [Values]]");
    std::string delimiter = as_text(resolved.as_array()[0], "Fn::Join's delimiter");
    std::string out;
    bool first = true;
    for (const auto& item : resolved.as_array()[1].as_array()) {
      out += (first ? "" : delimiter) + as_text(item, "Fn::Join's values");
      first = false;
    }
    return json::string(out);
  }
  refuse(name + " is not evaluated by sluice (Ref, Fn::GetAtt, Fn::Sub and Fn::Join are)");
}

json::value evaluate(const json::value& value, const TemplateSymbols& symbols) {
  if (value.is_array()) {
    json::array out;
    for (const auto& item : value.as_array())
      if (!is_no_value(item)) out.push_back(evaluate(item, symbols));
    return out;
  }
  if (!value.is_object()) return value;
  const json::object& object = value.as_object();
  if (object.size() == 1) {
    const auto& [key, argument] = *object.begin();
    std::string name(key);
    if (name == "Ref" || name.starts_with("Fn::") || name == "Condition")
      return evaluate_function(name, argument, symbols);
  }
  json::object out;
  for (const auto& [key, item] : object)
    if (!is_no_value(item)) out[key] = evaluate(item, symbols);
  return out;
}

}  // namespace

json::value resolve_intrinsics(const json::value& value, const TemplateSymbols& symbols) {
  return evaluate(value, symbols);
}

}  // namespace sluice::cli
