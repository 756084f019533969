#include "kernels/eltwise/jit_permute_kernel.hpp"

#include <algorithm>
#include <cstddef>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"
#include "kernels/eltwise/jit_row_copy_generator.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;

namespace rc = row_copy;

class JitPermuteKernel final : public PermuteKernel {
public:
    JitPermuteKernel(const PermuteProblem& p, const PermuteGeometry& g, Isa isa) : isa_(isa) {
        const size_t r = g.dims.size();
        row_bytes_ = g.dims[r - 1];
        rows_ = r >= 2 ? g.dims[r - 2] : 1;
        outer_.assign(g.dims.begin(), g.dims.end() - std::min<size_t>(r, 2));
        outer_strides_.assign(g.src_strides.begin(), g.src_strides.begin() + std::ptrdiff_t(outer_.size()));
        for (int64_t d : outer_) outer_count_ *= d;
        rows_per_unit_ = std::clamp<int64_t>((int64_t(16) << 10) / std::max<int64_t>(row_bytes_, 1), 1, rows_);
        row_blocks_ = (rows_ + rows_per_unit_ - 1) / rows_per_unit_;

        rc::Config c;
        c.row_bytes = row_bytes_;
        c.src_row = r >= 2 ? g.src_strides[r - 2] : 0;
        c.dst_row = row_bytes_;  // the output is dense
        c.src_elem = g.src_strides[r - 1];
        src_row_ = c.src_row;
        const rc::Form form = rc::form_of(c);
        const char* tag = form == rc::Form::contiguous ? "" : form == rc::Form::gather ? "_gather" : "_interleave";
        exec_type_ = std::string("jit_") + jit::exec_isa_tag(isa) + tag + "_I8";
        std::string dims;
        for (int64_t d : g.dims) dims += (dims.empty() ? "" : "x") + std::to_string(d);
        c.name = std::string("permute_") + jit::exec_isa_tag(isa) + (*tag ? tag : "_rows") + "_" +
                 ir::to_string(p.type) + "_" + dims;
        name_ = c.name + (p.name.empty() ? "" : "_" + p.name);
        gen_ = rc::make_generator(isa, c);
        gen_->create();
        fn_ = gen_->function<rc::Fn>();
    }

    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return outer_count_ * row_blocks_; }
    Isa isa() const override { return isa_; }

    void run(const PermuteArgs& args, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(isa_))
            throw UnsupportedError(name_ + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        check_work_range(name_, begin, end, work_units());
        if (begin == end) return;
        if (!args.src || !args.dst) throw ArgumentError(name_ + ": null src or dst");
        const auto* src = static_cast<const uint8_t*>(args.src);
        auto* dst = static_cast<uint8_t*>(args.dst);
        for (int64_t u = begin; u < end; ++u) {
            const int64_t o = u / row_blocks_, r0 = (u % row_blocks_) * rows_per_unit_;
            int64_t src_off = r0 * src_row_;
            for (int64_t i = int64_t(outer_.size()) - 1, rem = o; i >= 0; --i) {
                src_off += (rem % outer_[size_t(i)]) * outer_strides_[size_t(i)];
                rem /= outer_[size_t(i)];
            }
            const rc::Call call{src + src_off, dst + (o * rows_ + r0) * row_bytes_,
                                std::min(rows_per_unit_, rows_ - r0)};
            fn_(&call);
        }
    }

private:
    Isa isa_;
    int64_t row_bytes_ = 0, rows_ = 1, src_row_ = 0, outer_count_ = 1, rows_per_unit_ = 1, row_blocks_ = 1;
    std::vector<int64_t> outer_, outer_strides_;
    std::unique_ptr<jit::Generator> gen_;
    rc::Fn* fn_ = nullptr;
    std::string exec_type_, name_;
};

}  // namespace

PermuteGeometry normalize_permute(const std::vector<int64_t>& shape, const std::vector<int64_t>& order) {
    const size_t rank = shape.size();
    if (order.size() != rank) throw ArgumentError("permute: order has " + std::to_string(order.size()) +
                                                  " entries for rank " + std::to_string(rank));
    std::vector<int64_t> in_strides(rank, 1);
    for (size_t d = rank; d-- > 1;) in_strides[d - 1] = in_strides[d] * shape[d];
    std::vector<bool> seen(rank, false);
    PermuteGeometry g;
    for (size_t d = 0; d < rank; ++d) {
        const int64_t a = order[d];
        if (a < 0 || a >= int64_t(rank) || seen[size_t(a)]) throw ArgumentError("permute: order is not a permutation");
        seen[size_t(a)] = true;
        const int64_t size = shape[size_t(a)], stride = in_strides[size_t(a)];
        if (size == 1) continue;
        // Merge with the previous output dim when the two are adjacent, in order, in the input.
        if (!g.dims.empty() && g.src_strides.back() == stride * size) {
            g.dims.back() *= size;
            g.src_strides.back() = stride;
            continue;
        }
        g.dims.push_back(size);
        g.src_strides.push_back(stride);
    }
    if (g.dims.empty()) {
        g.dims = {1};
        g.src_strides = {1};
    }
    return g;
}

std::unique_ptr<PermuteKernel> make_permute_jit_kernel(const PermuteProblem& p, Isa isa, std::string& why) {
    if (p.type != ir::ElemType::u8 && p.type != ir::ElemType::s8) {
        why = std::string("element type ") + ir::to_string(p.type) + " is not u8/s8";
        return nullptr;
    }
    for (int64_t d : p.shape)
        if (d < 1) {
            why = "empty or negative dim";
            return nullptr;
        }
    PermuteGeometry g;
    try {
        g = normalize_permute(p.shape, p.order);
    } catch (const ArgumentError& e) {
        why = e.what();
        return nullptr;
    }
    if (g.src_strides.back() >= (int64_t(1) << 27)) {
        why = "an input stride beyond the generated addressing";
        return nullptr;
    }
    if (isa == Isa::amx) isa = Isa::avx512_core_vnni;
    return std::make_unique<JitPermuteKernel>(p, g, isa);
}

}  // namespace octet::kernels
