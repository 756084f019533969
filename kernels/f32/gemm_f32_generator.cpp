#include "kernels/f32/gemm_f32_generator.hpp"

#include <cstddef>
#include <cstring>
#include <limits>

#include "ir/error.hpp"

namespace octet::kernels::f32 {

using namespace Xbyak;
using jit::Isa;
using jit::IsaTraits;

namespace {

template <Isa kIsa> constexpr int nregs() { return IsaTraits<kIsa>::has_mask ? 32 : 16; }
// Registers besides the accumulators: `vecs` for B, one broadcast, and on AVX2
// one for the store mask (AVX-512 masks live in k1).
int extra_regs(Isa isa, int vecs) { return vecs + 1 + (isa == Isa::avx2 ? 1 : 0); }

template <Isa kIsa>
class JitGemmF32 : public jit::Generator {
public:
    using Traits = IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int simd_w = Traits::simd_w;
    static constexpr int vlen = Traits::vlen;
    static constexpr bool is_zmm = Traits::has_mask;

    explicit JitGemmF32(const GemmF32Config& c) : Generator(kIsa), c_(c) {
        const std::string what = "gemm_f32 " + c.name + ": ";
        if (c.rows < 1 || c.vecs < 1 || c.last_lanes < 1 || c.last_lanes > simd_w || c.k < 1)
            throw ArgumentError(what + "bad block geometry");
        if (c.a_tap_off.empty() || c.a_tap_off.size() != c.b_tap_off.size())
            throw ArgumentError(what + "tap offsets of A and B differ in count");
        // One row (GEMV, depthwise) streams B from memory: no B registers unless
        // a per-column bias is loaded into them.
        if (c.rows * c.vecs + extra_regs(kIsa, c.vecs) - c.vecs + b_regs() > nregs<kIsa>())
            throw ArgumentError(what + std::to_string(c.rows) + "x" + std::to_string(c.vecs) + " does not fit the registers");
        // Every address below is a base register plus a 32-bit displacement.
        const int64_t unroll_span = kUnroll;
        for (size_t t = 0; t < c.a_tap_off.size(); ++t) {
            fits(c.a_tap_off[t] + (c.rows - 1) * c.a_row_stride + unroll_span * c.a_k_stride, what);
            fits(c.b_tap_off[t] + unroll_span * c.b_k_stride + c.vecs * vlen, what);
        }
        fits(c.k * c.a_k_stride, what);
        fits(c.k * c.b_k_stride, what);
        fits((c.rows - 1) * c.c_row_stride + c.vecs * vlen, what);
        fits(c.b_block_stride, what);
        fits(c.b_prefetch_off + unroll_span * c.b_k_stride + c.vecs * vlen, what);
        fits(c.c_block_stride, what);
        int sums = 0;
        for (const GemmPostOp& p : c.post) sums += p.kind == GemmPost::sum;
        if (sums > 1) throw ArgumentError(what + "more than one sum post-op");
    }
    std::string name() const override { return c_.name; }

private:
    static constexpr int kUnroll = 4;
    static void fits(int64_t v, const std::string& what) {
        if (v < std::numeric_limits<int32_t>::min() / 2 || v > std::numeric_limits<int32_t>::max() / 2)
            throw ArgumentError(what + "offsets exceed 32-bit displacements");
    }

    const Reg64 reg_args = rdi;
    const Reg64 reg_a = r8, reg_b = r9, reg_bias = r10, reg_res = r11, reg_c = r12, reg_cnt = r13;
    const Reg64 reg_t = rax, reg_tab = rcx, reg_tcnt = r14, reg_bt = r15;
    // block_loop: blocks left, and the current block's B.
    const Reg64 reg_blocks = rbx, reg_bcur = rsi;
    const Reg64 reg_pfd = rdx;  // prefetch_a: a_next - a, in bytes
    Label tap_table_;

    Vmm acc(int r, int v) const { return Vmm(r * c_.vecs + v); }
    int b_regs() const { return c_.rows == 1 && c_.bias != GemmBias::per_col ? 0 : c_.vecs; }
    Vmm breg(int v) const { return Vmm(c_.rows * c_.vecs + v); }  // only when b_regs() > 0
    Vmm bcast() const { return Vmm(c_.rows * c_.vecs + b_regs()); }
    Vmm mask() const { return Vmm(c_.rows * c_.vecs + b_regs() + 1); }  // AVX2 only
    bool masked(int v) const { return v == c_.vecs - 1 && c_.last_lanes < simd_w; }

