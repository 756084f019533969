#include "kernels/conv/jit_conv_generator.hpp"

#include <algorithm>
#include <functional>
#include <vector>

#include "ir/error.hpp"
#include "jit/postops.hpp"

namespace octet::kernels::conv_jit {

using namespace Xbyak;
using jit::Isa;
using jit::IsaTraits;

namespace {

constexpr int kMaxUrW = 12;  // code size grows with ur_w² in the flat tails

int vreg_count(Isa isa) { return jit::isa_simd_width(isa) == 16 ? 32 : 16; }

}  // namespace

// Registers: nb - w_mem weight vectors (2·nb when split), the broadcast
// activation, without VNNI a product temporary and s16 ones, then ur·nb
// accumulators.
int max_ur_w(Isa isa, int nb_oc, bool split, int w_mem) {
    if (w_mem < 0 || (w_mem > 0 && (!jit::isa_has_vnni(isa) || split || w_mem >= nb_oc))) return 0;
    const int extra = (nb_oc - w_mem) * (split ? 2 : 1) + 1 + (jit::isa_has_vnni(isa) ? 0 : 2);
    return std::max(0, std::min(kMaxUrW, (vreg_count(isa) - extra) / nb_oc));
}

namespace {

template <Isa kIsa>
class JitConv : public jit::Generator {
public:
    using Traits = IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int simd_w = Traits::simd_w;
    static constexpr int vlen = Traits::vlen;
    static constexpr bool vnni = Traits::has_vnni;
    static constexpr bool evex = Traits::has_mask;
    static constexpr bool vex = Traits::is_vex;

    JitConv(const Conf& c, const ir::Epilogue& e)
        : Generator(kIsa, 1024 * 1024), c_(c), e_(e),
          post_(*this, e, int(c.oc), jit::PostOpRegs{reg_params, rax, w_idx(0), b_idx(), 1}) {
        if (c.ur_w < 1 || c.ur_w > max_ur_w(kIsa, c.nb_oc, c.split, c.w_mem))
            throw ArgumentError(c.name + ": ur_w " + std::to_string(c.ur_w) + " does not fit the registers");
        if (vnni && c.split) throw ArgumentError(c.name + ": VNNI needs no split weights");
        if ((c.fixup || c.corr) && (vnni || c.split))
            throw ArgumentError(c.name + ": fixup / corr are for the non-VNNI fast path");
        if (c.fixup && c.corr) throw ArgumentError(c.name + ": one correction at a time");
        if (c.wide && (vnni || c.split || c.fixup || c.corr || c.s8_src))
            throw ArgumentError(c.name + ": wide is the plain non-VNNI chain on widened u8 sources");
    }
    std::string name() const override { return c_.name; }

private:
    // ---- registers ----
    const Reg64 reg_args = rdi, reg_params = rsi, reg_oc = rbx, reg_kh = rcx, reg_icq = rdx;
    const Reg64 reg_src_blk = r8, reg_src_ky = r9, reg_s = r10, reg_w = r11, reg_wei_ky = r12;
    const Reg64 reg_dst = r13, reg_res = r14, reg_cnt = r15;

    // Scratch vectors first, accumulators above them: the emitter's scratch
    // (W(0), B) must be below 16 for its VEX-encoded byte stores on AVX-512.
    int w_idx(int j) const { return j; }
    int w2_idx(int j) const { return c_.nb_oc + j; }
    int b_idx() const { return (c_.nb_oc - c_.w_mem) * (c_.split ? 2 : 1); }
    int acc_base() const { return b_idx() + (vnni ? 1 : 3); }
    Vmm acc(int p, int j) const { return Vmm(acc_base() + p * c_.nb_oc + j); }
    Vmm W(int j) const { return Vmm(w_idx(j)); }
    Vmm W2(int j) const { return Vmm(w2_idx(j)); }
    Vmm B() const { return Vmm(b_idx()); }
    Vmm T() const { return Vmm(b_idx() + 1); }
    Vmm ONES() const { return Vmm(b_idx() + 2); }
    // Vector registers free after the K loop with ur_b pixels: the loop's weights,
    // broadcast and temporary below the accumulators (but the emitter's scratch
    // W(0) and B, and ONES, loaded once per call) and what is above the block's
    // accumulators.
    std::vector<int> epilogue_free_regs(int ur_b) const {
        std::vector<int> r;
        for (int i = 0; i < acc_base(); ++i)
            if (i != w_idx(0) && i != b_idx() && (vnni || i != ONES().getIdx())) r.push_back(i);
        for (int i = acc_base() + ur_b * c_.nb_oc; i < (evex ? 32 : 16); ++i) r.push_back(i);
        return r;
    }

