#pragma once
// Writing generated kernels out so a person can read them: raw code as
// <dir>/<name>.bin and a disassembly listing <dir>/<name>.s beside it.
#include <cstddef>
#include <cstdint>
#include <string>

namespace octet::jit {

// Where created kernels go: the directory set by set_dump_dir() if any, else
// env OCTET_JIT_DUMP, else "" (no dump).
std::string dump_dir();
// Programmatic override (jitbench --dump-kernels): every kernel created from
// now on is written to `dir` (created if missing), with a listing when
// `with_listing`. An empty dir goes back to the environment.
void set_dump_dir(const std::string& dir, bool with_listing);

// Writes code to <dir>/<name>.bin (name made file-safe) and, when listings are
// on, its listing. Returns the .bin path, or "" when dumping is off. Failures
// are logged (a dump is a debugging aid) and give "".
std::string dump_kernel(const std::string& name, const uint8_t* code, size_t size);

// perf's map of generated code: with env OCTET_JIT_PROFILE=1 every kernel
// created is appended to perf_map_path(), /tmp/perf-<pid>.map, as
// "<start> <size> octet_<name>" (hex), the file `perf report` reads to name
// samples in anonymous code (oneDNN's DNNL_JIT_PROFILE=1 does the same). A
// kernel freed and its memory reused by a later one leaves two names at one
// address: profile processes that keep their kernels (jitbench -m), not loops
// that make and drop them. Returns false when off or not written (logged once).
bool perf_map_enabled();
std::string perf_map_path();
bool perf_map_register(const std::string& name, const uint8_t* code, size_t size);

// True when `objdump` is on PATH.
bool objdump_available();
// Disassembles a raw x86-64 .bin with `objdump -D -b binary -mi386:x86-64 -M intel`
// into the same path with .s instead of .bin. Returns the listing path; throws
// octet::Error when objdump is missing or fails.
std::string write_listing(const std::string& bin_path);

}  // namespace octet::jit
