#include "kernels/matmul/jit_matmul_kernel.hpp"

#include <emmintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"
#include "kernels/common/job_state.hpp"
#include "kernels/common/pair_safety.hpp"
#include "kernels/common/ref_acc.hpp"
#include "kernels/matmul/jit_matmul_generator.hpp"
#include "kernels/matmul/pack.hpp"

namespace octet::kernels {
namespace {

using jit::Isa;
namespace mp = matmul_pack;
namespace mj = matmul_jit;

const float* data_or_null(const std::vector<float>& v) { return v.empty() ? nullptr : v.data(); }

// s8 -> u8 + 128 (xor 0x80); plain pointers so that the compiler vectorizes it.
void flip_sign(const uint8_t* __restrict src, uint8_t* __restrict dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = uint8_t(src[i] ^ 0x80);
}

struct Blocking { int rows, vecs; };

// Register blocking per ISA and path (see the generator's register budget).
// AVX-512 VNNI 8 x 3: a 48-column block of B (36 KB at K = 768) stays in L1 with
// the tile's A while all row tiles pass over it, and M = 128 has no row tail;
// 1-3 points of the peak over 6 x 4 at M = 128, as fast as 12 x 2. (12 x 2 once
// lost inside the BERT layer: its s8 A cost one xor per row and group, 12 per 24
// vpdpbusd; s8 A is now moved to u8 once per call, see u8_a_.) An N that 64
// divides and 48 does not (attention's 64 and 128) keeps 6 x 4: no narrow
// column-tail tile.
Blocking blocking(Isa isa, mj::Path path, int64_t m, int64_t n) {
    if (m == 1) return {1, 8};
    switch (isa) {
    case Isa::avx512_core_vnni: return n % 64 == 0 && n % 48 != 0 ? Blocking{6, 4} : Blocking{8, 3};
    case Isa::avx512_core: return path == mj::Path::exact ? Blocking{6, 3} : Blocking{6, 4};
    case Isa::avx_vnni: return {6, 2};
    default: return {4, 2};
    }
}

class JitMatmulKernel final : public MatmulKernel {
public:
    JitMatmulKernel(const MatmulProblem& p, Isa isa)
        : d_(p.desc), a_t_(p.a_type), e_(p.epilogue), isa_(isa), rt_(p.b_runtime), b_transposed_(p.b_transposed) {
        const int simd_w = jit::isa_simd_width(isa);
        const int64_t batch = d_.batch();
        const bool vnni = jit::isa_has_vnni(isa);
        // A run-time B cannot be checked ahead: without VNNI it takes an exact path.
        const bool fast = !vnni && !rt_ && mp::count_unsafe_pairs(p.b.data(), batch, d_.k, d_.n) == 0;
        // M = 1 with a few unsafe pairs: the fast path on made-safe B plus corrections.
        std::vector<int8_t> safe_b;
        std::vector<uint8_t> fix_ents;  // make_fix fills them, inline_fix places them behind the packed blocks
        if (!vnni && !fast && !rt_ && d_.m == 1 && batch == 1 && p.a_grid_w == 0)
            fix_ = make_fix(p.b.data(), simd_w, safe_b, fix_ents);
        const mj::Path path = vnni || fast || fix_ ? (vnni ? mj::Path::vnni : mj::Path::fast)
                              : d_.m == 1          ? mj::Path::exact_bytes
                                                   : mj::Path::exact;
        const bool exact = path == mj::Path::exact || path == mj::Path::exact_bytes;
        if (p.a_grid_w > 0 && (path != mj::Path::exact || rt_))
            throw UnsupportedError("a gathered A (strided rows) needs the exact s16 path: non-VNNI, unsafe B pairs, M > 1");
        grid_w_ = p.a_grid_w;
        grid_h_ = p.a_grid_h;
        gx_ = p.a_x_stride;
        gy_ = p.a_y_stride;
        gimg_ = p.a_img_stride;

        const Blocking bl = blocking(isa, path, d_.m, d_.n);
        mr_ = bl.rows;
        const int64_t n_vecs = (d_.n + simd_w - 1) / simd_w;
        const int vecs = int(std::min<int64_t>(bl.vecs, n_vecs));
        nb_ = int64_t(vecs) * simd_w;
        s16_ = path == mj::Path::exact;
        k_groups_ = (d_.k + 3) / 4;
        shift_ = int64_t(p.a_zero_point) + (a_t_ == ir::ElemType::s8 ? 128 : 0);
        if (rt_) {
            packed_ = mp::packed_layout(d_.k, d_.n, nb_, s16_ ? 2 : 1);  // one block is packed per call
        } else {
            packed_ = s16_ ? mp::pack_s16(p.b.data(), batch, d_.k, d_.n, nb_)
                           : mp::pack_u8s8(fix_ ? safe_b.data() : p.b.data(), batch, d_.k, d_.n, nb_);
            // The compensation of the whole B: the corrections add a·(B - safe B).
            if (shift_ != 0) comp_ = mp::compensation(p.b.data(), batch, d_.k, d_.n, nb_, shift_);
            if (fix_) inline_fix(simd_w, fix_ents);
        }
        n_pad_ = packed_.n_blocks * nb_;
        m_blocks_ = (d_.m + mr_ - 1) / mr_;
        // s8 A with row tiles over 3 or more column blocks: moved to u8 once per row
        // block into a buffer (run()), not by an xor on every broadcast of every column
        // block (one more vector op per row and group, on the ports vpdpbusd needs).
        // With 1-2 blocks (attention's context and scores) the copy costs what it saves.
        u8_a_ = !s16_ && mr_ > 1 && a_t_ == ir::ElemType::s8 && packed_.n_blocks >= 3;
        // Constant B with row tiles: the row tiles of a column block share the L2
        // prefetch of the next block (whole lines each K-loop step, 8 at most).
        const int64_t steps = d_.k / 16;
        if (!rt_ && mr_ > 1 && m_blocks_ > 1 && steps > 0) {
            const int64_t per_tile = (packed_.block_bytes + m_blocks_ - 1) / m_blocks_;
            const int64_t step = (per_tile + steps * 64 - 1) / (steps * 64) * 64;
            if (step <= 8 * 64) {
                pf_step_ = step;
                pf_span_ = step * steps;
            }
        }

        const std::string variant = exact ? "_exact" : fix_ ? "_fixup" : "";
        exec_type_ = std::string("jit_") + jit::exec_isa_tag(isa) + variant + "_I8";
        const std::string types = std::string(ir::to_string(a_t_)) + "s8" + ir::to_string(e_.dst_type);
        name_ = std::string(rt_ ? "matmul_rt_" : "matmul_") + jit::exec_isa_tag(isa) + variant + "_" + types +
                "_" + std::to_string(mr_) + "x" + std::to_string(nb_) + "_" + to_string(d_);

        const int64_t row_tail = d_.m % mr_, col_tail = d_.n % nb_;
        for (int ri = 0; ri < 2; ++ri)
            for (int ci = 0; ci < 2; ++ci) {
                const int rows = ri ? int(row_tail) : mr_;
                const int64_t cols = ci ? col_tail : nb_;
                if (rows == 0 || cols == 0 || (ri == 0 && d_.m < mr_) || (ci == 0 && d_.n < nb_)) continue;
                mj::TileConfig c;
                c.isa = isa;
                c.path = path;
                c.k = d_.k;
                c.a_stride = s16_ ? k_groups_ * 8 : 0;
                c.n = d_.n;
                c.rows = rows;
                c.vecs = int((cols + simd_w - 1) / simd_w);
                c.last_lanes = int(cols - int64_t(c.vecs - 1) * simd_w);
                c.group_bytes = packed_.group_bytes;
                c.a_signed = !s16_ && !u8_a_ && a_t_ == ir::ElemType::s8;
                c.pf_step_bytes = pf_step_;
                c.has_comp = shift_ != 0;
                c.fix = fix_;
                c.epilogue = e_;
                c.name = std::string(rt_ ? "matmul_rt_" : "matmul_") + jit::exec_isa_tag(isa) + variant + "_" +
                         types + "_" + std::to_string(rows) + "x" + std::to_string(cols) + "_k" +
                         std::to_string(d_.k) + "_n" + std::to_string(d_.n);
                auto g = mj::make_tile_generator(c);
                g->create();
                fn_[ri][ci] = g->function<mj::TileFn>();
                gens_.push_back(std::move(g));
            }
        params_ = jit::PostOpParams{data_or_null(e_.scale), data_or_null(e_.bias), data_or_null(e_.out_scale),
                                    data_or_null(e_.out_shift)};
        const ir::PostOp* sum = e_.sum_op();
        res_size_ = sum ? ir::elem_size(sum->sum_type) : 0;
        dst_size_ = ir::elem_size(e_.dst_type);
    }

    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return d_.batch() * packed_.n_blocks * m_blocks_; }

