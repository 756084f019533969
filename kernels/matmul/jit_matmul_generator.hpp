#pragma once
// The generated tile function of the JIT int8 matmul: one call computes a
// rows × (vecs · simd_w) tile of dst over the whole K from packed B
// (kernels/matmul/pack.hpp), adds the compensation and runs the epilogue through
// the shared PostOpEmitter, column n being the channel.
//
// Inner products, per group of 4 k (A broadcast as a dword to every lane):
//   vnni   vpdpbusd acc, a, b                                   (exact)
//   fast   pmaddubsw t, a, b; pmaddwd t, t, ones; paddd acc, t  (only with safe pairs)
//   exact        pmaddwd of (a0,a2)·(b0,b2) and (a1,a3)·(b1,b3) from s16-packed B
//                (rows > 1: B's two s16 vectors stay in registers for every row).
//                A comes pre-split by the kernel as s16 words, per row and group
//                (a0, a2, a1, a3), zero past K, s8 already moved to u8: both word
//                pairs are plain dword broadcasts (loads), where splitting the
//                broadcast bytes in registers took 2 of the ~10 ALU ops per row
//                and group of a 4 x 2 tile.
//   exact_bytes  pmaddubsw of (a0,0,a2,0) and (0,a1,0,a3) with s8 B, each pair
//                one product, then pmaddwd by ones (rows == 1: B's bytes stream
//                at the fast path's size, half the s16 layout's)
// s8 A is moved to u8 by xor 0x80 (the +128 the compensation undoes): on each
// broadcast when a_signed, else by the kernel once per call (row tiles: A is
// reused by every column block).
// rows > 1: B vectors are loaded once per group and reused by every row (GEMM
// microkernel); rows == 1: B is a memory operand (GEMV, bound by B's stream).
#include <cstdint>
#include <memory>
#include <string>

#include "ir/epilogue.hpp"
#include "jit/generator.hpp"
#include "jit/isa.hpp"
#include "jit/postop_params.hpp"

namespace octet::kernels::matmul_jit {

enum class Path { vnni, fast, exact, exact_bytes };

struct TileConfig {
    jit::Isa isa = jit::Isa::sse42;
    Path path = Path::fast;
    int64_t k = 0;          // reduction length (and A row stride when a_stride is 0)
    int64_t a_stride = 0;   // A row stride in bytes; exact: ceil(K/4) * 8 (split A)
    int64_t n = 0;          // dst / residual row stride (elements) and channel count
    int rows = 1;           // rows of this tile
    int vecs = 1;           // vectors of this tile
    int last_lanes = 0;     // valid lanes of the last vector (1..simd_w)
    int64_t group_bytes = 0;  // packed B bytes per group of 4 k (pack.hpp)
    bool a_signed = false;  // xor 0x80 on A (not exact: its split A is u8 already)
    bool has_comp = false;  // add comp[n] before the epilogue
    // Non-zero: each K-loop step (4 groups) prefetches this many bytes (whole lines)
    // from TileArgs::b_next into L2: the kernel spreads the next column block of B
    // over the row tiles that read the current one, so it is in L2 when its turn comes.
    int64_t pf_step_bytes = 0;
    // rows == 1, fast path on made-safe B: before the compensation, add the
    // correction lists of TileArgs::fix_* (the kernel header: M = 1 fixup).
    bool fix = false;
    ir::Epilogue epilogue;
    std::string name;       // the generated function's name
};

// Bytes of one M = 1 correction entry (TileArgs::fix_ent) at simd_w lanes.
constexpr int fix_entry_bytes(int simd_w) { return 4 + 2 * simd_w; }

struct TileArgs {
    const uint8_t* a;       // A at (m0, 0); exact: the split A's row m0
    const uint8_t* b;       // packed block of the tile's columns
    const int32_t* comp;    // compensation at n0 (padded to whole vectors)
    const void* residual;   // residual at (m0, n0)
    void* dst;              // dst at (m0, n0)
    int64_t n0;             // channel of the tile's first column
    const uint8_t* b_next;  // pf_step_bytes only: where this tile's share of the prefetch starts
    jit::PostOpParams params;
    // fix only. Vector v of the tile has fix_col[v + 1] - fix_col[v] entries, those
    // of the tile's vectors one after another from fix_ent (right behind the
    // block's packed B); an entry is an int32 byte offset into a_words, where the
    // pair (a[2j], a[2j+1]) is two u16 words (s8 moved to u8), then the lanes'
    // (d0, d1) as s8 pairs:
    //   vpbroadcastd a, [a_words + off]; vpmovsxbw t, [ent + 4]; vpmaddwd t, t, a; vpaddd acc_v, t
    const int64_t* fix_col;
    const uint8_t* fix_ent;
    const uint32_t* a_words;
};

// Vectors per isa: simd_w (4, 8 or 16 s32 lanes).
// Throws ArgumentError / UnsupportedError for configurations the registers or
// the emitter cannot take.
std::unique_ptr<jit::Generator> make_tile_generator(const TileConfig& c);

using TileFn = void(const TileArgs*);

}  // namespace octet::kernels::matmul_jit
