// engine/int8/channel_pairing.hpp: the pairing order is a permutation that
// lowers the unsafe pmaddubsw pairs (counted here independently), and the
// stored orders permute a ConvProblem's weights and epilogue as they say.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include "engine/int8/channel_pairing.hpp"
#include "ir/error.hpp"
#include "ir/ops/int8_ops.hpp"

using namespace octet;

namespace {

// Rows of normal weights scaled per row to [-127, 127] (as the LPT quantizes per output channel).
std::vector<int8_t> normal_rows(int64_t rows, int64_t ic, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.f, 1.f);
    std::vector<int8_t> w(size_t(rows * ic));
    for (int64_t r = 0; r < rows; ++r) {
        std::vector<float> v(static_cast<size_t>(ic));
        float m = 0;
        for (float& x : v) m = std::max(m, std::fabs(x = nd(rng)));
        for (int64_t i = 0; i < ic; ++i) w[size_t(r * ic + i)] = int8_t(std::lround(v[size_t(i)] / m * 127.f));
    }
    return w;
}

int64_t unsafe(const std::vector<int8_t>& w, int64_t ic, const std::vector<int64_t>& order) {
    int64_t n = 0;
    for (size_t r = 0; r < w.size(); r += size_t(ic))
        for (int64_t k = 0; 2 * k + 1 < ic; ++k) {
            const int a = w[r + size_t(order[size_t(2 * k)])], b = w[r + size_t(order[size_t(2 * k + 1)])];
            n += (a > 0) == (b > 0) && a != 0 && b != 0 && std::abs(a) + std::abs(b) > 128;
        }
    return n;
}

}  // namespace

TEST_CASE("channel pairing: a permutation with fewer unsafe pairs", "[engine][int8][pairing]") {
    for (int64_t ic : {int64_t(96), int64_t(255), int64_t(384)})
        for (int64_t rows : {int64_t(16), int64_t(64)}) {
            INFO("ic " << ic << " rows " << rows);
            const std::vector<int8_t> w = normal_rows(rows, ic, uint32_t(ic * 7 + rows));
            int64_t before = -1, after = -1;
            const std::vector<int64_t> order = engine::int8::pairing_order(w, ic, before, after);
            std::vector<int64_t> sorted = order;
            std::sort(sorted.begin(), sorted.end());
            for (int64_t i = 0; i < ic; ++i) REQUIRE(sorted[size_t(i)] == i);
            std::vector<int64_t> identity(static_cast<size_t>(ic));
            for (int64_t i = 0; i < ic; ++i) identity[size_t(i)] = i;
            CHECK(before == unsafe(w, ic, identity));
            CHECK(after == unsafe(w, ic, order));
            CHECK(before > 0);
            CHECK(after * 4 < before);  // K >> rows: most unsafe pairs go
        }
    // No unsafe pair: the identity, nothing counted.
    std::vector<int8_t> small(size_t(8 * 40), 60);
    int64_t before = -1, after = -1;
    const std::vector<int64_t> order = engine::int8::pairing_order(small, 40, before, after);
    CHECK(before == 0);
    CHECK(after == 0);
    for (int64_t i = 0; i < 40; ++i) CHECK(order[size_t(i)] == i);
}

TEST_CASE("channel pairing: stored orders permute the problem", "[engine][int8][pairing]") {
    kernels::ConvProblem p;
    kernels::ConvDesc& d = p.desc;
    d.mb = 1;
    d.ic = 4;
    d.oc = 3;
    d.kh = d.kw = 2;
    d.ih = d.iw = 3;
    d.oh = d.ow = 2;
    const int64_t taps = 4;
    p.weights.resize(size_t(d.oc * taps * d.ic));
    for (size_t i = 0; i < p.weights.size(); ++i) p.weights[i] = int8_t(i);  // [oc][tap][ic] = its index
    p.epilogue.scale = {1.f, 2.f, 3.f};
    p.epilogue.bias = {0.5f};  // one value: stays
    const kernels::ConvProblem orig = p;

    ir::Node n;
    n.name = "c";
    n.op = "ConvolutionI8";
    n.attrs.set(engine::int8::kStoredInOrderAttr, ir::AttrValue(std::vector<int64_t>{2, 0, 3, 1}));
    n.attrs.set(engine::int8::kStoredOutOrderAttr, ir::AttrValue(std::vector<int64_t>{1, 2, 0}));
    engine::int8::apply_stored_orders(n, p);
    const int64_t in[] = {2, 0, 3, 1}, out[] = {1, 2, 0};
    for (int64_t o = 0; o < d.oc; ++o)
        for (int64_t t = 0; t < taps; ++t)
            for (int64_t j = 0; j < d.ic; ++j)
                CHECK(p.weights[size_t((o * taps + t) * d.ic + j)] ==
                      orig.weights[size_t((out[o] * taps + t) * d.ic + in[j])]);
    CHECK(p.epilogue.scale == std::vector<float>{2.f, 3.f, 1.f});
    CHECK(p.epilogue.bias == std::vector<float>{0.5f});

    // A stored order that is not a permutation of the channels: the node is named.
    ir::Node bad = n;
    bad.attrs.set(engine::int8::kStoredInOrderAttr, ir::AttrValue(std::vector<int64_t>{0, 0, 1, 2}));
    kernels::ConvProblem q = orig;
    CHECK_THROWS_AS(engine::int8::apply_stored_orders(bad, q), ValidationError);
    bad.attrs.set(engine::int8::kStoredInOrderAttr, ir::AttrValue(std::vector<int64_t>{0, 1, 2}));
    CHECK_THROWS_WITH(engine::int8::apply_stored_orders(bad, q), Catch::Matchers::Contains("node 'c'"));
}
