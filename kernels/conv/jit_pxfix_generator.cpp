#include "kernels/conv/jit_pxfix_generator.hpp"

#include <cstddef>

#include "ir/error.hpp"

namespace octet::kernels::pxfix_jit {

using namespace Xbyak;
using jit::Isa;

namespace {

template <Isa kIsa>
class JitPxFix : public jit::Generator {
public:
    using Traits = jit::IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int kL = Traits::simd_w;  // pixels per block
    static constexpr bool vex = Traits::is_vex;
    static_assert(kL == 4 || kL == 8, "sse42 / avx2 only");

    explicit JitPxFix(const Conf& c) : Generator(kIsa, 64 * 1024), c_(c) {
        if (c.oc_block <= 0 || c.oc_block % kL != 0)
            throw ArgumentError(c.name + ": oc_block " + std::to_string(c.oc_block) + " is not a multiple of " +
                                std::to_string(kL));
        if (c.pb_bytes <= 0 || c.pb_bytes >= (int64_t(1) << 31))
            throw ArgumentError(c.name + ": pixel block of " + std::to_string(c.pb_bytes) + " bytes");
    }
    std::string name() const override { return c_.name; }

private:
    const Reg64 reg_args = rdi, reg_at = rsi, reg_npb = rdx, reg_ent = rcx, reg_col = r8, reg_tile = r9;
    const Reg64 reg_e = r10, reg_end = r11, reg_off = rax;

    // 4 columns × nb (1 or 2) pixel blocks of accumulators; D, T, T2; the
    // transpose's temporaries above them (after the entry loops).
    static constexpr int kCols = 4;
    Vmm acc(int c, int b) const { return Vmm(b * kCols + c); }
    Vmm D() const { return Vmm(8); }
    Vmm T(int b) const { return Vmm(9 + b); }
    Vmm tmp(int i) const { return Vmm(11 + i); }

    void zero(const Vmm& v) {
        if constexpr (vex) vpxor(v, v, v);
        else pxor(v, v);
    }
    void unpck(bool hi, bool q, const Vmm& d, const Vmm& a, const Vmm& b) {
        if constexpr (vex) {
            if (q) hi ? vpunpckhqdq(d, a, b) : vpunpcklqdq(d, a, b);
            else hi ? vpunpckhdq(d, a, b) : vpunpckldq(d, a, b);
        } else {
            if (d.getIdx() != a.getIdx()) movdqa(d, a);
            if (q) hi ? punpckhqdq(d, b) : punpcklqdq(d, b);
            else hi ? punpckhdq(d, b) : punpckldq(d, b);
        }
    }

    // Column ci for nb pixel blocks from its entry list: one broadcast of (d0, d1)
    // serves both blocks.
    void column(int ci, int c, int nb) {
        Label l_loop, l_skip;
        for (int b = 0; b < nb; ++b) zero(acc(c, b));
        mov(reg_e, ptr[reg_col + ci * 8]);
        mov(reg_end, ptr[reg_col + (ci + 1) * 8]);
        cmp(reg_e, reg_end);
        jge(l_skip, T_NEAR);
        lea(reg_e, ptr[reg_ent + reg_e * 8]);
        lea(reg_end, ptr[reg_ent + reg_end * 8]);
        L(l_loop);
        movsxd(reg_off, dword[reg_e]);
        if constexpr (vex) {
            vpbroadcastd(D(), dword[reg_e + 4]);
            for (int b = 0; b < nb; ++b) {
                vpmaddwd(T(b), D(), ptr[reg_at + reg_off + int(b * c_.pb_bytes)]);
                vpaddd(acc(c, b), acc(c, b), T(b));
            }
        } else {
            movd(D(), dword[reg_e + 4]);
            pshufd(D(), D(), 0);
            for (int b = 0; b < nb; ++b) {
                movdqu(T(b), ptr[reg_at + reg_off + int(b * c_.pb_bytes)]);  // the image layout is 4-byte aligned
                pmaddwd(T(b), D());
                paddd(acc(c, b), T(b));
            }
        }
        add(reg_e, 8);
        cmp(reg_e, reg_end);
        jb(l_loop, T_NEAR);
        L(l_skip);
    }

    // acc(0..3, b) hold 4 columns (from byte col0 of a tile row) of block b's
    // pixels: store them as pixel rows. Two unpack rounds give per register
    // [pixel p | pixel p + 4] (ymm) or pixel p (xmm).
    void transpose_store(int b, int col0) {
        const int row = c_.oc_block * 4, base = b * kL * row + col0;
        unpck(false, false, tmp(0), acc(0, b), acc(1, b));
        unpck(true, false, tmp(1), acc(0, b), acc(1, b));
        unpck(false, false, tmp(2), acc(2, b), acc(3, b));
        unpck(true, false, tmp(3), acc(2, b), acc(3, b));
        unpck(false, true, acc(0, b), tmp(0), tmp(2));
        unpck(true, true, acc(1, b), tmp(0), tmp(2));
        unpck(false, true, acc(2, b), tmp(1), tmp(3));
        unpck(true, true, acc(3, b), tmp(1), tmp(3));
        for (int p = 0; p < 4; ++p) {
            const Xmm x(acc(p, b).getIdx());
            if constexpr (vex) {
                vmovdqu(ptr[reg_tile + base + p * row], x);
                vextracti128(ptr[reg_tile + base + (p + 4) * row], acc(p, b), 1);
            } else {
                movdqu(ptr[reg_tile + base + p * row], x);
            }
        }
    }

    // nb pixel blocks: every column group, then the pointers advance.
    void blocks(int nb) {
        for (int cg = 0; cg < c_.oc_block / kCols; ++cg) {
            for (int c = 0; c < kCols; ++c) column(cg * kCols + c, c, nb);
            for (int b = 0; b < nb; ++b) transpose_store(b, cg * kCols * 4);
        }
        add(reg_at, int(nb * c_.pb_bytes));
        add(reg_tile, nb * kL * c_.oc_block * 4);
        sub(reg_npb, nb);
    }

    void generate() override {
        preamble();
        mov(reg_at, ptr[reg_args + offsetof(CallArgs, at)]);
        mov(reg_npb, ptr[reg_args + offsetof(CallArgs, npb)]);
        mov(reg_ent, ptr[reg_args + offsetof(CallArgs, ent)]);
        mov(reg_col, ptr[reg_args + offsetof(CallArgs, col)]);
        mov(reg_tile, ptr[reg_args + offsetof(CallArgs, tile)]);
        Label l_two, l_one, l_done;
        L(l_two);
        cmp(reg_npb, 2);
        jl(l_one, T_NEAR);
        blocks(2);
        jmp(l_two, T_NEAR);
        L(l_one);
        cmp(reg_npb, 1);
        jl(l_done, T_NEAR);
        blocks(1);
        L(l_done);
        postamble();
    }

    Conf c_;
};

}  // namespace

std::unique_ptr<jit::Generator> make_pxfix_generator(const Conf& c) {
    std::unique_ptr<jit::Generator> g;
    switch (c.isa) {
    case Isa::sse42: g = std::make_unique<JitPxFix<Isa::sse42>>(c); break;
    case Isa::avx2: g = std::make_unique<JitPxFix<Isa::avx2>>(c); break;
    default: throw UnsupportedError("pxfix: no generator for " + std::string(jit::isa_name(c.isa)));
    }
    g->create();
    return g;
}

}  // namespace octet::kernels::pxfix_jit
