#include "kernels/matmul/jit_matmul_generator.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "ir/error.hpp"
#include "jit/postops.hpp"

namespace octet::kernels::matmul_jit {

using namespace Xbyak;
using jit::Isa;
using jit::IsaTraits;

namespace {

template <Isa kIsa>
class JitMatmulTile : public jit::Generator {
public:
    using Traits = IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int simd_w = Traits::simd_w;
    static constexpr int vlen = Traits::vlen;
    static constexpr int nregs = Traits::has_mask ? 32 : 16;
    static constexpr bool is_zmm = Traits::has_mask;
    // The emitter's scratch vectors: below 16 because its byte stores use VEX
    // encodings. Free during the K loop, so the loop's own registers take them.
    static constexpr int kVtmp = 14;

    explicit JitMatmulTile(const TileConfig& c)
        : Generator(kIsa), c_(c),
          post_(*this, c.epilogue, int(c.n), jit::PostOpRegs{reg_params, rax, kVtmp, kVtmp + 1, 1}) {
        if (c.rows < 1 || c.vecs < 1 || c.last_lanes < 1 || c.last_lanes > simd_w || c.k < 1 || c.n < 1)
            throw ArgumentError("matmul tile " + c.name + ": bad tile geometry");
        if (Traits::has_vnni != (c.path == Path::vnni))
            throw ArgumentError("matmul tile " + c.name + ": the vnni path is the VNNI ISAs' only path");
        // Disp32 operands: row offsets of A and dst/residual.
        if (c.path == Path::exact && c.a_stride != (c.k + 3) / 4 * 8)
            throw ArgumentError("matmul tile " + c.name + ": the exact path reads a split A of ceil(K/4) * 8 bytes a row");
        if (c.fix && (c.rows != 1 || c.path != Path::fast || c.pf_step_bytes != 0))
            throw ArgumentError("matmul tile " + c.name + ": corrections are for the fast path at M = 1");
        if (c.pf_step_bytes < 0 || c.pf_step_bytes % 64 != 0 || c.pf_step_bytes > (1 << 16))
            throw ArgumentError("matmul tile " + c.name + ": bad prefetch step");
        const int64_t widest = std::max<int64_t>(a_stride(), c.n * 4) * c.rows + int64_t(c.vecs) * vlen;
        if (widest >= (int64_t(1) << 31)) throw UnsupportedError("matmul tile " + c.name + ": rows too long");
        allocate();
    }
    std::string name() const override { return c_.name; }

private:
    // ---- registers ----
    const Reg64 reg_args = rdi;
    const Reg64 reg_a = r8, reg_b = r9, reg_comp = r10, reg_res = r11, reg_dst = r12, reg_n0 = r13;
    const Reg64 reg_params = r14, reg_cnt = r15, reg_t = rdx, reg_t2 = rcx;
    const Reg64 reg_pf = rsi;

    // A's row stride and bytes per group of 4 k as the tile reads A (exact: split s16 words).
    int64_t a_stride() const { return c_.a_stride ? c_.a_stride : c_.k; }
    int a_group() const { return c_.path == Path::exact ? 8 : 4; }
    bool b_in_regs() const { return c_.rows > 1 && c_.path != Path::exact_bytes; }
    int b_regs() const { return b_in_regs() ? (c_.path == Path::exact ? 2 : 1) * c_.vecs : 0; }

    // Register order: the accumulators first, skipping the emitter's scratch
    // pair (they live across the epilogue), then everything else.
    static int reg_at(int i) { return i < kVtmp ? i : i + 2 < nregs ? i + 2 : kVtmp + (i + 2 - nregs); }
    Vmm acc(int r, int v) const { return Vmm(reg_at(r * c_.vecs + v)); }
    Vmm breg(int v, int part = 0) const { return Vmm(reg_at(b0_ + part * c_.vecs + v)); }

    // Vector registers by index; a constant left at -1 is read from memory.
    int b0_ = 0, a_ = 0, a2_ = 0, tmp_ = 0, ones_ = -1, x80_ = -1, m00ff_ = -1, mff00_ = -1;

    void allocate() {
        const Path p = c_.path;
        int next = c_.rows * c_.vecs;
        if (next > nregs - 2)
            throw ArgumentError("matmul tile " + c_.name + ": " + std::to_string(next) + " accumulators do not fit");
        b0_ = next;
        next += b_regs();
        a_ = reg_at(next++);
        if (p == Path::exact || p == Path::exact_bytes) a2_ = reg_at(next++);
        if (p != Path::vnni) tmp_ = reg_at(next++);
        if (next > nregs)
            throw ArgumentError("matmul tile " + c_.name + ": needs " + std::to_string(next) + " vector registers");
        auto constant_reg = [&](int& r) { if (next < nregs) r = reg_at(next++); };
        if (p == Path::fast || p == Path::exact_bytes) constant_reg(ones_);
        if (p == Path::exact_bytes) constant_reg(m00ff_);
        if (p == Path::exact_bytes) constant_reg(mff00_);
        if (c_.a_signed && p != Path::exact) constant_reg(x80_);
    }

