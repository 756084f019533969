// MatMul with numpy semantics: the last two dims multiply, the others
// broadcast; a rank-1 A is [1,K] and a rank-1 B is [K,1], and the added unit
// dim is removed from the result. transpose_a/b swap the last two dims of a
// rank >= 2 operand (they do nothing to a rank-1 operand, as in OpenVINO).
#include "ir/error.hpp"
#include "ir/ops.hpp"
#include "ir/ops/infer_fns.hpp"

namespace octet::ir::infer {

using namespace opcheck;

Outputs matmul(const Node& n, const Inputs& in) {
    expect_inputs(in, 2);
    const TensorDesc& a = in[0];
    const TensorDesc& b = in[1];
    ElemType out_type = ElemType::f32;
    if (a.type == ElemType::f32) {
        expect_type(b, {ElemType::f32}, "B (with f32 A)");
    } else {
        expect_type(a, {ElemType::f32, ElemType::u8, ElemType::s8}, "A");
        expect_type(b, {ElemType::s8}, "B (with int8 A)");
        out_type = ElemType::s32;
    }
    if (a.shape.empty() || b.shape.empty())
        throw ValidationError("operands must have rank >= 1, got A " + to_string(a.shape) + " and B " +
                              to_string(b.shape));
    const bool ta = n.attrs.get_bool("transpose_a", false);
    const bool tb = n.attrs.get_bool("transpose_b", false);
    Shape sa = a.shape, sb = b.shape;
    const bool a_vec = sa.size() == 1, b_vec = sb.size() == 1;
    if (a_vec) sa.insert(sa.begin(), 1);
    else if (ta) std::swap(sa[sa.size() - 1], sa[sa.size() - 2]);
    if (b_vec) sb.push_back(1);
    else if (tb) std::swap(sb[sb.size() - 1], sb[sb.size() - 2]);

    const int64_t m = sa[sa.size() - 2], k = sa.back();
    const int64_t kb = sb[sb.size() - 2], nn = sb.back();
    if (k != kb)
        throw ValidationError("inner dimensions differ: A " + to_string(a.shape) + (ta ? " (transposed)" : "") +
                              " has K=" + std::to_string(k) + ", B " + to_string(b.shape) +
                              (tb ? " (transposed)" : "") + " has K=" + std::to_string(kb));
    Shape batch = broadcast_shapes(Shape(sa.begin(), sa.end() - 2), Shape(sb.begin(), sb.end() - 2));
    Shape out = batch;
    if (!a_vec) out.push_back(m);
    if (!b_vec) out.push_back(nn);
    num_elements(out);
    return {{out_type, out}};
}

}  // namespace octet::ir::infer
