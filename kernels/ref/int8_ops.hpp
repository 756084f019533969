#pragma once
// Reference evaluation of the LPT's internal int8 ops (ir/ops.hpp: Quantize,
// Dequantize, Requantize, AddI8, ConvolutionI8, MatMulI8) on NCHW tensors, plus the problem
// builders the engine's int8 executables share with it, so that a prepared
// kernel and this reference run the very same problem.
//
// Layout: the graph is NCHW; the int8 conv kernels are NHWC. The reference and
// the engine's conv executable reorder at the kernel boundary (nchw_to_nhwc /
// nhwc_to_nchw); matmuls need no reorder (row-major [..., M, K]).
#include <cstdint>
#include <vector>

#include "ir/graph.hpp"
#include "ir/tensor.hpp"
#include "kernels/conv/conv_kernel.hpp"
#include "kernels/matmul/matmul_kernel.hpp"

namespace octet::kernels::ref {

// The conv problem of a ConvolutionI8 node (desc with mb = N, plain weights,
// epilogue); `weights` is the s8 [OC,C/g,KH,KW] constant.
ConvProblem conv_problem_of(const ir::Node& n, const ir::TensorDesc& data, const ir::Tensor& weights);

// The matmul problem of a MatMulI8 node: A [..., M, K]; a 2D B folds A's
// leading dims into M; a batched B keeps them as batch dims. `b` (the s8
// operand in the node's layout, transposed when transpose_b) is packed plain
// [batch][K][N] when given; empty for a run-time B.
MatmulProblem matmul_problem_of(const ir::Node& n, const ir::TensorDesc& a_desc, const ir::Shape& b_shape, const ir::Tensor* b);
// Plain [batch][K][N] copy of a B operand (transposing when transpose_b).
void plain_b(const ir::Node& n, const ir::Tensor& b, int8_t* dst, int64_t batch, int64_t k, int64_t nn);

// [N,C,H,W] <-> [N,H,W,C] for one image range [n0, n1); elem: bytes per element.
void nchw_to_nhwc(const void* src, void* dst, const ir::Shape& nchw, size_t elem, int64_t n0, int64_t n1);
void nhwc_to_nchw(const void* src, void* dst, const ir::Shape& nchw, size_t elem, int64_t n0, int64_t n1);

// Element ranges [begin, end) of Quantize / Dequantize over their NCHW input.
void quantize_range(const ir::Node& n, const ir::Tensor& x, ir::Tensor& y, int64_t begin, int64_t end);
void dequantize_range(const ir::Node& n, const ir::Tensor& x, ir::Tensor& y, int64_t begin, int64_t end);

std::vector<ir::Tensor> quantize_op(const ir::Node& n, const std::vector<ir::Tensor>& in);
std::vector<ir::Tensor> dequantize_op(const ir::Node& n, const std::vector<ir::Tensor>& in);
std::vector<ir::Tensor> add_i8_op(const ir::Node& n, const std::vector<ir::Tensor>& in);
std::vector<ir::Tensor> requantize_op(const ir::Node& n, const std::vector<ir::Tensor>& in);
std::vector<ir::Tensor> convolution_i8_op(const ir::Node& n, const std::vector<ir::Tensor>& in);
std::vector<ir::Tensor> matmul_i8_op(const ir::Node& n, const std::vector<ir::Tensor>& in);

}  // namespace octet::kernels::ref