    // ---- encodings: legacy SSE on sse42, VEX on avx2, EVEX on avx512 ----
    void vload(const Vmm& v, const Address& a) {
        if constexpr (is_zmm) vmovdqu32(v, a);
        else if constexpr (Traits::is_vex) vmovdqu(v, a);
        else movdqu(v, a);
    }
    void vzero(const Vmm& v) {
        if constexpr (is_zmm) vpxord(v, v, v);
        else if constexpr (Traits::is_vex) vpxor(v, v, v);
        else pxor(v, v);
    }
    void vxor(const Vmm& d, const Operand& s) {
        if constexpr (is_zmm) vpxord(d, d, s);
        else if constexpr (Traits::is_vex) vpxor(d, d, s);
        else pxor(d, s);
    }
    void vand(const Vmm& d, const Vmm& a, const Operand& s) {
        if constexpr (is_zmm) vpandd(d, a, s);
        else if constexpr (Traits::is_vex) vpand(d, a, s);
        else { if (d.getIdx() != a.getIdx()) movdqa(d, a); pand(d, s); }
    }
    void vaddd(const Vmm& d, const Operand& s) {
        if constexpr (Traits::is_vex) vpaddd(d, d, s); else paddd(d, s);
    }
    // d = a (u8) · s (s8), pairs summed in s16 with saturation.
    void vmaddubsw(const Vmm& d, const Vmm& a, const Operand& s) {
        if constexpr (Traits::is_vex) vpmaddubsw(d, a, s);
        else { movdqa(d, a); pmaddubsw(d, s); }
    }
    void vmaddwd(const Vmm& d, const Vmm& a, const Operand& s) {
        if constexpr (Traits::is_vex) vpmaddwd(d, a, s);
        else { if (d.getIdx() != a.getIdx()) movdqa(d, a); pmaddwd(d, s); }
    }
    void vdpbusd(const Vmm& d, const Vmm& a, const Operand& s) {
        if constexpr (is_zmm) vpdpbusd(d, a, s, EvexEncoding);
        else vpdpbusd(d, a, s, VexEncoding);
    }
    void bcast_mem(const Vmm& v, const RegExp& a) {
        if constexpr (Traits::is_vex) vpbroadcastd(v, dword[a]);
        else { movd(v, dword[a]); pshufd(v, v, 0); }
    }
    void bcast_gpr(const Vmm& v, const Reg32& r) {
        if constexpr (is_zmm) vpbroadcastd(v, r);
        else if constexpr (Traits::is_vex) { vmovd(Xmm(v.getIdx()), r); vpbroadcastd(v, Xmm(v.getIdx())); }
        else { movd(v, r); pshufd(v, v, 0); }
    }
    enum Const { kOnes, kX80, kM00ff, kMff00 };
    Address constant(int row) { return ptr[rip + consts_ + row * vlen]; }
    // A constant as an operand: its register, or its table row.
    template <class F> void with_const(int reg, Const row, F&& f) {
        if (reg >= 0) f(Vmm(reg)); else f(constant(row));
    }

    // ---- one group of 4 k ----

    // A dword of row r into every lane of a_, as u8. `bytes` < 4: the K tail,
    // read byte-exactly (the zero padding meets zero B rows).
    void load_a(int r, int64_t aoff, int bytes) {
        const RegExp addr = reg_a + int(r * a_stride()) + aoff;
        const Vmm a(a_);
        if (bytes == 4) {
            bcast_mem(a, addr);
        } else {
            if (bytes == 1) movzx(reg_t.cvt32(), byte[addr]);
            else movzx(reg_t.cvt32(), word[addr]);
            if (bytes == 3) {
                movzx(reg_t2.cvt32(), byte[addr + 2]);
                shl(reg_t2.cvt32(), 16);
                or_(reg_t.cvt32(), reg_t2.cvt32());
            }
            bcast_gpr(a, reg_t.cvt32());
        }
        if (c_.a_signed) with_const(x80_, kX80, [&](const Operand& o) { vxor(a, o); });
    }

