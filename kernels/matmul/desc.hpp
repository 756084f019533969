#pragma once
// A (batched) matrix multiplication problem: dst[b][M][N] = A[b][M][K] · B[b][K][N].
// Three spellings are accepted:
//   benchdnn matmul   "384x1024:1024x1024n\"name*N\"", batched "16x384x64:16x64x384",
//                     optionally with the dst dims as a third group "MxK:KxN:MxN"
//                     (batch dims of A and B must be equal: broadcasting is UnsupportedError)
//   short form        "mb1m128n768k768" (mb = batch count, default 1; for jitbench)
//   benchdnn ip       "mb2ic2048oc1000" via parse_ip_desc: M = mb (default 2),
//                     K = ic*ih*iw (ih/iw default 1, iw copies ih), N = oc
#include <cstdint>
#include <string>
#include <vector>

namespace octet::kernels {

struct MatmulDesc {
    std::vector<int64_t> batch_dims;  // leading dims shared by A, B and dst; empty for 2D
    int64_t m = 0, k = 0, n = 0;
    std::string name;                 // without the "*N" suffix
    int64_t repeat = 1;               // "*N": how many times the layer occurs

    int64_t batch() const;            // product of batch_dims (1 when empty)
    int64_t a_elems() const { return batch() * m * k; }
    int64_t b_elems() const { return batch() * k * n; }
    int64_t dst_elems() const { return batch() * m * n; }
    int64_t macs() const { return batch() * m * n * k; }

    bool operator==(const MatmulDesc& o) const;
    bool operator!=(const MatmulDesc& o) const { return !(*this == o); }
};

// Parses the benchdnn matmul form or the short form. Sizes must be positive and every
// tensor within ir::kMaxElements; errors are ArgumentError naming what is wrong.
MatmulDesc parse_matmul_desc(const std::string& text);

// Parses a benchdnn inner-product descriptor as the equivalent matmul. 3D (id) is
// UnsupportedError.
MatmulDesc parse_ip_desc(const std::string& text);

// Canonical benchdnn matmul form; parse_matmul_desc(to_string(d)) == d:
//   "16x384x64:16x64x384n\"name*N\""
std::string to_string(const MatmulDesc& d);

}  // namespace octet::kernels
