#include "kernels/f32/dw_f32_generator.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <map>

#include "ir/error.hpp"

namespace octet::kernels::f32 {

using namespace Xbyak;
using jit::Isa;
using jit::IsaTraits;

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

bool fits32(int64_t v) {
    return v > std::numeric_limits<int32_t>::min() / 2 && v < std::numeric_limits<int32_t>::max() / 2;
}

// Blocking: accumulators R rows × cv vectors, within the registers left
// after the loaded vectors, the permute index / broadcast weight and the mask.
struct Blocking {
    int simd = 8, nv = 1, cv = 1, chunks = 1, rows = 1;
};

Blocking blocking(const DwF32Config& c) {
    Blocking b;
    b.simd = c.isa == Isa::avx512_core ? 16 : 8;
    const int cap = c.isa == Isa::avx512_core ? 24 : 12;
    b.nv = int(ceil_div(c.ow, b.simd));
    b.cv = std::min(b.nv, cap);
    b.chunks = int(ceil_div(b.nv, b.cv));
    b.cv = int(ceil_div(b.nv, b.chunks));
    b.rows = int(std::max<int64_t>(1, std::min<int64_t>({c.oh, cap / b.cv, 12})));
    return b;
}

template <Isa kIsa>
class JitDwF32 : public jit::Generator {
public:
    using Traits = IsaTraits<kIsa>;
    using Vmm = typename Traits::Vmm;
    static constexpr int simd_w = Traits::simd_w;
    static constexpr bool is_zmm = Traits::has_mask;

    explicit JitDwF32(const DwF32Config& c) : Generator(kIsa), c_(c), b_(blocking(c)) {}
    std::string name() const override { return c_.name; }

private:
    const Reg64 reg_args = rdi;
    const Reg64 reg_src = r8, reg_dst = r9, reg_res = r10, reg_w = r11, reg_bias = r12, reg_ch = r13;
    const Reg64 reg_in = r14, reg_out = r15, reg_rr = rbx, reg_cnt = rsi, reg_t = rax;
    Label idx_tbl_, mask_tbl_;
    std::map<uint32_t, int> masks_;  // AVX2 lane masks -> table slot

    DwF32Config c_;
    Blocking b_;

    int accs() const { return b_.rows * b_.cv; }
    Vmm acc(int r, int v) const { return Vmm(r * b_.cv + v); }
    Vmm vin() const { return Vmm(accs()); }
    Vmm vhi() const { return Vmm(accs() + 1); }
    Vmm vidx() const { return Vmm(accs() + 2); }  // AVX-512 stride 2
    Vmm wtmp() const { return Vmm(accs() + 2); }  // AVX2
    Vmm vmask() const { return Vmm(accs() + 3); }  // AVX2

    bool has_sum() const {
        for (const GemmPostOp& p : c_.post)
            if (p.kind == GemmPost::sum) return true;
        return false;
    }

    static uint32_t full() { return simd_w == 16 ? 0xffffu : 0xffu; }

    void set_mask(const Opmask& k, uint32_t m) {
        mov(reg_t.cvt32(), m);
        kmovw(k, reg_t.cvt32());
    }
    void load_avx2_mask(uint32_t m) {
        auto it = masks_.find(m);
        const int slot = it != masks_.end() ? it->second : int(masks_.size());
        if (it == masks_.end()) masks_[m] = slot;
        vmovups(vmask(), ptr[rip + mask_tbl_ + slot * 32]);
    }

    // dst = the columns col0 .. col0 + simd - 1 of the input row `row`
    // (relative to reg_in), zero where a column is outside [0, iw).
    void load_cols(const Vmm& dst, int64_t row, int64_t col0) {
        uint32_t m = 0;
        for (int l = 0; l < simd_w; ++l)
            if (col0 + l >= 0 && col0 + l < c_.iw) m |= 1u << l;
        const int64_t off = (row * c_.iw + col0) * 4;
        if (m == 0) {
            vxorps(dst, dst, dst);
        } else if (m == full()) {
            vmovups(dst, ptr[reg_in + off]);
        } else if constexpr (is_zmm) {
            set_mask(k1, m);
            vmovups(dst | k1 | T_z, ptr[reg_in + off]);
        } else {
            load_avx2_mask(m);
            vmaskmovps(dst, vmask(), ptr[reg_in + off]);
        }
    }

