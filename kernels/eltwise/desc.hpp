#pragma once
// The element-wise int8 boundary ops as kernel problems: Quantize (f32 -> u8/s8),
// Dequantize (u8/s8/s32 -> f32), Requantize (u8/s8 -> u8/s8 between scales) and
// the quantized Add of two int8 tensors (residual connections).
//
// Every problem is a dense tensor of any rank, element-wise (no broadcasting
// between inputs). Per-channel vectors (size C) are indexed by the channel of
// flat element i along `axis`, exactly as kernels/ref/int8_ops.cpp does:
// c = (i / inner) % count, inner = product of the dims after `axis`, count =
// shape[axis] (an axis outside the shape: every element is channel 0). A vector
// of size 1 broadcasts; an empty one is the op's default.
//
// Semantics (f32 arithmetic, one IEEE operation per step, no FMA, v first):
//   Quantize    v = x * scale[c]; v = v + shift[c]; dst = saturate_round(v)
//               (= kernels::ref::quantize_range, the ground truth)
//   Dequantize  v = float(q) - zero_point[c]; v = v * scale[c]; v = v + bias[c]
//               (= kernels::ref::dequantize_range, the ground truth)
//   Requantize  v = float(q) - zero_point[c]; v = v * scale[c];
//               v = v * out_scale[c]; v = v + out_shift[c]; dst = saturate_round(v)
//   Add         va = (float(a) - a.zero_point[c]) * a.scale[c]
//               vb = (float(b) - b.zero_point[c]) * b.scale[c]
//               v = va + vb; relu: v = v > 0 ? v : 0;
//               v = v * out_scale[c]; v = v + out_shift[c]; dst = saturate_round(v)
//   (kernels/eltwise/ref.hpp). Requantize and Add give, for their integer
//   outputs, the very bits of the unfused Dequantize -> [f32 Add -> Relu] ->
//   Quantize chain with the same numbers (the Dequantize's "+ 0" bias only
//   changes the sign of a zero, which no integer output can see).
// saturate_round is ir::saturate_round: clamp in f32 (NaN -> the low bound),
// then round half to even.
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.hpp"
#include "ir/types.hpp"

