// The int8 matmul reference: hand-computed cases, batches, per-column epilogue,
// zero points, s8 A, the saturation corner.
#include <catch2/catch.hpp>

#include <vector>

#include "ir/epilogue.hpp"
#include "ir/error.hpp"
#include "kernels/matmul/desc.hpp"
#include "kernels/matmul/ref.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;

TEST_CASE("matmul ref: 2x3 by 3x2 by hand, zero point and s8 A", "[kernels][int8ref]") {
    MatmulDesc d = parse_matmul_desc("2x3:3x2");
    const std::vector<uint8_t> a = {1, 2, 3, 4, 5, 6};
    const std::vector<int8_t> b = {1, 0, 0, 1, 1, -1};  // rows k: [1,0] [0,1] [1,-1]
    std::vector<int32_t> acc(4);
    ref::matmul_int8_acc(d, ElemType::u8, a.data(), 0, b.data(), acc.data());
    CHECK(acc == std::vector<int32_t>{4, -1, 10, -1});
    // zp 1: A - 1 = [[0,1,2],[3,4,5]].
    ref::matmul_int8_acc(d, ElemType::u8, a.data(), 1, b.data(), acc.data());
    CHECK(acc == std::vector<int32_t>{2, -1, 8, -1});
    // s8 A with zp -2: [[-1,2,0],[1,-3,-2]] + 2 = [[1,4,2],[3,-1,0]].
    const std::vector<int8_t> s = {-1, 2, 0, 1, -3, -2};
    ref::matmul_int8_acc(d, ElemType::s8, s.data(), -2, b.data(), acc.data());
    CHECK(acc == std::vector<int32_t>{3, 2, 3, -1});
}

TEST_CASE("matmul ref: batches use their own A and B", "[kernels][int8ref]") {
    MatmulDesc d = parse_matmul_desc("2x1x2:2x2x1");
    const std::vector<uint8_t> a = {1, 2, 3, 4};    // batch 0: [1,2]; batch 1: [3,4]
    const std::vector<int8_t> b = {1, 1, 2, -1};    // batch 0: [1;1]; batch 1: [2;-1]
    std::vector<int32_t> acc(2);
    ref::matmul_int8_acc(d, ElemType::u8, a.data(), 0, b.data(), acc.data());
    CHECK(acc == std::vector<int32_t>{3, 2});
}

TEST_CASE("matmul ref: epilogue per output column, sum and every dst type", "[kernels][int8ref]") {
    // A = [[10]], B = [[1, -1, 3]]: acc = 10, -10, 30 in columns 0..2, two rows (A = [[10],[5]]).
    MatmulDesc d = parse_matmul_desc("2x1:1x3");
    const std::vector<uint8_t> a = {10, 5};
    const std::vector<int8_t> b = {1, -1, 3};
    ir::Epilogue e;
    e.scale = {0.25f, 1.f, 0.5f};  // row 0: 2.5, -10, 15; row 1: 1.25, -5, 7.5
    e.bias = {0.f, 0.f, 0.f};
    e.dst_type = ElemType::f32;
    std::vector<float> f(6);
    ref::matmul_int8(d, ElemType::u8, a.data(), 0, b.data(), e, nullptr, f.data());
    CHECK(f == std::vector<float>{2.5f, -10.f, 15.f, 1.25f, -5.f, 7.5f});
    e.dst_type = ElemType::s8;
    std::vector<int8_t> s8(6);
    ref::matmul_int8(d, ElemType::u8, a.data(), 0, b.data(), e, nullptr, s8.data());
    CHECK(s8 == std::vector<int8_t>{2, -10, 15, 1, -5, 8});
    e.dst_type = ElemType::u8;
    std::vector<uint8_t> u8(6);
    ref::matmul_int8(d, ElemType::u8, a.data(), 0, b.data(), e, nullptr, u8.data());
    CHECK(u8 == std::vector<uint8_t>{2, 0, 15, 1, 0, 8});

    // Sum with an s8 residual [batch][M][N], then clamp.
    const std::vector<int8_t> res = {1, 2, 3, -4, -5, -6};
    e.post_ops = {ir::PostOp::sum(ElemType::s8, 2.f), ir::PostOp::clamp(-12.f, 12.f)};
    e.dst_type = ElemType::s32;
    std::vector<int32_t> s32(6);
    ref::matmul_int8(d, ElemType::u8, a.data(), 0, b.data(), e, res.data(), s32.data());
    // row 0: 2.5+2 = 4.5 -> 4, -10+4 = -6, 15+6 -> 12; row 1: 1.25-8 = -6.75 -> -7, -5-10 = -15 -> -12, 7.5-12 = -4.5 -> -4
    CHECK(s32 == std::vector<int32_t>{4, -6, 12, -7, -12, -4});

    e.scale = {1.f, 1.f};  // two values for three columns
    CHECK_THROWS_WITH(ref::matmul_int8(d, ElemType::u8, a.data(), 0, b.data(), e, res.data(), s32.data()),
                      Catch::Contains("scale"));
}