    void group(int64_t aoff, int64_t boff, int bytes) {
        const Vmm a(a_), a2(a2_), t(tmp_);
        auto bmem = [&](int v, int64_t part) { return ptr[reg_b + boff + part + v * vlen]; };
        auto madd_ones = [&]() { with_const(ones_, kOnes, [&](const Operand& o) { vmaddwd(t, t, o); }); };
        if (b_in_regs())
            for (int part = 0; part < b_regs() / c_.vecs; ++part)
                for (int v = 0; v < c_.vecs; ++v) vload(breg(v, part), bmem(v, part * c_.group_bytes / 2));
        for (int r = 0; r < c_.rows; ++r) {
            if (c_.path != Path::exact) load_a(r, aoff, bytes);
            switch (c_.path) {
            case Path::vnni:
                for (int v = 0; v < c_.vecs; ++v) {
                    if (b_in_regs()) vdpbusd(acc(r, v), a, breg(v)); else vdpbusd(acc(r, v), a, bmem(v, 0));
                }
                break;
            case Path::fast:
                for (int v = 0; v < c_.vecs; ++v) {
                    if (b_in_regs()) vmaddubsw(t, a, breg(v)); else vmaddubsw(t, a, bmem(v, 0));
                    madd_ones();
                    vaddd(acc(r, v), t);
                }
                break;
            case Path::exact: {
                // (a0, a2) and (a1, a3) as words against s16 (b0, b2) and (b1, b3); the
                // K tail is a whole group of the split A (zero past K, as B is).
                bcast_mem(a2, reg_a + int(r * a_stride()) + aoff);
                bcast_mem(a, reg_a + int(r * a_stride()) + aoff + 4);
                const int64_t half = c_.group_bytes / 2;
                for (int v = 0; v < c_.vecs; ++v) {
                    if (b_in_regs()) vmaddwd(t, a2, breg(v, 0)); else vmaddwd(t, a2, bmem(v, 0));
                    vaddd(acc(r, v), t);
                    if (b_in_regs()) vmaddwd(t, a, breg(v, 1)); else vmaddwd(t, a, bmem(v, half));
                    vaddd(acc(r, v), t);
                }
                break;
            }
            case Path::exact_bytes:
                // A with every other byte zeroed: each pmaddubsw pair holds one
                // product (|255·-128| < 2^15), so nothing saturates.
                with_const(m00ff_, kM00ff, [&](const Operand& o) { vand(a2, a, o); });
                with_const(mff00_, kMff00, [&](const Operand& o) { vand(a, a, o); });
                for (int v = 0; v < c_.vecs; ++v) {
                    vmaddubsw(t, a2, bmem(v, 0));
                    madd_ones();
                    vaddd(acc(r, v), t);
                    vmaddubsw(t, a, bmem(v, 0));
                    madd_ones();
                    vaddd(acc(r, v), t);
                }
                break;
            }
        }
    }

