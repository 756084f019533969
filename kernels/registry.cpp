#include "kernels/registry.hpp"

#include <spdlog/spdlog.h>

#include "ir/error.hpp"
#include "kernels/registry_lists.hpp"

namespace octet::kernels {
namespace {

template <class Problem, class K, size_t N>
std::unique_ptr<K> pick(const char* family, const Candidate<Problem, K> (&list)[N], const Problem& p, jit::Isa isa,
                        DeclineLog* declined) {
    for (const auto& c : list) {
        std::string why;
        if (auto k = c.create(p, isa, why)) {
            spdlog::debug("{}: chose {} ({})", family, c.name, k->name());
            return k;
        }
        spdlog::debug("{}: {} declined: {}", family, c.name, why);
        if (declined) declined->push_back(std::string(c.name) + ": " + why);
    }
    throw UnsupportedError(std::string(family) + ": no implementation accepts the problem");
}

}  // namespace

std::unique_ptr<ConvKernel> create_conv_kernel(const ConvProblem& p, jit::Isa isa, DeclineLog* declined) {
    const ConvJitCostsScope costs(p);  // the candidates share one cost-model answer
    return pick("conv", conv_candidates, p, isa, declined);
}
std::unique_ptr<MatmulKernel> create_matmul_kernel(const MatmulProblem& p, jit::Isa isa, DeclineLog* declined) {
    return pick("matmul", matmul_candidates, p, isa, declined);
}
std::unique_ptr<PoolKernel> create_pool_kernel(const PoolProblem& p, jit::Isa isa, DeclineLog* declined) {
    return pick("pool", pool_candidates, p, isa, declined);
}
std::unique_ptr<EltwiseKernel> create_quantize_kernel(const QuantizeProblem& p, jit::Isa isa, DeclineLog* declined) {
    return pick("quantize", quantize_candidates, p, isa, declined);
}
std::unique_ptr<EltwiseKernel> create_dequantize_kernel(const DequantizeProblem& p, jit::Isa isa, DeclineLog* declined) {
    return pick("dequantize", dequantize_candidates, p, isa, declined);
}
std::unique_ptr<EltwiseKernel> create_requantize_kernel(const RequantizeProblem& p, jit::Isa isa,
                                                        DeclineLog* declined) {
    return pick("requantize", requantize_candidates, p, isa, declined);
}
std::unique_ptr<EltwiseKernel> create_add_kernel(const AddProblem& p, jit::Isa isa, DeclineLog* declined) {
    return pick("add", add_candidates, p, isa, declined);
}

}  // namespace octet::kernels
