#include "kernels/conv/jit_dw_kernel.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernels/common/ref_acc.hpp"
#include "kernels/conv/jit_dw_generator.hpp"
#include "kernels/conv/pack.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;

const float* data_or_null(const std::vector<float>& v) { return v.empty() ? nullptr : v.data(); }

// An image with few output rows (7x7 and 14x14 layers at batch 1) has too few
// row units to share evenly (7 rows: 4:3 on 2 threads), so its rows are cut
// into channel blocks as well, until there are at least kMinUnits units. The
// blocks are whole channel steps, so any block starts where the packed
// weights and lane-ordered vectors of a step start.
constexpr int64_t kMinUnits = 16;

class JitDwConvKernel final : public ConvKernel {
public:
    JitDwConvKernel(const ConvProblem& p, Isa isa) : p_(p), isa_(isa) {
        const ConvDesc& d = p_.desc;
        conv_dw::Conf conf;
        conf.d = d;
        conf.d.mb = 1;
        conf.src_type = p_.src_type;
        conf.zero_point = p_.src_zero_point;
        conf.epilogue = p_.epilogue;
        {
            // acc = sum over the taps of (x - zp) * w.
            const int64_t lo = p_.src_type == ir::ElemType::s8 ? -128 : 0, hi = lo + 255, taps = d.kh * d.kw;
            const double xmax = double(std::max(std::abs(lo - p_.src_zero_point), std::abs(hi - p_.src_zero_point)));
            conf.acc_abs_max = double(conv_pack::max_abs_row_sum(p_.weights.data(), d.ic, taps)) * xmax;
        }
        cp_ = conv_dw::packed_channels(conf, isa);
        const int64_t rows = d.mb * d.oh, step = conv_dw::channel_step(conf, isa);
        if (rows < kMinUnits) {
            const int64_t steps = (d.ic + step - 1) / step, want = (kMinUnits + rows - 1) / rows;
            chunk_ = (steps + want - 1) / want * step;
            n_chunks_ = (d.ic + chunk_ - 1) / chunk_;
        }
        if (n_chunks_ == 1) chunk_ = d.ic;
        row_units_ = conv_dw::packed_row_units(conf, isa);
        const size_t n = size_t(d.kh * row_units_);
        // 64-byte aligned: full-vector and SSE memory operands; zero lanes past ic.
        wei_.reset(static_cast<int32_t*>(std::aligned_alloc(64, (n * 4 + 63) / 64 * 64)));
        if (!wei_) throw Error("depthwise JIT: out of memory for packed weights");
        std::memset(wei_.get(), 0, n * 4);
        conv_dw::pack_weights(conf, isa, p_.weights.data(), wei_.get());
        conf.channels = chunk_;
        gen_ = conv_dw::make_generator(isa, conf);
        gen_->create();
        fn_ = fn_last_ = gen_->function<void(const conv_dw::CallArgs*)>();
        if (const int64_t last = d.ic - (n_chunks_ - 1) * chunk_; last != chunk_) {
            conf.channels = last;
            gen_last_ = conv_dw::make_generator(isa, conf);
            gen_last_->create();
            fn_last_ = gen_last_->function<void(const conv_dw::CallArgs*)>();
        }
        // The per-channel vectors in the order the generated code's lanes hold channels.
        const ir::Epilogue& e = p_.epilogue;
        for (const std::vector<float>* v : {&e.scale, &e.bias, &e.out_scale, &e.out_shift})
            lane_vectors_.push_back(conv_dw::permute_channels(conf, isa, *v));
        params_ = {data_or_null(lane_vectors_[0]), data_or_null(lane_vectors_[1]), data_or_null(lane_vectors_[2]),
                   data_or_null(lane_vectors_[3])};
        exec_type_ = std::string("jit_") + jit::exec_isa_tag(isa) + "_dw_I8";
    }

    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return gen_->name(); }
    int64_t work_units() const override { return p_.desc.mb * p_.desc.oh * n_chunks_; }

    void run(const ConvArgs& a, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(isa_))
            throw UnsupportedError(name() + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        const ConvDesc& d = p_.desc;
        const ir::PostOp* sum = p_.epilogue.sum_op();
        if (!a.src || !a.dst || (sum && !a.residual))
            throw ArgumentError(name() + ": null source, destination or residual");
        const size_t dsz = ir::elem_size(p_.epilogue.dst_type), rsz = sum ? ir::elem_size(sum->sum_type) : 0;
        const int64_t row_out = d.ow * d.oc;
        // A per-channel vector (size > 1) starts at the block's first channel.
        auto from = [](const float* v, const std::vector<float>& all, int64_t c0) {
            return all.size() > 1 ? v + c0 : v;
        };
        for (int64_t u = begin; u < end; ++u) {
            const int64_t row = u / n_chunks_, cb = u % n_chunks_, c0 = cb * chunk_;
            const int64_t n = row / d.oh, oy = row % d.oh;
            // Valid kernel rows: iy = oy*sh - ph + ky*(dh+1) inside [0, ih), a contiguous range.
            int64_t ky_lo = 0, count = 0;
            for (int64_t ky = 0; ky < d.kh; ++ky) {
                const int64_t iy = oy * d.sh - d.ph + ky * (d.dh + 1);
                if (iy < 0 || iy >= d.ih) continue;
                if (count++ == 0) ky_lo = ky;
            }
            const int64_t iy_lo = oy * d.sh - d.ph + ky_lo * (d.dh + 1);
            conv_dw::CallArgs args;
            args.src = static_cast<const uint8_t*>(a.src) + (count ? (n * d.ih + iy_lo) * d.iw * d.ic : 0) + c0;
            args.wei = wei_.get() + ky_lo * row_units_ + c0;
            args.residual = sum ? static_cast<const uint8_t*>(a.residual) + size_t((n * d.oh + oy) * row_out + c0) * rsz
                                : nullptr;
            args.dst = static_cast<uint8_t*>(a.dst) + size_t((n * d.oh + oy) * row_out + c0) * dsz;
            args.kh_count = count;
            args.params = {from(params_.scale, lane_vectors_[0], c0), from(params_.bias, lane_vectors_[1], c0),
                           from(params_.out_scale, lane_vectors_[2], c0), from(params_.out_shift, lane_vectors_[3], c0)};
            (cb == n_chunks_ - 1 ? fn_last_ : fn_)(&args);
        }
    }

