#include "kernels/matmul/amx_matmul_generator.hpp"

#include <cstddef>

#include "ir/error.hpp"
#include "jit/postops.hpp"

namespace octet::kernels::matmul_amx {

using namespace Xbyak;
using jit::Isa;

namespace {

class AmxMatmulBlock : public jit::Generator {
public:
    explicit AmxMatmulBlock(const BlockConfig& c)
        : Generator(Isa::amx), c_(c),
          post_(*this, c.epilogue, int(c.n), jit::PostOpRegs{reg_params, rax, 14, 15, 1}) {
        if (c.rows < 1 || c.rows > kBlockRows || c.cols < 1 || c.cols > kBlockCols || c.k_chunks < 1 || c.n < 1)
            throw ArgumentError("amx matmul block " + c.name + ": bad block geometry");
        // Disp32 offsets of a block's rows in dst/residual.
        if (c.n * 8 * kBlockRows >= (int64_t(1) << 31))
            throw UnsupportedError("amx matmul block " + c.name + ": rows too long");
    }
    std::string name() const override { return c_.name; }

private:
    const Reg64 reg_args = rdi;
    const Reg64 reg_a = r8, reg_a16 = r9, reg_lda = r10, reg_b = r11, reg_s128 = r12, reg_n0 = r13;
    const Reg64 reg_params = r14, reg_cnt = r15, reg_res = rbx, reg_dst = rdx, reg_scratch = rcx, reg_blocks = rsi;

    int row_tiles() const { return c_.rows > 16 ? 2 : 1; }
    int col_tiles() const { return c_.cols > 16 ? 2 : 1; }

    void tile_multiply(const Tmm& c, const Tmm& a, const Tmm& b) {
        if (c_.a_signed) tdpbssd(c, a, b);
        else tdpbusd(c, a, b);
    }

    void generate() override {
        Label cfg, l_block, l_k, l_row;
        const int rt = row_tiles(), ct = col_tiles();
        const size_t res_size = post_.residual_elem_size(), dst_size = post_.dst_elem_size();
        const int vecs = (c_.cols + 15) / 16;

        preamble();
        ldtilecfg(ptr[rip + cfg]);
        mov(reg_lda, ptr[reg_args + offsetof(BlockArgs, lda)]);
        mov(reg_a, ptr[reg_args + offsetof(BlockArgs, a)]);
        mov(reg_res, ptr[reg_args + offsetof(BlockArgs, residual)]);
        mov(reg_dst, ptr[reg_args + offsetof(BlockArgs, dst)]);
        mov(reg_n0, ptr[reg_args + offsetof(BlockArgs, n0)]);
        lea(reg_params, ptr[reg_args + offsetof(BlockArgs, params)]);
        mov(reg_blocks, ptr[reg_args + offsetof(BlockArgs, m_blocks)]);
        mov(reg_s128, kBlockCols * 4);

        L(l_block);
        for (int i = 0; i < rt; ++i)
            for (int j = 0; j < ct; ++j) tilezero(Tmm(i * 2 + j));
        mov(reg_b, ptr[reg_args + offsetof(BlockArgs, b)]);
        mov(reg_a16, reg_lda);
        shl(reg_a16, 4);
        add(reg_a16, reg_a);
        mov(reg_cnt, c_.k_chunks);
        L(l_k);
        {
            tileloadd(tmm4, ptr[reg_a + reg_lda]);
            if (rt == 2) tileloadd(tmm5, ptr[reg_a16 + reg_lda]);
            tileloadd(tmm6, ptr[reg_b + reg_s128]);
            if (ct == 2) tileloadd(tmm7, ptr[reg_b + reg_s128 + 64]);
            tile_multiply(tmm0, tmm4, tmm6);
            if (ct == 2) tile_multiply(tmm1, tmm4, tmm7);
            if (rt == 2) tile_multiply(tmm2, tmm5, tmm6);
            if (rt == 2 && ct == 2) tile_multiply(tmm3, tmm5, tmm7);
            add(reg_a, kChunk);
            add(reg_a16, kChunk);
            add(reg_b, 16 * kBlockCols * 4);
            dec(reg_cnt);
            jnz(l_k, T_NEAR);
        }
        // s32 block → scratch [32 rows][32 columns].
        mov(reg_scratch, ptr[reg_args + offsetof(BlockArgs, scratch)]);
        for (int i = 0; i < rt; ++i)
            for (int j = 0; j < ct; ++j)
                tilestored(ptr[reg_scratch + reg_s128 + (i * 16 * kBlockCols * 4 + j * 64)], Tmm(i * 2 + j));

        // The epilogue, row by row; reg_b now holds the compensation.
        if (c_.has_comp) mov(reg_b, ptr[reg_args + offsetof(BlockArgs, comp)]);
        mov(reg_cnt, c_.rows);
        L(l_row);
        for (int v = 0; v < vecs; ++v) {
            const int lanes = v + 1 < vecs ? 16 : c_.cols - 16 * v;
            vmovdqu32(zmm0, ptr[reg_scratch + v * 64]);
            if (c_.has_comp) vpaddd(zmm0, zmm0, ptr[reg_b + v * 64]);
            post_.apply(zmm0, jit::Channel::at(reg_n0, 16 * v), lanes, reg_res + int(16 * v * res_size),
                        reg_dst + int(16 * v * dst_size));
        }
        add(reg_scratch, kBlockCols * 4);
        if (res_size) add(reg_res, int(c_.n * int64_t(res_size)));
        add(reg_dst, int(c_.n * int64_t(dst_size)));
        dec(reg_cnt);
        jnz(l_row, T_NEAR);

        // Next block: A moves 32 rows down from where it started (the K loop advanced it by
        // k_chunks·64); dst and residual already moved `rows` rows (= 32 for full blocks).
        mov(rax, reg_lda);
        shl(rax, 5);
        add(reg_a, rax);
        mov(rax, c_.k_chunks * kChunk);
        sub(reg_a, rax);
        dec(reg_blocks);
        jnz(l_block, T_NEAR);

        tilerelease();
        postamble();
        post_.emit_data();

        // Palette 1: tiles 0-7 all 16 rows × 64 bytes.
        align(64);
        L(cfg);
        db(1);  // palette
        db(0);  // start row
        for (int i = 0; i < 14; ++i) db(0);
        for (int t = 0; t < 16; ++t) dw(t < 8 ? 64 : 0);   // colsb
        for (int t = 0; t < 16; ++t) db(t < 8 ? 16 : 0);   // rows
    }