    // ---- instructions in the ISA's encoding ----
    void load_vec(const Vmm& v, const Address& a) {
        if constexpr (evex) vmovdqu32(v, a);
        else if constexpr (vex) vmovdqu(v, a);
        else movdqu(v, a);
    }
    void zero(const Vmm& v) {
        if constexpr (evex) vpxord(v, v, v);
        else if constexpr (vex) vpxor(v, v, v);
        else pxor(v, v);
    }
    void xor80(const Vmm& v) {
        if constexpr (evex) vpxord(v, v, ptr_b[rip + l_c80_]);
        else if constexpr (vex) vpxor(v, v, ptr[rip + l_c80_]);
        else pxor(v, ptr[rip + l_c80_]);
    }
    // 4 activation bytes at a into every lane of B; `bytes` < 4 reads only those
    // (zero-filled above them) so the last pixel never reads past the buffer.
    void broadcast(const RegExp& a, int bytes) {
        const Vmm b = B();
        const Xmm x(b.getIdx());
        if (bytes == 4) {
            if constexpr (vex) vpbroadcastd(b, dword[a]);
            else { movd(x, dword[a]); pshufd(x, x, 0); }
            return;
        }
        if (bytes == 1) movzx(eax, byte[a]);
        else movzx(eax, word[a]);
        if (bytes == 3) {
            movzx(edx, byte[a + 2]);
            shl(edx, 16);
            or_(eax, edx);
        }
        if constexpr (vex) { vmovd(x, eax); vpbroadcastd(b, x); }
        else { movd(x, eax); pshufd(x, x, 0); }
    }
    // acc += Σ4 u8(a)·s8(w) per lane, exactly (the fast path only gets safe pairs).
    void mac(const Vmm& a, const Vmm& w, const Vmm& d) {
        if (c_.wide) {
            if constexpr (vex) {
                vpmaddwd(T(), a, w);
                vpaddd(d, d, T());
            } else {
                movdqa(T(), a);
                pmaddwd(T(), w);
                paddd(d, T());
            }
            return;
        }
        if constexpr (vnni) {
            if constexpr (evex) vpdpbusd(d, a, w, EvexEncoding);
            else vpdpbusd(d, a, w, VexEncoding);
        } else if constexpr (vex) {
            vpmaddubsw(T(), a, w);
            vpmaddwd(T(), T(), ONES());
            vpaddd(d, d, T());
        } else {
            movdqa(T(), a);
            pmaddubsw(T(), w);
            pmaddwd(T(), ONES());
            paddd(d, T());
        }
    }

    // ---- the computation ----
    // One quad of input channels for the pixels P of the block.
    void quad(const std::vector<int>& P, const RegExp& s, const RegExp& w, int bytes) {
        const int nreg = nb_ - c_.w_mem;
        for (int j = 0; j < nreg; ++j) {
            load_vec(W(j), ptr[w + j * vlen]);
            if (c_.split) load_vec(W2(j), ptr[w + c_.oc_block * 4 + j * vlen]);
        }
        for (int p : P) {
            broadcast(s + int(p * c_.sw * c_.ic), bytes < 4 && tail_read_in_row(p, bytes) ? 4 : bytes);
            if (c_.s8_src) xor80(B());
            for (int j = 0; j < nb_; ++j) {
                if (j >= nreg) {
                    mac_mem(B(), ptr[w + j * vlen], acc(p, j));
                    continue;
                }
                mac(B(), W(j), acc(p, j));
                if (c_.split) mac(B(), W2(j), acc(p, j));
            }
        }
    }
    void mac_mem(const Vmm& a, const Address& w, const Vmm& d) {
        if constexpr (vnni) {
            if constexpr (evex) vpdpbusd(d, a, w, EvexEncoding);
            else vpdpbusd(d, a, w, VexEncoding);
        } else {
            throw ArgumentError(c_.name + ": w_mem needs VNNI");
        }
    }

