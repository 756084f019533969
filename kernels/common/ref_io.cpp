#include "kernels/common/ref_io.hpp"

#include <cmath>

#include "ir/error.hpp"

namespace octet::kernels::ref {

void check_int8_src(ir::ElemType src_t, const std::string& where) {
    if (!ir::is_int8(src_t))
        throw ArgumentError(where + ": source type must be u8 or s8, got " + ir::to_string(src_t));
}

void check_epilogue(const ir::Epilogue& e, int64_t channels, const void* residual, const std::string& where) {
    auto check_vec = [&](const std::vector<float>& v, const char* what) {
        if (!v.empty() && v.size() != 1 && int64_t(v.size()) != channels)
            throw ArgumentError(where + ": epilogue " + what + " has " + std::to_string(v.size()) +
                                " values, expected 0, 1 or " + std::to_string(channels));
    };
    check_vec(e.scale, "scale");
    check_vec(e.bias, "bias");
    check_vec(e.out_scale, "out_scale");
    check_vec(e.out_shift, "out_shift");
    int sums = 0;
    for (const ir::PostOp& p : e.post_ops) {
        if (p.kind == ir::PostOp::Kind::sum) ++sums;
        if (p.kind == ir::PostOp::Kind::clamp && !(p.lo <= p.hi))
            throw ArgumentError(where + ": clamp post-op has lo " + std::to_string(p.lo) + " > hi " +
                                std::to_string(p.hi) + " or a NaN bound");
    }
    if (sums > 1) throw ArgumentError(where + ": more than one sum post-op");
    if (sums == 1 && residual == nullptr) throw ArgumentError(where + ": the sum post-op needs a residual tensor");
    if (sums == 0 && residual != nullptr) throw ArgumentError(where + ": a residual tensor was given without a sum post-op");
}

}  // namespace octet::kernels::ref
