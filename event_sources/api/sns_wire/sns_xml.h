#pragma once
// Internal: building SNS Query XML answers. Xml appends elements with text escaped by the Query
// kit's one escaper; document() wraps a result body in <ActionResponse><ActionResult>…
// </ActionResult><ResponseMetadata>… in SNS's dialect.

#include <string>
#include <string_view>

#include "sluice/api/query/query.h"

namespace sluice::api::sns_wire::detail {

inline constexpr query::Dialect kDialect{"http://sns.amazonaws.com/doc/2010-03-31/", "<?xml version=\"1.0\"?>\n",
                                         false};

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
    query::append_escaped(out, text);
    return close(name);
  }
};

// result_body empty and has_result false: actions without a result element (DeleteTopic, ...).
std::string document(std::string_view action, const std::string& result_body, bool has_result,
                     std::string_view request_id);

}  // namespace sluice::api::sns_wire::detail
