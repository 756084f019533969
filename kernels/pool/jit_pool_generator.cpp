#include "kernels/pool/jit_pool_generator.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "jit/lane_io.hpp"

namespace octet::kernels::pool_jit {

// Avg over whole byte vectors (AVX2/AVX-512, windows of at most kWideTaps taps): the
// s32 widening (one vpmovzxbd per 16 channels, all on the shuffle port) is what bounds
// the global pools, so a tap is summed as 16-bit words instead, with no shuffle:
//   Sw  += x          (word = even byte + 256 * odd byte, modulo 2^16)
//   Shi += x >> 8     (odd channels' sums, exact: <= 257 * 255 < 2^16)
// and after the taps  Slo = Sw - 256 * Shi  (even channels' sums, exact modulo 2^16
// for the same reason). Each of the four dword lanes (channels 4j, 4j+1, 4j+2,
// 4j+3) is finished on its own by the f32 division, and the four bytes are shifted
// back together. s8 is summed as u8 (xor 0x80) and 128 * taps subtracted.
constexpr int64_t kWideTaps = 257;

using namespace Xbyak;
using jit::Isa;

namespace {

// Output columns sharing one code path: `count` pixels from ox0 whose valid
// taps are kx_lo..kx_hi-1 and whose column share of the avg count is col_count.
struct Segment {
    int64_t ox0 = 0, count = 1, kx_lo = 0, kx_hi = 0, col_count = 0;
};

template <Isa kIsa>
class JitPool : public jit::Generator {
public:
    using Traits = jit::IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int simd_w = Traits::simd_w;
    static constexpr int vlen = Traits::vlen;
    static constexpr bool vex = Traits::is_vex;
    static constexpr bool mask = Traits::has_mask;

    JitPool(const PoolDesc& d, ir::ElemType t) : Generator(kIsa, 1024 * 1024), d_(d), sgn_(t == ir::ElemType::s8) {
        name_ = std::string("pool_") + jit::isa_name(kIsa) + "_" + to_string(d.alg) + "_" + ir::to_string(t) + "_" +
                to_string(d);
        plan();
    }
    std::string name() const override { return name_; }

private:
    const Reg64 reg_args = rdi, reg_src_row = r8, reg_dst_row = r9, reg_khc = r10, reg_rowc = r11;
    const Reg64 reg_src_ox = r12, reg_dst_ox = r13, reg_c = rbx, reg_ks = rcx, reg_cnt = rdx, reg_tmp = rax,
                reg_loop = rsi;
    // Vector registers: 0..3 accumulators, 4..7 loads, 8 divisor, 9/10 bounds, 11 max init,
    // 12 scratch of the s32 lane moves. The wide avg: 0..3 Sw, 4..7 Shi, 13..15 scratch,
    // and for s8 11 = 128 * taps, 12 = 0x80 bytes.
    static constexpr int v_div = 8, v_lo = 9, v_hi = 10, v_init = 11, v_lane_tmp = 12;

    bool is_max() const { return d_.alg == PoolAlg::max; }

    void plan() {
        auto seg_of = [&](int64_t ox) {
            Segment s;
            s.ox0 = ox;
            const int64_t x0 = ox * d_.sw - d_.pw;
            s.kx_lo = std::max<int64_t>(0, -x0);
            s.kx_hi = std::max(s.kx_lo, std::min<int64_t>(d_.kw, d_.iw - x0));
            if (d_.alg == PoolAlg::avg_p)
                s.col_count = std::max<int64_t>(0, std::min(x0 + d_.kw, d_.iw + d_.pw_end) - std::max(x0, -d_.pw));
            else
                s.col_count = s.kx_hi - s.kx_lo;
            return s;
        };
        int borders = 0;
        for (int64_t ox = 0; ox < d_.ow; ++ox) {
            Segment s = seg_of(ox);
            const bool interior = s.kx_lo == 0 && s.kx_hi == d_.kw && s.col_count == d_.kw;
            if (interior && !segs_.empty() && segs_.back().kx_lo == 0 && segs_.back().kx_hi == d_.kw &&
                segs_.back().col_count == d_.kw && segs_.back().ox0 + segs_.back().count == ox) {
                ++segs_.back().count;
                continue;
            }
            borders += interior ? 0 : 1;
            segs_.push_back(s);
        }
        if (borders > 64) throw UnsupportedError("pooling JIT: more than 64 border output columns");
    }