    // One k step: A at [ra + ao], B at [rb + bo].
    void step(const Reg64& ra, int64_t ao, const Reg64& rb, int64_t bo) {
        if (c_.rows == 1) {  // GEMV: B streams once, as the FMA's memory operand
            vbroadcastss(bcast(), ptr[ra + ao]);
            for (int v = 0; v < c_.vecs; ++v) vfmadd231ps(acc(0, v), bcast(), ptr[rb + bo + v * vlen]);
            return;
        }
        for (int v = 0; v < c_.vecs; ++v) vmovups(breg(v), ptr[rb + bo + v * vlen]);
        // The same offset in the next block's A (reg_pfd = its distance): into L2
        // while this block computes, a line per step as this one is read.
        if (c_.prefetch_a) prefetcht1(ptr[ra + reg_pfd + ao]);
        if (c_.b_prefetch_off)
            for (int v = 0; v < c_.vecs; ++v) prefetcht0(ptr[rb + bo + c_.b_prefetch_off + v * vlen]);
        for (int r = 0; r < c_.rows; ++r) {
            const int64_t a = ao + r * c_.a_row_stride;
            if (is_zmm && c_.vecs == 1) {  // one use: the FMA's {1to16} operand
                vfmadd231ps(acc(r, 0), breg(0), ptr_b[ra + a]);
            } else {
                vbroadcastss(bcast(), ptr[ra + a]);
                for (int v = 0; v < c_.vecs; ++v) vfmadd231ps(acc(r, v), breg(v), bcast());
            }
        }
    }

    // The k steps of one tap whose A / B start at [ra + ao], [rb + bo]. With
    // `advance`, ra ends K steps further on and rb is left anywhere (a scratch
    // copy); otherwise both end where they started.
    void tap(const Reg64& ra, int64_t ao, const Reg64& rb, int64_t bo, bool advance) {
        const int64_t loops = c_.k / kUnroll, rest = c_.k % kUnroll;
        if (loops >= 2) {
            Label body;
            mov(reg_cnt, loops);
            L(body);
            for (int u = 0; u < kUnroll; ++u) step(ra, ao + u * c_.a_k_stride, rb, bo + u * c_.b_k_stride);
            add(ra, int32_t(kUnroll * c_.a_k_stride));
            add(rb, int32_t(kUnroll * c_.b_k_stride));
            dec(reg_cnt);
            jnz(body, T_NEAR);
            for (int64_t u = 0; u < rest; ++u) step(ra, ao + u * c_.a_k_stride, rb, bo + u * c_.b_k_stride);
            if (advance) {
                if (rest) add(ra, int32_t(rest * c_.a_k_stride));
            } else {
                sub(ra, int32_t(loops * kUnroll * c_.a_k_stride));
                sub(rb, int32_t(loops * kUnroll * c_.b_k_stride));
            }
        } else {
            for (int64_t u = 0; u < c_.k; ++u) step(ra, ao + u * c_.a_k_stride, rb, bo + u * c_.b_k_stride);
            if (advance) add(ra, int32_t(c_.k * c_.a_k_stride));
        }
    }

    // A packed tap after tap (a_tap_off[t] = t·K·a_k_stride, as conv weights
    // are): the taps run as a loop over a table of B offsets, so the code of a
    // 7x7 window with few channels stays one tap long (an unrolled 49-tap body
    // outgrows the instruction caches).
    bool tap_loop() const {
        if (c_.a_tap_off.size() < 2 || c_.taps_inner) return false;
        for (size_t t = 0; t < c_.a_tap_off.size(); ++t)
            if (c_.a_tap_off[t] != int64_t(t) * c_.k * c_.a_k_stride) return false;
        return true;
    }

