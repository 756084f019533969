#include "kernels/conv/amx_conv_kernel.hpp"

#include <algorithm>
#include <vector>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/ref_acc.hpp"
#include "kernels/conv/im2col.hpp"
#include "kernels/matmul/amx_matmul_generator.hpp"
#include "kernels/matmul/amx_matmul_kernel.hpp"
#include "kernels/matmul/pack.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;
namespace mp = matmul_pack;
namespace ma = matmul_amx;

// Pixel blocks per call of the block function. Each call configures the tiles (ldtilecfg)
// and releases them at its end; with one 32-pixel block per call, as the matmul's own
// route never does (it runs a column block's consecutive row blocks in one call), a 3×3
// layer with few output channels paid that per 32×32 block. A group of blocks is gathered
// into one stage (at most kStageBytes, so it stays in L2) and runs as one call per column
// block; groups shrink so that the layer keeps kMinUnits work units for the threads.
constexpr int64_t kStageBytes = 128 * 1024;
constexpr int64_t kMinUnits = 32;

class AmxConvKernel final : public ConvKernel {
public:
    explicit AmxConvKernel(const ConvProblem& p) : d_(p.desc), src_t_(p.src_type), e_(p.epilogue) {
        k_ = d_.kh * d_.kw * d_.ic;
        kp_ = (k_ + ma::kChunk - 1) / ma::kChunk * ma::kChunk;
        m_ = d_.mb * d_.oh * d_.ow;
        pad_byte_ = uint8_t(p.src_zero_point);
        // B[(kh·KW + kw)·IC + ic][oc] = w[oc][kh][kw][ic], K zero-padded to K'.
        std::vector<int8_t> b(size_t(kp_ * d_.oc), 0);
        for (int64_t oc = 0; oc < d_.oc; ++oc)
            for (int64_t k = 0; k < k_; ++k) b[size_t(k * d_.oc + oc)] = p.weights[size_t(oc * k_ + k)];
        packed_ = mp::pack_u8s8(b.data(), 1, kp_, d_.oc, ma::kBlockCols);
        if (p.src_zero_point != 0)
            comp_ = mp::compensation(b.data(), 1, kp_, d_.oc, ma::kBlockCols, p.src_zero_point);
        m_blocks_ = (m_ + ma::kBlockRows - 1) / ma::kBlockRows;
        const int64_t nb = packed_.n_blocks, by_mem = std::max<int64_t>(1, kStageBytes / (ma::kBlockRows * kp_));
        group_ = std::max<int64_t>(1, std::min(by_mem, m_blocks_ / ((kMinUnits + nb - 1) / nb)));
        m_groups_ = (m_blocks_ + group_ - 1) / group_;

        const std::string types = std::string(ir::to_string(src_t_)) + "s8" + ir::to_string(e_.dst_type);
        name_ = "conv_amx_" + types + "_" + to_string(d_);
        blocks_ = std::make_unique<ma::BlockSet>(m_, d_.oc, k_, kp_, src_t_ == ir::ElemType::s8,
                                                 p.src_zero_point != 0, e_, "conv_amx_" + types, "oc");
        params_ = ma::post_op_params(e_);
        const ir::PostOp* sum = e_.sum_op();
        res_size_ = sum ? ir::elem_size(sum->sum_type) : 0;
        dst_size_ = ir::elem_size(e_.dst_type);
    }

    std::string exec_type() const override { return "jit_amx_I8"; }
    std::string name() const override { return name_; }
    // Groups of pixel blocks outer, 32-channel blocks inner: a range reuses its gathered group.
    int64_t work_units() const override { return m_groups_ * packed_.n_blocks; }

    void run(const ConvArgs& args, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(Isa::amx)) throw UnsupportedError(name_ + ": this CPU cannot run amx code");
        check_work_range(name_, begin, end, work_units());
        if (begin == end) return;
        if (!args.src || !args.dst) throw ArgumentError(name_ + ": null src or dst");
        if (res_size_ && !args.residual) throw ArgumentError(name_ + ": the sum post-op needs a residual tensor");
        const auto* src = static_cast<const uint8_t*>(args.src);
        const auto* res = static_cast<const uint8_t*>(args.residual);
        auto* dst = static_cast<uint8_t*>(args.dst);
        const auto* comp = reinterpret_cast<const int32_t*>(comp_.data());
        // Per thread, kept across calls: a claimed range is often a few units.
        thread_local AlignedBuffer scratch, stage;
        if (scratch.size() < size_t(ma::kScratchBytes)) scratch = AlignedBuffer(size_t(ma::kScratchBytes));
        const size_t stage_bytes = size_t(group_ * ma::kBlockRows * kp_);
        if (stage.size() < stage_bytes) stage = AlignedBuffer(stage_bytes);
        int64_t staged = -1;