    // ---- partial byte vectors (n < 16) without touching memory past byte n-1 ----
    void load_bytes(const Xmm& x, const RegExp& a, int n) {
        if constexpr (vex) vpxor(x, x, x); else pxor(x, x);
        int off = 0;
        if (n - off >= 8) { if constexpr (vex) vpinsrq(x, x, ptr[a + off], 0); else pinsrq(x, ptr[a + off], 0); off += 8; }
        if (n - off >= 4) { if constexpr (vex) vpinsrd(x, x, ptr[a + off], off / 4); else pinsrd(x, ptr[a + off], off / 4); off += 4; }
        if (n - off >= 2) { if constexpr (vex) vpinsrw(x, x, ptr[a + off], off / 2); else pinsrw(x, ptr[a + off], off / 2); off += 2; }
        if (n - off >= 1) { if constexpr (vex) vpinsrb(x, x, ptr[a + off], off); else pinsrb(x, ptr[a + off], off); }
    }
    void store_bytes(const RegExp& a, const Xmm& x, int n) {
        int off = 0;
        if (n - off >= 8) { if constexpr (vex) vpextrq(ptr[a + off], x, 0); else pextrq(ptr[a + off], x, 0); off += 8; }
        if (n - off >= 4) { if constexpr (vex) vpextrd(ptr[a + off], x, off / 4); else pextrd(ptr[a + off], x, off / 4); off += 4; }
        if (n - off >= 2) { if constexpr (vex) vpextrw(ptr[a + off], x, off / 2); else pextrw(ptr[a + off], x, off / 2); off += 2; }
        if (n - off >= 1) { if constexpr (vex) vpextrb(ptr[a + off], x, off); else pextrb(ptr[a + off], x, off); }
    }
    // s32 lanes <-> u8/s8 bytes, tail-safe (jit/lane_io.hpp, PostOpEmitter's copy); k2 masks tails.
    jit::LaneIo<kIsa> lanes() { return jit::LaneIo<kIsa>(*this, 2, v_lane_tmp); }
    void set_mask(int n) {  // AVX-512: k2 = first n elements
        mov(reg_tmp, n >= 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1);
        kmovq(k2, reg_tmp);
    }
    void broadcast_dword(const Vmm& v, uint32_t bits) {
        mov(reg_tmp.cvt32(), bits);
        if constexpr (vex) {
            vmovd(Xmm(v.getIdx()), reg_tmp.cvt32());
            vpbroadcastd(v, Xmm(v.getIdx()));
        } else {
            movd(v, reg_tmp.cvt32());
            pshufd(v, v, 0);
        }
    }

    // Loops the valid kernel rows of the pixel at reg_src_ox, calling tap(addr) per valid tap.
    template <class Tap>
    void for_taps(const Segment& s, Tap&& tap) {
        if (s.kx_hi <= s.kx_lo) return;
        Label loop, done;
        mov(reg_ks, reg_src_ox);
        mov(reg_cnt, reg_khc);
        test(reg_cnt, reg_cnt);
        jz(done, T_NEAR);
        L(loop);
        for (int64_t kx = s.kx_lo; kx < s.kx_hi; ++kx) tap(reg_ks + reg_c + int(kx * d_.ic));
        add(reg_ks, int(d_.iw * d_.ic));
        dec(reg_cnt);
        jnz(loop, T_NEAR);
        L(done);
    }

