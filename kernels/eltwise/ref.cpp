#include "kernels/eltwise/ref.hpp"

#include "ir/epilogue.hpp"
#include "ir/ops/int8_ops.hpp"
#include "kernels/common/ref_io.hpp"
#include "kernels/ref/int8_ops.hpp"

namespace octet::kernels::ref {

namespace {

// A vector of the chain at channel c: size 1 broadcasts (callers skip empty ones).
float at(const std::vector<float>& v, int64_t c) { return v[v.size() == 1 ? 0 : size_t(c)]; }

ir::Tensor view(ir::ElemType t, const ir::Shape& s, const void* p) {
    return ir::Tensor::view(t, s, const_cast<void*>(p), nullptr);
}

}  // namespace

void eltwise_chain(const EltwiseChain& c, const void* src0, const void* src1, void* dst, int64_t begin, int64_t end) {
    const int64_t inner = c.inner(), count = c.count();
    const void* src[2] = {src0, src1};
    for (int64_t i = begin; i < end; ++i) {
        const int64_t ch = (i / inner) % count;
        volatile float v = 0.f;  // volatile: one rounded f32 operation per step, never an FMA
        for (size_t k = 0; k < c.inputs.size(); ++k) {
            const ChainInput& in = c.inputs[k];
            volatile float t = load_as_float(in.type, src[k], i);
            if (!in.zero_point.empty()) t = t - at(in.zero_point, ch);
            if (!in.scale.empty()) t = t * at(in.scale, ch);
            if (!in.bias.empty()) t = t + at(in.bias, ch);
            if (k == 0) v = t;
            else v = v + t;
        }
        if (c.relu) {
            const float x = v;
            v = x > 0.f ? x : 0.f;
        }
        if (!c.out_scale.empty()) v = v * at(c.out_scale, ch);
        if (!c.out_shift.empty()) v = v + at(c.out_shift, ch);
        store_dst(c.dst_type, dst, i, v);
    }
}

void requantize(const RequantizeProblem& p, const void* src, void* dst, int64_t begin, int64_t end) {
    eltwise_chain(chain_of(p), src, nullptr, dst, begin, end);
}

void add(const AddProblem& p, const void* a, const void* b, void* dst, int64_t begin, int64_t end) {
    eltwise_chain(chain_of(p), a, b, dst, begin, end);
}

void quantize(const QuantizeProblem& p, const float* src, void* dst, int64_t begin, int64_t end) {
    chain_of(p);  // validates
    ir::Node n;
    n.op = "Quantize";
    n.attrs.set("scale", ir::AttrValue(ir::to_doubles(p.scale)));
    n.attrs.set("shift", ir::AttrValue(ir::to_doubles(p.shift)));
    n.attrs.set("axis", ir::AttrValue(int64_t(p.axis)));
    const ir::Tensor x = view(ir::ElemType::f32, p.shape, src);
    ir::Tensor y = view(p.dst_type, p.shape, dst);
    quantize_range(n, x, y, begin, end);
}

void dequantize(const DequantizeProblem& p, const void* src, float* dst, int64_t begin, int64_t end) {
    chain_of(p);  // validates
    ir::Node n;
    n.op = "Dequantize";
    n.attrs.set("zero_point", ir::AttrValue(ir::to_doubles(p.zero_point)));
    n.attrs.set("scale", ir::AttrValue(ir::to_doubles(p.scale)));
    n.attrs.set("bias", ir::AttrValue(ir::to_doubles(p.bias)));
    n.attrs.set("axis", ir::AttrValue(int64_t(p.axis)));
    const ir::Tensor x = view(p.src_type, p.shape, src);
    ir::Tensor y = view(ir::ElemType::f32, p.shape, dst);
    dequantize_range(n, x, y, begin, end);
}

}  // namespace octet::kernels::ref