    void run(const MatmulArgs& args, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(isa_))
            throw UnsupportedError(name_ + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        check_work_range(name_, begin, end, work_units());
        if (begin == end) return;
        if (!args.a || !args.dst) throw ArgumentError(name_ + ": null A or dst");
        if (res_size_ && !args.residual) throw ArgumentError(name_ + ": the sum post-op needs a residual tensor");
        if (rt_ && !args.b) throw ArgumentError(name_ + ": the run-time B is null");
        const auto* a = static_cast<const uint8_t*>(args.a);
        const auto* res = static_cast<const uint8_t*>(args.residual);
        auto* dst = static_cast<uint8_t*>(args.dst);
        const auto* comp = reinterpret_cast<const int32_t*>(comp_.data());
        const int64_t per_batch = packed_.n_blocks * m_blocks_;
        // A run-time B: this call packs each column block it meets (rows are the
        // innermost units, so a range packs a block once) into its own buffers.
        AlignedBuffer block, block_comp;
        int64_t packed_unit = -1;
        // The exact path's split A (generator header), or s8 A moved to u8: each row
        // block is prepared once per call, or once per loop (MatmulArgs::job), into
        // a buffer this thread keeps.
        // The M = 1 fixup's A pairs as u16 words: once per loop likewise.
        struct Prepared {
            JobKey key;
            std::vector<char> done;   // per (batch, row block)
            std::vector<uint8_t> a;
            std::vector<uint32_t> words;
        };
        thread_local Prepared pa;
        const bool prep = s16_ || u8_a_;
        const int64_t prep_row = s16_ ? k_groups_ * 8 : d_.k;
        if (prep) {
            const size_t bytes = size_t(d_.batch() * d_.m * prep_row);
            if (pa.key.renew(this, args.job, args.a)) pa.done.assign(size_t(d_.batch() * m_blocks_), 0);
            if (pa.a.size() < bytes) pa.a.resize(bytes);
        } else if (fix_ && pa.key.renew(this, args.job, args.a)) {
            // A's pairs (M = 1, batch 1: K/2 words), s8 moved to u8 as the tile's broadcasts are.
            const int64_t pairs = (d_.k + 1) / 2;
            if (int64_t(pa.words.size()) < pairs) pa.words.resize(size_t(pairs));
            const uint8_t x = a_t_ == ir::ElemType::s8 ? 0x80 : 0;
            for (int64_t j = 0; j < d_.k / 2; ++j)
                pa.words[size_t(j)] = uint32_t(uint8_t(a[2 * j] ^ x)) | uint32_t(uint8_t(a[2 * j + 1] ^ x)) << 16;
            if (d_.k % 2) pa.words[size_t(pairs - 1)] = uint8_t(a[d_.k - 1] ^ x);
        }
        std::vector<uint8_t>& prep_a = pa.a;
        std::vector<char>& prep_done = pa.done;
        const int64_t packed_bytes = d_.batch() * packed_.batch_bytes;
        if (rt_) {
            block = AlignedBuffer(size_t(packed_.block_bytes));
            if (shift_ != 0) block_comp = AlignedBuffer(size_t(nb_) * sizeof(int32_t));
        }
        mj::TileArgs t{};
        t.params = params_;
        if (fix_) t.a_words = pa.words.data();
        for (int64_t u = begin; u < end; ++u) {
            const int64_t bi = u / per_batch, rem = u % per_batch;
            const int64_t nbk = rem / m_blocks_, mbk = rem % m_blocks_;
            const int64_t m0 = mbk * mr_, n0 = nbk * nb_;
            const int ri = m0 + mr_ > d_.m ? 1 : 0, ci = n0 + nb_ > d_.n ? 1 : 0;
            const int64_t row = bi * d_.m + m0;
            if (prep) {
                char& done = prep_done[size_t(bi * m_blocks_ + mbk)];
                const int64_t rows = std::min<int64_t>(mr_, d_.m - m0);
                if (!done && s16_) split_rows(a, row, rows, reinterpret_cast<uint16_t*>(prep_a.data()));
                if (!done && u8_a_) flip_sign(a + row * d_.k, prep_a.data() + row * d_.k, rows * d_.k);
                done = 1;
                t.a = prep_a.data() + row * prep_row;
            } else {
                t.a = a + row * d_.k;
            }
            if (rt_) {
                if (packed_unit != u / m_blocks_) {
                    packed_unit = u / m_blocks_;
                    pack_block(args.b + bi * d_.k * d_.n, n0, block, block_comp);
                }
                t.b = block.data();
                t.comp = shift_ != 0 ? reinterpret_cast<const int32_t*>(block_comp.data()) : nullptr;
            } else {
                t.b = fix_ ? packed_.data.data() + fix_blk_[size_t(nbk)]  // batch 1
                           : packed_.data.data() + bi * packed_.batch_bytes + nbk * packed_.block_bytes;
                t.comp = comp ? comp + bi * n_pad_ + n0 : nullptr;
                // This tile's share of the next block (the next batch's first after
                // the last); past the end, the current block again (already cached).
                const int64_t next = (bi * packed_.n_blocks + nbk + 1) * packed_.block_bytes + mbk * pf_span_;
                t.b_next = pf_step_ && next + pf_span_ <= packed_bytes ? packed_.data.data() + next : t.b;
            }
            t.residual = res ? res + size_t(row * d_.n + n0) * res_size_ : nullptr;
            t.dst = dst + size_t(row * d_.n + n0) * dst_size_;
            t.n0 = n0;
            if (fix_) {
                t.fix_col = fix_col_.data() + n0 / jit::isa_simd_width(isa_);
                t.fix_ent = t.b + packed_.block_bytes;
            }
            fn_[ri][ci](&t);
        }
    }

private:
    // M = 1 fixup: B made safe pair by pair (u8s8_make_pair_safe) into safe_b and
    // the corrections as per-vector entries, one per (K pair, vector of simd_w
    // columns) with a non-zero delta: fix_col_ and ents (see fix_entry_bytes).
    // False (nothing kept) when the entries exceed kFixMaxDensity of those units:
    // each costs ~6 ops and its bytes streamed, against 1.5 ops a unit for the fast
    // chain and 3 for exact_bytes.
    bool make_fix(const int8_t* b, int simd_w, std::vector<int8_t>& safe_b, std::vector<uint8_t>& ents) {
        constexpr double kFixMaxDensity = 0.15;
        const int64_t k = d_.k, n = d_.n, pairs = k / 2;  // an odd K's last row pairs with zero padding: safe
        const int64_t vecs = (n + simd_w - 1) / simd_w;
        safe_b.assign(b, b + k * n);
        std::vector<int8_t> delta(size_t(k * n), 0);
        for (int64_t j = 0; j < pairs; ++j)
            for (int64_t c = 0; c < n; ++c) {
                const size_t i0 = size_t(2 * j * n + c), i1 = i0 + size_t(n);
                u8s8_make_pair_safe(safe_b[i0], safe_b[i1], delta[i0], delta[i1]);
            }
        const size_t esz = size_t(mj::fix_entry_bytes(simd_w));
        std::vector<int64_t> col(size_t(vecs + 1), 0);
        ents.clear();
        int64_t count = 0;
        for (int64_t v = 0; v < vecs; ++v) {
            col[size_t(v)] = count;
            for (int64_t j = 0; j < pairs; ++j) {
                bool any = false;
                for (int64_t c = v * simd_w; c < std::min(n, (v + 1) * simd_w) && !any; ++c)
                    any = delta[size_t(2 * j * n + c)] != 0 || delta[size_t((2 * j + 1) * n + c)] != 0;
                if (!any) continue;
                ents.resize(ents.size() + esz, 0);
                uint8_t* e = ents.data() + ents.size() - esz;
                const int32_t off = int32_t(4 * j);
                std::memcpy(e, &off, 4);
                for (int l = 0; l < simd_w && v * simd_w + l < n; ++l) {
                    const int64_t c = v * simd_w + l;
                    e[4 + 2 * l] = uint8_t(delta[size_t(2 * j * n + c)]);
                    e[5 + 2 * l] = uint8_t(delta[size_t((2 * j + 1) * n + c)]);
                }
                ++count;
            }
            if (double(count) > kFixMaxDensity * double(vecs * std::max<int64_t>(pairs, 1))) return false;
        }
        col[size_t(vecs)] = count;
        // Vectors past N (the padded last block) have none.
        col.resize(size_t(n_pad_vectors(simd_w) + 1), col.back());
        fix_col_ = std::move(col);
        return true;
    }
    // An entry (mj::fix_entry_bytes): the int32 byte offset of its pair in the A
    // words, then simd_w (d0, d1) s8 pairs (one of each two is 0:
    // u8s8_make_pair_safe), widened to s16 by the tile (vpmovsxbw) -- half the
    // bytes of s16 deltas.

