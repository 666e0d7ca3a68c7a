#pragma once
// Where a configuration file stops being JSON: "line L, column C: <what the parser says>", so a
// user finds a missing comma without counting braces.

#include <string>
#include <string_view>

namespace sluice::cli {

// "" when `text` is one valid JSON value, else the sentence above (lines and columns count from 1;
// a column counts bytes).
std::string json_syntax_error(std::string_view text);

}  // namespace sluice::cli
