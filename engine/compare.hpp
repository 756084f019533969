#pragma once
// How close two outputs of the same model are: what jitbench -compare_fp32
// reports and what accuracy tests bound.
#include "ir/tensor.hpp"

namespace octet::engine {

struct OutputAgreement {
    double cosine_similarity = 0;  // of the two tensors as flat vectors (1 when both are all zero)
    double max_abs_diff = 0;
    int top5_overlap = -1;         // |top5(a) ∩ top5(b)| for a [1,K] classifier output, else -1
};

// Both tensors must be f32 with the same shape (ArgumentError otherwise).
// NaNs make the cosine and the difference NaN rather than being skipped.
OutputAgreement compare_outputs(const ir::Tensor& a, const ir::Tensor& b);

}  // namespace octet::engine