        ma::BlockArgs t{};
        t.params = params_;
        t.scratch = reinterpret_cast<int32_t*>(scratch.data());
        t.lda = kp_;
        for (int64_t u = begin; u < end; ++u) {
            const int64_t mg = u / packed_.n_blocks, nbk = u % packed_.n_blocks;
            const int64_t b0 = mg * group_, b1 = std::min(m_blocks_, b0 + group_);
            const int64_t m0 = b0 * ma::kBlockRows, rows = std::min(m_, b1 * ma::kBlockRows) - m0;
            if (staged != mg) {
                im2col_rows(d_, src, m0, rows, kp_, pad_byte_, stage.data());
                staged = mg;
            }
            // The group's full blocks in one call, then a partial last block (the problem's
            // last rows) with the tail-rows function.
            const int64_t full = rows / ma::kBlockRows, n0 = nbk * ma::kBlockCols;
            const int ci = n0 + ma::kBlockCols > d_.oc ? 1 : 0;
            t.b = reinterpret_cast<const int8_t*>(packed_.data.data()) + nbk * packed_.block_bytes;
            t.comp = comp ? comp + n0 : nullptr;
            t.n0 = n0;
            for (int part = 0; part < 2; ++part) {
                const int64_t count = part == 0 ? full : (rows % ma::kBlockRows ? 1 : 0);
                if (count == 0) continue;
                const int64_t r0 = m0 + (part == 0 ? 0 : full * ma::kBlockRows);
                t.a = stage.data() + (r0 - m0) * kp_;
                t.m_blocks = count;
                t.residual = res ? res + size_t(r0 * d_.oc + n0) * res_size_ : nullptr;
                t.dst = dst + size_t(r0 * d_.oc + n0) * dst_size_;
                blocks_->fn(part, ci)(&t);
            }
        }
    }

private:
    ConvDesc d_;
    ir::ElemType src_t_;
    ir::Epilogue e_;
    int64_t k_ = 0, kp_ = 0, m_ = 0, m_blocks_ = 0;
    int64_t group_ = 1, m_groups_ = 0;  // pixel blocks per work unit (kStageBytes, kMinUnits)
    uint8_t pad_byte_ = 0;
    mp::PackedB packed_;
    AlignedBuffer comp_;
    std::unique_ptr<ma::BlockSet> blocks_;
    jit::PostOpParams params_;
    size_t res_size_ = 0, dst_size_ = 0;
    std::string name_;
};

}  // namespace

bool amx_1x1_pads_too_much(const ConvDesc& d, std::string& why) {
    if (d.kh != 1 || d.kw != 1) return false;
    const int64_t padded = (d.ic + ma::kChunk - 1) / ma::kChunk * ma::kChunk;
    if (double(padded) <= kAmx1x1MaxKPadding * double(d.ic)) return false;
    why = "1x1 with IC = " + std::to_string(d.ic) + ", padded to " + std::to_string(padded) +
          " in the tile rows (more than 10 %): the VNNI 1x1 kernel is faster";
    return true;
}

std::unique_ptr<ConvKernel> make_conv_amx_kernel(const ConvProblem& p, Isa isa, std::string& why) {
    const ConvDesc& d = p.desc;
    if (isa != Isa::amx) {
        why = std::string("the ISA cap is ") + jit::isa_name(isa) + ", not amx";
        return nullptr;
    }
    if (d.g != 1) {
        why = "grouped/depthwise (g = " + std::to_string(d.g) + ")";
        return nullptr;
    }
    why = ma::decline_types(p.src_type, p.epilogue.dst_type);
    if (!why.empty()) return nullptr;
    if (d.ic < kAmxConvMinChannels) {
        why = "IC = " + std::to_string(d.ic) + " < " + std::to_string(kAmxConvMinChannels) +
              ": gathering IC-byte taps costs more than the tile multiplies save (first layer: the VNNI kernel "
              "is 5x faster on ResNet-50's conv1)";
        return nullptr;
    }
    if (amx_1x1_pads_too_much(d, why)) return nullptr;
    const int32_t zp = p.src_zero_point;
    if (p.src_type == ir::ElemType::u8 ? (zp < 0 || zp > 255) : (zp < -128 || zp > 127)) {
        why = "zero point " + std::to_string(zp) + " is not a value of the source type (padding is filled with it)";
        return nullptr;
    }
    const int64_t m = d.mb * d.oh * d.ow;
    if (m < kAmxMinRows) {
        why = std::to_string(m) + " output pixels < " + std::to_string(kAmxMinRows);
        return nullptr;
    }
    if (int64_t(p.weights.size()) != d.wei_elems()) {
        why = "weights have " + std::to_string(p.weights.size()) + " values, the descriptor " +
              std::to_string(d.wei_elems());
        return nullptr;
    }
    if (!ref::row_fits_s32(p.src_type, zp, d.ic * d.kh * d.kw)) {
        why = "the window's accumulators may leave s32 (the reference checks each)";
        return nullptr;
    }
    if (d.oc > (int64_t(1) << 24) || d.ic * d.kh * d.kw > (int64_t(1) << 24)) {
        why = "channels beyond the generated addressing";
        return nullptr;
    }
    try {
        return std::make_unique<AmxConvKernel>(p);
    } catch (const UnsupportedError& e) {
        why = e.what();
    } catch (const ArgumentError& e) {
        why = e.what();
    }
    return nullptr;
}

}  // namespace octet::kernels