private:
    struct Free {
        void operator()(int32_t* p) const { std::free(p); }
    };
    ConvProblem p_;
    Isa isa_;
    int64_t cp_ = 0, row_units_ = 0;
    std::unique_ptr<int32_t[], Free> wei_;
    int64_t n_chunks_ = 1, chunk_ = 0;  // channel blocks per row (work units: rows x blocks), channels per block
    std::unique_ptr<jit::Generator> gen_, gen_last_;  // a block of chunk_ channels; the last block when narrower
    void (*fn_)(const conv_dw::CallArgs*) = nullptr;
    void (*fn_last_)(const conv_dw::CallArgs*) = nullptr;
    std::vector<std::vector<float>> lane_vectors_;  // scale, bias, out_scale, out_shift as the lanes hold them
    jit::PostOpParams params_;
    std::string exec_type_;
};

}  // namespace

std::unique_ptr<ConvKernel> make_conv_dw_jit_kernel(const ConvProblem& p, Isa isa, std::string& why) {
    const ConvDesc& d = p.desc;
    if (isa == Isa::amx) isa = Isa::avx512_core_vnni;
    if (!(d.g == d.ic && d.g == d.oc)) {
        why = "not depthwise (g " + std::to_string(d.g) + ", ic " + std::to_string(d.ic) + ", oc " +
              std::to_string(d.oc) + ")";
        return nullptr;
    }
    if (p.src_type != ir::ElemType::u8 && p.src_type != ir::ElemType::s8) {
        why = std::string("source type ") + ir::to_string(p.src_type) + " is not u8/s8";
        return nullptr;
    }
    if (p.src_zero_point < -32512 || p.src_zero_point > 32512) {
        why = "zero point " + std::to_string(p.src_zero_point) + ": x - zp leaves s16";
        return nullptr;
    }
    if (!ref::row_fits_s32(p.src_type, p.src_zero_point, d.kh * d.kw)) {
        why = "a " + std::to_string(d.kh * d.kw) + "-tap reduction could leave s32";
        return nullptr;
    }
    if (int64_t(p.weights.size()) != d.wei_elems()) {
        why = "weights have " + std::to_string(p.weights.size()) + " values, expected " +
              std::to_string(d.wei_elems());
        return nullptr;
    }
    // Every displacement and step of the generated code is a 32-bit immediate.
    const int64_t lim = int64_t(1) << 28;
    if ((d.dh + 1) * d.iw * d.ic >= lim || (d.iw + d.pw + d.ext_kw()) * d.ic * d.sw >= lim ||
        d.ow * d.oc * 4 >= lim || d.kh * (2 * d.kw + d.ext_kw() + 2) * (d.ic + 64) * 4 >= lim) {
        why = "tensor strides beyond the 32-bit displacements of the generated code";
        return nullptr;
    }
    try {
        return std::make_unique<JitDwConvKernel>(p, isa);
    } catch (const Error& e) {
        why = e.what();
        return nullptr;
    }
}

}  // namespace octet::kernels