    // Each column block's entries right behind its packed B, blocks 64-aligned:
    // the tile reads the corrections where its B stream ends. Inside a network B
    // comes from DRAM; a separate correction array (its own stream, read after
    // the K loop) cost ~3x its bytes' share there, measured with bench_matmul --cold.
    void inline_fix(int simd_w, const std::vector<uint8_t>& ents) {
        const int64_t vpb = nb_ / simd_w, nblk = packed_.n_blocks;
        const size_t esz = size_t(mj::fix_entry_bytes(simd_w));
        fix_blk_.assign(size_t(nblk + 1), 0);
        for (int64_t i = 0; i < nblk; ++i) {
            const int64_t ents = fix_col_[size_t((i + 1) * vpb)] - fix_col_[size_t(i * vpb)];
            fix_blk_[size_t(i + 1)] = (fix_blk_[size_t(i)] + packed_.block_bytes + ents * int64_t(esz) + 63) / 64 * 64;
        }
        mp::AlignedBuffer all(size_t(fix_blk_.back()));
        std::memset(all.data(), 0, all.size());
        for (int64_t i = 0; i < nblk; ++i) {
            uint8_t* dst = all.data() + fix_blk_[size_t(i)];
            std::memcpy(dst, packed_.data.data() + i * packed_.block_bytes, size_t(packed_.block_bytes));
            const int64_t e0 = fix_col_[size_t(i * vpb)], e1 = fix_col_[size_t((i + 1) * vpb)];
            if (e1 > e0)
                std::memcpy(dst + packed_.block_bytes, ents.data() + size_t(e0) * esz, size_t(e1 - e0) * esz);
        }
        packed_.data = std::move(all);
    }
    int64_t n_pad_vectors(int simd_w) const {
        const int64_t n_vecs = (d_.n + simd_w - 1) / simd_w, per_block = std::min<int64_t>(blocking(isa_, mj::Path::fast, 1, d_.n).vecs, n_vecs);
        return (n_vecs + per_block - 1) / per_block * per_block;
    }

