#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

void fail(const ir::Node& n, const std::string& what) { throw ArgumentError(ir::node_prefix(n) + what); }

void unsupported(const ir::Node& n, const std::string& what) {
    throw UnsupportedError(ir::node_prefix(n) + what);
}

void expect_inputs(const ir::Node& n, const Tensors& in, size_t count, bool exact) {
    if (exact ? in.size() != count : in.size() < count)
        fail(n, "expects " + std::string(exact ? "" : "at least ") + std::to_string(count) +
                    " input(s), got " + std::to_string(in.size()));
    for (size_t i = 0; i < in.size(); ++i)
        if (in[i].empty()) fail(n, "input " + std::to_string(i) + " is an empty tensor");
}

void expect_type(const ir::Node& n, const Tensors& in, size_t i, ir::ElemType t) {
    if (in[i].type() != t)
        unsupported(n, "input " + std::to_string(i) + " is " + ir::to_string(in[i].type()) +
                           ", the reference kernel takes " + ir::to_string(t));
}

void expect_rank(const ir::Node& n, const Tensors& in, size_t i, size_t r) {
    if (in[i].shape().size() != r)
        fail(n, "input " + std::to_string(i) + " has shape " + ir::to_string(in[i].shape()) + ", expected rank " +
                    std::to_string(r));
}

const ir::TensorDesc& out_desc(const ir::Node& n, size_t i) {
    if (i >= n.outputs.size())
        fail(n, "has no inferred output " + std::to_string(i) + " (run Graph::infer() first)");
    return n.outputs[i];
}

ir::Tensor make_output(const ir::Node& n, size_t i) {
    const ir::TensorDesc& d = out_desc(n, i);
    return ir::Tensor(d.type, d.shape);
}

std::vector<int64_t> dense_strides(const ir::Shape& s) {
    std::vector<int64_t> st(s.size(), 1);
    for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
    return st;
}

std::vector<int64_t> broadcast_strides(const ir::Node& n, size_t i_in, const ir::Shape& in, const ir::Shape& out) {
    bool ok = in.size() <= out.size();
    for (size_t i = 0; ok && i < in.size(); ++i) {
        const int64_t d = in[i], o = out[out.size() - in.size() + i];
        ok = d == o || d == 1;
    }
    if (!ok)
        fail(n, "input " + std::to_string(i_in) + " of shape " + ir::to_string(in) + " does not broadcast to " +
                    ir::to_string(out));
    std::vector<int64_t> st(out.size(), 0);
    const std::vector<int64_t> dense = dense_strides(in);
    const size_t off = out.size() - in.size();
    for (size_t i = 0; i < in.size(); ++i) st[off + i] = in[i] == 1 ? 0 : dense[i];
    return st;
}

int64_t normalize_axis(const ir::Node& n, int64_t axis, int64_t rank) {
    const int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
        fail(n, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    return a;
}

}  // namespace octet::kernels::ref
