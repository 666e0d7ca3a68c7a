// Command-line front to the Query codec for cross-checking with other implementations:
//   sqs_query_tool request            stdin: form body (with Action=...) -> stdout: JSON request
//   sqs_query_tool response ACTION    stdin: JSON result object          -> stdout: XML document
//   sqs_query_tool error CODE_NAME    stdin: message text                -> stdout: error XML
// Errors of the codec are printed as {"error": "<query code>", "message": "..."}.

#include <iostream>
#include <iterator>
#include <string>

#include "wire.h"

namespace json = boost::json;
using namespace sluice;
using namespace sluice::api::query;
using namespace sluice::api::sqs_wire::detail;

namespace {

void print_error(const common::AwsError& e) {
  json::object o;
  o["error"] = e.info().query_code;
  o["message"] = e.message;
  std::cout << json::serialize(o) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  std::string mode = argv[1];
  if (mode == "request") {
    auto form = parse_form(input);
    if (!form) {
      print_error(form.error());
      return 0;
    }
    std::string action;
    for (const auto& [name, value] : *form) {
      if (name == "Action") action = value;
    }
    auto request = sqs_request_to_json(action, form->params());
    if (!request) {
      print_error(request.error());
      return 0;
    }
    std::cout << json::serialize(*request) << "\n";
    return 0;
  }
  if (mode == "response" && argc >= 3) {
    json::value v = json::parse(input);
    std::cout << sqs_response_to_xml(argv[2], v.as_object(), "req-1") << "\n";
    return 0;
  }
  if (mode == "error" && argc >= 3) {
    std::string_view name = argv[2];
    for (common::AwsErrorCode code :
         {common::AwsErrorCode::QueueDoesNotExist, common::AwsErrorCode::InvalidParameterValue,
          common::AwsErrorCode::InternalFailure, common::AwsErrorCode::OverLimit}) {
      if (common::error_name(code) == name) {
        std::cout << sqs_error_xml(common::aws_error(code, input), "req-1") << "\n";
        return 0;
      }
    }
    return 3;
  }
  return 2;
}
