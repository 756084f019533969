#include "kernels/eltwise/jit_row_copy_generator.hpp"

#include <cstddef>

#include "ir/error.hpp"

namespace octet::kernels::row_copy {

using namespace Xbyak;
using jit::Isa;
using jit::IsaTraits;

namespace {

template <Isa kIsa>
class JitRowCopy : public jit::Generator {
public:
    using Traits = IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int vlen = Traits::vlen;

    explicit JitRowCopy(const Config& c) : Generator(kIsa), c_(c) {}
    std::string name() const override { return c_.name; }

private:
    const Reg64 reg_src = r8, reg_dst = r9, reg_rows = r10, reg_src_row = r11;
    const Reg64 reg_s = r12, reg_d = r13, reg_cnt = r14, reg_dst_row = r15, reg_step = rbx;

    void vload(const Vmm& v, const Address& a) {
        if constexpr (Traits::has_mask) vmovdqu8(v, a);
        else if constexpr (Traits::is_vex) vmovdqu(v, a);
        else movdqu(v, a);
    }
    void vstore(const Address& a, const Vmm& v) {
        if constexpr (Traits::has_mask) vmovdqu8(a, v);
        else if constexpr (Traits::is_vex) vmovdqu(a, v);
        else movdqu(a, v);
    }

    // `bytes` (< vlen) from [reg_s + off] to [reg_d + off].
    void copy_tail(int64_t off, int64_t bytes) {
        if (bytes == 0) return;
        if constexpr (Traits::has_mask) {
            vmovdqu8(Zmm(0) | k1 | T_z, ptr[reg_s + off]);
            vmovdqu8(ptr[reg_d + off] | k1, Zmm(0));
            return;
        }
        if (bytes >= 16) {
            if constexpr (Traits::is_vex) {
                vmovdqu(Xmm(0), ptr[reg_s + off]);
                vmovdqu(ptr[reg_d + off], Xmm(0));
            } else {
                movdqu(Xmm(0), ptr[reg_s + off]);
                movdqu(ptr[reg_d + off], Xmm(0));
            }
            off += 16;
            bytes -= 16;
        }
        for (int w : {8, 4, 2, 1})
            if (bytes >= w) {
                const Reg r = w == 8 ? Reg(rax) : w == 4 ? Reg(eax) : w == 2 ? Reg(ax) : Reg(al);
                mov(r, ptr[reg_s + off]);
                mov(ptr[reg_d + off], r);
                off += w;
                bytes -= w;
            }
    }

    void copy_contiguous_row() {
        constexpr int kUnroll = 4;
        const int64_t full = c_.row_bytes / vlen;
        mov(reg_s, reg_src);
        mov(reg_d, reg_dst);
        if (full >= kUnroll) {
            Label loop;
            mov(reg_cnt, full / kUnroll);
            L(loop);
            for (int u = 0; u < kUnroll; ++u) vload(Vmm(u), ptr[reg_s + u * vlen]);
            for (int u = 0; u < kUnroll; ++u) vstore(ptr[reg_d + u * vlen], Vmm(u));
            add(reg_s, kUnroll * vlen);
            add(reg_d, kUnroll * vlen);
            dec(reg_cnt);
            jnz(loop, T_NEAR);
        }
        const int rest = int(full % kUnroll);
        for (int u = 0; u < rest; ++u) vload(Vmm(u), ptr[reg_s + u * vlen]);
        for (int u = 0; u < rest; ++u) vstore(ptr[reg_d + u * vlen], Vmm(u));
        copy_tail(int64_t(rest) * vlen, c_.row_bytes % vlen);
    }

    void copy_gather_row() {
        constexpr int kUnroll = 8;
        const int64_t es = c_.src_elem;
        auto one = [&](int j) {
            movzx(eax, byte[reg_s + int(j * es)]);
            mov(byte[reg_d + j], al);
        };
        mov(reg_s, reg_src);
        mov(reg_d, reg_dst);
        if (c_.row_bytes >= kUnroll) {
            Label loop;
            mov(reg_cnt, c_.row_bytes / kUnroll);
            L(loop);
            for (int j = 0; j < kUnroll; ++j) one(j);
            add(reg_s, reg_step);
            add(reg_d, kUnroll);
            dec(reg_cnt);
            jnz(loop, T_NEAR);
        }
        for (int j = 0; j < int(c_.row_bytes % kUnroll); ++j) one(j);
    }

    void xload(const Xmm& x, const Address& a) { if constexpr (Traits::is_vex) vmovdqu(x, a); else movdqu(x, a); }
    void xstore(const Address& a, const Xmm& x) { if constexpr (Traits::is_vex) vmovdqu(a, x); else movdqu(a, x); }
    enum class Op { lbw, hbw, lwd, hwd, shuf, orr };
    // d = op(a, b): VEX three-operand above SSE4.2, a copy of a first below.
    void xop(Op op, const Xmm& d, const Xmm& a, const Operand& b) {
        if constexpr (Traits::is_vex) {
            switch (op) {
            case Op::lbw: vpunpcklbw(d, a, b); break;
            case Op::hbw: vpunpckhbw(d, a, b); break;
            case Op::lwd: vpunpcklwd(d, a, b); break;
            case Op::hwd: vpunpckhwd(d, a, b); break;
            case Op::shuf: vpshufb(d, a, b); break;
            case Op::orr: vpor(d, a, b); break;
            }
        } else {
            if (d.getIdx() != a.getIdx()) movdqa(d, a);
            switch (op) {
            case Op::lbw: punpcklbw(d, b); break;
            case Op::hbw: punpckhbw(d, b); break;
            case Op::lwd: punpcklwd(d, b); break;
            case Op::hwd: punpckhwd(d, b); break;
            case Op::shuf: pshufb(d, b); break;
            case Op::orr: por(d, b); break;
            }
        }
    }

