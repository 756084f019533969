// Data movement: Concat, Reshape/Squeeze/Unsqueeze, Transpose. These work on
// every element type by moving bytes, never looking at values.
#include <cstring>

#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

namespace {

std::string shape_str(const ir::Tensor& t) { return ir::to_string(t.shape()); }

template <class T>
void transpose_typed(const T* src, T* dst, const ir::Shape& out_shape, const std::vector<int64_t>& src_strides) {
    // Walk the output densely; src_strides[d] is the input stride of output dim d.
    const size_t rank = out_shape.size();
    int64_t numel = 1;
    for (int64_t d : out_shape) numel *= d;
    if (numel == 0) return;
    if (rank == 0) { dst[0] = src[0]; return; }
    const int64_t inner = out_shape[rank - 1], s_inner = src_strides[rank - 1];
    std::vector<int64_t> idx(rank, 0);
    int64_t off = 0;
    for (int64_t base = 0; base < numel; base += inner) {
        for (int64_t j = 0; j < inner; ++j) dst[base + j] = src[off + j * s_inner];
        for (size_t d = rank - 1; d-- > 0;) {
            ++idx[d];
            off += src_strides[d];
            if (idx[d] < out_shape[d]) break;
            off -= src_strides[d] * out_shape[d];
            idx[d] = 0;
        }
    }
}

}  // namespace

Tensors concat(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1, false);
    ir::Tensor y = make_output(n);
    const ir::Shape& os = y.shape();
    const int64_t rank = int64_t(os.size());
    if (rank == 0) fail(n, "cannot concatenate rank-0 tensors");
    const int64_t axis = normalize_axis(n, n.attrs.get_int("axis"), rank);
    // Each input is outer x (its axis length x inner) bytes; copy its rows in turn.
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= os[size_t(d)];
    for (int64_t d = axis + 1; d < rank; ++d) inner *= os[size_t(d)];
    const size_t es = ir::elem_size(y.type());
    int64_t axis_total = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        const ir::Shape& s = in[i].shape();
        bool ok = in[i].type() == y.type() && int64_t(s.size()) == rank;
        for (int64_t d = 0; ok && d < rank; ++d) ok = d == axis || s[size_t(d)] == os[size_t(d)];
        if (!ok)
            fail(n, "input " + std::to_string(i) + " " + ir::to_string(in[i].type()) + shape_str(in[i]) +
                        " does not fit output " + ir::to_string(y.type()) + ir::to_string(os) + " along axis " +
                        std::to_string(axis));
        axis_total += s[size_t(axis)];
    }
    if (axis_total != os[size_t(axis)])
        fail(n, "inputs sum to " + std::to_string(axis_total) + " along axis " + std::to_string(axis) + ", output has " +
                    std::to_string(os[size_t(axis)]));
    auto* dst = static_cast<uint8_t*>(y.raw());
    const size_t out_row = size_t(os[size_t(axis)] * inner) * es;
    size_t col = 0;
    for (const ir::Tensor& t : in) {
        const size_t row = size_t(t.shape()[size_t(axis)] * inner) * es;
        const auto* src = static_cast<const uint8_t*>(t.raw());
        if (row != 0)
            for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + size_t(o) * out_row + col, src + size_t(o) * row, row);
        col += row;
    }
    return {y};
}

Tensors reshape_like(const ir::Node& n, const Tensors& in) {
    // Reshape's second (shape) input, if a model supplies one, is already folded
    // into the inferred output shape.
    expect_inputs(n, in, 1, false);
    const ir::TensorDesc& d = out_desc(n);
    if (in[0].type() != d.type || in[0].numel() != ir::num_elements(d.shape))
        fail(n, "cannot reshape " + std::string(ir::to_string(in[0].type())) + shape_str(in[0]) + " to " +
                    ir::to_string(d.type) + ir::to_string(d.shape));
    return {in[0].reshaped(d.shape)};  // shares the buffer: outputs are read-only
}

Tensors transpose(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1, false);
    ir::Tensor y = make_output(n);
    const ir::Shape& is = in[0].shape();
    const size_t rank = is.size();
    std::vector<int64_t> order = n.attrs.get_ints("order", {});
    if (order.empty())  // OpenVINO: an empty order reverses the axes
        for (size_t d = rank; d-- > 0;) order.push_back(int64_t(d));
    if (order.size() != rank) fail(n, "order has " + std::to_string(order.size()) + " entries for rank " + std::to_string(rank));
    std::vector<bool> seen(rank, false);
    ir::Shape expect(rank);
    const std::vector<int64_t> in_strides = dense_strides(is);
    std::vector<int64_t> src_strides(rank);
    for (size_t d = 0; d < rank; ++d) {
        const int64_t a = order[d];
        if (a < 0 || a >= int64_t(rank) || seen[size_t(a)]) fail(n, "order is not a permutation");
        seen[size_t(a)] = true;
        expect[d] = is[size_t(a)];
        src_strides[d] = in_strides[size_t(a)];
    }
    if (expect != y.shape() || in[0].type() != y.type())
        fail(n, "input " + shape_str(in[0]) + " transposed is " + ir::to_string(expect) + ", output is " +
                    ir::to_string(y.shape()));
    switch (ir::elem_size(y.type())) {
    case 1: transpose_typed(static_cast<const uint8_t*>(in[0].raw()), static_cast<uint8_t*>(y.raw()), y.shape(), src_strides); break;
    case 4: transpose_typed(static_cast<const uint32_t*>(in[0].raw()), static_cast<uint32_t*>(y.raw()), y.shape(), src_strides); break;
    default: unsupported(n, "unexpected element size");
    }
    return {y};
}

}  // namespace octet::kernels::ref