    // ---- max: nv full vectors of `bytes` each (bytes == vlen, or 16 as an xmm chunk), or one partial ----
    template <class V>
    void max_chunk(const Segment& s, int nv, int bytes) {
        for (int i = 0; i < nv; ++i) {
            if constexpr (mask) vmovdqa64(V(i), V(v_init)); else if constexpr (vex) vmovdqa(V(i), V(v_init)); else movdqa(V(i), V(v_init));
        }
        constexpr int vbytes = std::is_same<V, Zmm>::value ? 64 : std::is_same<V, Ymm>::value ? 32 : 16;
        const bool partial = bytes < vbytes;
        for_taps(s, [&](const RegExp& a) {
            for (int i = 0; i < nv; ++i) {
                const V t(4 + i);
                if (partial) {
                    if constexpr (mask) vmovdqu8(t | k2 | T_z, ptr[a + i * bytes]);
                    else load_bytes(Xmm(t.getIdx()), a + i * bytes, bytes);
                    vmax(V(i), t);
                } else if constexpr (vex) {
                    if (sgn_) vpmaxsb(V(i), V(i), ptr[a + i * bytes]); else vpmaxub(V(i), V(i), ptr[a + i * bytes]);
                } else {
                    movdqu(t, ptr[a + i * bytes]);
                    vmax(V(i), t);
                }
            }
        });
        for (int i = 0; i < nv; ++i) {
            const RegExp o = reg_dst_ox + reg_c + i * bytes;
            if (partial) {
                if constexpr (mask) vmovdqu8(ptr[o] | k2, V(i));
                else store_bytes(o, Xmm(i), bytes);
            } else if constexpr (mask) {
                vmovdqu8(ptr[o], V(i));
            } else if constexpr (vex) {
                vmovdqu(ptr[o], V(i));
            } else {
                movdqu(ptr[o], V(i));
            }
        }
    }
    template <class V>
    void vmax(const V& d, const V& s) {
        if constexpr (vex) { if (sgn_) vpmaxsb(d, d, s); else vpmaxub(d, d, s); }
        else { if (sgn_) pmaxsb(d, s); else pmaxub(d, s); }
    }

    // ---- avg: nv vectors of n s32 lanes (n == simd_w, or one partial vector) ----
    void avg_chunk(const Segment& s, int nv, int n) {
        for (int i = 0; i < nv; ++i) {
            if constexpr (mask) vpxord(Vmm(i), Vmm(i), Vmm(i)); else if constexpr (vex) vpxor(Vmm(i), Vmm(i), Vmm(i)); else pxor(Vmm(i), Vmm(i));
        }
        if constexpr (mask) { if (n < simd_w) set_mask(n); }
        for_taps(s, [&](const RegExp& a) {
            for (int i = 0; i < nv; ++i) {
                const Vmm t(4 + i);
                lanes().load_bytes_to_s32(t, a + i * simd_w, n, sgn_);
                if constexpr (vex) vpaddd(Vmm(i), Vmm(i), t); else paddd(Vmm(i), t);
            }
        });
        for (int i = 0; i < nv; ++i) {
            const Vmm v(i);
            avg_finish(v);
            // Lanes are in range: the saturating pack is exact.
            lanes().store_bytes(reg_dst_ox + reg_c + i * simd_w, v, n, sgn_);
        }
    }

