#pragma once
// Kernel selection: for each family an ordered list of candidates, best first
// (the way oneDNN's implementation lists work). The first candidate that accepts
// the problem at the given ISA cap is created; every candidate that declines
// says why, and with OCTET_VERBOSE=1 those reasons are logged, so a user can see
// why a faster kernel was not chosen. The reference kernel is last and accepts
// everything it can compute.
#include <memory>
#include <string>
#include <vector>

#include "jit/isa.hpp"
#include "kernels/conv/conv_kernel.hpp"
#include "kernels/eltwise/eltwise_kernel.hpp"
#include "kernels/matmul/matmul_kernel.hpp"
#include "kernels/pool/pool_kernel.hpp"

namespace octet::kernels {

// One line per declined candidate: "<candidate>: <reason>".
using DeclineLog = std::vector<std::string>;

std::unique_ptr<ConvKernel> create_conv_kernel(const ConvProblem& p, jit::Isa isa, DeclineLog* declined = nullptr);
std::unique_ptr<MatmulKernel> create_matmul_kernel(const MatmulProblem& p, jit::Isa isa,
                                                   DeclineLog* declined = nullptr);
std::unique_ptr<PoolKernel> create_pool_kernel(const PoolProblem& p, jit::Isa isa, DeclineLog* declined = nullptr);
// Element-wise int8 boundary ops (kernels/eltwise/desc.hpp).
std::unique_ptr<EltwiseKernel> create_quantize_kernel(const QuantizeProblem& p, jit::Isa isa,
                                                      DeclineLog* declined = nullptr);
std::unique_ptr<EltwiseKernel> create_dequantize_kernel(const DequantizeProblem& p, jit::Isa isa,
                                                        DeclineLog* declined = nullptr);
std::unique_ptr<EltwiseKernel> create_requantize_kernel(const RequantizeProblem& p, jit::Isa isa,
                                                        DeclineLog* declined = nullptr);
std::unique_ptr<EltwiseKernel> create_add_kernel(const AddProblem& p, jit::Isa isa, DeclineLog* declined = nullptr);

// A candidate of a family's list: returns a kernel, or nullptr after writing why
// it declines into `why`.
template <class Problem, class K>
struct Candidate {
    const char* name;
    std::unique_ptr<K> (*create)(const Problem& p, jit::Isa isa, std::string& why);
};

}  // namespace octet::kernels
