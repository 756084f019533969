# Sanitizer and fuzzing builds (the reliability lanes run by scripts/lanes.sh).
# The flags go on every target of the project (library, tools, tests) so that
# code and runtime agree; the JIT-generated kernels are not instrumented, which
# is why the kernel tests place buffers against guard pages instead.
#
#   -DOCTET_SANITIZE=address,undefined   ASan + UBSan (LeakSanitizer included)
#   -DOCTET_SANITIZE=thread              TSan
#   -DOCTET_BUILD_FUZZ=ON                libFuzzer targets in test/fuzz (clang only);
#                                        implies address,undefined unless OCTET_SANITIZE says otherwise
#
# -fno-sanitize-recover=all makes every UBSan report abort the process, so a
# finding fails its CTest test instead of scrolling past in the log.
set(OCTET_SANITIZE "" CACHE STRING "Sanitizers for the whole build: empty, 'address,undefined' or 'thread'")
option(OCTET_BUILD_FUZZ "Build the libFuzzer targets in test/fuzz (needs clang)" OFF)

if(OCTET_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "OCTET_BUILD_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang, or use the 'fuzz' preset")
  endif()
  if(NOT OCTET_SANITIZE)
    set(OCTET_SANITIZE "address,undefined" CACHE STRING "" FORCE)
  endif()
endif()

if(OCTET_SANITIZE)
  if(OCTET_SANITIZE MATCHES "thread" AND OCTET_SANITIZE MATCHES "address")
    message(FATAL_ERROR "OCTET_SANITIZE='${OCTET_SANITIZE}': ThreadSanitizer cannot be combined with AddressSanitizer")
  endif()
  set(octet_sanitize_flags -fsanitize=${OCTET_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${octet_sanitize_flags})
  add_link_options(${octet_sanitize_flags})
  if(OCTET_BUILD_FUZZ)
    # Coverage feedback for libFuzzer in every object; the fuzzer's main() is
    # linked only into the fuzz targets (test/fuzz/CMakeLists.txt).
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
  message(STATUS "octet: sanitizers ${OCTET_SANITIZE}")
endif()
