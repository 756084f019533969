// f32 MatMul with numpy semantics: rank-1 operands are promoted (A [K] ->
// [1,K], B [K] -> [K,1]) and the added dim dropped from the result; batch dims
// broadcast. transpose_a/b swap the last two dims (ignored for rank 1, as in
// OpenVINO). The loop order is i-k-j so the innermost loop is contiguous
// and vectorizes.
#include <algorithm>

#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

Tensors matmul(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 2);
    expect_type(n, in, 0, ir::ElemType::f32);
    expect_type(n, in, 1, ir::ElemType::f32);
    ir::Shape as = in[0].shape(), bs = in[1].shape();
    if (as.empty() || bs.empty()) fail(n, "operands must have rank >= 1");
    const bool a1 = as.size() == 1, b1 = bs.size() == 1;
    const bool ta = n.attrs.get_bool("transpose_a", false) && !a1;
    const bool tb = n.attrs.get_bool("transpose_b", false) && !b1;
    if (a1) as = {1, as[0]};
    if (b1) bs = {bs[0], 1};
    const size_t ra = as.size(), rb = bs.size();
    const int64_t M = ta ? as[ra - 1] : as[ra - 2], K = ta ? as[ra - 2] : as[ra - 1];
    const int64_t KB = tb ? bs[rb - 1] : bs[rb - 2], N = tb ? bs[rb - 2] : bs[rb - 1];
    if (K != KB) fail(n, "inner dims differ: A " + ir::to_string(in[0].shape()) + ", B " + ir::to_string(in[1].shape()));

    const ir::Shape a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
    const size_t rank = std::max(a_batch.size(), b_batch.size());
    ir::Shape batch(rank);
    for (size_t i = 0; i < rank; ++i) {
        const int64_t da = i + a_batch.size() < rank ? 1 : a_batch[i + a_batch.size() - rank];
        const int64_t db = i + b_batch.size() < rank ? 1 : b_batch[i + b_batch.size() - rank];
        if (da != db && da != 1 && db != 1) fail(n, "batch dims do not broadcast");
        batch[i] = da == 1 ? db : da;
    }
    ir::Shape expect = batch;
    if (!a1) expect.push_back(M);
    if (!b1) expect.push_back(N);
    ir::Tensor y = make_output(n);
    if (y.shape() != expect || y.type() != ir::ElemType::f32)
        fail(n, "output is " + ir::to_string(y.shape()) + ", the operands give " + ir::to_string(expect));

    // Batch offsets (in matrices) of A and B for each output matrix.
    std::vector<int64_t> st[2] = {broadcast_strides(n, 0, a_batch, batch), broadcast_strides(n, 1, b_batch, batch)};
    std::vector<int64_t> a_off, b_off;
    if (rank == 0) {
        a_off = b_off = {0};
    } else {
        const int64_t sa = inner_stride(st[0]), sb = inner_stride(st[1]);
        for_each_broadcast_row(batch, st, [&](int64_t, const int64_t* off, int64_t len) {
            for (int64_t j = 0; j < len; ++j) {
                a_off.push_back(off[0] + j * sa);
                b_off.push_back(off[1] + j * sb);
            }
        });
    }
    const float* A = in[0].data<float>();
    const float* B = in[1].data<float>();
    float* C = y.data<float>();
    // Transposed operands are copied to [M,K] / [K,N] scratch so one i-k-j loop serves all.
    std::vector<float> at(ta ? size_t(M * K) : 0), bt(tb ? size_t(K * N) : 0);
    for (size_t bi = 0; bi < a_off.size(); ++bi) {
        const float* a = A + a_off[bi] * M * K;
        const float* b = B + b_off[bi] * K * N;
        float* c = C + int64_t(bi) * M * N;
        if (ta) {
            for (int64_t k = 0; k < K; ++k)
                for (int64_t i = 0; i < M; ++i) at[size_t(i * K + k)] = a[k * M + i];
            a = at.data();
        }
        if (tb) {
            for (int64_t j = 0; j < N; ++j)
                for (int64_t k = 0; k < K; ++k) bt[size_t(k * N + j)] = b[j * K + k];
            b = bt.data();
        }
        for (int64_t i = 0; i < M; ++i) {
            float* crow = c + i * N;
            for (int64_t k = 0; k < K; ++k) {
                const float av = a[i * K + k];
                const float* brow = b + k * N;
                for (int64_t j = 0; j < N; ++j) crow[j] += av * brow[j];
            }
        }
    }
    return {y};
}

}  // namespace octet::kernels::ref
