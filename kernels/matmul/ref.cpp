#include "kernels/matmul/ref.hpp"

#include <algorithm>

#include "ir/error.hpp"
#include "kernels/common/ref_acc.hpp"
#include "kernels/common/ref_io.hpp"

namespace octet::kernels::ref {
namespace {

// Columns are processed in blocks of this many accumulators (on the stack, no
// allocation), walking B row by row so that the inner loop is contiguous.
constexpr int64_t kColBlock = 256;

template <class Acc, class Src, class Visit>
void for_each_acc(const MatmulDesc& d, const Src* a, int32_t a_zp, const int8_t* b, const std::string& where,
                  Visit&& visit) {
    Acc acc[kColBlock];
    for (int64_t bi = 0; bi < d.batch(); ++bi)
        for (int64_t m = 0; m < d.m; ++m) {
            const Src* arow = a + (bi * d.m + m) * d.k;
            for (int64_t n0 = 0; n0 < d.n; n0 += kColBlock) {
                const int64_t nb = std::min(kColBlock, d.n - n0);
                std::fill(acc, acc + nb, Acc(0));
                for (int64_t k = 0; k < d.k; ++k) {
                    const Acc x = Acc(arow[k]) - Acc(a_zp);
                    const int8_t* brow = b + (bi * d.k + k) * d.n + n0;
                    for (int64_t j = 0; j < nb; ++j) acc[j] += x * Acc(brow[j]);
                }
                for (int64_t j = 0; j < nb; ++j) {
                    const int64_t v = acc[j];
                    if (!fits_s32(v))
                        throw_acc_overflow(v, where,
                                           "output (batch " + std::to_string(bi) + ", m " + std::to_string(m) +
                                               ", n " + std::to_string(n0 + j) + ")");
                    visit((bi * d.m + m) * d.n + n0 + j, int(n0 + j), int32_t(v));
                }
            }
        }
}

template <class Src, class Visit>
void dispatch_acc(const MatmulDesc& d, ir::ElemType a_t, const Src* a, int32_t a_zp, const int8_t* b,
                  const std::string& where, Visit&& visit) {
    if (row_fits_s32(a_t, a_zp, d.k))
        for_each_acc<int32_t>(d, a, a_zp, b, where, visit);
    else
        for_each_acc<int64_t>(d, a, a_zp, b, where, visit);
}

template <class Visit>
void run(const MatmulDesc& d, ir::ElemType a_t, const void* a, int32_t a_zp, const int8_t* b,
         const std::string& where, Visit&& visit) {
    check_int8_src(a_t, where);
    if (!a || !b) throw ArgumentError(where + ": null A or B pointer");
    check_acc_range(a_t, a_zp, d.k, where);
    if (a_t == ir::ElemType::u8)
        dispatch_acc(d, a_t, static_cast<const uint8_t*>(a), a_zp, b, where, visit);
    else
        dispatch_acc(d, a_t, static_cast<const int8_t*>(a), a_zp, b, where, visit);
}

}  // namespace

void matmul_int8_acc(const MatmulDesc& d, ir::ElemType a_t, const void* a, int32_t a_zp, const int8_t* b,
                     int32_t* acc) {
    const std::string where = "matmul_int8_acc " + to_string(d);
    if (!acc) throw ArgumentError(where + ": null accumulator pointer");
    run(d, a_t, a, a_zp, b, where, [&](int64_t i, int, int32_t v) { acc[i] = v; });
}

void matmul_int8(const MatmulDesc& d, ir::ElemType a_t, const void* a, int32_t a_zp, const int8_t* b,
                 const ir::Epilogue& e, const void* residual, void* dst) {
    const std::string where = "matmul_int8 " + to_string(d);
    if (!dst) throw ArgumentError(where + ": null destination pointer");
    check_epilogue(e, d.n, residual, where);
    run(d, a_t, a, a_zp, b, where, [&](int64_t i, int n, int32_t v) { finish(e, v, n, residual, dst, i); });
}

}  // namespace octet::kernels::ref
