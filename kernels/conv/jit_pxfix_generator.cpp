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
    static constexpr int kL = Traits::simd_w;  // pixels per block = columns per transpose
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

    Vmm acc(int c) const { return Vmm(c); }
    Vmm D() const { return Vmm(kL); }
    Vmm T() const { return Vmm(kL + 1); }
    Vmm tmp(int i) const { return Vmm(kL + i); }  // the transpose's: after the entry loops

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

    // Column c of the current lanes-column group, from its entry list.
    void column(int cg, int c) {
        Label l_loop, l_skip;
        const int ci = cg * kL + c;
        zero(acc(c));
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
            vpmaddwd(T(), D(), ptr[reg_at + reg_off]);
            vpaddd(acc(c), acc(c), T());
        } else {
            movdqa(T(), ptr[reg_at + reg_off]);  // At is 64-byte aligned, pairs 16 bytes apart
            movd(D(), dword[reg_e + 4]);
            pshufd(D(), D(), 0);
            pmaddwd(T(), D());
            paddd(acc(c), T());
        }
        add(reg_e, 8);
        cmp(reg_e, reg_end);
        jb(l_loop, T_NEAR);
        L(l_skip);
    }

    // acc(0..kL-1) hold columns cg·kL.. of kL pixels: store them as pixel rows.
    void transpose_store(int cg) {
        const int row = c_.oc_block * 4, col0 = cg * kL * 4;
        auto store = [&](int p, const Vmm& v) {
            if constexpr (vex) vmovdqu(ptr[reg_tile + p * row + col0], v);
            else movdqu(ptr[reg_tile + p * row + col0], v);
        };
        // Round 1: dword pairs of columns (2i, 2i+1) into tmp(2i) (pixels 0,1 | 4,5) and tmp(2i+1) (2,3 | 6,7).
        for (int i = 0; i < kL / 2; ++i) {
            unpck(false, false, tmp(2 * i), acc(2 * i), acc(2 * i + 1));
            unpck(true, false, tmp(2 * i + 1), acc(2 * i), acc(2 * i + 1));
        }
        // Round 2: quads of columns 4h..4h+3 per pixel: acc(4h + p) = pixel p (| p + 4).
        for (int h = 0; h < kL / 4; ++h) {
            const int t0 = 4 * h;
            unpck(false, true, acc(4 * h + 0), tmp(t0 + 0), tmp(t0 + 2));
            unpck(true, true, acc(4 * h + 1), tmp(t0 + 0), tmp(t0 + 2));
            unpck(false, true, acc(4 * h + 2), tmp(t0 + 1), tmp(t0 + 3));
            unpck(true, true, acc(4 * h + 3), tmp(t0 + 1), tmp(t0 + 3));
        }
        if constexpr (kL == 4) {
            for (int p = 0; p < 4; ++p) store(p, acc(p));
        } else {
            // Round 3: the 128-bit halves: pixel p = [cols 0-3 | cols 4-7], low lanes for p, high for p + 4.
            for (int p = 0; p < 4; ++p) {
                vperm2i128(tmp(p), acc(p), acc(4 + p), 0x20);
                vperm2i128(tmp(4 + p), acc(p), acc(4 + p), 0x31);
            }
            for (int p = 0; p < 8; ++p) store(p, tmp(p));
        }
    }

    void generate() override {
        preamble();
        mov(reg_at, ptr[reg_args + offsetof(CallArgs, at)]);
        mov(reg_npb, ptr[reg_args + offsetof(CallArgs, npb)]);
        mov(reg_ent, ptr[reg_args + offsetof(CallArgs, ent)]);
        mov(reg_col, ptr[reg_args + offsetof(CallArgs, col)]);
        mov(reg_tile, ptr[reg_args + offsetof(CallArgs, tile)]);
        Label l_pb, l_done;
        test(reg_npb, reg_npb);
        jle(l_done, T_NEAR);
        L(l_pb);
        for (int cg = 0; cg < c_.oc_block / kL; ++cg) {
            for (int c = 0; c < kL; ++c) column(cg, c);
            transpose_store(cg);
        }
        add(reg_at, int(c_.pb_bytes));
        add(reg_tile, kL * c_.oc_block * 4);
        dec(reg_npb);
        jnz(l_pb, T_NEAR);
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