    void generate() override {
        constexpr int kUnroll = 4;
        const int64_t groups = c_.k / 4;
        const int tail = int(c_.k % 4);
        const int64_t gb = c_.group_bytes;

        preamble();
        mov(reg_a, ptr[reg_args + offsetof(TileArgs, a)]);
        mov(reg_b, ptr[reg_args + offsetof(TileArgs, b)]);
        mov(reg_comp, ptr[reg_args + offsetof(TileArgs, comp)]);
        mov(reg_res, ptr[reg_args + offsetof(TileArgs, residual)]);
        mov(reg_dst, ptr[reg_args + offsetof(TileArgs, dst)]);
        mov(reg_n0, ptr[reg_args + offsetof(TileArgs, n0)]);
        lea(reg_params, ptr[reg_args + offsetof(TileArgs, params)]);
        const int64_t pf = groups >= kUnroll ? c_.pf_step_bytes : 0;
        if (pf) mov(reg_pf, ptr[reg_args + offsetof(TileArgs, b_next)]);

        for (int r = 0; r < c_.rows; ++r)
            for (int v = 0; v < c_.vecs; ++v) vzero(acc(r, v));
        if (ones_ >= 0) vload(Vmm(ones_), constant(kOnes));
        if (x80_ >= 0) vload(Vmm(x80_), constant(kX80));
        if (m00ff_ >= 0) vload(Vmm(m00ff_), constant(kM00ff));
        if (mff00_ >= 0) vload(Vmm(mff00_), constant(kMff00));

        if (groups >= kUnroll) {
            Label loop;
            mov(reg_cnt, groups / kUnroll);
            L(loop);
            for (int u = 0; u < kUnroll; ++u) {
                group(a_group() * u, u * gb, 4);
                // One line after each group, the rest after the last (load ports have room).
                for (int64_t line = u; line < pf / 64 && (line == u || u + 1 == kUnroll); ++line)
                    prefetcht1(ptr[reg_pf + int(line * 64)]);
            }
            if (pf) add(reg_pf, int(pf));
            add(reg_a, a_group() * kUnroll);
            add(reg_b, int(kUnroll * gb));
            dec(reg_cnt);
            jnz(loop, T_NEAR);
        }
        const int rest = int(groups % kUnroll);
        for (int u = 0; u < rest; ++u) group(a_group() * u, u * gb, 4);
        if (tail) group(a_group() * rest, rest * gb, tail);

        if (c_.fix) corrections();

        // Column vector by column vector: the rows share its scale, bias, ..., held in
        // registers the K loop left free (PostOpEmitter::cache_channel).
        const size_t rsz = post_.residual_elem_size(), dsz = post_.dst_elem_size();
        std::vector<int> hold;
        for (int i = 0; i < nregs; ++i) {
            bool is_acc = i == kVtmp || i == kVtmp + 1;
            for (int j = 0; j < c_.rows * c_.vecs && !is_acc; ++j) is_acc = reg_at(j) == i;
            if (!is_acc) hold.push_back(i);
        }
        for (int v = 0; v < c_.vecs; ++v) {
            const int lanes = v == c_.vecs - 1 ? c_.last_lanes : simd_w;
            if (c_.rows > 1) post_.cache_channel(jit::Channel::at(reg_n0, v * simd_w), lanes, hold);
            for (int r = 0; r < c_.rows; ++r) {
                if (c_.has_comp) vaddd(acc(r, v), ptr[reg_comp + v * vlen]);
                const int64_t e = r * c_.n + int64_t(v) * simd_w;
                post_.apply(acc(r, v), jit::Channel::at(reg_n0, v * simd_w), lanes, reg_res + int(e * int64_t(rsz)),
                            reg_dst + int(e * int64_t(dsz)));
            }
            post_.uncache();
        }
        postamble();
        post_.emit_data();
        align(64);
        L(consts_);
        for (uint32_t bits : {0x00010001u, 0x80808080u, 0x00FF00FFu, 0xFF00FF00u})
            for (int l = 0; l < simd_w; ++l) dd(bits);
    }

    // The M = 1 correction (TileConfig::fix): per vector, a loop over its entries
    // (TileArgs::fix_ent). After the K loop A, B and the loop's registers are free.
    void corrections() {
        const Reg64 r_aw = reg_a, r_p = reg_b, r_col = reg_cnt, r_end = reg_t, r_n = reg_t2;
        const Vmm a(a_), t(tmp_);
        const int esz = fix_entry_bytes(simd_w);
        mov(r_aw, ptr[reg_args + offsetof(TileArgs, a_words)]);
        mov(r_p, ptr[reg_args + offsetof(TileArgs, fix_ent)]);
        mov(r_col, ptr[reg_args + offsetof(TileArgs, fix_col)]);
        for (int v = 0; v < c_.vecs; ++v) {
            Label l_loop, l_skip;
            mov(r_n, ptr[r_col + (v + 1) * 8]);
            sub(r_n, ptr[r_col + v * 8]);
            jle(l_skip, T_NEAR);
            imul(r_end, r_n, esz);
            add(r_end, r_p);
            L(l_loop);
            movsxd(rax, dword[r_p]);
            bcast_mem(a, r_aw + rax);
            if constexpr (Traits::is_vex) vpmovsxbw(t, ptr[r_p + 4]); else pmovsxbw(t, ptr[r_p + 4]);
            vmaddwd(t, t, a);
            vaddd(acc(0, v), t);
            add(r_p, esz);
            cmp(r_p, r_end);
            jb(l_loop, T_NEAR);
            L(l_skip);
        }
    }

    TileConfig c_;
    jit::PostOpEmitter<kIsa> post_;
    Label consts_;
};

}  // namespace

std::unique_ptr<jit::Generator> make_tile_generator(const TileConfig& c) {
    switch (c.isa) {
    case Isa::sse42: return std::make_unique<JitMatmulTile<Isa::sse42>>(c);
    case Isa::avx2: return std::make_unique<JitMatmulTile<Isa::avx2>>(c);
    case Isa::avx_vnni: return std::make_unique<JitMatmulTile<Isa::avx_vnni>>(c);
    case Isa::avx512_core: return std::make_unique<JitMatmulTile<Isa::avx512_core>>(c);
    case Isa::avx512_core_vnni:
    case Isa::amx: return std::make_unique<JitMatmulTile<Isa::avx512_core_vnni>>(c);
    }
    throw ArgumentError("matmul tile: unknown ISA");
}

}  // namespace octet::kernels::matmul_jit
