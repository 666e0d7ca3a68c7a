#pragma once
// Internal: appends XML elements to a string. Only what the Query responses need: elements with
// escaped text content, no attributes beyond the root's namespace.

#include <string>
#include <string_view>

namespace sluice::api::query::detail {

// Appends `text` as XML character data. '&', '<', '>', '"' become entities and '\r' becomes
// "&#xD;" so a parser hands it back instead of normalising it away (message bodies may carry
// CR). Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF and CR; U+FFFE,
// U+FFFF) become U+FFFD so the document stays well formed; SQS refuses such characters on input.
void append_escaped(std::string& out, std::string_view text);

class XmlWriter {
 public:
  explicit XmlWriter(std::string& out) : out_(out) {}

  void open(std::string_view name) {
    out_.push_back('<');
    out_.append(name);
    out_.push_back('>');
  }
  void close(std::string_view name) {
    out_.append("</");
    out_.append(name);
    out_.push_back('>');
  }
  void element(std::string_view name, std::string_view text) {
    open(name);
    append_escaped(out_, text);
    close(name);
  }
  // For text already known to need no escaping (numbers, true/false).
  void raw_element(std::string_view name, std::string_view text) {
    open(name);
    out_.append(text);
    close(name);
  }
  void raw(std::string_view text) { out_.append(text); }

 private:
  std::string& out_;
};

}  // namespace sluice::api::query::detail
