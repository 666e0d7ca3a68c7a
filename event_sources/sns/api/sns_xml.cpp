// XML text for SNS answers. Escaping: the five XML specials become entities and CR becomes
// "&#xD;" so a parser returns it instead of normalising it; characters XML 1.0 cannot carry
// (C0 controls other than tab/LF/CR) become U+FFFD so the document stays well formed.

#include "sns_xml.h"

#include "api/sns_api.h"

namespace sluice::sns::api {
namespace detail {

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&apos;");
        break;
      case '\r':
        out.append("&#xD;");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out.append("\xEF\xBF\xBD");
        } else {
          out.push_back(c);
        }
    }
  }
}

std::string document(std::string_view action, const std::string& result_body, bool has_result,
                     std::string_view request_id) {
  std::string out = "<?xml version=\"1.0\"?>\n<";
  out.append(action).append("Response xmlns=\"").append(kNamespace).append("\">");
  if (has_result) {
    out.append("<").append(action).append("Result>").append(result_body);
    out.append("</").append(action).append("Result>");
  }
  out.append("<ResponseMetadata><RequestId>");
  append_escaped(out, request_id);
  out.append("</RequestId></ResponseMetadata></").append(action).append("Response>");
  return out;
}

}  // namespace detail

std::string error_xml(const AwsError& error, std::string_view request_id) {
  detail::Xml x;
  x.out = "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"";
  x.out.append(detail::kNamespace).append("\">");
  x.open("Error");
  x.element("Type", error.info().fault == Fault::Sender ? "Sender" : "Receiver");
  x.element("Code", error.info().query_code);
  x.element("Message", error.message);
  x.close("Error");
  x.element("RequestId", request_id);
  x.close("ErrorResponse");
  return x.out;
}

}  // namespace sluice::sns::api
