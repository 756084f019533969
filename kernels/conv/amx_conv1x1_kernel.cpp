#include "kernels/conv/amx_conv1x1_kernel.hpp"

#include "kernels/conv/amx_conv_kernel.hpp"
#include "kernels/conv/conv1x1_as_matmul.hpp"
#include "kernels/matmul/amx_matmul_kernel.hpp"

namespace octet::kernels {

std::unique_ptr<ConvKernel> make_conv_amx_1x1_kernel(const ConvProblem& p, jit::Isa isa, std::string& why) {
    const ConvDesc& d = p.desc;
    if (isa != jit::Isa::amx) {
        why = std::string("the ISA cap is ") + jit::isa_name(isa) + ", not amx";
        return nullptr;
    }
    if (d.kh != 1 || d.kw != 1 || d.sh != 1 || d.sw != 1 || d.ph != 0 || d.pw != 0 || d.ph_end != 0 ||
        d.pw_end != 0 || d.g != 1) {
        why = "not a 1x1 stride-1 unpadded ungrouped convolution";
        return nullptr;
    }
    if (int64_t(p.weights.size()) != d.wei_elems()) {
        why = "weights have " + std::to_string(p.weights.size()) + " values, the descriptor " +
              std::to_string(d.wei_elems());
        return nullptr;
    }
    if (amx_1x1_pads_too_much(d, why)) return nullptr;
    const MatmulProblem m = conv1x1_matmul_problem(p);  // stride 1: no source grid
    auto mm = make_matmul_amx_kernel(m, isa, why);
    if (!mm) return nullptr;
    return conv_on_matmul_kernel(std::move(mm), "jit_amx_1x1_I8", "conv_amx_1x1_" + to_string(d));
}

}  // namespace octet::kernels