    // ---- avg, wide: nv whole byte vectors, accumulators Sw in 0..3, Shi in 4..7 ----
    bool wide_avg() const {
        return !is_max() && Traits::is_vex && d_.kh * d_.kw <= kWideTaps;
    }
    void vor(const Vmm& d, const Vmm& a, const Vmm& b) {
        if constexpr (mask) vpord(d, a, b); else vpor(d, a, b);
    }
    void avg_finish(const Vmm& v) {
        // float(sum) / float(count), clamp (NaN cannot occur: count >= 1), round half to even.
        if constexpr (vex) {
            vcvtdq2ps(v, v); vdivps(v, v, Vmm(v_div)); vmaxps(v, v, Vmm(v_lo)); vminps(v, v, Vmm(v_hi)); vcvtps2dq(v, v);
        } else {
            cvtdq2ps(v, v); divps(v, Vmm(v_div)); maxps(v, Vmm(v_lo)); minps(v, Vmm(v_hi)); cvtps2dq(v, v);
        }
    }
    void wide_chunk(const Segment& s, int nv) {
        const Vmm t(13), x80(v_lane_tmp), bias(v_init);
        for (int i = 0; i < 2 * nv; ++i) {
            const int r = i < nv ? i : 4 + i - nv;
            if constexpr (mask) vpxord(Vmm(r), Vmm(r), Vmm(r)); else vpxor(Vmm(r), Vmm(r), Vmm(r));
        }
        for_taps(s, [&](const RegExp& a) {
            for (int i = 0; i < nv; ++i) {
                const Vmm x(13 + (i & 1));
                if constexpr (mask) vmovdqu8(x, ptr[a + i * vlen]); else vmovdqu(x, ptr[a + i * vlen]);
                if (sgn_) { if constexpr (mask) vpxord(x, x, x80); else vpxor(x, x, x80); }
                vpaddw(Vmm(i), Vmm(i), x);
                vpsrlw(x, x, 8);
                vpaddw(Vmm(4 + i), Vmm(4 + i), x);
            }
        });
        const Vmm u(14), w(15);
        for (int i = 0; i < nv; ++i) {
            const Vmm lo(i), hi(4 + i);
            vpsllw(t, hi, 8);
            vpsubw(lo, lo, t);                               // Slo: channels 4j (low word), 4j+2 (high)
            vpslld(t, lo, 16); vpsrld(t, t, 16);             // A: 4j
            vpsrld(lo, lo, 16);                              // B: 4j+2
            vpslld(u, hi, 16); vpsrld(u, u, 16);             // C: 4j+1
            vpsrld(hi, hi, 16);                              // D: 4j+3
            for (const Vmm& v : {t, u, lo, hi}) {
                if (sgn_) vpsubd(v, v, bias);
                avg_finish(v);
            }
            // In range: bytes are the low 8 bits of each lane (s8: masked by the shift pairs).
            if (sgn_) {
                vpslld(t, t, 24); vpsrld(t, t, 24);
                vpslld(u, u, 24); vpsrld(u, u, 16);
                vpslld(lo, lo, 24); vpsrld(lo, lo, 8);
            } else {
                vpslld(u, u, 8);
                vpslld(lo, lo, 16);
            }
            vpslld(hi, hi, 24);
            vor(t, t, u);
            vor(w, lo, hi);
            vor(t, t, w);
            if constexpr (mask) vmovdqu8(ptr[reg_dst_ox + reg_c + i * vlen], t);
            else vmovdqu(ptr[reg_dst_ox + reg_c + i * vlen], t);
        }
    }
    // s8: 0x80 bytes into v_lane_tmp and 128 * (valid taps) into v_init (both free in avg).
    void wide_setup(const Segment& s) {
        if (!sgn_) return;
        broadcast_dword(Vmm(v_lane_tmp), 0x80808080u);
        imul(reg_tmp, reg_khc, int(128 * (s.kx_hi - s.kx_lo)));
        const Xmm x(v_init);
        if constexpr (mask) vpbroadcastd(Vmm(v_init), reg_tmp.cvt32());
        else { vmovd(x, reg_tmp.cvt32()); vpbroadcastd(Vmm(v_init), x); }
    }

