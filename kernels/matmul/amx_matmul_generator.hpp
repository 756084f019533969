#pragma once
// The generated block function of the AMX int8 matmul (kernels/matmul/amx_matmul_kernel.hpp).
//
// Why this shape: an AMX tile multiply (tdpbusd / tdpbssd) takes a 16-row × 64-byte A tile
// and a 16 × 64-byte B tile holding 16 columns × 4 consecutive k per row (the same dword
// grouping as vpdpbusd, so pack_u8s8 with a 32-column block is two B tiles side by side, row
// stride 128 bytes) and accumulates a 16 × 16 s32 tile. One call computes blocks of 32 rows ×
// 32 columns with 4 accumulator tiles (tmm0-3), 2 A tiles (tmm4-5) and 2 B tiles (tmm6-7):
// per 64 k, 4 loads feed 4 multiplies of 16·16·64 MACs each. The s32 block is stored to a
// scratch area and the shared PostOpEmitter (zmm) applies the numeric contract row by row,
// exactly as the VNNI kernels do, so the result is bit-exact with the reference.
//
// s8 A uses tdpbssd (s8 × s8) directly: no +128 shift; only an A zero point needs the
// compensation -zp·Σ_k B[k][n] (pack.hpp), added before the epilogue.
//
// K is padded to a multiple of 64 with zero B rows; A rows are read in whole 64-byte chunks,
// so the kernel hands this function a staged, zero-padded copy of any block whose reads
// would leave its rows (every block when K % 64 != 0; the tail block when M % 32 != 0).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/epilogue.hpp"
#include "jit/generator.hpp"
#include "jit/postop_params.hpp"

namespace octet::kernels::matmul_amx {

constexpr int kBlockRows = 32;   // rows per block: two A tiles
constexpr int kBlockCols = 32;   // columns per block: two B tiles
constexpr int kChunk = 64;       // k bytes per tile multiply
constexpr int kScratchBytes = kBlockRows * kBlockCols * 4;

struct BlockConfig {
    int64_t k_chunks = 0;    // padded K / 64
    int64_t n = 0;           // dst / residual row stride (elements) and channel count
    int rows = kBlockRows;   // valid rows of each block (1..32)
    int cols = kBlockCols;   // valid columns (1..32)
    bool a_signed = false;   // tdpbssd instead of tdpbusd
    bool has_comp = false;   // add comp[n] before the epilogue
    ir::Epilogue epilogue;
    std::string name;
};

struct BlockArgs {
    const uint8_t* a;        // A at (m0, 0)
    int64_t lda;             // A row stride in bytes
    const int8_t* b;         // packed B of the 32-column block (pack_u8s8, nb = 32, K padded to 64)
    const int32_t* comp;     // compensation at n0 (32 values), or null
    const void* residual;    // residual at (m0, n0)
    void* dst;               // dst at (m0, n0)
    int64_t n0;              // channel of the block's first column
    int64_t m_blocks;        // consecutive 32-row blocks to compute (same columns)
    int32_t* scratch;        // kScratchBytes, 64-byte aligned
    jit::PostOpParams params;
};

using BlockFn = void(const BlockArgs*);

// Throws ArgumentError / UnsupportedError for geometries or epilogues it cannot take.
std::unique_ptr<jit::Generator> make_block_generator(const BlockConfig& c);

// The generated functions of one m × n problem with K padded to k_padded: full or tail
// rows × full or tail columns (a variant is generated only where the problem has such
// blocks). Names: <prefix>_<rows>x<cols>_k<k>_<n_tag><n>.
class BlockSet {
public:
    BlockSet(int64_t m, int64_t n, int64_t k, int64_t k_padded, bool a_signed, bool has_comp,
             const ir::Epilogue& e, const std::string& prefix, const std::string& n_tag);
    BlockFn* fn(bool tail_rows, bool tail_cols) const { return fn_[tail_rows][tail_cols]; }

private:
    std::vector<std::unique_ptr<jit::Generator>> gens_;
    BlockFn* fn_[2][2] = {{nullptr, nullptr}, {nullptr, nullptr}};
};

// What a block call reads of an Epilogue at run time (its vectors; null when empty).
jit::PostOpParams post_op_params(const ir::Epilogue& e);

// Why an AMX kernel cannot take a problem with these types (empty when it can).
std::string decline_types(ir::ElemType a_type, ir::ElemType dst_type);

}  // namespace octet::kernels::matmul_amx
