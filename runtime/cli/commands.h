#pragma once
// Sub-commands of the sluice binary. Each takes the arguments after its name and returns the
// process exit code.

#include <string>
#include <vector>

namespace sluice::cli {

int command_up(const std::vector<std::string>& args);
int command_invoke(const std::vector<std::string>& args);
int command_generate_event(const std::vector<std::string>& args);

}  // namespace sluice::cli
