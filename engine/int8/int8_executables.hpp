#pragma once
// The engine side of the low-precision path: compile() lowers a FakeQuantize
// graph through the LPT (lpt/pass_manager.hpp) and attaches these Executables
// to the int8 steps. ConvolutionI8 / MatMulI8 (constant B) run the kernel the
// registry picks for the ISA (ref_I8 until a JIT candidate accepts), int8
// MaxPool / AvgPool the pooling kernel (kernels/pool), MatMulI8 with a run-time B the
// same matmul registry (B packed inside the kernel call), Quantize and
// Dequantize the element-wise kernels, and int8 Transpose, Concat, Relu / Clamp
// and nearest Interpolate the generated permute, concat, integer clamp and
// gather kernels (kernels/eltwise/jit_*_kernel.hpp). Work is
// split with ThreadPool::parallel_for over the kernel's work units (images for
// the NCHW<->NHWC reorders left at NCHW boundaries), so results do not depend on the thread count.
#include <memory>

#include "engine/executable.hpp"
#include "ir/graph.hpp"
#include "jit/isa.hpp"

namespace octet::engine::int8 {

// Replaces g by its LPT-transformed form when it holds a FakeQuantize; returns
// whether it did. Also chooses the physical layout of int8 activations: a 4D
// u8/s8 tensor written by a ConvolutionI8, an int8 Max/AvgPool or a Quantize and
// read only by ConvolutionI8 (data or residual), int8 Max/AvgPool or Dequantize is
// NHWC in memory (attribute int8_layout = "nhwc" on its producer), so no
// reorder runs between int8 kernels; Quantize reads NCHW f32 and writes NHWC,
// Dequantize reads NHWC and writes NCHW f32. Shapes stay NCHW in the graph.
bool lower(ir::Graph& g);

// The Executable of node `id` of a transformed graph, or null when the
// reference executor runs it.
std::shared_ptr<const Executable> make_executable(const ir::Graph& g, int id, jit::Isa isa);

}  // namespace octet::engine::int8