    // The tail quad of pixel p at the current kx, read as 4 bytes, ends inside the
    // input row in every block of the run: it ends at most 4 - tail bytes past
    // the pixel (last group), so (iw - 1 - ix) * ic >= 4 - tail is enough.
    bool tail_read_in_row(int p, int bytes) const {
        if (c_.flat || c_.iw <= 0 || blk_ox0_ < 0) return false;
        const int64_t ox = blk_ox0_ + (blk_runs_ - 1) * c_.ur_w + p;
        if (in_kwic_) return (ox * c_.sw - c_.pw) * c_.ic + 4 * c_.kwic_quads <= c_.iw * c_.ic;
        const int64_t ix = ox * c_.sw - c_.pw + cur_kx_ * (c_.dw + 1);
        return (c_.iw - 1 - ix) * c_.ic >= 4 - bytes;
    }

    void kx_body(const std::vector<int>& P, int64_t kx) {
        cur_kx_ = kx;
        const int kxoff = int(kx * (c_.dw + 1) * c_.ic);
        const int wkx = int(kx * c_.icq * c_.wei_icq_stride), wq = int(c_.wei_icq_stride);
        const int64_t nfull = c_.icq - (c_.ic_tail ? 1 : 0);
        const int U = int(std::max<int64_t>(1, std::min<int64_t>(c_.icq_unroll, nfull)));
        const int64_t iters = nfull / U;
        if (iters >= 2) {
            const int rem = int(nfull - iters * U);
            lea(reg_s, ptr[reg_src_ky + kxoff]);
            lea(reg_w, ptr[reg_wei_ky + wkx]);
            mov(reg_icq, iters);
            Label l;
            L(l);
            for (int u = 0; u < U; ++u) quad(P, reg_s + u * 4, reg_w + u * wq, 4);
            add(reg_s, 4 * U);
            add(reg_w, U * wq);
            dec(reg_icq);
            jnz(l, T_NEAR);
            for (int u = 0; u < rem; ++u) quad(P, reg_s + u * 4, reg_w + u * wq, 4);
            if (c_.ic_tail) quad(P, reg_s + rem * 4, reg_w + rem * wq, c_.ic_tail);
        } else {
            for (int64_t q = 0; q < c_.icq; ++q) {
                const int bytes = (q == c_.icq - 1 && c_.ic_tail) ? c_.ic_tail : 4;
                quad(P, reg_src_ky + int(kxoff + q * 4), reg_wei_ky + int(wkx + q * wq), bytes);
            }
        }
    }

    // The kw taps of one kernel row as kwic_quads quads of contiguous bytes (Conf::kwic_quads).
    void kwic_body(const std::vector<int>& P) {
        const int tail = int((c_.kw * c_.ic) % 4), wq = c_.oc_block * 4;
        in_kwic_ = true;
        for (int64_t q = 0; q < c_.kwic_quads; ++q) {
            const int bytes = (q == c_.kwic_quads - 1 && tail) ? tail : 4;
            quad(P, reg_src_ky + int(q * 4), reg_wei_ky + int(q * wq), bytes);
        }
        in_kwic_ = false;
    }

