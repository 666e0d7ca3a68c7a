#pragma once
// Internal: building SNS Query XML answers. Xml appends elements with escaped text; document()
// wraps a result body in <ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>….

#include <string>
#include <string_view>

namespace sluice::sns::api::detail {

inline constexpr std::string_view kNamespace = "http://sns.amazonaws.com/doc/2010-03-31/";

void append_escaped(std::string& out, std::string_view text);

struct Xml {
  std::string out;
  Xml& open(std::string_view name) {
    out.append("<").append(name).append(">");
    return *this;
  }
  Xml& close(std::string_view name) {
    out.append("</").append(name).append(">");
    return *this;
  }
  Xml& element(std::string_view name, std::string_view text) {
    open(name);
    append_escaped(out, text);
    return close(name);
  }
};

// result_body empty and has_result false: actions without a result element (DeleteTopic, ...).
std::string document(std::string_view action, const std::string& result_body, bool has_result,
                     std::string_view request_id);

}  // namespace sluice::sns::api::detail