    void emit_pixel(const Segment& s) {
        const int64_t C = d_.ic;
        if (!is_max()) {
            // count = row share x column share; an empty window has sum 0: divide by 1.
            mov(reg_tmp, reg_rowc);
            imul(reg_tmp, reg_tmp, int(s.col_count));
            mov(reg_cnt.cvt32(), 1);
            test(reg_tmp, reg_tmp);
            cmovz(reg_tmp, reg_cnt);
            const Xmm dv(v_div);
            if constexpr (vex) {
                vcvtsi2ss(dv, dv, reg_tmp);
                vbroadcastss(Vmm(v_div), dv);
            } else {
                cvtsi2ss(dv, reg_tmp);
                shufps(dv, dv, 0);
            }
        }
        xor_(reg_c, reg_c);
        int64_t c = 0;
        if (wide_avg() && C >= vlen) {
            // Whole byte vectors of channels on the 16-bit sums, 4 per iteration, then the rest.
            wide_setup(s);
            const int64_t wstep = 4 * vlen;
            if (C >= wstep) {
                Label loop;
                const int64_t end = C / wstep * wstep;
                L(loop);
                wide_chunk(s, 4);
                add(reg_c, int(wstep));
                cmp(reg_c, int(end));
                jl(loop, T_NEAR);
                c = end;
            }
            for (; c + vlen <= C; c += vlen) {
                mov(reg_c, int(c));
                wide_chunk(s, 1);
            }
        }
        // step: channels per main-loop iteration (4 vectors), then single vectors, then the tail.
        const int per_vec = is_max() ? vlen : simd_w;
        const int64_t step = 4 * per_vec;
        if (C - c >= step) {
            Label loop;
            const int64_t end = c + (C - c) / step * step;
            mov(reg_c, int(c));
            L(loop);
            chunk(s, 4, per_vec);
            add(reg_c, int(step));
            cmp(reg_c, int(end));
            jl(loop, T_NEAR);
            c = end;
        }
        for (; c + per_vec <= C; c += per_vec) {
            mov(reg_c, int(c));
            chunk(s, 1, per_vec);
        }
        if (c < C) {
            mov(reg_c, int(c));
            int rem = int(C - c);
            if (is_max() && !mask) {
                if (vex && rem >= 16) {  // AVX2: one xmm chunk first
                    max_chunk<Xmm>(s, 1, 16);
                    add(reg_c, 16);
                    rem -= 16;
                }
                if (rem > 0) max_chunk<Xmm>(s, 1, rem);
            } else {
                if (is_max()) set_mask(rem);
                chunk(s, 1, rem);
            }
        }
    }
    void chunk(const Segment& s, int nv, int n) {
        if (is_max()) max_chunk<Vmm>(s, nv, n); else avg_chunk(s, nv, n);
    }

    void generate() override {
        preamble();
        mov(reg_src_row, ptr[reg_args + offsetof(CallArgs, src)]);
        mov(reg_dst_row, ptr[reg_args + offsetof(CallArgs, dst)]);
        mov(reg_khc, ptr[reg_args + offsetof(CallArgs, kh_count)]);
        mov(reg_rowc, ptr[reg_args + offsetof(CallArgs, row_count)]);
        if (is_max()) {
            broadcast_dword(Vmm(v_init), sgn_ ? 0x80808080u : 0u);
        } else {
            float lo, hi;
            ir::dst_bounds(sgn_ ? ir::ElemType::s8 : ir::ElemType::u8, lo, hi);
            uint32_t b;
            std::memcpy(&b, &lo, 4);
            broadcast_dword(Vmm(v_lo), b);
            std::memcpy(&b, &hi, 4);
            broadcast_dword(Vmm(v_hi), b);
        }
        for (const Segment& s : segs_) {
            lea(reg_src_ox, ptr[reg_src_row + int((s.ox0 * d_.sw - d_.pw) * d_.ic)]);
            lea(reg_dst_ox, ptr[reg_dst_row + int(s.ox0 * d_.ic)]);
            if (s.count == 1) {
                emit_pixel(s);
                continue;
            }
            Label loop;
            mov(reg_loop, int(s.count));
            L(loop);
            emit_pixel(s);
            add(reg_src_ox, int(d_.sw * d_.ic));
            add(reg_dst_ox, int(d_.ic));
            dec(reg_loop);
            jnz(loop, T_NEAR);
        }
        postamble();
    }

    PoolDesc d_;
    bool sgn_;
    std::vector<Segment> segs_;
    std::string name_;
};

}  // namespace

std::unique_ptr<jit::Generator> make_generator(Isa isa, const PoolDesc& d, ir::ElemType t) {
    switch (isa) {
    case Isa::sse42: return std::make_unique<JitPool<Isa::sse42>>(d, t);
    case Isa::avx2:
    case Isa::avx_vnni: return std::make_unique<JitPool<Isa::avx2>>(d, t);
    case Isa::avx512_core:
    case Isa::avx512_core_vnni:
    case Isa::amx: return std::make_unique<JitPool<Isa::avx512_core>>(d, t);
    }
    throw ArgumentError("pooling JIT: unknown ISA");
}

}  // namespace octet::kernels::pool_jit
