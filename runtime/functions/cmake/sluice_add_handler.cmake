# sluice_add_handler(<name> SOURCES <files...> [LIBS <targets...>])
#
# Builds a sluice handler plugin: a shared module loaded with dlopen, exporting only the
# sluice_handler_* symbols. C++ sources get Boost.JSON (used by <sluice/handler.hpp>), found here
# when the project has not found it already; C sources need nothing but the SDK's headers.
#  - hidden visibility: the SDK marks exactly the ABI symbols as exported;
#  - -z defs: a missing symbol fails the link, not the dlopen on someone else's machine;
#  - -fno-gnu-unique (GCC): otherwise inline statics from headers make dlclose a no-op, and a
#    hot-reloaded plugin would never be unloaded.
function(sluice_add_handler name)
  cmake_parse_arguments(H "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT H_SOURCES)
    message(FATAL_ERROR "sluice_add_handler(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${H_SOURCES})
  if(TARGET sluice_handler_sdk)
    target_link_libraries(${name} PRIVATE sluice_handler_sdk)
  else()
    target_link_libraries(${name} PRIVATE sluice::handler_sdk)
  endif()
  set(has_cxx FALSE)
  foreach(src IN LISTS H_SOURCES)
    if(src MATCHES "\\.(cpp|cc|cxx|C)$")
      set(has_cxx TRUE)
    endif()
  endforeach()
  if(has_cxx)
    # Only C++ handlers need Boost.JSON (<sluice/handler.hpp>); 1.75 is its first release.
    if(NOT TARGET Boost::json)
      set(Boost_NO_WARN_NEW_VERSIONS ON)
      find_package(Boost 1.75 REQUIRED COMPONENTS json)
    endif()
    target_link_libraries(${name} PRIVATE Boost::json)
    target_compile_features(${name} PRIVATE cxx_std_20)
  endif()
  target_link_libraries(${name} PRIVATE ${H_LIBS})
  set_target_properties(${name} PROPERTIES
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(${name} PRIVATE $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-fno-gnu-unique>)
  # clang links its sanitizer runtimes into the executable only, so a sanitized module leaves their
  # symbols for the loading process to provide: -z defs would refuse exactly those.
  if(NOT (SLUICE_SANITIZE AND CMAKE_CXX_COMPILER_ID MATCHES "Clang"))
    target_link_options(${name} PRIVATE -Wl,-z,defs)
  endif()
endfunction()
