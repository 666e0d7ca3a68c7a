#pragma once
// The runtime shims for managed runtimes, as text: the Python one runs as `python3 bootstrap.py`,
// the Node.js one as `node bootstrap.mjs`, in a function's execution environment. Sources:
// runtime/runtimes/python/bootstrap.py and runtime/runtimes/nodejs/bootstrap.mjs.

#include <string_view>

namespace sluice::runtimes {

std::string_view python_shim();
std::string_view nodejs_shim();

}  // namespace sluice::runtimes