    void reduce() {
        if (c_.taps_inner && c_.a_tap_off.size() > 1) {  // k outer, every tap unrolled inside
            Label body;
            mov(reg_cnt, c_.k);
            L(body);
            for (size_t t = 0; t < c_.a_tap_off.size(); ++t) step(reg_a, c_.a_tap_off[t], reg_b, c_.b_tap_off[t]);
            add(reg_a, int32_t(c_.a_k_stride));
            add(reg_b, int32_t(c_.b_k_stride));
            dec(reg_cnt);
            jnz(body, T_NEAR);
            return;
        }
        if (tap_loop()) {
            Label body;
            lea(reg_tab, ptr[rip + tap_table_]);
            mov(reg_tcnt, int64_t(c_.b_tap_off.size()));
            L(body);
            mov(reg_bt, reg_b);
            add(reg_bt, ptr[reg_tab]);
            tap(reg_a, 0, reg_bt, 0, true);
            add(reg_tab, 8);
            dec(reg_tcnt);
            jnz(body, T_NEAR);
            return;
        }
        for (size_t t = 0; t < c_.a_tap_off.size(); ++t) tap(reg_a, c_.a_tap_off[t], reg_b, c_.b_tap_off[t], false);
    }

    Address c_at(const Reg64& base, int r, int v) const { return ptr[base + r * c_.c_row_stride + v * vlen]; }

    // bcast() = the constant f in every lane.
    void broadcast_const(float f) {
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        mov(reg_t.cvt32(), bits);
        if constexpr (is_zmm) {
            vpbroadcastd(bcast(), reg_t.cvt32());
        } else {
            vmovd(Xmm(bcast().getIdx()), reg_t.cvt32());
            vbroadcastss(bcast(), Xmm(bcast().getIdx()));
        }
    }

    void load_masked(const Vmm& dst, const Address& src) {
        if constexpr (is_zmm) vmovups(dst | k1 | T_z, src);
        else vmaskmovps(dst, mask(), src);
    }

    void epilogue() {
        if (c_.last_lanes < simd_w) {
            if constexpr (is_zmm) {
                mov(reg_t.cvt32(), (1u << c_.last_lanes) - 1);
                kmovw(k1, reg_t.cvt32());
            } else {
                // Lanes below last_lanes have the sign bit set: vmaskmovps moves
                // only those. The table sits in the code, jumped over.
                Label tbl, done;
                jmp(done, T_NEAR);
                align(32);
                L(tbl);
                for (int l = 0; l < simd_w; ++l) dd(l < c_.last_lanes ? 0xffffffffu : 0u);
                L(done);
                vmovups(mask(), ptr[rip + tbl]);
            }
        }
        if (c_.bias == GemmBias::per_row) {
            mov(reg_bias, ptr[reg_args + offsetof(GemmF32Args, bias)]);
            for (int r = 0; r < c_.rows; ++r) {
                vbroadcastss(bcast(), ptr[reg_bias + r * 4]);
                for (int v = 0; v < c_.vecs; ++v) vaddps(acc(r, v), acc(r, v), bcast());
            }
        } else if (c_.bias == GemmBias::per_col) {
            mov(reg_bias, ptr[reg_args + offsetof(GemmF32Args, bias)]);
            for (int v = 0; v < c_.vecs; ++v) vmovups(breg(v), ptr[reg_bias + v * vlen]);
            for (int r = 0; r < c_.rows; ++r)
                for (int v = 0; v < c_.vecs; ++v) vaddps(acc(r, v), acc(r, v), breg(v));
        }
        for (const GemmPostOp& p : c_.post) {
            if (p.kind == GemmPost::relu) {
                vxorps(bcast(), bcast(), bcast());
                for (int r = 0; r < c_.rows; ++r)
                    for (int v = 0; v < c_.vecs; ++v) vmaxps(acc(r, v), acc(r, v), bcast());
            } else if (p.kind == GemmPost::clamp) {
                // v > lo ? v : lo is maxps(v, lo); v < hi ? v : hi is minps(v, hi).
                broadcast_const(p.lo);
                for (int r = 0; r < c_.rows; ++r)
                    for (int v = 0; v < c_.vecs; ++v) vmaxps(acc(r, v), acc(r, v), bcast());
                broadcast_const(p.hi);
                for (int r = 0; r < c_.rows; ++r)
                    for (int v = 0; v < c_.vecs; ++v) vminps(acc(r, v), acc(r, v), bcast());
            } else {
                // reg_res: loaded before the block loop (and advanced by it).
                for (int r = 0; r < c_.rows; ++r)
                    for (int v = 0; v < c_.vecs; ++v) {
                        if (masked(v)) {
                            load_masked(bcast(), c_at(reg_res, r, v));
                            vaddps(acc(r, v), acc(r, v), bcast());
                        } else {
                            vaddps(acc(r, v), acc(r, v), c_at(reg_res, r, v));
                        }
                    }
            }
        }
        for (int r = 0; r < c_.rows; ++r)
            for (int v = 0; v < c_.vecs; ++v) {
                if (!masked(v)) {
                    vmovups(c_at(reg_c, r, v), acc(r, v));
                } else if constexpr (is_zmm) {
                    vmovups(c_at(reg_c, r, v) | k1, acc(r, v));
                } else {
                    vmaskmovps(c_at(reg_c, r, v), mask(), acc(r, v));
                }
            }
    }

