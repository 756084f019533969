# Finds octet's dependencies among the Debian packages; a missing one stops the
# configure step with the package to install (scripts/setup.sh installs them all).
function(octet_require pkg debian)
  find_package(${pkg} ${ARGN} QUIET)
  if(NOT ${pkg}_FOUND)
    message(FATAL_ERROR "octet: dependency '${pkg}' not found: install the Debian package "
                        "'${debian}' (or run scripts/setup.sh, which installs everything).")
  endif()
endfunction()

octet_require(xbyak libxbyak-dev CONFIG)
octet_require(CpuFeatures libcpu-features-dev CONFIG)
octet_require(nlohmann_json nlohmann-json3-dev CONFIG)
octet_require(spdlog libspdlog-dev CONFIG)
# Importers (ir/import): ONNX through Debian's generated onnx_proto library (ONNX_ML=1,
# namespace onnx) over libprotobuf, OpenVINO IR through pugixml.
octet_require(Protobuf libprotobuf-dev)
octet_require(ONNX libonnx-dev CONFIG)
octet_require(pugixml libpugixml-dev CONFIG)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
if(OCTET_BUILD_TESTS)
  octet_require(Catch2 catch2 2 CONFIG)
endif()
