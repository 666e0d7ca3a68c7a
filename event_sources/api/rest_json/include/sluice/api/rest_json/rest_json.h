#pragma once
// The REST-JSON protocol kit: what a REST service (Lambda) needs to read a request and answer it.
//
// - PathTemplate matches a request path against "/2015-03-31/functions/{FunctionName}/code" and
//   yields the percent-decoded parameters. A trailing '/' on the request is ignored, as AWS
//   ignores it ("/2015-03-31/functions/" is ListFunctions).
// - parse_query() decodes a query string into names and values.
// - json_answer() and error_answer() build the HTTP answers. REST-JSON errors are the
//   x-amzn-ErrorType header (the error's type) and a JSON body {"Type": "User"|"Service",
//   "message": "..."}; Lambda spells the member "Message" for ResourceNotFoundException and
//   ResourceInUseException and "message" for the others (its models' error shapes).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/api/http/server.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::rest_json {

using Params = std::map<std::string, std::string, std::less<>>;

// "%2F" -> "/", '+' kept as is (paths), or as ' ' when plus_is_space (query strings).
std::string percent_decode(std::string_view text, bool plus_is_space = false);

class PathTemplate {
 public:
  // Segments in braces are parameters: "/2015-03-31/functions/{FunctionName}/invocations".
  explicit PathTemplate(std::string_view pattern);
  // True when raw_path (not decoded) has the template's shape; each parameter is stored decoded.
  // A parameter matches one non-empty segment.
  bool match(std::string_view raw_path, Params* params) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter's name
    bool parameter = false;
  };
  std::vector<Segment> segments_;
};

// The query string's parameters, decoded; the first of repeated names wins.
Params parse_query(std::string_view raw_query);
// Every value of a repeated query parameter (?tagKeys=a&tagKeys=b), decoded, in order.
std::vector<std::string> query_values(std::string_view raw_query, std::string_view name);

// An answer with a JSON body (or none when body is empty) and x-amzn-RequestId.
http::Response json_answer(int status, std::string body, std::string_view request_id);
// AWS's REST-JSON error for `error`: its status, x-amzn-ErrorType, and the JSON body above. A
// non-empty reason adds the "Reason" member some errors carry (TooManyRequestsException).
http::Response error_answer(const common::AwsError& error, std::string_view request_id, std::string_view reason = {});

}  // namespace sluice::api::rest_json
