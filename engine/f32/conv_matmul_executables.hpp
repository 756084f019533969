#pragma once
// Generated-code Executables for the f32 Convolution and MatMul nodes that a
// model leaves in f32 (kernels/f32/conv_f32_kernel.hpp, matmul_f32_kernel.hpp):
// AVX2+FMA with ymm, AVX-512 with zmm (exec types jit_avx2_FP32,
// jit_avx2_1x1_FP32, jit_avx512_FP32, ...). Below AVX2, for rank-1 or
// transpose_a MatMuls, and a constant B with batch dims, they return null and the reference (ref_FP32) runs the node; with
// OCTET_VERBOSE=1 the reason is logged. OCTET_F32_REF_CONV_MATMUL=1 keeps every
// such node on the reference (for before/after comparisons).
//
// Activations stay NCHW / row-major as in the graph: no layout marking and no
// reorders (why: conv_f32_kernel.hpp). The Add(bias) / Relu / Clamp /
// Add(residual) that follow a Convolution or MatMul are folded into it at
// compile time (engine/f32/fuse_f32.hpp: ConvolutionF32 / MatMulF32) and run
// in the generated epilogue; what is not folded runs as its own f32 eltwise
// step (engine/f32/misc_executables.hpp).
// Each phase (pad copy, packing of an activation B, the blocks, compaction)
// is one ThreadPool::parallel_for over units that write disjoint outputs, so
// results do not depend on the thread count.
#include <memory>

#include "engine/executable.hpp"
#include "ir/graph.hpp"
#include "jit/isa.hpp"

namespace octet::engine::f32 {

// Node `id` of an inferred graph, or null when the reference runs it.
std::shared_ptr<const Executable> make_conv_matmul_executable(const ir::Graph& g, int id, jit::Isa isa);

}  // namespace octet::engine::f32