    BlockConfig c_;
    jit::PostOpEmitter<Isa::amx> post_;
};

}  // namespace

std::unique_ptr<jit::Generator> make_block_generator(const BlockConfig& c) {
    return std::make_unique<AmxMatmulBlock>(c);
}

BlockSet::BlockSet(int64_t m, int64_t n, int64_t k, int64_t k_padded, bool a_signed, bool has_comp,
                   const ir::Epilogue& e, const std::string& prefix, const std::string& n_tag) {
    const int64_t row_tail = m % kBlockRows, col_tail = n % kBlockCols;
    for (int ri = 0; ri < 2; ++ri)
        for (int ci = 0; ci < 2; ++ci) {
            const int rows = ri ? int(row_tail) : kBlockRows;
            const int cols = ci ? int(col_tail) : kBlockCols;
            if (rows == 0 || cols == 0 || (ri == 0 && m < kBlockRows) || (ci == 0 && n < kBlockCols)) continue;
            BlockConfig c;
            c.k_chunks = k_padded / kChunk;
            c.n = n;
            c.rows = rows;
            c.cols = cols;
            c.a_signed = a_signed;
            c.has_comp = has_comp;
            c.epilogue = e;
            c.name = prefix + "_" + std::to_string(rows) + "x" + std::to_string(cols) + "_k" + std::to_string(k) +
                     "_" + n_tag + std::to_string(n);
            auto g = make_block_generator(c);
            g->create();
            fn_[ri][ci] = g->function<BlockFn>();
            gens_.push_back(std::move(g));
        }
}

jit::PostOpParams post_op_params(const ir::Epilogue& e) {
    auto data = [](const std::vector<float>& v) { return v.empty() ? nullptr : v.data(); };
    return jit::PostOpParams{data(e.scale), data(e.bias), data(e.out_scale), data(e.out_shift)};
}

std::string decline_types(ir::ElemType a, ir::ElemType dt) {
    if (a != ir::ElemType::u8 && a != ir::ElemType::s8) return std::string("source is ") + ir::to_string(a) + ", not u8/s8";
    if (dt != ir::ElemType::u8 && dt != ir::ElemType::s8 && dt != ir::ElemType::s32 && dt != ir::ElemType::f32)
        return std::string("dst type ") + ir::to_string(dt) + " is not u8/s8/s32/f32";
    return "";
}

}  // namespace octet::kernels::matmul_amx
