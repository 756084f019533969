#pragma once
// The low-precision pipeline: a FakeQuantize graph in, an int8 graph out.
//
//   compress_weights -> move_fake_quantize_up -> decompose_fake_quantize ->
//   propagate_dequantization -> int8_operations -> fold_into_dequantization ->
//   absorb_branch_requantization -> [fuse_epilogue -> int8_add -> requantize_chains]
//
// (propagate_through_concat, [align_concat_scales] and clamp_in_integer_domain
// run after the first propagate_dequantization.) Without the passes in
// brackets the result is the "unfused int8 reference": every
// step of the numeric contract is its own node (ConvolutionI8 with s32
// accumulators, Dequantize, Relu, Add, Quantize), runnable node by node with
// kernels::ref::run_graph. fuse_epilogue merges those chains into the kernels'
// epilogues and gives the same bits; int8_add does the same for an Add of two
// dequantized int8 branches that no kernel took as its sum post-op, and
// align_concat_scales for a Concat of inputs on different grids followed by
// a Quantize (each input requantized onto the output grid), requantize_chains
// for a Quantize of a Dequantize.
//
// Layout: the transformed graph is logically NCHW (the reference runs it so).
// The engine (engine/int8/int8_executables.hpp) keeps int8 activations between
// its NHWC kernels physically NHWC and reorders only at NCHW boundaries.
// Reshape/Transpose run on int8 as they are.
//
// What stays f32 (documented fallback, never a wrong answer): FakeQuantize
// with levels other than 256 on activations (255/256 on weights), non-constant
// or per-channel activation ranges, a zero point that is not an integer;
// every op without an int8 form (Softmax, MVN, Gelu, Multiply, ...), with
// Quantize/Dequantize at the boundary.
#include <string>

#include "ir/graph.hpp"

namespace octet::lpt {

struct Options {
    bool fuse = true;  // false: none of the passes in brackets above (the unfused int8 reference)
};

bool has_fake_quantize(const ir::Graph& g);
// `g` must be inferred; the result is inferred. Original nodes that disappear
// are recorded on the node that absorbed them (lpt/rewriter.hpp).
ir::Graph transform(const ir::Graph& g, const Options& options = {});

// One line per node: name, op, output type/shape, inputs, int8 details
// (epilogue, zero points) and the original nodes it absorbed.
std::string print_graph(const ir::Graph& g);

}  // namespace octet::lpt
