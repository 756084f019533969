#include "jit/postops.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "ir/error.hpp"

namespace octet::jit {

using namespace Xbyak;

namespace {

uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

bool is_signaling_nan(float f) { return std::isnan(f) && !(bits_of(f) & 0x00400000u); }

template <typename Pred>
bool all_of(const std::vector<float>& v, Pred pred) {
    return std::all_of(v.begin(), v.end(), pred);
}

void check_vector(const std::vector<float>& v, const char* what, int channels) {
    if (v.size() > 1 && v.size() != size_t(channels))
        throw ArgumentError(std::string("epilogue ") + what + " has " + std::to_string(v.size()) +
                            " values; expected 0, 1 or " + std::to_string(channels) + " (channels)");
}

}  // namespace

template <Isa isa>
PostOpEmitter<isa>::PostOpEmitter(Generator& g, const ir::Epilogue& e, int channels, const PostOpRegs& regs)
    : g_(g), e_(e), channels_(channels), regs_(regs) {
    if (channels < 1) throw ArgumentError("post-op emitter: channels must be >= 1, got " + std::to_string(channels));
    check_vector(e.scale, "scale", channels);
    check_vector(e.bias, "bias", channels);
    check_vector(e.out_scale, "out_scale", channels);
    check_vector(e.out_shift, "out_shift", channels);
    int sums = 0;
    for (const ir::PostOp& p : e.post_ops) {
        if (p.kind != ir::PostOp::Kind::sum) continue;
        if (++sums > 1) throw UnsupportedError("epilogue with more than one sum post-op (one residual per kernel)");
        if (p.sum_type == ir::ElemType::s32)
            throw UnsupportedError("sum post-op from an s32 residual (u8, s8 or f32 only)");
    }
    if (regs.vtmp == regs.vtmp2 || regs.mask < 1 || regs.mask > 7)
        throw ArgumentError("post-op emitter: two distinct scratch vectors and an opmask k1..k7 are needed");

    // Before an integer dst, +(±0) and ×1 leave every rounded integer as it was (they
    // only turn -0 into +0 and quiet a NaN, and the chain maps ±0 alike and every NaN
    // to the same bound): a zero bias or out_shift (a u8 Quantize whose range starts
    // at 0: every ReLU layer's) and a unit out_scale emit nothing.
    const bool int_dst = e.dst_type != ir::ElemType::f32;
    bias_op_ = !e.bias.empty() && !(int_dst && all_of(e.bias, [](float x) { return x == 0.f; }));
    out_scale_op_ = !e.out_scale.empty() && !(int_dst && all_of(e.out_scale, [](float x) { return x == 1.f; }));
    out_shift_op_ = !e.out_shift.empty() && !(int_dst && all_of(e.out_shift, [](float x) { return x == 0.f; }));
    auto finite = [](float x) { return std::isfinite(x); };
    requant_finite_ = (!out_scale_op_ || all_of(e.out_scale, finite)) && (!out_shift_op_ || all_of(e.out_shift, finite));
    out_scale_nonneg_ = all_of(e.out_scale, [](float x) { return x >= 0.f; });
    out_shift_nonpos_ = all_of(e.out_shift, [](float x) { return x <= 0.f; });
}

template <Isa isa>
size_t PostOpEmitter<isa>::residual_elem_size() const {
    const ir::PostOp* s = e_.sum_op();
    return s ? ir::elem_size(s->sum_type) : 0;
}

// ---- encodings: legacy SSE two-operand forms on sse42, VEX/EVEX above ----

template <Isa isa> void PostOpEmitter<isa>::add(const Vmm& d, const Operand& s) {
    if constexpr (Traits::is_vex) g_.vaddps(d, d, s); else g_.addps(d, s);
}
template <Isa isa> void PostOpEmitter<isa>::sub(const Vmm& d, const Operand& s) {
    if constexpr (Traits::is_vex) g_.vsubps(d, d, s); else g_.subps(d, s);
}
template <Isa isa> void PostOpEmitter<isa>::mul(const Vmm& d, const Operand& s) {
    if constexpr (Traits::is_vex) g_.vmulps(d, d, s); else g_.mulps(d, s);
}
// max/min: d > s ? d : s and d < s ? d : s, NaN -> s: the reference's ternaries.
template <Isa isa> void PostOpEmitter<isa>::max(const Vmm& d, const Operand& s) {
    if constexpr (Traits::is_vex) g_.vmaxps(d, d, s); else g_.maxps(d, s);
}
template <Isa isa> void PostOpEmitter<isa>::min(const Vmm& d, const Operand& s) {
    if constexpr (Traits::is_vex) g_.vminps(d, d, s); else g_.minps(d, s);
}

// One table row per distinct constant, vlen bytes of copies so that a full
// vector memory operand reads it (and SSE's 16-byte alignment rule holds).
template <Isa isa>
Address PostOpEmitter<isa>::constant(float value) {
    const uint32_t b = bits_of(value);
    size_t i = 0;
    while (i < constants_.size() && constants_[i] != b) ++i;
    if (i == constants_.size()) constants_.push_back(b);
    return g_.ptr[g_.rip + table_ + int(i * Traits::vlen)];
}

template <Isa isa>
void PostOpEmitter<isa>::emit_data() {
    if (constants_.empty()) return;
    g_.align(64);
    g_.L(table_);
    for (uint32_t b : constants_)
        for (int l = 0; l < simd_w; ++l) g_.dd(b);
}

template <Isa isa>
void PostOpEmitter<isa>::set_tail_mask(int n) {
    if constexpr (Traits::has_mask) {
        g_.mov(regs_.tmp.cvt32(), (1u << n) - 1);
        g_.kmovw(Opmask(regs_.mask), regs_.tmp.cvt32());
    }
}

// ---- loads and stores of n lanes: jit/lane_io.cpp ----

template <Isa isa>
void PostOpEmitter<isa>::load_s32(const Vmm& v, const RegExp& addr, int n) {
    if (n < 1 || n > simd_w)
        throw ArgumentError("post-op emitter: " + std::to_string(n) + " lanes in a " +
                            std::to_string(simd_w) + "-lane vector");
    if constexpr (Traits::has_mask) {
        if (n < simd_w) set_tail_mask(n);
    }
    load_dwords(v, addr, n);
}

template <Isa isa>
int PostOpEmitter<isa>::cache_channel(const Channel& oc, int n, const std::vector<int>& regs) {
    if (n < 1 || n > simd_w)
        throw ArgumentError("post-op emitter: " + std::to_string(n) + " lanes in a " + std::to_string(simd_w) +
                            "-lane vector");
    uncache();
    struct Field { bool used; size_t size, offset; };
    const Field fields[4] = {{!e_.scale.empty(), e_.scale.size(), offsetof(PostOpParams, scale)},
                             {bias_op_, e_.bias.size(), offsetof(PostOpParams, bias)},
                             {out_scale_op_, e_.out_scale.size(), offsetof(PostOpParams, out_scale)},
                             {out_shift_op_, e_.out_shift.size(), offsetof(PostOpParams, out_shift)}};
    if constexpr (Traits::has_mask) {
        if (n < simd_w) set_tail_mask(n);
    }
    size_t next = 0;
    for (const Field& f : fields) {
        if (!f.used || next == regs.size()) continue;
        const int r = regs[next++];
        if (r == regs_.vtmp || r == regs_.vtmp2 || r < 0 || r >= (Traits::has_mask ? 32 : 16))
            throw ArgumentError("post-op emitter: cannot hold a channel vector in register " + std::to_string(r));
        load_channel_vector(Vmm(r), f.size, f.offset, oc, n);
        cached_.reg[f.offset / sizeof(const float*)] = r;
    }
    cached_.on = next > 0;
    cached_.oc = oc;
    cached_.n = n;
    return int(next);
}

template <Isa isa>
void PostOpEmitter<isa>::load_channel_vector(const Vmm& t, size_t size, size_t param_offset, const Channel& oc,
                                             int n) {
    g_.mov(regs_.tmp, g_.ptr[regs_.params + int(param_offset)]);
    if (size == 1) {
        if constexpr (Traits::is_vex) {
            g_.vbroadcastss(t, g_.ptr[regs_.tmp]);
        } else {
            g_.movss(t, g_.ptr[regs_.tmp]);
            g_.shufps(t, t, 0);
        }
    } else {
        const RegExp a = oc.has_reg ? regs_.tmp + oc.reg * 4 + oc.offset * 4 : regs_.tmp + oc.offset * 4;
        load_dwords(t, a, n);
    }
}

template <Isa isa>
void PostOpEmitter<isa>::op_with_channel_vector(void (PostOpEmitter::*op)(const Vmm&, const Operand&),
                                                const Vmm& v, size_t size, size_t param_offset,
                                                const Channel& oc, int n) {
    if (cached_.on && same_channel(cached_.oc, oc) && cached_.n == n) {
        const int r = cached_.reg[param_offset / sizeof(const float*)];
        if (r >= 0) {
            (this->*op)(v, Vmm(r));
            return;
        }
    }
    const Vmm t(regs_.vtmp);
    load_channel_vector(t, size, param_offset, oc, n);
    (this->*op)(v, t);
}

// ---- the chain ----

template <Isa isa>
void PostOpEmitter<isa>::apply(const Vmm& v, const Channel& oc, int n, const RegExp& residual,
                               const RegExp& dst) {
    if (!convert(v, oc, n, residual)) {
        store_dwords(dst, v, n);  // f32
        return;
    }
    if (e_.dst_type == ir::ElemType::s32)
        store_dwords(dst, v, n);
    else
        store_bytes(dst, v, n, e_.dst_type == ir::ElemType::s8);
}

// Whether every value the chain can produce from |acc| <= acc_abs_max is finite
// and well inside int32, so that vcvtps2dq rounds it exactly and a saturating
// narrowing then equals round(clamp(v, lo, hi)) (the bounds are integers).
template <Isa isa>
bool PostOpEmitter<isa>::packs_saturate(double acc_abs_max) const {
    if (!(acc_abs_max >= 0.0) || e_.dst_type == ir::ElemType::f32 || e_.dst_type == ir::ElemType::s32) return false;
    bool finite = true;
    auto max_abs = [&](const std::vector<float>& v, double def) {
        if (v.empty()) return def;
        double m = 0.0;
        for (float x : v) {
            finite = finite && std::isfinite(x);
            m = std::fmax(m, std::fabs(double(x)));
        }
        return m;
    };
    double b = acc_abs_max * max_abs(e_.scale, 1.0) + max_abs(e_.bias, 0.0);
    for (const ir::PostOp& p : e_.post_ops) {
        switch (p.kind) {
        case ir::PostOp::Kind::relu: break;
        case ir::PostOp::Kind::clamp:
            finite = finite && std::isfinite(p.lo) && std::isfinite(p.hi);
            b = std::fmax(b, std::fmax(std::fabs(double(p.lo)), std::fabs(double(p.hi))));
            break;
        case ir::PostOp::Kind::sum:
            if (p.sum_type == ir::ElemType::f32) return false;
            finite = finite && std::isfinite(p.sum_scale) && std::isfinite(p.sum_zero_point);
            b += (255.0 + std::fabs(double(p.sum_zero_point))) * std::fabs(double(p.sum_scale));
            break;
        }
    }
    b = b * max_abs(e_.out_scale, 1.0) + max_abs(e_.out_shift, 0.0);
    return finite && b < 1073741824.0;  // 2^30: far from 2^31 whatever the f32 roundings on the way
}

template <Isa isa>
size_t PostOpEmitter<isa>::requant_channels() const {
    return std::max(out_scale_op_ ? e_.out_scale.size() : size_t(1), out_shift_op_ ? e_.out_shift.size() : size_t(1));
}

// x × out_scale[c] + out_shift[c] with the ops the kernel emits (two roundings, no FMA).
template <Isa isa>
float PostOpEmitter<isa>::requant_image(float x, size_t c) const {
    const auto& os = e_.out_scale;
    const auto& sh = e_.out_shift;
    if (out_scale_op_) x = x * os[os.size() == 1 ? 0 : c];
    if (out_shift_op_) x = x + sh[sh.size() == 1 ? 0 : c];
    return x;
}

template <Isa isa>
bool PostOpEmitter<isa>::convert(const Vmm& v, const Channel& oc, int n, const RegExp& residual,
                                 double sat_acc_abs_max) {
    if (n < 1 || n > simd_w)
        throw ArgumentError("post-op emitter: " + std::to_string(n) + " lanes in a " +
                            std::to_string(simd_w) + "-lane vector");
    if (v.getIdx() == regs_.vtmp || v.getIdx() == regs_.vtmp2)
        throw ArgumentError("post-op emitter: the accumulator is one of its scratch registers");
    if constexpr (Traits::has_mask) {
        if (n < simd_w) set_tail_mask(n);
    }
    const bool f32_dst = e_.dst_type == ir::ElemType::f32;
    const float zero = 0.f;
    const bool sat = packs_saturate(sat_acc_abs_max);
    float lo, hi;
    ir::dst_bounds(e_.dst_type, lo, hi);
    // The floor of a relu, or of a clamp whose lo <= 0 (ReLU6), last in the chain before
    // a u8 dst: the unsigned pack's 0 floor gives the same integers, also through
    // out_scale >= 0 and out_shift <= 0 (the requantize of such a layer): below the floor
    // (v < 0 either way) the products and sums round monotonically to at most
    // round(out_shift) <= 0, which the pack floors to 0, as it floors what the max left.
    // (`known` below may then overstate v's floor: it is read only without sat.)
    bool skip_last_floor = sat && lo >= 0.f && out_scale_nonneg_ && out_shift_nonpos_ && !e_.post_ops.empty();
    if (skip_last_floor) {
        const ir::PostOp& last = e_.post_ops.back();
        skip_last_floor = last.kind == ir::PostOp::Kind::relu ||
                          (last.kind == ir::PostOp::Kind::clamp && std::isfinite(last.lo) && std::isfinite(last.hi) &&
                           last.lo <= 0.f && last.lo <= last.hi);
    }

    // The ceiling of a clamp last in the chain (ReLU6), when the packs saturate: with
    // out_scale >= 0 the requantize maps every v > hi to at least hi's image (the same
    // f32 ops, rounding monotonically), so when that image is at or above the dst's top in
    // every channel the packs give hi's integer to all of them, as they do after the min.
    // (The range check of packs_saturate bounds v before the clamp, not after.)
    bool skip_last_ceiling = sat && out_scale_nonneg_ && requant_finite_ && !e_.post_ops.empty();
    if (skip_last_ceiling) {
        const ir::PostOp& last = e_.post_ops.back();
        skip_last_ceiling = last.kind == ir::PostOp::Kind::clamp && std::isfinite(last.lo) &&
                            std::isfinite(last.hi) && last.lo <= last.hi;
        for (size_t c = 0; c < requant_channels() && skip_last_ceiling; ++c)
            skip_last_ceiling = requant_image(last.hi, c) >= hi;
    }

    if constexpr (Traits::is_vex) g_.vcvtdq2ps(v, v); else g_.cvtdq2ps(v, v);

    // ×1 is exact on a converted integer: an empty scale emits nothing.
    if (!e_.scale.empty())
        op_with_channel_vector(&PostOpEmitter::mul, v, e_.scale.size(), offsetof(PostOpParams, scale), oc, n);
    // +0 turns -0 into +0: it changes f32 results, never integer ones.
    if (bias_op_)
        op_with_channel_vector(&PostOpEmitter::add, v, e_.bias.size(), offsetof(PostOpParams, bias), oc, n);
    else if (f32_dst)
        add(v, constant(zero));

    bool maybe_snan = false;  // a clamp bound may pass a signaling NaN through unquieted
    // What the chain so far guarantees about v: never NaN and within [known_lo,
    // known_hi]. A later max/min against the dst bounds that cannot change the
    // rounded integer is then left out (relu before a u8 dst: one op of ~8).
    bool known = false;
    float known_lo = 0.f, known_hi = 0.f;
    for (size_t i = 0; i < e_.post_ops.size(); ++i) {
        const ir::PostOp& p = e_.post_ops[i];
        switch (p.kind) {
        case ir::PostOp::Kind::relu:
            if (!(skip_last_floor && i + 1 == e_.post_ops.size())) max(v, constant(zero));
            known = true, known_lo = 0.f, known_hi = INFINITY;  // maxps(NaN, 0) = 0
            break;
        case ir::PostOp::Kind::clamp:
            if (!(skip_last_floor && i + 1 == e_.post_ops.size())) max(v, constant(p.lo));
            if (!(skip_last_ceiling && i + 1 == e_.post_ops.size())) min(v, constant(p.hi));
            maybe_snan = maybe_snan || is_signaling_nan(p.lo) || is_signaling_nan(p.hi);
            known = !std::isnan(p.lo) && !std::isnan(p.hi);
            known_lo = std::fmin(p.lo, p.hi), known_hi = p.hi;
            break;
        case ir::PostOp::Kind::sum: {
            const Vmm t(regs_.vtmp2);
            if (p.sum_type == ir::ElemType::f32) {
                load_dwords(t, residual, n);
            } else {
                load_bytes_to_s32(t, residual, n, p.sum_type == ir::ElemType::s8);
                if constexpr (Traits::is_vex) g_.vcvtdq2ps(t, t); else g_.cvtdq2ps(t, t);
            }
            // r - (+0) and r × 1 leave every value's bits as the add below sees them.
            if (bits_of(p.sum_zero_point) != 0) sub(t, constant(p.sum_zero_point));
            if (p.sum_scale != 1.f) mul(t, constant(p.sum_scale));
            add(v, t);
            maybe_snan = false;  // the add quiets
            known = false;
            break;
        }
        }
    }

    // The requantize maps a known range onto one per channel: ×out_scale and +out_shift round
    // monotonically, so [lo, hi] goes to the bounds computed here with the same f32 ops
    // (without FMA, as the kernel does). A ReLU6 requantized to u8 (6 × 255/6 = 255) then
    // needs neither dst clamp. Only finite factors and shifts keep every value between the
    // images of the bounds (x × inf is NaN at x = 0); a NaN image (0 × inf) leaves it unknown.
    if (known && (out_scale_op_ || out_shift_op_) && requant_finite_) {
        float lo_all = INFINITY, hi_all = -INFINITY;
        for (size_t c = 0; c < requant_channels() && known; ++c) {
            for (float x : {known_lo, known_hi}) {
                const float y = requant_image(x, c);
                known = known && !std::isnan(y);
                lo_all = std::fmin(lo_all, y), hi_all = std::fmax(hi_all, y);
            }
        }
        known_lo = lo_all, known_hi = hi_all;
    } else if (!e_.out_scale.empty() || !e_.out_shift.empty()) {
        known = false;
    }
    if (out_scale_op_)
        op_with_channel_vector(&PostOpEmitter::mul, v, e_.out_scale.size(), offsetof(PostOpParams, out_scale), oc, n);
    else if (f32_dst && maybe_snan)
        mul(v, constant(1.f));
    if (out_shift_op_)
        op_with_channel_vector(&PostOpEmitter::add, v, e_.out_shift.size(), offsetof(PostOpParams, out_shift), oc, n);
    else if (f32_dst)
        add(v, constant(zero));

    if (f32_dst) return false;
    // v >= lo already: max(v, lo) is v, or lo itself when v == lo (maybe -0 for
    // +0: the same integer). v <= hi already: min(v, hi) is v (or hi, equal).
    if (!sat && !(known && known_lo >= lo)) max(v, constant(lo));  // NaN -> lo
    if (!sat && !(known && known_hi <= hi)) min(v, constant(hi));
    if constexpr (Traits::is_vex) g_.vcvtps2dq(v, v); else g_.cvtps2dq(v, v);  // half to even (MXCSR)
    return true;
}

template class PostOpEmitter<Isa::sse42>;
template class PostOpEmitter<Isa::avx2>;
template class PostOpEmitter<Isa::avx_vnni>;
template class PostOpEmitter<Isa::avx512_core>;
template class PostOpEmitter<Isa::avx512_core_vnni>;
template class PostOpEmitter<Isa::amx>;

}  // namespace octet::jit
