#include "kernels/matmul_as_conv1x1.hpp"

#include <cstdio>
#include <cstring>

#include "kernels/common/ref_acc.hpp"
#include "kernels/conv/jit_conv_kernel.hpp"
#include "kernels/matmul/pack.hpp"

namespace octet::kernels {
namespace {

// Fewer rows than this keep the matmul's own kernel: at M = 1 (FC at batch 1)
// its GEMV reads B once, a pixel block of the conv would be mostly padding.
constexpr int64_t kMinRows = 8;

class MatmulOnConvKernel final : public MatmulKernel {
public:
    MatmulOnConvKernel(std::unique_ptr<ConvKernel> conv, std::string exec_type, std::string name)
        : conv_(std::move(conv)), exec_type_(std::move(exec_type)), name_(std::move(name)) {}
    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return conv_->work_units(); }
    void run(const MatmulArgs& args, int64_t begin, int64_t end) const override {
        ConvArgs c;
        c.src = args.a;
        c.residual = args.residual;
        c.dst = args.dst;
        c.job = args.job;
        conv_->run(c, begin, end);
    }

private:
    std::unique_ptr<ConvKernel> conv_;
    std::string exec_type_, name_;
};

// Every batch slice of B equals the first (a 2D B broadcast over A's batch).
bool b_shared(const MatmulProblem& p) {
    const size_t slice = size_t(p.desc.k * p.desc.n);
    for (int64_t i = 1; i < p.desc.batch(); ++i)
        if (std::memcmp(p.b.data(), p.b.data() + size_t(i) * slice, slice) != 0) return false;
    return true;
}

}  // namespace

ConvProblem matmul_conv1x1_problem(const MatmulProblem& p) {
    const MatmulDesc& m = p.desc;
    ConvProblem c;
    ConvDesc& d = c.desc;
    d.g = 1;
    d.mb = 1;
    d.ic = m.k;
    d.oc = m.n;
    d.ih = d.oh = m.batch() * m.m;
    d.iw = d.ow = 1;
    d.kh = d.kw = 1;
    d.name = m.name;
    d.repeat = m.repeat;
    c.src_type = p.a_type;
    c.src_zero_point = p.a_zero_point;
    c.weights.resize(size_t(m.k * m.n));
    for (int64_t n = 0; n < m.n; ++n)
        for (int64_t k = 0; k < m.k; ++k) c.weights[size_t(n * m.k + k)] = p.b[size_t(k * m.n + n)];
    c.epilogue = p.epilogue;
    return c;
}

std::unique_ptr<MatmulKernel> make_matmul_pxfix_kernel(const MatmulProblem& p, jit::Isa isa, std::string& why,
                                                       bool by_cost) {
    const MatmulDesc& d = p.desc;
    if (isa != jit::Isa::sse42 && isa != jit::Isa::avx2) {
        why = std::string(jit::isa_name(isa)) + ": the pxfix conv path is sse42 / avx2 only (VNNI is exact at full speed)";
        return nullptr;
    }
    if (p.b_runtime) {
        why = "a run-time B (its pairs are unknown until it comes)";
        return nullptr;
    }
    if (p.a_grid_w > 0) {
        why = "a gathered A (MatmulProblem::a_grid_w)";
        return nullptr;
    }
    if (p.a_type != ir::ElemType::u8 && p.a_type != ir::ElemType::s8) {
        why = std::string("A is ") + ir::to_string(p.a_type) + ", not u8/s8";
        return nullptr;
    }
    if (int64_t(p.b.size()) != d.b_elems()) {
        why = "B has " + std::to_string(p.b.size()) + " values, the descriptor " + std::to_string(d.b_elems());
        return nullptr;
    }
    if (by_cost && d.batch() * d.m < kMinRows) {
        why = "batch·M = " + std::to_string(d.batch() * d.m) + " < " + std::to_string(kMinRows) +
              ": the matmul's own kernel";
        return nullptr;
    }
    if (!ref::row_fits_s32(p.a_type, p.a_zero_point, d.k)) {
        why = "K = " + std::to_string(d.k) + " with zero point " + std::to_string(p.a_zero_point) + " may leave s32";
        return nullptr;
    }
    if (!b_shared(p)) {
        why = "B differs between batch slices (the conv has one set of weights)";
        return nullptr;
    }
    if (matmul_pack::count_unsafe_pairs(p.b.data(), 1, d.k, d.n) == 0) {
        why = "every B pair is safe: the matmul's fast path";
        return nullptr;
    }
    const ConvProblem cp = matmul_conv1x1_problem(p);
    if (by_cost) {
        const ConvJitCosts c = conv_jit_costs(cp, isa);
        if (c.best_direct != ConvJitPath::pxfix || !(c.pxfix < kMatmulExactCost)) {
            char b[32];
            std::snprintf(b, sizeof b, "%.2f", kMatmulExactCost);
            why = "not cheaper than the matmul's exact path (" + std::string(b) + "): " + c.why;
            return nullptr;
        }
    }
    auto conv = make_conv_jit_kernel(cp, isa, why, ConvJitPath::pxfix);
    if (!conv) {
        why = "the conv declined: " + why;
        return nullptr;
    }
    if (conv->exec_type().find("_pxfix") == std::string::npos) {
        why = "the conv built " + conv->exec_type() + ", not its pxfix path";
        return nullptr;
    }
    const std::string types = std::string(ir::to_string(p.a_type)) + "s8" + ir::to_string(p.epilogue.dst_type);
    return std::make_unique<MatmulOnConvKernel>(std::move(conv),
                                                std::string("jit_") + jit::exec_isa_tag(isa) + "_pxfix_I8",
                                                std::string("matmul_") + jit::isa_name(isa) + "_pxfix_" + types +
                                                    "_" + to_string(d));
}

std::unique_ptr<MatmulKernel> make_matmul_pxfix_kernel(const MatmulProblem& p, jit::Isa isa, std::string& why) {
    return make_matmul_pxfix_kernel(p, isa, why, true);
}

}  // namespace octet::kernels
