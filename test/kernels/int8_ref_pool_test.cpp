// The int8 pooling reference: max (padding never wins), avg with exclude/include
// padding counts, half-to-even ties, NHWC channels and batches.
#include <catch2/catch.hpp>

#include <type_traits>
#include <vector>

#include "ir/error.hpp"
#include "kernels/pool/desc.hpp"
#include "kernels/pool/ref.hpp"

using namespace octet;
using namespace octet::kernels;
using ir::ElemType;

namespace {

template <class T>
std::vector<T> pool(const PoolDesc& d, const std::vector<T>& src) {
    REQUIRE(int64_t(src.size()) == d.src_elems());
    std::vector<T> dst(size_t(d.dst_elems()));
    ref::pool_int8(d, std::is_same<T, uint8_t>::value ? ElemType::u8 : ElemType::s8, src.data(), dst.data());
    return dst;
}

template <class T>
std::vector<T> pool(const std::string& desc, PoolAlg alg, const std::vector<T>& src) {
    return pool(parse_pool_desc(desc, alg), src);
}

using u8v = std::vector<uint8_t>;
using s8v = std::vector<int8_t>;

}  // namespace

TEST_CASE("pool ref: 2x2 window, stride 2, pad 1 by hand", "[kernels][int8ref]") {
    // Input [[1,2],[3,4]]; every window holds exactly one input tap and three padded ones.
    const u8v src = {1, 2, 3, 4};
    const char* desc = "mb1ic1ih2oh2kh2sh2ph1";
    CHECK(parse_pool_desc(desc).ph_end == 1);
    CHECK(pool(desc, PoolAlg::max, src) == u8v{1, 2, 3, 4});
    CHECK(pool(desc, PoolAlg::avg_np, src) == u8v{1, 2, 3, 4});  // count 1
    // count 4 (the window lies inside the padded input): 0.25 -> 0, 0.5 -> 0 (tie), 0.75 -> 1, 1 -> 1
    CHECK(pool(desc, PoolAlg::avg_p, src) == u8v{0, 0, 1, 1});
}

TEST_CASE("pool ref: average ties round half to even", "[kernels][int8ref]") {
    const char* desc = "mb1ic1iw8ow4kw2sw2";
    // sums 3, 5, 7, 1 over 2 taps: 1.5 -> 2, 2.5 -> 2, 3.5 -> 4, 0.5 -> 0
    CHECK(pool(desc, PoolAlg::avg_np, u8v{1, 2, 2, 3, 3, 4, 0, 1}) == u8v{2, 2, 4, 0});
    // -1.5 -> -2, -2.5 -> -2, -3.5 -> -4, -0.5 -> 0
    CHECK(pool(desc, PoolAlg::avg_p, s8v{-1, -2, -2, -3, -3, -4, 0, -1}) == s8v{-2, -2, -4, 0});
    // Extremes do not overflow: (127 + 127) / 2, (-128 + -128) / 2, (255 + 254) / 2 = 254.5 -> 254
    CHECK(pool("mb1ic1iw4ow2kw2sw2", PoolAlg::avg_np, s8v{127, 127, -128, -128}) == s8v{127, -128});
    CHECK(pool("mb1ic1iw2ow1kw2sw2", PoolAlg::avg_np, u8v{255, 254}) == u8v{254});
}

TEST_CASE("pool ref: s8 with padding: padded taps never win the max, counts differ for avg", "[kernels][int8ref]") {
    const char* desc = "mb1ic1iw3kw3pw1";  // ow 3, windows [-1,2), [0,3), [1,4)
    const s8v src = {-5, -7, -9};
    CHECK(pool(desc, PoolAlg::max, src) == s8v{-5, -5, -7});
    CHECK(pool(desc, PoolAlg::avg_np, src) == s8v{-6, -7, -8});  // -12/2, -21/3, -16/2
    CHECK(pool(desc, PoolAlg::avg_p, src) == s8v{-4, -7, -5});   // -12/3, -21/3, -16/3 = -5.33
}

TEST_CASE("pool ref: windows entirely in the padding", "[kernels][int8ref]") {
    const char* desc = "mb1ic1iw1ow3kw1pw1";  // windows at -1, 0, 1 (end padding 1)
    CHECK(parse_pool_desc(desc).pw_end == 1);
    CHECK(pool(desc, PoolAlg::max, u8v{7}) == u8v{0, 7, 0});
    CHECK(pool(desc, PoolAlg::max, s8v{-7}) == s8v{-128, -7, -128});  // the type's lowest
    CHECK(pool(desc, PoolAlg::avg_np, s8v{-7}) == s8v{0, -7, 0});      // no taps: 0
    CHECK(pool(desc, PoolAlg::avg_p, s8v{-7}) == s8v{0, -7, 0});       // 0 / 1
}

TEST_CASE("pool ref: include-pad count is clipped to the padded input", "[kernels][int8ref]") {
    // iw 3, k 2, s 2: the second window [2,4) needs one column of end padding.
    PoolDesc d = parse_pool_desc("mb1ic1iw3ow2kw2sw2pw0", PoolAlg::avg_p);
    CHECK(d.pw_end == 1);
    CHECK(pool(d, u8v{1, 2, 3}) == u8v{2, 2});  // 3/2 -> 2 (tie), 3/2 -> 2
    // A descriptor built with no end padding (ceil-mode output, explicit pads_end 0):
    // the second window is clipped to one column.
    d.pw_end = 0;
    CHECK(pool(d, u8v{1, 2, 3}) == u8v{2, 3});
}

TEST_CASE("pool ref: NHWC channels and batches are independent", "[kernels][int8ref]") {
    // Two images, two channels, 1x2 input, one 1x2 window.
    const u8v src = {1, 10, 3, 20, 5, 0, 6, 255};
    const char* desc = "mb2ic2iw2kw2";
    CHECK(pool(desc, PoolAlg::max, src) == u8v{3, 20, 6, 255});
    CHECK(pool(desc, PoolAlg::avg_np, src) == u8v{2, 15, 6, 128});  // 5.5 -> 6, 127.5 -> 128

    const uint8_t one[1] = {1};
    uint8_t out[1];
    CHECK_THROWS_AS(ref::pool_int8(parse_pool_desc("mb1ic1ih1kh1"), ElemType::f32, one, out), ArgumentError);
    CHECK_THROWS_AS(ref::pool_int8(parse_pool_desc("mb1ic1ih1kh1"), ElemType::u8, nullptr, out), ArgumentError);
}
