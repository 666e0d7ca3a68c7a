// Query answers in JSON. AWS's Query services answer a request that sends
// "Accept: application/json" with the JSON form of the document they would have sent as XML:
//
//   {"<Action>Response": {"<Action>Result": {...}, "ResponseMetadata": {"RequestId": "..."}}}
//   {"Error": {"Type": "Sender", "Code": "...", "Message": "..."}, "RequestId": "..."}
//
// Rather than a second writer per action, the finished XML document is read back (it is ours, so
// the reader needs only what XmlWriter writes: elements, text, entities, a root namespace) and
// each element becomes a member: text-only elements strings, empty ones null, elements with
// children objects. Repeated elements are arrays, and so is every entry of a flattened list or map
// that the service names (SQS's <QueueUrl>, <Message>, <Attribute>), so one entry does not turn into
// a scalar ("ListQueuesResult/QueueUrl": the same element is a scalar in CreateQueueResult). A wrapped list
// (<Topics><member>...</member></Topics>) is the array of its members; a wrapped map
// (<Attributes><entry><key/><value/></entry></Attributes>) is an object of its entries.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/api/query/query.h"
#include "sluice/common/json_escape.h"
#include "sluice/common/utf8.h"

namespace sluice::api::query {
namespace {

namespace json = boost::json;

struct Element {
  std::string name;
  std::string text;
  std::vector<Element> children;
};

// Reads the documents XmlWriter writes. Not a general XML parser: no comments, CDATA or DTDs.
class DocumentReader {
 public:
  explicit DocumentReader(std::string_view xml) : xml_(xml) {}

  bool read(Element* root) {
    skip_prolog();
    return element(root, 0) && (skip_space(), pos_ == xml_.size());
  }

 private:
  static constexpr int kMaxDepth = 64;

  void skip_space() {
    while (pos_ < xml_.size() && std::isspace(static_cast<unsigned char>(xml_[pos_])) != 0) ++pos_;
  }

  void skip_prolog() {
    skip_space();
    while (xml_.compare(pos_, 2, "<?") == 0) {
      size_t end = xml_.find("?>", pos_);
      pos_ = end == std::string_view::npos ? xml_.size() : end + 2;
      skip_space();
    }
  }

  bool element(Element* out, int depth) {
    if (depth > kMaxDepth || pos_ >= xml_.size() || xml_[pos_] != '<') return false;
    size_t end = xml_.find('>', pos_);
    if (end == std::string_view::npos) return false;
    std::string_view tag = xml_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    const bool empty = !tag.empty() && tag.back() == '/';
    if (empty) tag.remove_suffix(1);
    out->name = std::string(tag.substr(0, tag.find_first_of(" \t\r\n")));  // attributes dropped
    if (out->name.empty()) return false;
    if (empty) return true;
    while (pos_ < xml_.size()) {
      if (xml_[pos_] != '<') {
        size_t next = xml_.find('<', pos_);
        if (next == std::string_view::npos) return false;
        if (!unescape(xml_.substr(pos_, next - pos_), &out->text)) return false;
        pos_ = next;
      } else if (xml_.compare(pos_, 2, "</") == 0) {
        size_t close = xml_.find('>', pos_);
        if (close == std::string_view::npos || xml_.substr(pos_ + 2, close - pos_ - 2) != out->name) return false;
        pos_ = close + 1;
        return true;
      } else {
        out->children.emplace_back();
        if (!element(&out->children.back(), depth + 1)) return false;
      }
    }
    return false;
  }

  // Character data with the entities append_escaped() writes (and the other predefined ones).
  static bool unescape(std::string_view text, std::string* out) {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '&') {
        out->push_back(text[i]);
        continue;
      }
      size_t semi = text.find(';', i);
      if (semi == std::string_view::npos) return false;
      std::string_view entity = text.substr(i + 1, semi - i - 1);
      if (entity == "amp") {
        out->push_back('&');
      } else if (entity == "lt") {
        out->push_back('<');
      } else if (entity == "gt") {
        out->push_back('>');
      } else if (entity == "quot") {
        out->push_back('"');
      } else if (entity == "apos") {
        out->push_back('\'');
      } else if (entity.size() > 1 && entity[0] == '#') {
        const bool hex = entity[1] == 'x' || entity[1] == 'X';
        std::string_view digits = entity.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 6) return false;
        uint32_t cp = 0;
        for (char c : digits) {
          int v = hex ? common::hex_digit_value(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
          if (v < 0) return false;
          cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        }
        if (cp > 0x10FFFF) return false;
        common::append_utf8(cp, *out);
      } else {
        return false;
      }
      i = semi;
    }
    return true;
  }