    // Σ a·d over the correction groups of the valid ky, per (kx, vector, tail,
    // group size k; kernels/conv/pack.hpp). Registers: r9 source at ky = 0,
    // r10 / r11 the group's / the end's source offset pointer, rcx the group's d
    // vectors, r12, rax, rdx the entries' source offsets (tail groups have one
    // entry: rax/rdx hold the broadcast of tail bytes). Pointers rather than an
    // index: the scalar work per group is k loads and 3 ops.
    void fixup(int ur_b, const uint64_t* masks) {
        const Reg64 r_base = r9, r_s = r10, r_end = r11, r_d = rcx;
        const Reg64 r_a[kFixMaxGroup] = {r12, rax, rdx};
        mov(r_base, reg_src_blk);
        sub(r_base, ptr[reg_args + offsetof(CallArgs, ylo_off)]);
        // d vectors in registers: the weight vectors and those above the block's
        // accumulators; the rest are memory operands.
        std::vector<int> dregs;
        for (int j = 0; j < nb_ - c_.w_mem; ++j) dregs.push_back(w_idx(j));
        for (int r = acc_base() + ur_b * nb_; r < vreg_count(kIsa); ++r) dregs.push_back(r);
        for (int64_t kx = 0; kx < c_.kw; ++kx) {
            std::vector<int> P;
            for (int p = 0; p < ur_b; ++p)
                if (masks[p] >> kx & 1) P.push_back(p);
            if (P.empty()) continue;
            for (int j = 0; j < nb_; ++j)
                for (int t = 0; t < 2; ++t)
                    for (int k = kFixMaxGroup; k >= 1; --k) {
                        if (!c_.fix_used[k - 1][size_t((j * c_.kw + kx) * 2 + t)]) continue;
                        if (t && k > 1) throw ArgumentError(c_.name + ": tail groups have one entry");
                        const int bytes = t ? c_.ic_tail : 4;
                        const int tab = int(((j * c_.kw + kx) * 2 + t) * (c_.kh + 1) * 8);
                        Label l_loop, l_skip;
                        mov(r_d, ptr[reg_args + offsetof(CallArgs, fix_idx) + (k - 1) * 8]);
                        mov(r_end, ptr[reg_args + offsetof(CallArgs, kh)]);
                        mov(r_end, ptr[r_d + r_end * 8 + tab]);
                        mov(r_s, ptr[r_d + tab]);
                        cmp(r_s, r_end);
                        jge(l_skip, T_NEAR);
                        imul(r_d, r_s, k * vlen);
                        add(r_d, ptr[reg_args + offsetof(CallArgs, fix_dvec) + (k - 1) * 8]);
                        imul(r_s, r_s, k * 8);
                        imul(r_end, r_end, k * 8);
                        add(r_s, ptr[reg_args + offsetof(CallArgs, fix_src) + (k - 1) * 8]);
                        add(r_end, ptr[reg_args + offsetof(CallArgs, fix_src) + (k - 1) * 8]);
                        L(l_loop);
                        for (int e = 0; e < k; ++e) mov(r_a[e], ptr[r_s + e * 8]);
                        for (int e = 0; e < k && e < int(dregs.size()); ++e)
                            load_vec(Vmm(dregs[size_t(e)]), ptr[r_d + e * vlen]);
                        for (int p : P) {
                            for (int e = 0; e < k; ++e) {
                                broadcast(r_base + r_a[e] + int(p * c_.sw * c_.ic), bytes);
                                if (c_.s8_src) xor80(B());
                                const bool in_reg = e < int(dregs.size());
                                if (k == 1 && in_reg) mac(B(), Vmm(dregs[0]), acc(p, j));
                                else if (in_reg) group_mac(e, Vmm(dregs[size_t(e)]));
                                else group_mac(e, ptr[r_d + e * vlen]);
                            }
                            if (k > 1 || dregs.empty()) group_end(acc(p, j));
                        }
                        add(r_s, k * 8);
                        add(r_d, k * vlen);
                        cmp(r_s, r_end);
                        jb(l_loop, T_NEAR);
                        L(l_skip);
                    }
        }
    }
    // T (e = 0) or T += (e > 0) the s16 products of B and the d vector.
    template <typename Op>
    void group_mac(int e, const Op& dv) {
        if constexpr (vex) {
            if (e == 0) vpmaddubsw(T(), B(), dv);
            else {
                vpmaddubsw(B(), B(), dv);
                vpaddw(T(), T(), B());
            }
        } else {
            if (e == 0) {
                movdqa(T(), B());
                pmaddubsw(T(), dv);
            } else {
                pmaddubsw(B(), dv);
                paddw(T(), B());
            }
        }
    }
    // acc += the s32 pair sums of T.
    void group_end(const Vmm& a) {
        if constexpr (vex) {
            vpmaddwd(T(), T(), ONES());
            vpaddd(a, a, T());
        } else {
            pmaddwd(T(), ONES());
            paddd(a, T());
        }
    }

