// Pattern (see pattern.h) over std::regex.

#include "sluice/common/pattern.h"

#include <regex>

namespace sluice {

struct Pattern::Compiled {
  std::regex regex;
};

Pattern::Pattern(std::string_view expression)
    : compiled_(std::make_unique<Compiled>(Compiled{std::regex(expression.begin(), expression.end())})) {}

Pattern::~Pattern() = default;

bool Pattern::matches(std::string_view text) const {
  return std::regex_match(text.begin(), text.end(), compiled_->regex);
}

std::optional<std::vector<std::string>> Pattern::match_groups(std::string_view text) const {
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_match(text.begin(), text.end(), match, compiled_->regex)) return std::nullopt;
  std::vector<std::string> groups;
  groups.reserve(match.size());
  for (const auto& group : match) groups.push_back(group.str());
  return groups;
}

}  // namespace sluice
