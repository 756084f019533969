#pragma once
// Internal helpers shared by the f32 reference kernels (not part of the API):
// argument checks that name the node, numpy-broadcast indexing, and the
// per-op entry points that graph_exec.cpp dispatches to.
#include <cstdint>
#include <string>
#include <vector>

#include "ir/error.hpp"
#include "ir/graph.hpp"
#include "ir/tensor.hpp"

namespace octet::kernels::ref {

using Tensors = std::vector<ir::Tensor>;

// Throws ArgumentError "node 'x' (Op): <what>".
[[noreturn]] void fail(const ir::Node& n, const std::string& what);
// Throws UnsupportedError with the node prefix.
[[noreturn]] void unsupported(const ir::Node& n, const std::string& what);

// Checks the input count (exact, or at least `min` when `exact` is false) and
// that no input is empty.
void expect_inputs(const ir::Node& n, const Tensors& in, size_t count, bool exact = true);
// Checks input `i` holds element type `t`.
void expect_type(const ir::Node& n, const Tensors& in, size_t i, ir::ElemType t);
// Checks input `i` has rank `r`.
void expect_rank(const ir::Node& n, const Tensors& in, size_t i, size_t r);
// The inferred description of output `i` (ArgumentError if infer() was not run).
const ir::TensorDesc& out_desc(const ir::Node& n, size_t i = 0);
// A zero-filled tensor for output `i`.
ir::Tensor make_output(const ir::Node& n, size_t i = 0);

// Strides (in elements) for reading input `i` of shape `in` while walking the
// numpy-broadcast shape `out`: 0 along broadcast dims. Throws if `in` does not
// broadcast to `out`.
std::vector<int64_t> broadcast_strides(const ir::Node& n, size_t i, const ir::Shape& in, const ir::Shape& out);
// Walks a dense output of shape `shape` one innermost row at a time, keeping
// the offsets of K broadcast inputs (strides from broadcast_strides):
// row(out_offset, in_offsets[K], row_length). A rank-0 shape is one row of 1.
template <size_t K, class Row>
void for_each_broadcast_row(const ir::Shape& shape, const std::vector<int64_t> (&st)[K], Row&& row) {
    const size_t rank = shape.size();
    int64_t numel = 1;
    for (int64_t d : shape) numel *= d;
    const int64_t inner = rank == 0 ? 1 : shape[rank - 1];
    if (numel == 0) return;
    std::vector<int64_t> idx(rank, 0);
    int64_t off[K] = {};
    for (int64_t base = 0; base < numel; base += inner) {
        row(base, static_cast<const int64_t*>(off), inner);
        for (size_t d = rank == 0 ? 0 : rank - 1; d-- > 0;) {
            ++idx[d];
            for (size_t k = 0; k < K; ++k) off[k] += st[k][d];
            if (idx[d] < shape[d]) break;
            for (size_t k = 0; k < K; ++k) off[k] -= st[k][d] * shape[d];
            idx[d] = 0;
        }
    }
}
// Stride of the innermost dim of a broadcast stride vector (0 for rank 0).
inline int64_t inner_stride(const std::vector<int64_t>& st) { return st.empty() ? 0 : st.back(); }

// Dense row-major strides.
std::vector<int64_t> dense_strides(const ir::Shape& s);
// Normalises a possibly negative axis for rank `rank`, throwing if out of range.
int64_t normalize_axis(const ir::Node& n, int64_t axis, int64_t rank);

// Per-op kernels (one family per .cpp file). Each returns the node's outputs.
Tensors convolution(const ir::Node& n, const Tensors& in);
Tensors matmul(const ir::Node& n, const Tensors& in);
Tensors max_pool(const ir::Node& n, const Tensors& in);
Tensors avg_pool(const ir::Node& n, const Tensors& in);
Tensors unary_eltwise(const ir::Node& n, const Tensors& in);   // Relu, Clamp, Gelu
Tensors binary_eltwise(const ir::Node& n, const Tensors& in);  // Add, Subtract, Multiply
Tensors convert(const ir::Node& n, const Tensors& in);
Tensors concat(const ir::Node& n, const Tensors& in);
Tensors reshape_like(const ir::Node& n, const Tensors& in);    // Reshape, Squeeze, Unsqueeze
Tensors transpose(const ir::Node& n, const Tensors& in);
Tensors interpolate(const ir::Node& n, const Tensors& in);
// ConvolutionF32 / MatMulF32: the f32 op with its folded epilogue (f32_fused_ops.cpp).
Tensors convolution_f32_op(const ir::Node& n, const Tensors& in);
Tensors matmul_f32_op(const ir::Node& n, const Tensors& in);
// GeluQuantize: the reference Gelu, then quantize_range (f32_fused_ops.cpp).
Tensors gelu_quantize_op(const ir::Node& n, const Tensors& in);
Tensors mvn(const ir::Node& n, const Tensors& in);
Tensors softmax(const ir::Node& n, const Tensors& in);
Tensors fake_quantize_op(const ir::Node& n, const Tensors& in);

}  // namespace octet::kernels::ref