    // ur_b pixels with their valid-kx masks and tap classes; advances the pointers.
    // ox0 / runs: the first output column of the block and how many times the
    // code runs (consecutive blocks of ur_w); ox0 < 0 when unknown (flat).
    void block(int ur_b, const uint64_t* masks, const int* xcls, int64_t ox0 = -1, int64_t runs = 1) {
        blk_ox0_ = ox0;
        blk_runs_ = runs;
        for (int p = 0; p < ur_b; ++p)
            for (int j = 0; j < nb_; ++j) zero(acc(p, j));
        const uint64_t full = c_.kw == 64 ? ~0ull : ((1ull << c_.kw) - 1);
        bool kwic = c_.kwic_quads > 0 && !c_.flat;
        for (int p = 0; p < ur_b; ++p) kwic = kwic && masks[p] == full;
        mov(reg_src_ky, reg_src_blk);
        mov(reg_wei_ky, ptr[reg_args + (kwic ? offsetof(CallArgs, wei_flat) : offsetof(CallArgs, wei))]);
        Label l_ky, l_after;
        if (!c_.flat) {
            mov(reg_kh, ptr[reg_args + offsetof(CallArgs, kh)]);
            test(reg_kh, reg_kh);
            jz(l_after, T_NEAR);
            L(l_ky);
        }
        if (kwic) {
            std::vector<int> P;
            for (int p = 0; p < ur_b; ++p) P.push_back(p);
            kwic_body(P);
        } else {
            for (int64_t kx = 0; kx < c_.kw; ++kx) {
                std::vector<int> P;
                for (int p = 0; p < ur_b; ++p)
                    if (masks[p] >> kx & 1) P.push_back(p);
                if (!P.empty()) kx_body(P, kx);
            }
        }
        if (!c_.flat) {
            add(reg_src_ky, c_.src_ky_step);
            add(reg_wei_ky, kwic ? int(c_.kwic_quads * c_.oc_block * 4) : int(c_.kw * c_.icq * c_.wei_icq_stride));
            dec(reg_kh);
            jnz(l_ky, T_NEAR);
            L(l_after);
        }
        if (c_.fixup) fixup(ur_b, masks);
        // Epilogue.
        if (c_.corr) {
            // The tile's rows follow the pixels of the call: its pointer lives in the frame.
            mov(reg_s, ptr[frame(0)]);
            for (int p = 0; p < ur_b; ++p)
                for (int j = 0; j < nb_; ++j) {
                    const Address a = ptr[reg_s + int((p * c_.oc_block + j * simd_w) * 4)];
                    if constexpr (vex) vpaddd(acc(p, j), acc(p, j), a);
                    else paddd(acc(p, j), a);
                }
            add(qword[frame(0)], int(ur_b * c_.oc_block * 4));
        }
        if (c_.has_comp) {
            mov(reg_s, ptr[reg_args + offsetof(CallArgs, comp)]);
            for (int p = 0; p < ur_b; ++p)
                for (int j = 0; j < nb_; ++j) {
                    const Address a = ptr[reg_s + int((xcls[p] * c_.comp_oc_pad + j * simd_w) * 4)];
                    if constexpr (vex) vpsubd(acc(p, j), acc(p, j), a);
                    else psubd(acc(p, j), a);
                }
        }
        const int dsz = int(post_.dst_elem_size()), rsz = int(post_.residual_elem_size());
        // Channel vector by channel vector: the emitter holds the vector's scale,
        // bias, ... in registers the K loop has left free for all ur_b pixels
        // (PostOpEmitter::cache_channel), instead of reloading them per pixel.
        auto each_vector = [&](const std::function<void(int p, int j, int lanes)>& f) {
            const std::vector<int> hold = epilogue_free_regs(ur_b);
            for (int j = 0; j < nb_; ++j) {
                const int lanes = j == nb_ - 1 ? c_.last_lanes : simd_w;
                if (ur_b > 1) post_.cache_channel(jit::Channel::at(reg_oc, j * simd_w), lanes, hold);
                for (int p = 0; p < ur_b; ++p) f(p, j, lanes);
                post_.uncache();
            }
        };
        auto convert = [&](int p, int j, int) {
            const int off = int(p * c_.oc + j * simd_w);
            post_.convert(acc(p, j), jit::Channel::at(reg_oc, j * simd_w), simd_w,
                          rsz ? reg_res + off * rsz : RegExp(reg_dst), c_.acc_abs_max);
        };
        // AVX-512, 4 full vectors to u8/s8: the 64 bytes of a pixel are packed
        // together (2 vpackssdw, a byte pack, vpermd: 4 shuffle uops) instead of
        // 4 vpmovusdb/vpmovsdb (2 uops each); the values are within the dst bounds.
        const bool s8_dst = e_.dst_type == ir::ElemType::s8;
        const bool group = evex && nb_ == 4 && c_.last_lanes == simd_w && (s8_dst || e_.dst_type == ir::ElemType::u8);
        if (group) {
            each_vector(convert);
            vmovdqu32(W(1), ptr[rip + l_perm_]);
            use_perm_ = true;
        }
        for (int p = 0; p < ur_b && group; ++p) {
            if constexpr (evex) {
                // Dword 4L+k of the packed vector holds channels 16k+4L..+3: vpermd puts them in order.
                vpackssdw(acc(p, 0), acc(p, 0), acc(p, 1));
                vpackssdw(acc(p, 2), acc(p, 2), acc(p, 3));
                if (s8_dst) vpacksswb(acc(p, 0), acc(p, 0), acc(p, 2));
                else vpackuswb(acc(p, 0), acc(p, 0), acc(p, 2));
                vpermd(acc(p, 0), W(1), acc(p, 0));
                vmovdqu8(ptr[reg_dst + int(p * c_.oc * dsz)], acc(p, 0));
            }
        }
        // AVX2, 2 full vectors to u8/s8: the 16 bytes of a pixel are packed
        // together (vpackssdw, a byte pack, vpermd: 3 shuffle uops and one store
        // instead of 6 and 2), and the saturating packs do the dst clamp.
        const bool group2 = kIsa == Isa::avx2 && nb_ == 2 && c_.last_lanes == simd_w &&
                            (s8_dst || e_.dst_type == ir::ElemType::u8);
        if (group2) {
            each_vector(convert);
            vmovdqu(W(1), ptr[rip + l_perm_]);
            use_perm_ = true;
        }
        for (int p = 0; p < ur_b && group2; ++p) {
            if constexpr (vex && !evex) {
                // Dwords 0 and 4 of the byte-packed vector hold channels 0..3 and 4..7, 1 and 5 the next 8.
                vpackssdw(acc(p, 0), acc(p, 0), acc(p, 1));
                if (s8_dst) vpacksswb(acc(p, 0), acc(p, 0), acc(p, 0));
                else vpackuswb(acc(p, 0), acc(p, 0), acc(p, 0));
                vpermd(acc(p, 0), W(1), acc(p, 0));
                vmovdqu(ptr[reg_dst + int(p * c_.oc * dsz)], Xmm(acc(p, 0).getIdx()));
            }
        }
        if (!group && !group2)
            each_vector([&](int p, int j, int lanes) {
                const int off = int(p * c_.oc + j * simd_w);
                post_.apply(acc(p, j), jit::Channel::at(reg_oc, j * simd_w), lanes,
                            rsz ? reg_res + off * rsz : RegExp(reg_dst), reg_dst + off * dsz);
            });
        add(reg_src_blk, int(ur_b * c_.sw * c_.ic));
        add(reg_dst, int(ur_b * c_.oc * dsz));
        if (rsz) add(reg_res, int(ur_b * c_.oc * rsz));
    }