    // Rows [row0, row0 + rows) of A as (a0, a2, a1, a3) s16 words per group of 4 k,
    // zero past K, s8 moved to u8 (xor 0x80; the compensation undoes the +128).
    void split_rows(const uint8_t* a, int64_t row0, int64_t rows, uint16_t* out) const {
        const uint8_t x = a_t_ == ir::ElemType::s8 ? 0x80 : 0;
        const int64_t full = d_.k / 4;
        for (int64_t r = row0; r < row0 + rows; ++r) {
            const uint8_t* s = grid_w_ ? a + (r / grid_w_ / grid_h_) * gimg_ + (r / grid_w_ % grid_h_) * gy_ +
                                             (r % grid_w_) * gx_
                                       : a + r * d_.k;
            uint16_t* o = out + r * k_groups_ * 4;
            int64_t g = 0;
            // 4 groups at a time (SSE2, any x86-64): widen to words, then (0,2,1,3) in each half-quad.
            // Scalar, this split cost up to a fifth of a 1x1 conv's time (K = 64).
            const __m128i vx = _mm_set1_epi8(char(x)), zero = _mm_setzero_si128();
            for (; g + 4 <= full; g += 4) {
                const __m128i v = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 4 * g)), vx);
                __m128i lo = _mm_unpacklo_epi8(v, zero), hi = _mm_unpackhi_epi8(v, zero);
                lo = _mm_shufflehi_epi16(_mm_shufflelo_epi16(lo, 0xD8), 0xD8);
                hi = _mm_shufflehi_epi16(_mm_shufflelo_epi16(hi, 0xD8), 0xD8);
                _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 4 * g), lo);
                _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 4 * g + 8), hi);
            }
            for (; g < full; ++g) {
                o[4 * g + 0] = uint8_t(s[4 * g + 0] ^ x);
                o[4 * g + 1] = uint8_t(s[4 * g + 2] ^ x);
                o[4 * g + 2] = uint8_t(s[4 * g + 1] ^ x);
                o[4 * g + 3] = uint8_t(s[4 * g + 3] ^ x);
            }
            if (full < k_groups_) {
                uint16_t v[4] = {0, 0, 0, 0};
                for (int64_t kk = 4 * full; kk < d_.k; ++kk) v[kk - 4 * full] = uint8_t(s[kk] ^ x);
                const int order[4] = {0, 2, 1, 3};
                for (int j = 0; j < 4; ++j) o[4 * full + j] = v[order[j]];
            }
        }
    }

    void pack_block(const int8_t* b, int64_t n0, AlignedBuffer& block, AlignedBuffer& block_comp) const {
        if (s16_)
            mp::pack_block_s16(b, d_.k, d_.n, b_transposed_, n0, nb_, reinterpret_cast<int16_t*>(block.data()));
        else
            mp::pack_block_u8s8(b, d_.k, d_.n, b_transposed_, n0, nb_, reinterpret_cast<int8_t*>(block.data()));
        if (shift_ != 0)
            mp::block_compensation(b, d_.k, d_.n, b_transposed_, n0, nb_, shift_,
                                   reinterpret_cast<int32_t*>(block_comp.data()));
    }

    MatmulDesc d_;
    ir::ElemType a_t_;
    ir::Epilogue e_;
    Isa isa_;
    bool rt_ = false, b_transposed_ = false, s16_ = false;
    int64_t shift_ = 0;
    int64_t grid_w_ = 0, grid_h_ = 0, gx_ = 0, gy_ = 0, gimg_ = 0;  // MatmulProblem::a_grid_*
    int mr_ = 1;
    int64_t nb_ = 0, n_pad_ = 0, m_blocks_ = 0, k_groups_ = 0;
    bool u8_a_ = false;              // s8 A moved to u8 by run() (c.a_signed off)
    int64_t pf_step_ = 0, pf_span_ = 0;  // prefetch bytes per K step / per row tile
    mp::PackedB packed_;
    mp::AlignedBuffer comp_;
    bool fix_ = false;                   // M = 1 fixup (make_fix)
    std::vector<int64_t> fix_col_;       // per vector of columns (padded blocks): its first entry
    std::vector<int64_t> fix_blk_;       // per column block: its offset in packed_.data (inline_fix)
    std::vector<std::unique_ptr<jit::Generator>> gens_;
    mj::TileFn* fn_[2][2] = {{nullptr, nullptr}, {nullptr, nullptr}};
    jit::PostOpParams params_;
    size_t res_size_ = 0, dst_size_ = 0;
    std::string exec_type_, name_;
};

}  // namespace

