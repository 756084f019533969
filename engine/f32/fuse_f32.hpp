#pragma once
// Compile-time fusion of the f32 followers of an f32 Convolution / MatMul into
// it (what the LPT's fuse_epilogue does for int8), so the generated kernels
// (engine/f32/conv_matmul_executables.hpp) run them in their epilogue instead
// of as separate jit_*_FP32 eltwise steps, each a pass over the tensor:
//
//   Convolution | MatMul  (f32 data and weights)
//     -> Add(c)           c a Constant of one value per output channel (dim 1
//                         of a conv's output, the last dim of a MatMul's), or
//                         one value: the bias; only as the first follower
//     -> Relu | Clamp     any number, in order
//     -> Add(r)           r an f32 activation of the output's shape (not a
//                         Constant): the residual, at most one
//     -> Relu | Clamp     ...
//
// becomes ConvolutionF32 / MatMulF32 (ir/ops/f32_fused_ops.hpp) with the
// residual as input 2. Each folded tensor must have exactly one reader and not
// be a graph output (a Result reads it, so it has another reader); every
// folded node is an f32 node of the output's shape (no broadcast that would
// widen it). The fused node keeps its name and records the folded nodes (and
// bias constants left unread) in fused_names / fused_ops (lpt/rewriter.hpp),
// so the performance counters list them NOT_RUN as for the LPT's fusions.
//
// Numerics: the epilogue computes exactly the f32 operations of the folded
// nodes in the graph's order (no FMA contraction, same NaN rules), so fused
// and unfused graphs agree bit for bit given the same accumulator.
//
// compile() runs this after the int8 lowering (only f32 nodes are touched)
// when the f32 JIT runs at the compile ISA (AVX2 and up), unless
// OCTET_F32_REF_CONV_MATMUL=1 (every conv / matmul on the reference, the graph
// as the model has it) or OCTET_F32_NO_FUSE=1 (the generated kernels with the
// followers as their own steps: the before/after switch of this pass).
#include "ir/graph.hpp"
#include "jit/isa.hpp"

namespace octet::engine::f32 {

// Folds the followers; returns the number of nodes folded (0: g unchanged).
// The graph stays inferred and topologically ordered, Parameters and Results
// in their order.
int fuse_followers(ir::Graph& g);

// Whether compile() fuses at this ISA and environment (see above).
bool fusion_enabled(jit::Isa isa);

// The Quantize that reads an f32 Gelu, folded into it (the BERT FFN's
// intermediate Gelu -> FakeQuantize -> MatMul):
//
//   Gelu (f32, erf or tanh) -> Quantize (u8 / s8, per-tensor or per-channel)
//
// becomes GeluQuantize (ir/ops/f32_fused_ops.hpp) under the Gelu's name, the
// Quantize recorded in its fused_names (NOT_RUN in the counters). Its
// executable (engine/f32/misc_executables.hpp) is the quantize kernel of
// kernels/eltwise with the f32 Gelu code on each loaded vector, one pass that
// never writes the f32 tensor, and it gives the bytes of the generated Gelu
// followed by the generated Quantize (same instructions, same order). Only
// when the Gelu's output has that Quantize as its only reader (not a graph
// output) and the Quantize writes the plain layout (an NHWC int8 output, which
// its executable reorders, stays as is).
//
// compile() runs this after fuse_followers() when the f32 JIT runs at the
// compile ISA (AVX2 and up; the reference Gelu's bits differ from the JIT's,
// so a fused node never falls back to it), unless OCTET_F32_NO_FUSE=1 (no f32
// fusion at all) or OCTET_F32_NO_QUANTIZE_FUSE=1 (this one off: its
// before/after switch). Returns the number of Quantizes folded.
int fuse_gelu_quantize(ir::Graph& g);
bool gelu_quantize_fusion_enabled(jit::Isa isa);

}  // namespace octet::engine::f32