    void row_body() {
        const int64_t ow = int64_t(c_.kx_mask.size());
        const uint64_t full = c_.kw == 64 ? ~0ull : ((1ull << c_.kw) - 1);
        auto plain = [&](int64_t ow0) {
            if (ow0 + c_.ur_w > ow) return false;
            for (int p = 0; p < c_.ur_w; ++p)
                if (c_.kx_mask[size_t(ow0 + p)] != full) return false;
            return true;
        };
        int64_t ow0 = 0;
        while (ow0 < ow) {
            if (plain(ow0)) {
                int64_t run = 1;
                while (plain(ow0 + run * c_.ur_w)) ++run;
                if (run >= 2) {
                    Label l;
                    mov(reg_cnt, run);
                    L(l);
                    block(c_.ur_w, &c_.kx_mask[size_t(ow0)], &c_.xcls[size_t(ow0)], ow0, run);
                    dec(reg_cnt);
                    jnz(l, T_NEAR);
                } else {
                    block(c_.ur_w, &c_.kx_mask[size_t(ow0)], &c_.xcls[size_t(ow0)], ow0);
                }
                ow0 += run * c_.ur_w;
            } else {
                const int ur_b = int(std::min<int64_t>(c_.ur_w, ow - ow0));
                block(ur_b, &c_.kx_mask[size_t(ow0)], &c_.xcls[size_t(ow0)], ow0);
                ow0 += ur_b;
            }
        }
    }