namespace octet::kernels {

struct QuantizeProblem {
    ir::Shape shape;
    int64_t axis = 1;
    ir::ElemType dst_type = ir::ElemType::u8;  // u8, s8 or s32
    std::vector<float> scale;                  // size 0 (1), 1 or C
    std::vector<float> shift;                  // size 0 (0), 1 or C
};

struct DequantizeProblem {
    ir::Shape shape;
    int64_t axis = 1;
    ir::ElemType src_type = ir::ElemType::u8;  // u8, s8 or s32
    std::vector<float> zero_point;             // size 0 (0), 1 or C
    std::vector<float> scale;                  // size 0 (1), 1 or C
    std::vector<float> bias;                   // size 0 (0), 1 or C
};

// One int8 input's dequantization: (float(q) - zero_point[c]) * scale[c] (+ bias[c]).
struct QuantizedInput {
    ir::ElemType type = ir::ElemType::u8;  // u8 or s8
    std::vector<float> zero_point;         // size 0 (0), 1 or C
    std::vector<float> scale;              // size 0 (1), 1 or C
    std::vector<float> bias;               // size 0 (0), 1 or C
};

struct RequantizeProblem {
    ir::Shape shape;
    int64_t axis = 1;
    QuantizedInput src;
    std::vector<float> out_scale;              // size 0 (1), 1 or C
    std::vector<float> out_shift;              // size 0 (0), 1 or C
    ir::ElemType dst_type = ir::ElemType::u8;  // u8 or s8
};

struct AddProblem {
    ir::Shape shape;  // of a, b and dst
    int64_t axis = 1;
    QuantizedInput a, b;
    bool relu = false;
    std::vector<float> out_scale;              // size 0 (1), 1 or C
    std::vector<float> out_shift;              // size 0 (0), 1 or C
    ir::ElemType dst_type = ir::ElemType::u8;  // u8, s8, or f32 (the sum of two Dequantizes)
};

// The problems of the LPT's Quantize / Dequantize / AddI8 nodes (ir/ops.hpp attributes:
// scale, shift | zero_point, scale, bias, axis), for an input of shape `shape`.
QuantizeProblem quantize_problem_of(const ir::Node& n, const ir::Shape& shape, ir::ElemType dst_type);
DequantizeProblem dequantize_problem_of(const ir::Node& n, const ir::Shape& shape, ir::ElemType src_type);
// The problem of a Requantize node (attrs zero_point, scale, bias, out_scale,
// out_shift, axis, destination_type) on a view of `shape`.
RequantizeProblem requantize_problem_of(const ir::Node& n, const ir::Shape& shape, ir::ElemType src_type);
// The problem of an AddI8 node (attrs a_/b_zero_point, a_/b_scale, a_/b_bias,
// relu, out_scale, out_shift, axis, destination_type) on a view of `shape`.
AddProblem add_problem_of(const ir::Node& n, const ir::Shape& shape, ir::ElemType a_type, ir::ElemType b_type);

// "quantize [1,3,8,8] f32->u8 axis 1 scale[3] shift[1]" and the like, for messages.
std::string to_string(const QuantizeProblem& p);
std::string to_string(const DequantizeProblem& p);
std::string to_string(const RequantizeProblem& p);
std::string to_string(const AddProblem& p);

// ---- the common element-wise chain every problem above lowers to ----

// One input of the chain: load (u8/s8/s32 widened and converted, f32 as is),
// then v - zero_point, v * scale, v + bias, each only when its vector is non-empty.
struct ChainInput {
    ir::ElemType type = ir::ElemType::f32;
    std::vector<float> zero_point, scale, bias;
};

// An f32 function applied to input 0 right after its load, before its
// zero_point / scale / bias: the f32 Gelu that precedes a Quantize
// (engine/f32/fuse_f32.hpp), as the generated f32 Gelu computes it
// (kernels/f32/math_injector.hpp). Its bits are those of that kernel, not of a
// C++ reference, so only the generated code (AVX2 and up) takes it.
enum class ChainPreOp : uint8_t { none, gelu_erf, gelu_tanh };

// v = [pre_op(] input0 [)] [+ input1]; relu; v * out_scale; v + out_shift (non-empty vectors
// only); store as dst_type (f32 as is, integers through saturate_round).
struct EltwiseChain {
    std::string op;  // "quantize", "dequantize", "requantize", "add", "gelu_erf_quantize", "gelu_tanh_quantize"
    ir::Shape shape;
    int64_t axis = 1;
    std::vector<ChainInput> inputs;  // 1 or 2
    ChainPreOp pre_op = ChainPreOp::none;  // only on a single f32 input
    bool relu = false;
    std::vector<float> out_scale, out_shift;
    ir::ElemType dst_type = ir::ElemType::u8;

    // Dense-layout channel geometry: c(i) = (i / inner) % count.
    int64_t inner() const;
    int64_t count() const;
    int64_t numel() const { return ir::num_elements(shape); }
    // Any vector of size > 1.
    bool per_channel() const;
};

// The chain of each problem; throws ArgumentError on invalid types, negative
// dims, or a vector whose size is not 0, 1 or the channel count. A chain keeps
// exactly the operations of the problem's semantics above (Dequantize's bias is
// always added, 0 when absent, as the reference does; the other defaults are
// exact identities for the destination, so they are left out).
EltwiseChain chain_of(const QuantizeProblem& p);
EltwiseChain chain_of(const DequantizeProblem& p);
EltwiseChain chain_of(const RequantizeProblem& p);
EltwiseChain chain_of(const AddProblem& p);
// The quantize chain of gelu(x): chain_of(p) with pre_op gelu_erf (tanh = false)
// or gelu_tanh, op "gelu_erf_quantize" / "gelu_tanh_quantize".
EltwiseChain gelu_quantize_chain_of(const QuantizeProblem& p, bool tanh);

}  // namespace octet::kernels
