#pragma once
// Turns an f32 zoo model into its int8 variant by inserting FakeQuantize nodes
// the way NNCF / POT place them; every other node, weights included, is kept
// as is, so the two variants share the exact same weights.
//
//   activations (per tensor, 256 levels, ranges from the calibration run):
//     u8-style [0, max] when the calibration never saw a negative value
//     (after ReLU / ReLU6 / Softmax), s8-style [-a, a*127/128] with
//     a = max|x| elsewhere (zero stays exactly representable);
//     on every input of Convolution and MatMul that is not a Constant and,
//     when `residual_adds`, on both inputs of an Add of two activations, and
//     when `avg_pool_inputs`, on the input of AvgPool.
//     A tensor read by several quantized consumers gets one FakeQuantize,
//     named after its first consumer: "<consumer>/fq_input_<port>".
//   weights (Constant inputs of Convolution / MatMul): per output channel,
//     symmetric [-max|w|, max|w|], 255 levels, ranges as [OC,1,1,1] for
//     convolutions and [N,1] / [1,N] for MatMul with / without transpose_b;
//     named "<consumer>/fq_weights_<port>".
#include "engine/zoo/builder.hpp"

namespace octet::zoo {

struct QuantizePolicy {
    bool residual_adds = true;  // CNNs: yes; the BERT layer: MatMul inputs only
    // The input of AvgPool (the CNNs' global pooling), as NNCF's CPU target
    // quantizes it: the pooling then runs on int8 and the conv before it
    // requantizes in its epilogue instead of writing f32.
    bool avg_pool_inputs = true;
};

ir::Graph insert_fake_quantize(const BuiltModel& model, const QuantizePolicy& policy);

}  // namespace octet::zoo
