#pragma once
// Shared by the JIT kernel tests: buffers that end against a PROT_NONE page (an
// out-of-bounds read or write by generated code faults instead of passing), the
// ISAs a sweep executes (natively every supported one; under a cap or in the emu
// lane, emu::sweep_isas()), and the residual a sum post-op reads.
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "ir/epilogue.hpp"

#include "jit/cpu.hpp"
#include "jit/isa.hpp"
#include "../emu/emu_cases.hpp"

namespace octet::kernel_test {

using jit::Isa;

// `bytes` whose last byte sits right before a PROT_NONE page.
class GuardedBytes {
public:
    explicit GuardedBytes(size_t bytes) : bytes_(bytes) {
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
    template <typename T> T* as() { return reinterpret_cast<T*>(data_); }
    size_t size() const { return bytes_; }
    void fill(const void* src) { std::memcpy(data_, src, bytes_); }

private:
    size_t bytes_, map_bytes_;
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

// The f32 generator bodies (avx2, avx512_core) the sweep's ISAs select, each
// once (sse42 has none).
inline std::vector<Isa> f32_body_isas() {
    std::vector<Isa> out;
    for (Isa i : executed_isas()) {
        Isa k;
        if (jit::isa_is_subset(Isa::avx512_core, i)) k = Isa::avx512_core;
        else if (jit::isa_is_subset(Isa::avx2, i)) k = Isa::avx2;
        else continue;
        bool seen = false;
        for (Isa o : out) seen = seen || o == k;
        if (!seen) out.push_back(k);
    }
    return out;
}

// The residual tensor (`elems` values of the sum post-op's type, raw bytes) for an
// epilogue; empty when it has no sum. f32: values in [-range, range], one in four
// an exact .5 tie (rounding); u8/s8: bytes with 0, 255, 0x80 and 0x7f
// over-represented (the saturating extremes).
inline std::vector<uint8_t> random_residual(const ir::Epilogue& e, size_t elems, std::mt19937& rng, float range) {
    const ir::PostOp* sum = e.sum_op();
    if (!sum) return {};
    std::vector<uint8_t> res(elems * ir::elem_size(sum->sum_type));
    if (sum->sum_type == ir::ElemType::f32) {
        std::uniform_real_distribution<float> u(-range, range);
        for (size_t i = 0; i < elems; ++i) {
            const float f = (rng() % 4 == 0) ? std::round(u(rng)) + 0.5f : u(rng);
            std::memcpy(&res[i * 4], &f, 4);
        }
    } else {
        std::uniform_int_distribution<int> byte(0, 255);
        for (uint8_t& b : res) {
            const int r = byte(rng);
            b = uint8_t(r < 20 ? 0xFF : r < 40 ? 0x80 : r < 50 ? 0x00 : r < 60 ? 0x7F : byte(rng));
        }
    }
    return res;
}

}  // namespace octet::kernel_test
