# cmake --install: the static library, its headers and a package config, so an
# application does find_package(octet) and links octet::octet.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS octet EXPORT octetTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY engine/include/octet DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Layer headers that the public ones include, kept under octet/internal/<layer>/.
foreach(layer ${OCTET_LAYERS})
  install(DIRECTORY ${layer}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/octet/internal/${layer}
          FILES_MATCHING PATTERN "*.hpp" PATTERN "include" EXCLUDE)
endforeach()
install(EXPORT octetTargets NAMESPACE octet:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/octet)
configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/octetConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/octetConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/octet)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/octetConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/octetConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/octetConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/octet)
