#pragma once
// Generated-code Executables for the f32 nodes that are not Convolution /
// MatMul (kernels/f32/): Relu, Clamp, Gelu, Add / Subtract / Multiply with
// numpy broadcasting (same shape, per-channel [1,C,1,1], scalar, last-dim
// vector: whatever collapses to rows where each operand is contiguous or one
// value), Softmax over any axis (contiguous rows, or columns of stride inner), MVN
// over trailing axes, AvgPool / MaxPool (global, or windows with width
// stride 1 or 2, any pads / ceil mode), and Transposes of any rank (row
// copies when the last axis stays, strided gathers when it moves). Work splits over rows / fixed-size chunks with
// ThreadPool::parallel_for, so results do not depend on the thread count.
// Also GeluQuantize (engine/f32/fuse_f32.hpp): the Gelu with the Quantize
// after it, one pass through kernels/eltwise's quantize kernel.
// Anything else returns null and stays on the reference (ref_FP32); with
// OCTET_VERBOSE=1 the reason is logged.
#include <memory>

#include "engine/executable.hpp"
#include "ir/graph.hpp"
#include "jit/isa.hpp"

namespace octet::engine::f32 {

// Node `id` of an inferred graph, or null when the reference runs it.
std::shared_ptr<const Executable> make_misc_executable(const ir::Graph& g, int id, jit::Isa isa);

}  // namespace octet::engine::f32
