# The Debian package (CPack, DEB generator): `cpack -G DEB` in a built tree makes
# sluice_<version>_<arch>.deb holding what `cmake --install` puts in place (the sluice and
# sluice-worker programs, the handler SDK headers and its CMake package) plus the systemd units and
# a man page generated from `sluice --help` (help2man). Runtime dependencies are read from the
# programs' shared libraries (dpkg-shlibdeps).
include(GNUInstallDirs)
# cpack installs what the tree has built; it must not build every target (tests, benchmarks) first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/sluice.service
              ${PROJECT_SOURCE_DIR}/packaging/systemd/sluice-worker.service
        DESTINATION lib/systemd/system)

find_program(SLUICE_HELP2MAN help2man)
if(SLUICE_HELP2MAN)
  set(sluice_man ${PROJECT_BINARY_DIR}/man/sluice.1)
  add_custom_command(OUTPUT ${sluice_man}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${SLUICE_HELP2MAN} --no-info --name "local Amazon SQS and SNS with a Lambda-style runtime for handlers"
            --output ${sluice_man} $<TARGET_FILE:sluice>
    DEPENDS sluice
    COMMENT "Generating the sluice(1) man page from sluice --help")
  add_custom_target(sluice_man ALL DEPENDS ${sluice_man})
  install(FILES ${sluice_man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man page (scripts/setup installs it)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sluice)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Local Amazon SQS and SNS with a Lambda-style runtime for handlers")
set(CPACK_PACKAGE_DESCRIPTION
    "sluice emulates Amazon SQS and SNS (with STS, IAM, Lambda, KMS, CloudWatch and CloudWatch Logs) over the AWS wire protocols, runs handler plugins and Lambda custom runtimes through event-source mappings, and runs fleets of workers against real SQS (sluice worker).")
set(CPACK_PACKAGE_CONTACT "The sluice authors")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Building a handler against the installed SDK (find_package(sluice)) needs a compiler, CMake and
# Boost.JSON's headers.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake, g++ | c++-compiler, libboost-json1.81-dev | libboost-json-dev")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3, nodejs")
include(CPack)
