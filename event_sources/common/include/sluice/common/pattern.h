// A regular expression in the ECMAScript grammar, the one AWS writes its API constraints in
// ("Member must satisfy regular expression pattern: ..."), compiled once and matched against whole
// texts. This is the tree's one user of <regex>: that header takes seconds to compile in every
// file that includes it, so it stays behind this class.
#pragma once

#include <memory>
#include <string_view>

namespace sluice::common {

class Pattern {
 public:
  // Throws std::regex_error (a std::runtime_error) on an expression that does not compile: the
  // patterns are constants of the code, so that is a defect the first test that uses one finds.
  explicit Pattern(std::string_view expression);
  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // Whether the whole of `text` matches.
  bool matches(std::string_view text) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace sluice::common
