# The peers bench/ measures octet against, found among the Debian packages
# (scripts/setup.sh --bench installs them). A missing peer stops the configure
# step with the package to install. Defines the imported targets
#   octet_bench::dnnl     oneDNN (libdnnl-dev, CMake config; OpenMP runtime in Debian's build)
#   octet_bench::xnnpack  XNNPACK (libxnnpack-dev) + pthreadpool (libpthreadpool-dev)
#   OpenMP::OpenMP_CXX    to set the thread count of Debian's OpenMP-threaded oneDNN
include_guard(GLOBAL)

function(octet_bench_missing what debian)
  message(FATAL_ERROR "octet bench: peer '${what}' not found: install the Debian package "
                      "'${debian}' (or run scripts/setup.sh --bench).")
endfunction()

# Debian's libdnnl-dev ships a CMake config (dnnl-config.cmake), but Debian builds oneDNN
# with the OpenCL GPU runtime and that config then find_package(OpenCL REQUIRED)s the
# OpenCL *development* files (ocl-icd-opencl-dev, opencl-c-headers), which the CPU
# benchmarks never use. Use the config when OpenCL's dev files are there, else the
# header and library directly (libdnnl.so itself only needs the runtime libOpenCL.so.1,
# which libdnnl2 depends on).
find_package(OpenCL QUIET)
if(OpenCL_FOUND)
  find_package(dnnl CONFIG QUIET)
endif()
if(NOT TARGET octet_bench::dnnl)
  add_library(octet_bench::dnnl INTERFACE IMPORTED)
  if(TARGET DNNL::dnnl)
    target_link_libraries(octet_bench::dnnl INTERFACE DNNL::dnnl)
  else()
    find_path(OCTET_DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp)
    find_library(OCTET_DNNL_LIBRARY NAMES dnnl)
    if(NOT OCTET_DNNL_INCLUDE_DIR OR NOT OCTET_DNNL_LIBRARY)
      octet_bench_missing(oneDNN libdnnl-dev)
    endif()
    target_include_directories(octet_bench::dnnl INTERFACE ${OCTET_DNNL_INCLUDE_DIR})
    target_link_libraries(octet_bench::dnnl INTERFACE ${OCTET_DNNL_LIBRARY})
  endif()
endif()

find_package(OpenMP QUIET)
if(NOT OpenMP_CXX_FOUND)
  octet_bench_missing(OpenMP "libgomp1 (gcc) or libomp-dev")
endif()

# XNNPACK ships no CMake/pkg-config file in Debian: header + library by hand.
# xnnpack.h includes pthreadpool.h, which is in libpthreadpool-dev (not pulled
# in by libxnnpack-dev); cpuinfo is a run-time dependency of libXNNPACK.so only.
find_path(OCTET_XNNPACK_INCLUDE_DIR xnnpack.h)
find_library(OCTET_XNNPACK_LIBRARY NAMES XNNPACK xnnpack)
if(NOT OCTET_XNNPACK_INCLUDE_DIR OR NOT OCTET_XNNPACK_LIBRARY)
  octet_bench_missing(XNNPACK libxnnpack-dev)
endif()
find_path(OCTET_PTHREADPOOL_INCLUDE_DIR pthreadpool.h)
find_library(OCTET_PTHREADPOOL_LIBRARY NAMES pthreadpool)
if(NOT OCTET_PTHREADPOOL_INCLUDE_DIR OR NOT OCTET_PTHREADPOOL_LIBRARY)
  octet_bench_missing(pthreadpool libpthreadpool-dev)
endif()
if(NOT TARGET octet_bench::xnnpack)
  add_library(octet_bench::xnnpack INTERFACE IMPORTED)
  target_include_directories(octet_bench::xnnpack INTERFACE
    ${OCTET_XNNPACK_INCLUDE_DIR} ${OCTET_PTHREADPOOL_INCLUDE_DIR})
  target_link_libraries(octet_bench::xnnpack INTERFACE
    ${OCTET_XNNPACK_LIBRARY} ${OCTET_PTHREADPOOL_LIBRARY})
endif()
