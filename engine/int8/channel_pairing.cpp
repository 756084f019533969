#include "engine/int8/channel_pairing.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <numeric>
#include <string>

#include "ir/error.hpp"
#include "ir/ops/int8_ops.hpp"

namespace octet::engine::int8 {

namespace {

// cost[min(i, j)·ic + max(i, j)]: rows where channels i and j would form an
// unsafe pair (one sign, |w_i| + |w_j| > 128). Per row and sign the channels
// that can be in one (magnitude above 128 - the row's largest) are
// counting-sorted by magnitude, so the pairs are enumerated in time
// proportional to their number; 16-bit counts (rows <= channels <=
// kMaxPairingChannels).
std::vector<uint16_t> unsafe_costs(const std::vector<int8_t>& rows, int64_t ic) {
    std::vector<uint16_t> cost(static_cast<size_t>(ic * ic), 0);
    std::vector<int32_t> sorted(static_cast<size_t>(ic));
    const int64_t nrows = int64_t(rows.size()) / ic;
    for (int64_t r = 0; r < nrows; ++r) {
        const int8_t* w = rows.data() + r * ic;
        int most = 0;
        for (int64_t i = 0; i < ic; ++i) most = std::max(most, std::abs(int(w[i])));
        if (most <= 64) continue;
        for (int sign : {1, -1}) {
            std::array<int32_t, 130> start{};  // by magnitude, 128 first
            for (int64_t i = 0; i < ic; ++i) {
                const int m = sign * int(w[i]);
                if (m + most > 128) ++start[size_t(129 - m)];
            }
            int32_t n = 0;
            for (int32_t& st : start) {
                const int32_t cnt = st;
                st = n;
                n += cnt;
            }
            if (n < 2) continue;
            for (int64_t i = 0; i < ic; ++i) {
                const int m = sign * int(w[i]);
                if (m + most > 128) sorted[size_t(start[size_t(129 - m)]++)] = int32_t(i);
            }
            for (int32_t x = 0; x < n; ++x) {
                const int64_t i = sorted[size_t(x)];
                const int mi = sign * int(w[i]);
                if (mi <= 64) break;
                for (int32_t y = x + 1; y < n; ++y) {
                    const int64_t j = sorted[size_t(y)];
                    if (mi + sign * int(w[j]) <= 128) break;
                    ++cost[size_t(std::min(i, j) * ic + std::max(i, j))];
                }
            }
        }
    }
    return cost;
}

// The unsafe (row, pair) count of rows [r][ic] with pairs (order[2k], order[2k+1]).
int64_t count_unsafe(const std::vector<int8_t>& rows, int64_t ic, const std::vector<int64_t>& order) {
    int64_t n = 0;
    for (size_t r = 0; r < rows.size(); r += size_t(ic))
        for (int64_t k = 0; 2 * k + 1 < ic; ++k) {
            const int a = rows[r + size_t(order[size_t(2 * k)])], b = rows[r + size_t(order[size_t(2 * k + 1)])];
            n += std::abs(a + b) > 128;
        }
    return n;
}

// Where the pairing pays: no more weight rows (oc·taps) than input channels.
// There nearly every unsafe pair goes (MobileNetV2's project layers, K = 96-960
// against N = 16-320: 23-2679 unsafe pairs -> 0 on 13 of 17, their time
// -16..-24 % at the AVX2 cap); with more rows than channels (ResNet-50's 3x3
// and expanding 1x1 layers) 30-45 % went, for 1-2 % of their time and
// 0.1-0.7 s of compile. The channel cap bounds the ic² cost matrix (8 MB).
constexpr int64_t kMaxPairingChannels = 2048;

// A ConvolutionI8 with constant 4D weights (a residual sum only where `sum_ok`).
bool const_conv(const ir::Graph& g, const ir::Node& n, bool sum_ok = false) {
    if (n.op != "ConvolutionI8" || n.inputs.size() < 2 || (!sum_ok && n.inputs.size() != 2)) return false;
    const ir::Node& w = g.node(n.inputs[1].node);
    return w.op == "Constant" && w.value.shape().size() == 4 && (sum_ok || !ir::epilogue_from_attrs(n.attrs).has_sum());
}

bool depthwise(const ir::Graph& g, const ir::Node& n) {
    const int64_t group = n.attrs.get_int("group", 1);
    const ir::Shape& w = g.node(n.inputs[1].node).value.shape();
    return group > 1 && w[0] == group && w[1] == 1 && g.desc(n.inputs[0]).shape.at(1) == group;
}

// The output of `producer` is read by `consumer` alone, as its data input.
bool exclusive(const ir::Graph& g, int producer, int consumer) {
    const std::vector<int> c = g.consumers(producer);
    if (c.size() != 1 || c[0] != consumer) return false;
    const ir::Node& n = g.node(consumer);
    int refs = 0;
    for (const ir::PortRef& p : n.inputs) refs += p.node == producer;
    return refs == 1 && n.inputs[0] == ir::PortRef{producer, 0};
}

void check_order(const std::vector<int64_t>& order, int64_t n, const std::string& what) {
    if (int64_t(order.size()) != n) throw ValidationError(what + ": stored channel order of " + std::to_string(order.size()) +
                                                          " channels for " + std::to_string(n));
    std::vector<int64_t> seen(size_t(n), 0);
    for (int64_t c : order) {
        if (c < 0 || c >= n || seen[size_t(c)]++) throw ValidationError(what + ": stored channel order is not a permutation");
    }
}

template <typename T>
void permute_channels(std::vector<T>& v, const std::vector<int64_t>& order) {
    if (v.size() <= 1) return;
    std::vector<T> out(v.size());
    for (size_t j = 0; j < order.size(); ++j) out[j] = v[size_t(order[j])];
    v = std::move(out);
}

}  // namespace

std::vector<int64_t> pairing_order(const std::vector<int8_t>& rows, int64_t ic, int64_t& unsafe_before,
                                   int64_t& unsafe_after) {
    std::vector<int64_t> order(static_cast<size_t>(ic));
    std::iota(order.begin(), order.end(), 0);
    unsafe_before = unsafe_after = 0;
    if (ic < 2 || rows.empty()) return order;
    unsafe_before = unsafe_after = count_unsafe(rows, ic, order);
    if (unsafe_before == 0) return order;
    const std::vector<uint16_t> cost = unsafe_costs(rows, ic);
    auto c = [&](int64_t i, int64_t j) { return int64_t(cost[size_t(std::min(i, j) * ic + std::max(i, j))]); };

    // Greedy: the channels with the most unsafe partners first, each with its
    // cheapest free partner; an odd count leaves the worst channel to the padding.
    std::vector<int64_t> bad(size_t(ic), 0);
    for (int64_t i = 0; i < ic; ++i)
        for (int64_t j = i + 1; j < ic; ++j) {
            bad[size_t(i)] += c(i, j);
            bad[size_t(j)] += c(i, j);
        }
    std::vector<int64_t> by_bad(static_cast<size_t>(ic));
    std::iota(by_bad.begin(), by_bad.end(), 0);
    std::stable_sort(by_bad.begin(), by_bad.end(), [&](int64_t a, int64_t b) { return bad[size_t(a)] > bad[size_t(b)]; });
    std::vector<char> used(size_t(ic), 0);
    int64_t single = -1;
    if (ic % 2) {
        single = by_bad[0];
        used[size_t(single)] = 1;
    }
    std::vector<std::pair<int64_t, int64_t>> pairs;
    for (int64_t i : by_bad) {
        if (used[size_t(i)]) continue;
        used[size_t(i)] = 1;
        int64_t best = -1;
        for (int64_t j = 0; j < ic; ++j)
            if (!used[size_t(j)] && (best < 0 || c(i, j) < c(i, best))) best = j;
        used[size_t(best)] = 1;
        pairs.emplace_back(i, best);
    }
    // Pair swaps: (i, j), (k, l) -> (i, k), (j, l) or (i, l), (j, k) while one
    // lowers the count (only a pair that has unsafe rows can gain from one).
    for (int sweep = 0; sweep < 8; ++sweep) {
        bool improved = false;
        for (size_t a = 0; a < pairs.size(); ++a)
            for (size_t b = 0; b < pairs.size() && c(pairs[a].first, pairs[a].second) > 0; ++b) {
                if (b == a) continue;
                const int64_t i = pairs[a].first, j = pairs[a].second, k = pairs[b].first, l = pairs[b].second;
                const int64_t c0 = c(i, j) + c(k, l), c1 = c(i, k) + c(j, l), c2 = c(i, l) + c(j, k);
                if (c1 < c0 && c1 <= c2) {
                    pairs[a] = {i, k};
                    pairs[b] = {j, l};
                    improved = true;
                } else if (c2 < c0) {
                    pairs[a] = {i, l};
                    pairs[b] = {j, k};
                    improved = true;
                }
            }
        if (!improved) break;
    }
    std::vector<int64_t> out;
    out.reserve(size_t(ic));
    for (const auto& p : pairs) {
        out.push_back(p.first);
        out.push_back(p.second);
    }
    if (single >= 0) out.push_back(single);
    const int64_t after = count_unsafe(rows, ic, out);
    if (after >= unsafe_before) return order;
    unsafe_after = after;
    return out;
}

std::vector<PairingChoice> choose_channel_pairing(ir::Graph& g) {
    std::vector<PairingChoice> chosen;
    for (int id : g.topo_order()) {
        const ir::Node& cn = g.node(id);
        if (!const_conv(g, cn, true) || cn.attrs.get_int("group", 1) != 1 || cn.attrs.has(kStoredInOrderAttr)) continue;
        // Up the chain: depthwise steps, then a one-group conv, each read by the next alone.
        std::vector<int> dws;
        int cur = id, producer = -1;
        for (;;) {
            const int p = g.node(cur).inputs[0].node;
            const ir::Node& pn = g.node(p);
            if (!exclusive(g, p, cur) || !const_conv(g, pn) || pn.attrs.has(kStoredOutOrderAttr)) break;
            if (pn.attrs.get_int("group", 1) == 1) {
                producer = p;
                break;
            }
            if (!depthwise(g, pn) || pn.attrs.has(kStoredInOrderAttr)) break;
            dws.push_back(p);
            cur = p;
        }
        if (producer < 0) continue;
        // The consumer's weights [oc][ic][kh][kw] as rows [oc·taps][ic].
        const ir::Tensor& wt = g.node(cn.inputs[1].node).value;
        const ir::Shape& ws = wt.shape();
        const int64_t oc = ws[0], ic = ws[1], taps = ws[2] * ws[3];
        if (oc * taps > ic || ic > kMaxPairingChannels) continue;
        const int8_t* w = wt.data<int8_t>();
        std::vector<int8_t> rows(size_t(oc * taps * ic));
        for (int64_t o = 0; o < oc; ++o)
            for (int64_t i = 0; i < ic; ++i)
                for (int64_t t = 0; t < taps; ++t) rows[size_t((o * taps + t) * ic + i)] = w[(o * ic + i) * taps + t];
        int64_t before = 0, after = 0;
        const std::vector<int64_t> order = pairing_order(rows, ic, before, after);
        if (after >= before) continue;
        g.node(producer).attrs.set(kStoredOutOrderAttr, ir::AttrValue(order));
        for (int d : dws) {
            g.node(d).attrs.set(kStoredInOrderAttr, ir::AttrValue(order));
            g.node(d).attrs.set(kStoredOutOrderAttr, ir::AttrValue(order));
        }
        g.node(id).attrs.set(kStoredInOrderAttr, ir::AttrValue(order));
        chosen.push_back({cn.name, before, after});
    }
    return chosen;
}

void apply_stored_orders(const ir::Node& n, kernels::ConvProblem& p) {
    const kernels::ConvDesc& d = p.desc;
    const int64_t taps = d.kh * d.kw, icg = d.icg();
    const std::vector<int64_t> out = n.attrs.get_ints(kStoredOutOrderAttr, {});
    const std::vector<int64_t> in = n.attrs.get_ints(kStoredInOrderAttr, {});
    const std::string what = "node '" + n.name + "' (" + n.op + ")";
    if (!in.empty()) {
        check_order(in, d.ic, what);
        if (d.g == 1) {
            std::vector<int8_t> w(p.weights.size());
            for (int64_t r = 0; r < d.oc * taps; ++r)
                for (int64_t j = 0; j < icg; ++j) w[size_t(r * icg + j)] = p.weights[size_t(r * icg + in[size_t(j)])];
            p.weights = std::move(w);
        } else if (!(d.g == d.ic && d.g == d.oc && in == out)) {
            throw ValidationError(what + ": a stored input channel order on a grouped convolution that is not depthwise");
        }
    }
    if (!out.empty()) {
        check_order(out, d.oc, what);
        const int64_t row = taps * icg;
        std::vector<int8_t> w(p.weights.size());
        for (int64_t j = 0; j < d.oc; ++j)
            std::copy_n(p.weights.begin() + out[size_t(j)] * row, row, w.begin() + j * row);
        p.weights = std::move(w);
        ir::Epilogue& e = p.epilogue;
        for (std::vector<float>* v : {&e.scale, &e.bias, &e.out_scale, &e.out_shift}) permute_channels(*v, out);
    }
}

}  // namespace octet::engine::int8