    bool has_sum() const {
        for (const GemmPostOp& p : c_.post)
            if (p.kind == GemmPost::sum) return true;
        return false;
    }

    void block() {
        // The residual block is read only after the whole reduction: ask for its
        // lines now (a plane apart each, no hardware prefetcher follows them).
        if (has_sum() && c_.prefetch_residual)
            for (int r = 0; r < c_.rows; ++r)
                for (int v = 0; v < c_.vecs; ++v) prefetcht0(c_at(reg_res, r, v));
        for (int r = 0; r < c_.rows; ++r)
            for (int v = 0; v < c_.vecs; ++v) vxorps(acc(r, v), acc(r, v), acc(r, v));
        reduce();
        epilogue();
    }

    void generate() override {
        preamble();
        mov(reg_c, ptr[reg_args + offsetof(GemmF32Args, c)]);
        if (has_sum()) mov(reg_res, ptr[reg_args + offsetof(GemmF32Args, residual)]);
        if (c_.prefetch_a) {
            mov(reg_pfd, ptr[reg_args + offsetof(GemmF32Args, a_next)]);
            sub(reg_pfd, ptr[reg_args + offsetof(GemmF32Args, a)]);
        }
        if (!c_.block_loop) {
            mov(reg_a, ptr[reg_args + offsetof(GemmF32Args, a)]);
            mov(reg_b, ptr[reg_args + offsetof(GemmF32Args, b)]);
            block();
        } else {
            // reduce() moves reg_a / reg_b: each block starts again from A and
            // from its own B; C and the residual move on by whole blocks.
            Label body;
            mov(reg_bcur, ptr[reg_args + offsetof(GemmF32Args, b)]);
            mov(reg_blocks, ptr[reg_args + offsetof(GemmF32Args, blocks)]);
            L(body);
            mov(reg_a, ptr[reg_args + offsetof(GemmF32Args, a)]);
            mov(reg_b, reg_bcur);
            block();
            add(reg_bcur, int32_t(c_.b_block_stride));
            add(reg_c, int32_t(c_.c_block_stride));
            if (has_sum()) add(reg_res, int32_t(c_.c_block_stride));
            dec(reg_blocks);
            jnz(body, T_NEAR);
        }
        postamble();
        if (tap_loop()) {
            align(8);
            L(tap_table_);
            for (int64_t off : c_.b_tap_off) dq(uint64_t(off));
        }
    }

    GemmF32Config c_;
};

}  // namespace

int gemm_f32_simd_w(Isa isa) { return isa == Isa::avx512_core ? 16 : 8; }

int gemm_f32_max_rows(Isa isa, int vecs) {
    const int n = isa == Isa::avx512_core ? nregs<Isa::avx512_core>() : nregs<Isa::avx2>();
    const int rows = (n - extra_regs(isa, vecs)) / vecs;
    // One row needs no B registers (without a per-column bias): wider blocks fit.
    return rows >= 1 ? rows : vecs + extra_regs(isa, vecs) - vecs <= n ? 1 : 0;
}

std::unique_ptr<jit::Generator> make_gemm_f32_generator(const GemmF32Config& c) {
    std::unique_ptr<jit::Generator> g;
    if (c.isa == Isa::avx2)
        g = std::make_unique<JitGemmF32<Isa::avx2>>(c);
    else if (c.isa == Isa::avx512_core)
        g = std::make_unique<JitGemmF32<Isa::avx512_core>>(c);
    else
        throw ArgumentError("gemm_f32 " + c.name + ": generated for avx2 and avx512_core only, not " +
                            jit::isa_name(c.isa));
    g->create();
    return g;
}

}  // namespace octet::kernels::f32