    void flat_body() {
        const std::vector<uint64_t> masks(size_t(c_.ur_w), 1);
        const std::vector<int> xcls(size_t(c_.ur_w), 0);
        Label l_loop, l_tail;
        mov(reg_cnt, ptr[reg_args + offsetof(CallArgs, npix)]);
        cmp(reg_cnt, c_.ur_w);
        jl(l_tail, T_NEAR);
        L(l_loop);
        block(c_.ur_w, masks.data(), xcls.data());
        sub(reg_cnt, c_.ur_w);
        cmp(reg_cnt, c_.ur_w);
        jge(l_loop, T_NEAR);
        L(l_tail);
        for (int r = c_.ur_w - 1; r >= 1; --r) {
            Label next;
            cmp(reg_cnt, r);
            jne(next, T_NEAR);
            block(r, masks.data(), xcls.data());
            jmp(l_done_, T_NEAR);
            L(next);
        }
    }

    void generate() override {
        preamble(c_.corr ? 8 : 0);
        if (c_.corr) {
            mov(rax, ptr[reg_args + offsetof(CallArgs, corr)]);
            mov(ptr[frame(0)], rax);
        }
        lea(reg_params, ptr[reg_args + offsetof(CallArgs, params)]);
        mov(reg_oc, ptr[reg_args + offsetof(CallArgs, oc)]);
        if constexpr (!vnni) load_vec(ONES(), ptr[rip + l_ones_]);
        mov(reg_src_blk, ptr[reg_args + offsetof(CallArgs, src)]);
        if (!c_.flat && c_.pw) sub(reg_src_blk, int(c_.pw * c_.ic));
        mov(reg_dst, ptr[reg_args + offsetof(CallArgs, dst)]);
        if (post_.residual_elem_size()) mov(reg_res, ptr[reg_args + offsetof(CallArgs, residual)]);
        if (c_.flat) flat_body();
        else row_body();
        L(l_done_);
        postamble();
        align(64);
        L(l_c80_);
        for (int i = 0; i < 64; ++i) db(0x80);
        L(l_ones_);
        for (int i = 0; i < 32; ++i) dw(1);
        if (use_perm_) {
            align(64);
            L(l_perm_);
            if constexpr (evex)
                for (uint32_t i : {0u, 4u, 8u, 12u, 1u, 5u, 9u, 13u, 2u, 6u, 10u, 14u, 3u, 7u, 11u, 15u}) dd(i);
            else
                for (uint32_t i : {0u, 4u, 1u, 5u, 2u, 6u, 3u, 7u}) dd(i);
        }
        post_.emit_data();
    }

    Conf c_;
    ir::Epilogue e_;
    jit::PostOpEmitter<kIsa> post_;
    int nb_ = c_.nb_oc;
    int64_t blk_ox0_ = -1, blk_runs_ = 1, cur_kx_ = 0;  // block() / kx_body() being emitted
    bool in_kwic_ = false;                              // kwic_body() being emitted
    Label l_c80_, l_ones_, l_done_, l_perm_;
    bool use_perm_ = false;  // the grouped u8/s8 store used l_perm_
};

}  // namespace

std::unique_ptr<jit::Generator> make_generator(const Conf& c, const ir::Epilogue& e) {
    std::unique_ptr<jit::Generator> g;
    switch (c.isa) {
    case Isa::sse42: g = std::make_unique<JitConv<Isa::sse42>>(c, e); break;
    case Isa::avx2: g = std::make_unique<JitConv<Isa::avx2>>(c, e); break;
    case Isa::avx_vnni: g = std::make_unique<JitConv<Isa::avx_vnni>>(c, e); break;
    case Isa::avx512_core: g = std::make_unique<JitConv<Isa::avx512_core>>(c, e); break;
    case Isa::avx512_core_vnni: g = std::make_unique<JitConv<Isa::avx512_core_vnni>>(c, e); break;
    default: throw UnsupportedError("jit conv: no generator for " + std::string(jit::isa_name(c.isa)));
    }
    g->create();
    return g;
}

}  // namespace octet::kernels::conv_jit
