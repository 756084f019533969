#pragma once
// Shared by the JIT kernel tests: buffers that end against a PROT_NONE page (an
// out-of-bounds read or write by generated code faults instead of passing), and
// the ISAs a sweep executes (natively every supported one; under a cap or in the
// emu lane, emu::sweep_isas()).
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "jit/cpu.hpp"
#include "jit/isa.hpp"
#include "../emu/emu_cases.hpp"

namespace octet::kernel_test {

using jit::Isa;

// `bytes` whose last byte sits right before a PROT_NONE page.
class GuardedBytes {
public:
    explicit GuardedBytes(size_t bytes) {
        const size_t page = size_t(sysconf(_SC_PAGESIZE));
        map_bytes_ = (bytes + page - 1) / page * page + page;
        void* m = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        REQUIRE(m != MAP_FAILED);
        base_ = static_cast<uint8_t*>(m);
        REQUIRE(mprotect(base_ + map_bytes_ - page, page, PROT_NONE) == 0);
        data_ = base_ + map_bytes_ - page - bytes;
    }
    ~GuardedBytes() { munmap(base_, map_bytes_); }
    GuardedBytes(const GuardedBytes&) = delete;
    GuardedBytes& operator=(const GuardedBytes&) = delete;
    uint8_t* data() { return data_; }

private:
    size_t map_bytes_;
    uint8_t* base_;
    uint8_t* data_;
};

constexpr Isa kGenIsas[] = {Isa::sse42, Isa::avx2, Isa::avx_vnni, Isa::avx512_core, Isa::avx512_core_vnni};

inline std::vector<Isa> executed_isas() {
    const char* cap = std::getenv("OCTET_MAX_ISA");
    if (emu::in_emu_lane() || (cap && *cap)) return emu::sweep_isas();
    std::vector<Isa> v;
    for (Isa i : kGenIsas)
        if (jit::isa_supported(i)) v.push_back(i);
    return v;
}


}  // namespace octet::kernel_test