TEST_CASE("matmul ref: saturation corner is exact; an accumulator outside s32 is refused", "[kernels][int8ref]") {
    MatmulDesc d = parse_matmul_desc("1x65793:65793x2");
    std::vector<uint8_t> a(size_t(d.k), 255);
    std::vector<int8_t> b(size_t(d.k * 2));
    for (int64_t k = 0; k < d.k; ++k) {
        b[size_t(2 * k)] = -128;
        b[size_t(2 * k + 1)] = 127;
    }
    std::vector<int32_t> acc(2);
    ref::matmul_int8_acc(d, ElemType::u8, a.data(), 0, b.data(), acc.data());
    CHECK(acc == std::vector<int32_t>{-2147483520, 2130706305});  // 255*-128*K, 255*127*K
    // With a zero point of 255 every centered value is 0.
    ref::matmul_int8_acc(d, ElemType::u8, a.data(), 255, b.data(), acc.data());
    CHECK(acc == std::vector<int32_t>{0, 0});
    // s8 -128 x -128 over K = 131072 is 2^31: one past the s32 range.
    MatmulDesc big = parse_matmul_desc("1x131072:131072x1");
    std::vector<int8_t> sa(size_t(big.k), -128), sb(size_t(big.k), -128);
    int32_t one = 0;
    CHECK_THROWS_AS(ref::matmul_int8_acc(big, ElemType::s8, sa.data(), 0, sb.data(), &one), UnsupportedError);
    sb.back() = 0;  // 2^31 - 16384 fits
    ref::matmul_int8_acc(big, ElemType::s8, sa.data(), 0, sb.data(), &one);
    CHECK(one == 2147467264);
}

TEST_CASE("matmul ref: blocks of columns wider than one block", "[kernels][int8ref]") {
    // N = 600 spans three column blocks; column n of B is n % 7 - 3.
    MatmulDesc d = parse_matmul_desc("3x2:2x600");
    const std::vector<uint8_t> a = {1, 2, 3, 4, 5, 6};
    std::vector<int8_t> b(size_t(d.b_elems()));
    for (int64_t k = 0; k < 2; ++k)
        for (int64_t n = 0; n < 600; ++n) b[size_t(k * 600 + n)] = int8_t(n % 7 - 3 + k);
    std::vector<int32_t> acc(size_t(d.dst_elems()));
    ref::matmul_int8_acc(d, ElemType::u8, a.data(), 0, b.data(), acc.data());
    for (int64_t m = 0; m < 3; ++m)
        for (int64_t n = 0; n < 600; ++n) {
            const int32_t w0 = int32_t(n % 7 - 3), w1 = w0 + 1;
            REQUIRE(acc[size_t(m * 600 + n)] == a[size_t(2 * m)] * w0 + a[size_t(2 * m + 1)] * w1);
        }
}
