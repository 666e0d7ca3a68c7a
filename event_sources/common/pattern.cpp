// Pattern (see pattern.h) over std::regex.

#include "sluice/common/pattern.h"

#include <regex>

namespace sluice::common {

struct Pattern::Compiled {
  std::regex regex;
};

Pattern::Pattern(std::string_view expression)
    : compiled_(std::make_unique<Compiled>(Compiled{std::regex(expression.begin(), expression.end())})) {}

Pattern::~Pattern() = default;

bool Pattern::matches(std::string_view text) const {
  return std::regex_match(text.begin(), text.end(), compiled_->regex);
}

}  // namespace sluice::common
