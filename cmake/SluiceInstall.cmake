# What `cmake --install` puts in place: the sluice binary, the handler SDK headers and the CMake
# package that lets a handler outside this tree build with
#   find_package(sluice REQUIRED)
#   sluice_add_handler(my_handler SOURCES handler.cpp)
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(SLUICE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/sluice)

install(TARGETS sluice sluice_worker RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS sluice_handler_sdk EXPORT sluiceTargets)
install(FILES ${PROJECT_SOURCE_DIR}/runtime/include/sluice/handler.h
              ${PROJECT_SOURCE_DIR}/runtime/include/sluice/handler.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sluice)
install(EXPORT sluiceTargets NAMESPACE sluice:: DESTINATION ${SLUICE_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/sluiceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sluiceConfig.cmake INSTALL_DESTINATION ${SLUICE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sluiceConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sluiceConfig.cmake ${PROJECT_BINARY_DIR}/sluiceConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/runtime/functions/cmake/sluice_add_handler.cmake
        DESTINATION ${SLUICE_CMAKE_DIR})