    // vin = the input under output columns x0 .. x0 + simd - 1 for kernel column j.
    void load_input(int64_t row, int64_t x0, int64_t j) {
        const int64_t col0 = x0 * c_.sw - c_.pl + j * c_.dw;
        if (c_.sw == 1) {
            load_cols(vin(), row, col0);
            return;
        }
        load_cols(vin(), row, col0);
        load_cols(vhi(), row, col0 + simd_w);
        if constexpr (is_zmm) {
            vpermt2ps(vin(), vidx(), vhi());  // even lanes of (vin, vhi)
        } else {
            vshufps(vin(), vin(), vhi(), 0x88);  // lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6
            vpermpd(vin(), vin(), 0xd8);         // lo0 lo2 lo4 lo6 hi0 hi2 hi4 hi6
        }
    }

    void broadcast_const(const Vmm& dst, float f) {
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        mov(reg_t.cvt32(), bits);
        if constexpr (is_zmm) {
            vpbroadcastd(dst, reg_t.cvt32());
        } else {
            vmovd(Xmm(dst.getIdx()), reg_t.cvt32());
            vbroadcastss(dst, Xmm(dst.getIdx()));
        }
    }

    // One block of `rows` output rows, vectors [v0, v0 + nv) of the row;
    // valid[r·kh + i]: kernel row i of output row r is inside the input.
    void body(int rows, const std::vector<char>& valid, int v0, int nv) {
        for (int r = 0; r < rows; ++r)
            for (int v = 0; v < nv; ++v) vxorps(acc(r, v), acc(r, v), acc(r, v));
        const int64_t q_end = int64_t(rows - 1) * c_.sh + (c_.kh - 1) * c_.dh + 1;
        for (int64_t q = 0; q < q_end; ++q) {
            std::vector<std::pair<int, int64_t>> pairs;  // (r, i) reading input row q
            for (int r = 0; r < rows; ++r)
                for (int64_t i = 0; i < c_.kh; ++i)
                    if (valid[size_t(r * c_.kh + i)] && r * c_.sh + i * c_.dh == q) pairs.push_back({r, i});
            if (pairs.empty()) continue;
            for (int64_t j = 0; j < c_.kw; ++j)
                for (int v = 0; v < nv; ++v) {
                    load_input(q, int64_t(v0 + v) * simd_w, j);
                    for (const auto& [r, i] : pairs) {
                        const int64_t w = (i * c_.kw + j) * 4;
                        if constexpr (is_zmm) {
                            vfmadd231ps(acc(r, v), vin(), ptr_b[reg_w + w]);
                        } else {
                            vbroadcastss(wtmp(), ptr[reg_w + w]);
                            vfmadd231ps(acc(r, v), vin(), wtmp());
                        }
                    }
                }
        }
        epilogue(rows, v0, nv);
    }

