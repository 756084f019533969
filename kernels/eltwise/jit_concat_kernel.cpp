#include "kernels/eltwise/jit_concat_kernel.hpp"

#include <algorithm>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernels/eltwise/jit_row_copy_generator.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;
namespace rc = row_copy;

class JitConcatKernel final : public ConcatKernel {
public:
    JitConcatKernel(const ConcatProblem& p, int64_t axis, Isa isa) : isa_(isa) {
        const std::vector<int64_t>& s0 = p.shapes[0];
        for (int64_t d = 0; d < axis; ++d) outer_ *= s0[size_t(d)];
        for (const auto& s : p.shapes) {
            Part part;
            part.row_bytes = 1;
            for (size_t d = size_t(axis); d < s.size(); ++d) part.row_bytes *= s[d];
            part.dst_offset = out_row_;
            out_row_ += part.row_bytes;
            part.rows_per_unit = std::clamp<int64_t>((int64_t(16) << 10) / part.row_bytes, 1, outer_);
            part.first_unit = units_;
            units_ += (outer_ + part.rows_per_unit - 1) / part.rows_per_unit;
            parts_.push_back(part);
        }
        exec_type_ = std::string("jit_") + jit::exec_isa_tag(isa) + "_I8";
        name_ = std::string("concat_") + jit::exec_isa_tag(isa) + "_" + ir::to_string(p.type) + "_" +
                std::to_string(p.shapes.size()) + "in_outer" + std::to_string(outer_) + "_row" + std::to_string(out_row_) +
                (p.name.empty() ? "" : "_" + p.name);
        for (size_t i = 0; i < parts_.size(); ++i) {
            rc::Config c;
            c.row_bytes = parts_[i].row_bytes;
            c.src_row = parts_[i].row_bytes;
            c.dst_row = out_row_;
            c.name = name_ + "_in" + std::to_string(i);
            gens_.push_back(rc::make_generator(isa, c));
            gens_.back()->create();
            parts_[i].fn = gens_.back()->function<rc::Fn>();
        }
    }

    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return units_; }
    Isa isa() const override { return isa_; }

    void run(const ConcatArgs& args, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(isa_))
            throw UnsupportedError(name_ + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        check_work_range(name_, begin, end, units_);
        if (begin == end) return;
        if (!args.srcs || !args.dst) throw ArgumentError(name_ + ": null sources or destination");
        auto* dst = static_cast<uint8_t*>(args.dst);
        size_t i = 0;
        for (int64_t u = begin; u < end; ++u) {
            while (i + 1 < parts_.size() && parts_[i + 1].first_unit <= u) ++i;
            while (parts_[i].first_unit > u) --i;
            const Part& part = parts_[i];
            if (!args.srcs[i]) throw ArgumentError(name_ + ": null source " + std::to_string(i));
            const int64_t r0 = (u - part.first_unit) * part.rows_per_unit;
            const rc::Call call{static_cast<const uint8_t*>(args.srcs[i]) + r0 * part.row_bytes,
                                dst + r0 * out_row_ + part.dst_offset, std::min(part.rows_per_unit, outer_ - r0)};
            part.fn(&call);
        }
    }

private:
    struct Part {
        int64_t row_bytes = 0, dst_offset = 0, rows_per_unit = 1, first_unit = 0;
        rc::Fn* fn = nullptr;
    };
    Isa isa_;
    int64_t outer_ = 1, out_row_ = 0, units_ = 0;
    std::vector<Part> parts_;
    std::vector<std::unique_ptr<jit::Generator>> gens_;
    std::string exec_type_, name_;
};

}  // namespace

std::unique_ptr<ConcatKernel> make_concat_jit_kernel(const ConcatProblem& p, Isa isa, std::string& why) {
    if (p.type != ir::ElemType::u8 && p.type != ir::ElemType::s8) {
        why = std::string("element type ") + ir::to_string(p.type) + " is not u8/s8";
        return nullptr;
    }
    if (p.shapes.empty()) {
        why = "no input";
        return nullptr;
    }
    const int64_t rank = int64_t(p.shapes[0].size());
    const int64_t axis = p.axis < 0 ? p.axis + rank : p.axis;
    if (rank == 0 || axis < 0 || axis >= rank) {
        why = "axis " + std::to_string(p.axis) + " outside rank " + std::to_string(rank);
        return nullptr;
    }
    for (const auto& s : p.shapes) {
        if (int64_t(s.size()) != rank) {
            why = "inputs of different ranks";
            return nullptr;
        }
        for (int64_t d = 0; d < rank; ++d) {
            if (s[size_t(d)] < 1) {
                why = "an empty input";
                return nullptr;
            }
            if (d != axis && s[size_t(d)] != p.shapes[0][size_t(d)]) {
                why = "inputs differ off the concat axis";
                return nullptr;
            }
        }
    }
    if (isa == Isa::amx) isa = Isa::avx512_core_vnni;
    try {
        return std::make_unique<JitConcatKernel>(p, axis, isa);
    } catch (const UnsupportedError& e) {
        why = e.what();
    }
    return nullptr;
}

}  // namespace octet::kernels
