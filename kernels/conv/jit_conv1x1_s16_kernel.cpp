#include "kernels/conv/jit_conv1x1_s16_kernel.hpp"

#include <cstdio>

#include "kernels/conv/conv1x1_as_matmul.hpp"
#include "kernels/conv/jit_conv_kernel.hpp"
#include "kernels/conv/pack.hpp"
#include "kernels/matmul/jit_matmul_kernel.hpp"

namespace octet::kernels {

bool conv_1x1_s16_shape(const ConvDesc& d, std::string& why) {
    if (d.kh != 1 || d.kw != 1 || d.g != 1 || d.ph != 0 || d.pw != 0 || d.ph_end > 0 || d.pw_end > 0) {
        why = "not a 1x1 unpadded ungrouped convolution";
        return false;
    }
    if (d.mb * d.oh * d.ow < 2) {
        why = "a single output pixel (the matmul's M = 1 path has no s16 A)";
        return false;
    }
    return true;
}

std::unique_ptr<ConvKernel> make_conv_1x1_s16_kernel(const ConvProblem& p, jit::Isa isa, std::string& why) {
    const ConvDesc& d = p.desc;
    if (isa == jit::Isa::amx || isa == jit::Isa::avx_vnni || isa == jit::Isa::avx512_core_vnni) {
        why = std::string(jit::isa_name(isa)) + " has VNNI: the direct kernel is exact at full speed";
        return nullptr;
    }
    if (!conv_1x1_s16_shape(d, why)) return nullptr;
    if (int64_t(p.weights.size()) != d.wei_elems()) {
        why = "weights have " + std::to_string(p.weights.size()) + " values, the descriptor " +
              std::to_string(d.wei_elems());
        return nullptr;
    }
    if (conv_pack::analyze_pairs(d, p.weights.data()).unsafe == 0) {
        why = "every weight pair is safe: the direct kernel's fast path";
        return nullptr;
    }
    const MatmulProblem m = conv1x1_matmul_problem(p);
    auto mm = make_matmul_jit_kernel(m, isa, why);
    if (!mm) {
        why = "the s16 matmul declined: " + why;
        return nullptr;
    }
    return conv_on_matmul_kernel(std::move(mm), std::string("jit_") + jit::exec_isa_tag(isa) + "_1x1_s16_I8",
                                 std::string("conv_") + jit::isa_name(isa) + "_1x1_s16_" + to_string(d));
}

std::unique_ptr<ConvKernel> make_conv_1x1_s16_kernel_auto(const ConvProblem& p, jit::Isa isa, std::string& why) {
    const ConvJitCosts c = conv_jit_costs(p, isa);
    if (c.best != ConvJitPath::s16) {
        why = c.why;
        return nullptr;
    }
    return make_conv_1x1_s16_kernel(p, isa, why);
}

}  // namespace octet::kernels