    void epilogue(int rows, int v0, int nv) {
        // Lanes of the row's last vector that are outputs.
        const int64_t last_x0 = int64_t(v0 + nv - 1) * simd_w;
        const int tail = int(std::min<int64_t>(simd_w, c_.ow - last_x0));
        const uint32_t tail_mask = tail == simd_w ? full() : (1u << tail) - 1;
        if (tail < simd_w) {
            if constexpr (is_zmm) set_mask(k2, tail_mask);
        }
        auto partial = [&](int v) { return v == nv - 1 && tail < simd_w; };
        if (c_.bias) {
            if constexpr (!is_zmm) vbroadcastss(vin(), ptr[reg_bias]);
            for (int r = 0; r < rows; ++r)
                for (int v = 0; v < nv; ++v) {
                    if constexpr (is_zmm) vaddps(acc(r, v), acc(r, v), ptr_b[reg_bias]);
                    else vaddps(acc(r, v), acc(r, v), vin());
                }
        }
        auto out_off = [&](int r, int v) { return (int64_t(r) * c_.ow + int64_t(v0 + v) * simd_w) * 4; };
        for (const GemmPostOp& p : c_.post) {
            if (p.kind == GemmPost::relu) {
                vxorps(vin(), vin(), vin());
                for (int r = 0; r < rows; ++r)
                    for (int v = 0; v < nv; ++v) vmaxps(acc(r, v), acc(r, v), vin());
            } else if (p.kind == GemmPost::clamp) {
                broadcast_const(vin(), p.lo);
                broadcast_const(vhi(), p.hi);
                for (int r = 0; r < rows; ++r)
                    for (int v = 0; v < nv; ++v) {
                        vmaxps(acc(r, v), acc(r, v), vin());
                        vminps(acc(r, v), acc(r, v), vhi());
                    }
            } else {
                if (!is_zmm && tail < simd_w) load_avx2_mask(tail_mask);
                for (int r = 0; r < rows; ++r)
                    for (int v = 0; v < nv; ++v) {
                        const Address a = ptr[reg_rr + out_off(r, v)];
                        if (!partial(v)) {
                            vaddps(acc(r, v), acc(r, v), a);
                            continue;
                        }
                        if constexpr (is_zmm) vmovups(vin() | k2 | T_z, a);
                        else vmaskmovps(vin(), vmask(), a);
                        vaddps(acc(r, v), acc(r, v), vin());
                    }
            }
        }
        if (!is_zmm && tail < simd_w) load_avx2_mask(tail_mask);
        for (int r = 0; r < rows; ++r)
            for (int v = 0; v < nv; ++v) {
                const Address a = ptr[reg_out + out_off(r, v)];
                if (!partial(v)) vmovups(a, acc(r, v));
                else if constexpr (is_zmm) vmovups(a | k2, acc(r, v));
                else vmaskmovps(a, vmask(), acc(r, v));
            }
    }

    void add_imm(const Reg64& r, int64_t v) {
        if (v == 0) return;
        if (fits32(v)) {
            add(r, int32_t(v));
        } else {
            mov(reg_t, v);
            add(r, reg_t);
        }
    }
    void lea_off(const Reg64& dst, const Reg64& base, int64_t off) {
        if (fits32(off)) {
            lea(dst, ptr[base + off]);
        } else {
            mov(dst, off);
            add(dst, base);
        }
    }

