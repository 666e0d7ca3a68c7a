# Adds every immediate subdirectory of the current source directory that has a CMakeLists.txt.
# Components live in their own folders so each can be built and tested on its own.
function(sluice_add_component_dirs)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    # SLUICE_EXCLUDE_DIRS (a regex matched against a folder's name or its path from the top, e.g.
    # "bench/esm|sns_api") leaves components out of a developer build.
    file(RELATIVE_PATH child_path ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/${child})
    if(SLUICE_EXCLUDE_DIRS AND (child MATCHES "^(${SLUICE_EXCLUDE_DIRS})$" OR child_path MATCHES "^(${SLUICE_EXCLUDE_DIRS})$"))
      continue()
    endif()
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

# sluice_unit_test(NAME SOURCES files... LIBS targets...)
# One doctest executable per component, registered with CTest under its name.
function(sluice_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES} ${PROJECT_SOURCE_DIR}/tests/unit/doctest_main.cpp)
  target_include_directories(${name} SYSTEM PRIVATE ${DOCTEST_INCLUDE})
  target_link_libraries(${name} PRIVATE ${T_LIBS} sluice_warnings)
  add_test(NAME ${name} COMMAND ${name})
  if(name IN_LIST SLUICE_THREADED_SUITES)
    set_tests_properties(${name} PROPERTIES LABELS "unit;threaded" TIMEOUT 600)
  else()
    set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300)
  endif()
endfunction()