    // 16 rows of row_bytes (2-4) bytes from row_bytes planes at reg_src + j·src_elem.
    void interleave16() {
        const int nplanes = int(c_.row_bytes);
        for (int j = 0; j < nplanes; ++j) xload(Xmm(j), ptr[reg_src + int(j * c_.src_elem)]);
        if (nplanes == 2) {
            xop(Op::lbw, Xmm(4), Xmm(0), Xmm(1));
            xop(Op::hbw, Xmm(5), Xmm(0), Xmm(1));
            xstore(ptr[reg_dst], Xmm(4));
            xstore(ptr[reg_dst + 16], Xmm(5));
        } else if (nplanes == 4) {
            xop(Op::lbw, Xmm(4), Xmm(0), Xmm(1));  // (a, b) pairs of rows 0-7
            xop(Op::hbw, Xmm(5), Xmm(0), Xmm(1));  // rows 8-15
            xop(Op::lbw, Xmm(6), Xmm(2), Xmm(3));  // (c, d) pairs
            xop(Op::hbw, Xmm(7), Xmm(2), Xmm(3));
            xop(Op::lwd, Xmm(0), Xmm(4), Xmm(6));  // rows 0-3
            xop(Op::hwd, Xmm(1), Xmm(4), Xmm(6));  // rows 4-7
            xop(Op::lwd, Xmm(2), Xmm(5), Xmm(7));
            xop(Op::hwd, Xmm(3), Xmm(5), Xmm(7));
            for (int k = 0; k < 4; ++k) xstore(ptr[reg_dst + 16 * k], Xmm(k));
        } else {  // 3: byte 16k+i of the output is plane (16k+i)%3, row (16k+i)/3
            for (int k = 0; k < 3; ++k) {
                xop(Op::shuf, Xmm(4), Xmm(0), ptr[rip + masks_ + (3 * k) * 16]);
                for (int j = 1; j < 3; ++j) {
                    xop(Op::shuf, Xmm(5), Xmm(j), ptr[rip + masks_ + (3 * k + j) * 16]);
                    xop(Op::orr, Xmm(4), Xmm(4), Xmm(5));
                }
                xstore(ptr[reg_dst + 16 * k], Xmm(4));
            }
        }
    }

    void emit_masks() {
        align(16);
        L(masks_);
        for (int k = 0; k < 3; ++k)
            for (int j = 0; j < 3; ++j)
                for (int i = 0; i < 16; ++i) {
                    const int o = 16 * k + i;
                    db(o % 3 == j ? uint8_t(o / 3) : uint8_t(0x80));
                }
    }

    void generate() override {
        preamble();
        mov(reg_src, ptr[abi_param1 + offsetof(Call, src)]);
        mov(reg_dst, ptr[abi_param1 + offsetof(Call, dst)]);
        mov(reg_rows, ptr[abi_param1 + offsetof(Call, rows)]);
        mov(reg_src_row, c_.src_row);
        mov(reg_dst_row, c_.dst_row);
        const Form form = form_of(c_);
        const bool contiguous = form == Form::contiguous;
        Label row, done;
        if (form == Form::interleave) {
            Label group, rest;
            L(group);
            cmp(reg_rows, 16);
            jl(rest, T_NEAR);
            interleave16();
            add(reg_src, 16);
            add(reg_dst, int(16 * c_.row_bytes));
            sub(reg_rows, 16);
            jmp(group, T_NEAR);
            L(rest);
            test(reg_rows, reg_rows);
            jz(done, T_NEAR);  // else the last rows are gathered below
        }
        if (contiguous) {
            if constexpr (Traits::has_mask) {
                const int64_t tail = c_.row_bytes % vlen;
                mov(rax, tail ? int64_t((uint64_t(1) << tail) - 1) : 0);
                kmovq(k1, rax);
            }
        } else {
            mov(reg_step, 8 * c_.src_elem);
        }
        L(row);
        if (contiguous) copy_contiguous_row(); else copy_gather_row();
        add(reg_src, reg_src_row);
        add(reg_dst, reg_dst_row);
        dec(reg_rows);
        jnz(row, T_NEAR);
        L(done);
        postamble();
        if (form == Form::interleave && c_.row_bytes == 3) emit_masks();
    }

    Config c_;
    Label masks_;
};

std::unique_ptr<jit::Generator> make_generator_for(Isa isa, const Config& c) {
    switch (isa) {
    case Isa::sse42: return std::make_unique<JitRowCopy<Isa::sse42>>(c);
    case Isa::avx2: return std::make_unique<JitRowCopy<Isa::avx2>>(c);
    case Isa::avx_vnni: return std::make_unique<JitRowCopy<Isa::avx_vnni>>(c);
    case Isa::avx512_core: return std::make_unique<JitRowCopy<Isa::avx512_core>>(c);
    default: return std::make_unique<JitRowCopy<Isa::avx512_core_vnni>>(c);
    }
}

}  // namespace

Form form_of(const Config& c) {
    if (c.src_elem == 1) return Form::contiguous;
    if (c.src_row == 1 && c.dst_row == c.row_bytes && c.row_bytes >= 2 && c.row_bytes <= 4) return Form::interleave;
    return Form::gather;
}

std::unique_ptr<jit::Generator> make_generator(Isa isa, const Config& c) {
    if (c.row_bytes < 1 || c.src_elem < 1 || c.src_elem >= (int64_t(1) << 28))
        throw UnsupportedError("row copy " + c.name + ": bad row geometry");
    return make_generator_for(isa, c);
}

}  // namespace octet::kernels::row_copy
