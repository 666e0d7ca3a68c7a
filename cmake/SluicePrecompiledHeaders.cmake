# SLUICE_PCH: precompile the standard and Boost.JSON headers that most translation units include.
#
# Most of a unit's compile time is spent parsing these headers, not its own code (Boost.JSON and
# the standard containers: about half of a unit's time at -O0). The test command builds two
# sanitizer trees, and this roughly halves their compile time. The main tree (build/) is built
# without it, so a file that forgets an include still fails to compile there.
#
# Each target with enough sources gets a header of its own, compiled with that target's flags
# (sharing one header across targets would need identical flags, which shared libraries, fuzzers
# and the warning sets do not have). A target with few sources would pay more for its header than
# it saves.
option(SLUICE_PCH "Precompile common headers (the sanitizer trees of the test command)" OFF)

set(SLUICE_PCH_MIN_SOURCES 4)
set(SLUICE_PCH_HEADERS
    <algorithm> <chrono> <cstdint> <functional> <map> <memory> <mutex> <optional> <string>
    <string_view> <unordered_map> <utility> <vector> <boost/json.hpp>)

# Every build-system target defined in `dir` and the directories below it.
function(sluice_targets_below dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    sluice_targets_below(${sub} below)
    list(APPEND targets ${below})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

function(sluice_precompile_common_headers)
  if(NOT SLUICE_PCH)
    return()
  endif()
  sluice_targets_below(${PROJECT_SOURCE_DIR} targets)
  set(headers)
  foreach(h IN LISTS SLUICE_PCH_HEADERS)
    list(APPEND headers "$<$<COMPILE_LANGUAGE:CXX>:${h}>")
  endforeach()
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
      continue()
    endif()
    get_target_property(sources ${t} SOURCES)
    list(FILTER sources INCLUDE REGEX "\\.cpp$")
    list(LENGTH sources count)
    if(count LESS SLUICE_PCH_MIN_SOURCES)
      continue()
    endif()
    target_precompile_headers(${t} PRIVATE ${headers})
  endforeach()
endfunction()
