# Writes OUT: a C++ source that holds PYTHON_SHIM and NODEJS_SHIM as string constants.
file(READ ${PYTHON_SHIM} python)
file(READ ${NODEJS_SHIM} nodejs)
file(WRITE ${OUT} "// Generated from runtime/runtimes by embed_shims.cmake; edit the shims, not this file.
#include \"sluice/runtimes/shims.h\"

namespace sluice::runtimes {

std::string_view python_shim() {
  return R\"sluice_shim(${python})sluice_shim\";
}

std::string_view nodejs_shim() {
  return R\"sluice_shim(${nodejs})sluice_shim\";
}

}  // namespace sluice::runtimes
")
