#pragma once
// CloudWatch Logs filter patterns (FilterLogEvents' filterPattern), the forms sluice supports:
//
//   (empty)                     every event
//   ERROR                       events that contain the term (case-sensitive, anywhere)
//   ERROR Exception             events that contain all the terms
//   "request failed"            a quoted phrase (needed for terms with spaces or symbols)
//   ERROR -Exiting              `-` excludes events that contain the term
//   ?ERROR ?WARN                `?` any of: events that contain at least one such term (the
//                               plain terms still have to be there, the `-` ones absent)
//   { $.level = "ERROR" }       JSON events: a selector ($.a.b, $.list[0]) compared with = or !=
//                               to a string (`*` is a wildcard) or a number, with > < >= <= to a
//                               number; `IS TRUE`, `IS FALSE`, `IS NULL`, `NOT EXISTS`;
//                               conditions joined with && and || (&& binds tighter) and grouped
//                               with parentheses.
//
// Not supported (refused as InvalidParameterException): space-delimited patterns ([a, b, ...]),
// regular expressions (%...%).

#include <memory>
#include <string>
#include <string_view>

#include "sluice/common/aws_error.h"

namespace sluice::logs {

class FilterPattern {
 public:
  // The pattern, or InvalidParameterException's text for one it cannot read.
  static common::Outcome<std::shared_ptr<const FilterPattern>, std::string> parse(std::string_view text);
  virtual ~FilterPattern() = default;
  virtual bool matches(std::string_view message) const = 0;
};

}  // namespace sluice::logs