std::unique_ptr<MatmulKernel> make_matmul_jit_kernel(const MatmulProblem& p, Isa isa, std::string& why) {
    const MatmulDesc& d = p.desc;
    if (p.a_type != ir::ElemType::u8 && p.a_type != ir::ElemType::s8) {
        why = std::string("A is ") + ir::to_string(p.a_type) + ", not u8/s8";
        return nullptr;
    }
    const ir::ElemType dt = p.epilogue.dst_type;
    if (dt != ir::ElemType::u8 && dt != ir::ElemType::s8 && dt != ir::ElemType::s32 && dt != ir::ElemType::f32) {
        why = std::string("dst type ") + ir::to_string(dt) + " is not u8/s8/s32/f32";
        return nullptr;
    }
    if (!p.b_runtime && int64_t(p.b.size()) != d.b_elems()) {
        why = "B has " + std::to_string(p.b.size()) + " values, the descriptor " + std::to_string(d.b_elems());
        return nullptr;
    }
    if (!ref::row_fits_s32(p.a_type, p.a_zero_point, d.k)) {
        why = "K = " + std::to_string(d.k) + " with zero point " + std::to_string(p.a_zero_point) +
              " may leave s32 (the reference checks each accumulator)";
        return nullptr;
    }
    if (d.n > (int64_t(1) << 30) || d.k > (int64_t(1) << 28)) {
        why = "K or N beyond the generated addressing";
        return nullptr;
    }
    if (isa == Isa::amx) isa = Isa::avx512_core_vnni;
    try {
        return std::make_unique<JitMatmulKernel>(p, isa);
    } catch (const UnsupportedError& e) {
        why = e.what();
    } catch (const ArgumentError& e) {
        why = e.what();
    }
    return nullptr;
}

}  // namespace octet::kernels