  std::string_view xml_;
  size_t pos_ = 0;
};

bool all_named(const Element& e, std::string_view name) {
  return !e.children.empty() &&
         std::all_of(e.children.begin(), e.children.end(), [&](const Element& c) { return c.name == name; });
}

bool is_flattened(FlattenedNames flattened, std::string_view parent, std::string_view child) {
  return std::any_of(flattened.begin(), flattened.end(), [&](std::string_view name) {
    return name.size() == parent.size() + 1 + child.size() && name.substr(0, parent.size()) == parent &&
           name[parent.size()] == '/' && name.substr(parent.size() + 1) == child;
  });
}

json::value convert(const Element& e, FlattenedNames flattened);

// <entry><key>K</key><value>V</value></entry>... -> {"K": V, ...}
json::value wrapped_map(const Element& e, FlattenedNames flattened) {
  json::object map;
  for (const Element& entry : e.children) {
    const Element* key = nullptr;
    const Element* value = nullptr;
    for (const Element& part : entry.children) {
      if (part.name == "key") key = &part;
      if (part.name == "value") value = &part;
    }
    if (key == nullptr) continue;
    map[key->text] = value == nullptr ? json::value() : convert(*value, flattened);
  }
  return map;
}

json::value convert(const Element& e, FlattenedNames flattened) {
  if (e.children.empty()) return e.text.empty() ? json::value() : json::value(json::string(e.text));
  if (all_named(e, "member")) {
    json::array list;
    for (const Element& member : e.children) list.push_back(convert(member, flattened));
    return list;
  }
  if (all_named(e, "entry")) return wrapped_map(e, flattened);
  json::object object;
  for (const Element& child : e.children) {
    const bool repeated =
        std::count_if(e.children.begin(), e.children.end(), [&](const Element& c) { return c.name == child.name; }) > 1;
    const bool list = repeated || is_flattened(flattened, e.name, child.name);
    if (!list) {
      object[child.name] = convert(child, flattened);
      continue;
    }
    json::value& slot = object[child.name];
    if (!slot.is_array()) slot = json::array();
    slot.get_array().push_back(convert(child, flattened));
  }
  return object;
}

}  // namespace

std::optional<std::string> document_to_json(std::string_view xml, FlattenedNames flattened) {
  Element root;
  if (!DocumentReader(xml).read(&root)) return std::nullopt;
  json::value body;
  if (root.name == "ErrorResponse") {
    // The error document's members stand at the top: {"Error": {...}, "RequestId": "..."}.
    body = convert(root, flattened);
    if (!body.is_object()) body = json::object();
  } else {
    json::object wrapper;
    wrapper[root.name] = convert(root, flattened);
    body = std::move(wrapper);
  }
  std::string text = json::serialize(body);
  common::make_well_formed_utf8(text);  // form-decoded values may hold bytes that are not UTF-8
  return text;
}

bool wants_json(const http::Request& request) {
  const std::string* accept = request.header("accept");
  if (accept == nullptr) return false;
  std::string lower(*accept);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("application/json") != std::string::npos;
}

void answer_in_json(http::Response& response, FlattenedNames flattened) {
  auto is_content_type = [](std::string_view name) {
    return name.size() == 12 && std::equal(name.begin(), name.end(), "content-type", [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  bool xml = false;
  for (const auto& [name, value] : response.headers) {
    if (is_content_type(name) && value.find("xml") != std::string::npos) xml = true;
  }
  const size_t in_lines = response.header_lines.find("Content-Type: text/xml\r\n");
  if (in_lines != std::string::npos) xml = true;
  if (!xml) return;
  auto converted = document_to_json(response.body, flattened);
  if (!converted) return;  // not a document of ours: left as it is
  response.body = std::move(*converted);
  for (auto& [name, value] : response.headers) {
    if (is_content_type(name)) value = "application/json";
  }
  if (in_lines != std::string::npos) {
    response.header_lines.replace(in_lines, std::string_view("Content-Type: text/xml\r\n").size(),
                                  "Content-Type: application/json\r\n");
  }
}

}  // namespace sluice::api::query
