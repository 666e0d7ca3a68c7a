// Prints docs/config-reference.md, the configuration's reference page, from the loader's schema:
//   sluice_config_reference > docs/config-reference.md

#include <cstdio>

#include "config_schema.h"

int main() {
  std::string page = sluice::cli::config_reference_markdown();
  return std::fwrite(page.data(), 1, page.size(), stdout) == page.size() ? 0 : 1;
}