    void generate() override {
        preamble();
        mov(reg_src, ptr[reg_args + offsetof(DwF32Args, src)]);
        mov(reg_dst, ptr[reg_args + offsetof(DwF32Args, dst)]);
        if (has_sum()) mov(reg_res, ptr[reg_args + offsetof(DwF32Args, residual)]);
        mov(reg_w, ptr[reg_args + offsetof(DwF32Args, weights)]);
        if (c_.bias) mov(reg_bias, ptr[reg_args + offsetof(DwF32Args, bias)]);
        mov(reg_ch, ptr[reg_args + offsetof(DwF32Args, channels)]);
        if (is_zmm && c_.sw == 2) vmovups(vidx(), ptr[rip + idx_tbl_]);

        // Row blocks, and the runs of consecutive blocks with the same
        // (rows, valid kernel rows): the interior is one run, a loop.
        struct Run {
            int64_t oy0, count;
            int rows;
            std::vector<char> valid;
        };
        std::vector<Run> runs;
        for (int64_t oy0 = 0; oy0 < c_.oh; oy0 += b_.rows) {
            const int rows = int(std::min<int64_t>(b_.rows, c_.oh - oy0));
            std::vector<char> valid(size_t(rows * c_.kh));
            for (int r = 0; r < rows; ++r)
                for (int64_t i = 0; i < c_.kh; ++i) {
                    const int64_t y = (oy0 + r) * c_.sh - c_.pt + i * c_.dh;
                    valid[size_t(r * c_.kh + i)] = y >= 0 && y < c_.ih;
                }
            if (!runs.empty() && runs.back().rows == rows && runs.back().valid == valid) {
                ++runs.back().count;
            } else {
                runs.push_back({oy0, 1, rows, valid});
            }
        }

        Label ch_loop;
        L(ch_loop);
        for (int k = 0; k < b_.chunks; ++k) {
            const int v0 = k * b_.cv, nv = std::min(b_.cv, b_.nv - v0);
            for (const Run& run : runs) {
                lea_off(reg_in, reg_src, (run.oy0 * c_.sh - c_.pt) * c_.iw * 4);
                lea_off(reg_out, reg_dst, run.oy0 * c_.ow * 4);
                if (has_sum()) lea_off(reg_rr, reg_res, run.oy0 * c_.ow * 4);
                Label loop;
                if (run.count > 1) {
                    mov(reg_cnt, run.count);
                    L(loop);
                }
                body(run.rows, run.valid, v0, nv);
                if (run.count > 1) {
                    add_imm(reg_in, int64_t(b_.rows) * c_.sh * c_.iw * 4);
                    add_imm(reg_out, int64_t(b_.rows) * c_.ow * 4);
                    if (has_sum()) add_imm(reg_rr, int64_t(b_.rows) * c_.ow * 4);
                    dec(reg_cnt);
                    jnz(loop, T_NEAR);
                }
            }
        }
        add_imm(reg_src, c_.ih * c_.iw * 4);
        add_imm(reg_dst, c_.oh * c_.ow * 4);
        if (has_sum()) add_imm(reg_res, c_.oh * c_.ow * 4);
        add_imm(reg_w, c_.kh * c_.kw * 4);
        if (c_.bias) add_imm(reg_bias, 4);
        dec(reg_ch);
        jnz(ch_loop, T_NEAR);
        postamble();

        if (is_zmm && c_.sw == 2) {
            align(64);
            L(idx_tbl_);
            for (int l = 0; l < 16; ++l) dd(uint32_t(2 * l));
        }
        if (!masks_.empty()) {
            align(32);
            L(mask_tbl_);
            std::vector<uint32_t> by_slot(masks_.size());
            for (const auto& [m, slot] : masks_) by_slot[size_t(slot)] = m;
            for (uint32_t m : by_slot)
                for (int l = 0; l < 8; ++l) dd((m >> l) & 1u ? 0xffffffffu : 0u);
        }
    }
};

}  // namespace

bool dw_f32_supported(const DwF32Config& c) {
    if (c.isa != Isa::avx2 && c.isa != Isa::avx512_core) return false;
    if (c.sw != 1 && c.sw != 2) return false;
    if (c.ih < 1 || c.iw < 1 || c.oh < 1 || c.ow < 1 || c.kh < 1 || c.kw < 1 || c.sh < 1 || c.dh < 1 || c.dw < 1 ||
        c.pt < 0 || c.pl < 0)
        return false;
    // Every displacement: a block's input rows and columns, a plane's output.
    const int64_t rows = 24 * c.sh + c.kh * c.dh + c.pt;
    const int64_t cols = (c.ow + 32) * c.sw + c.kw * c.dw + c.pl;
    return fits32(rows * c.iw * 4 + cols * 4) && fits32(c.ih * c.iw * 4) && fits32((c.oh + 1) * c.ow * 4 + 64 * 4) &&
           fits32(c.oh * c.sh * c.iw * 4 + rows * c.iw * 4);
}

std::unique_ptr<jit::Generator> make_dw_f32_generator(const DwF32Config& c) {
    if (!dw_f32_supported(c)) throw ArgumentError("dw_f32 " + c.name + ": geometry not supported");
    int sums = 0;
    for (const GemmPostOp& p : c.post) sums += p.kind == GemmPost::sum;
    if (sums > 1) throw ArgumentError("dw_f32 " + c.name + ": more than one sum post-op");
    std::unique_ptr<jit::Generator> g;
    if (c.isa == Isa::avx2) g = std::make_unique<JitDwF32<Isa::avx2>>(c);
    else g = std::make_unique<JitDwF32<Isa::avx512_core>>(c);
    g->create();
    return g;
}

}  // namespace octet::kernels::f32
