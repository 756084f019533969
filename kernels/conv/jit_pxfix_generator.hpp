#pragma once
// The generator of the pixel-lane correction of kernels/conv/pxfix.hpp, one
// template over sse42 (4 pixels per block) and avx2 (8).
//
// One call: npb pixel blocks of one output-channel block. Per block, lanes
// columns at a time: per column a run-time loop over its entries
//   vpbroadcastd D, (d0, d1); vpmaddwd T, D, At[pb][kp]; vpaddd acc_c, T
// then a lanes×lanes dword transpose writes pixel rows of the tile
// [pixel][oc_block] s32 (unpck{l,h}dq, unpck{l,h}qdq, vperm2i128).
#include <cstdint>
#include <memory>
#include <string>

#include "jit/generator.hpp"
#include "jit/isa.hpp"

namespace octet::kernels::pxfix_jit {

struct CallArgs {
    const uint8_t* at;     // the chunk's first pixel block (PxFix layout)
    int64_t npb;           // pixel blocks
    const int32_t* ent;    // PxFix::ent
    const int64_t* col;    // PxFix::col at the block's first column (oc_block + 1 values used)
    int32_t* tile;         // npb·lanes rows of oc_block s32
};

struct Conf {
    jit::Isa isa = jit::Isa::avx2;   // sse42 or avx2
    int oc_block = 0;                // a multiple of the lanes
    int64_t pb_bytes = 0;            // PxFix::pb_bytes()
    std::string name;
};

// Generates (create() done) the kernel.
std::unique_ptr<jit::Generator> make_pxfix_generator(const Conf& c);

}  // namespace octet::kernels::pxfix_jit
