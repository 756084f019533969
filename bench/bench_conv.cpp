// bench_conv: every ResNet-50 convolution (batch 1) and the MobileNet depthwise layers,
// octet against oneDNN int8, oneDNN f32 and XNNPACK qc8, at 1 and 2 threads, in one run,
// with the int8 peak of this core measured at the start of the same run (peak.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common.hpp"
#include "engine/int8/channel_pairing.hpp"
#include "engine/threads.hpp"
#include "engine/zoo/zoo.hpp"
#include "octet/octet.hpp"
#include "jit/cpu.hpp"
#include "kernels/conv/jit_conv_kernel.hpp"
#include "kernels/conv/pack.hpp"
#include "kernels/registry.hpp"
#include "peak.hpp"
#include "peers.hpp"

using namespace octet;
using namespace octet::bench;

namespace {

const char* kUsage =
    "usage: bench_conv [--threads 1,2] [--csv FILE] [--shared DIR] [--min-time S] [--filter SUBSTR]\n"
    "                  [--wei7] [--octet-only] [--no-check] [--zoo MODEL [--no-pairing]] [--paths [--rounds R]] [--cold]\n"
    "  Runs conv_shapes_resnet_50 and conv_shapes_mobilenet_dw (from DIR/data/benchdnn) at batch 1.\n"
    "  --zoo resnet50|mobilenetv2 (\"-int8\" accepted): that zoo model's non-depthwise convs, every\n"
    "    occurrence, with its weights quantized per output channel to [-127, 127] (255 levels, as the\n"
    "    LPT does); the peers: oneDNN int8 only.\n"
    "  --paths: also time octet's non-VNNI paths forced one by one (fast = the fast chain on the\n"
    "    made-safe weights, the floor; fixup; exact; s16; pxfix; wide) and print the fixup density;\n"
    "    --rounds R: R interleaved rounds of them, the minimum of each kept.\n";

struct Layer {
    std::string set;
    kernels::ConvDesc d;
    std::vector<int8_t> wei;  // --zoo: the model's quantized weights (else empty: random)
};

// FakeQuantize of a weight on the symmetric 255-level grid [-m, m] (lpt's fake_quantize_index).
int8_t quantize_weight(float x, float m) {
    if (x <= -m) return -127;
    if (x > m) return 127;
    volatile float q = (x + m) / (2 * m) * 254.f;
    return int8_t(int(std::nearbyint(float(q))) - 127);
}

// The non-depthwise convolutions of a zoo model, in graph order, batch 1, weights
// [OC][IC/G][KH][KW] f32 quantized per output channel and reordered to [G][OC/G][KH][KW][IC/G].
// The engine's channel pairing (engine/int8/channel_pairing.hpp): the input
// channel order each conv of the int8 zoo model reads at this ISA, by name.
std::map<std::string, std::vector<int64_t>> zoo_input_orders(const std::string& base) {
    std::map<std::string, std::vector<int64_t>> orders;
    const CompiledModel cm = compile(Model::from_zoo(base + "-int8"), CompileOptions{});
    for (const ir::Node& n : cm.graph().nodes())
        if (n.op == "ConvolutionI8" && n.attrs.has(engine::int8::kStoredInOrderAttr))
            orders[n.name] = n.attrs.get_ints(engine::int8::kStoredInOrderAttr);
    return orders;
}

std::vector<Layer> load_zoo(const std::string& model, const std::string& filter, bool pairing) {
    std::string base = model;
    if (base.size() > 5 && base.compare(base.size() - 5, 5, "-int8") == 0) base.resize(base.size() - 5);
    const ir::Graph gr = zoo::make_model(base);
    const auto orders = pairing ? zoo_input_orders(base) : std::map<std::string, std::vector<int64_t>>{};
    std::vector<Layer> out;
    for (const ir::Node& n : gr.nodes()) {
        if (n.op != "Convolution") continue;
        const ir::Shape& is = gr.desc(n.inputs[0]).shape;
        const ir::Shape& os = n.outputs[0].shape;
        const ir::Node& wn = gr.node(n.inputs[1].node);
        if (wn.op != "Constant") continue;
        const ir::Shape& ws = wn.value.shape();
        const int64_t g = n.attrs.get_int("group", 1), ic = is[1], oc = os[1];
        if (g > 1 && g == ic && g == oc) continue;  // depthwise: the dw kernel, no pairs
        const auto st = n.attrs.get_ints("strides"), pb = n.attrs.get_ints("pads_begin");
        const auto dl = n.attrs.get_ints("dilations", {1, 1});
        const std::string text = fmt("g%lldmb1ic%lldih%lldiw%lldoc%lldoh%lldow%lldkh%lldkw%lldsh%lldsw%lldph%lldpw%llddh%llddw%lldn",
                                     (long long)g, (long long)ic, (long long)is[2], (long long)is[3], (long long)oc,
                                     (long long)os[2], (long long)os[3], (long long)ws[2], (long long)ws[3],
                                     (long long)st[0], (long long)st[1], (long long)pb[0], (long long)pb[1],
                                     (long long)(dl[0] - 1), (long long)(dl[1] - 1)) +
                                 "\"" + n.name + "\"";
        Layer L{base, kernels::parse_conv_desc(text), {}};
        if (!filter.empty() && L.d.name.find(filter) == std::string::npos) continue;
        const int64_t icg = ic / g, kh = ws[2], kw = ws[3], per_oc = icg * kh * kw;
        const float* w = wn.value.data<float>();
        L.wei.resize(size_t(oc * per_oc));
        for (int64_t o = 0; o < oc; ++o) {
            float m = 0.f;
            for (int64_t i = 0; i < per_oc; ++i) m = std::max(m, std::fabs(w[o * per_oc + i]));
            if (m == 0.f) m = 1.f;
            for (int64_t c = 0; c < icg; ++c)
                for (int64_t y = 0; y < kh; ++y)
                    for (int64_t x = 0; x < kw; ++x)
                        L.wei[size_t(((o * kh + y) * kw + x) * icg + c)] =
                            quantize_weight(w[((o * icg + c) * kh + y) * kw + x], m);
        }
        const auto ord = orders.find(n.name);
        if (ord != orders.end() && g == 1 && int64_t(ord->second.size()) == icg) {
            // What the engine's kernel gets: the input channels in the stored order.
            std::vector<int8_t> p(L.wei.size());
            for (size_t r = 0; r < p.size(); r += size_t(icg))
                for (int64_t j = 0; j < icg; ++j) p[r + size_t(j)] = L.wei[r + size_t(ord->second[size_t(j)])];
            L.wei = std::move(p);
            L.d.name += " [paired]";
        }
        out.push_back(std::move(L));
    }
    return out;
}

std::vector<Layer> load(const std::string& path, const std::string& set, const std::string& filter) {
    std::ifstream f(path);
    if (!f) {
        std::fprintf(stderr, "bench_conv: cannot read %s (use --shared DIR)\n", path.c_str());
        std::exit(1);
    }
    std::vector<Layer> out;
    std::string line;
    while (std::getline(f, line)) {
        const size_t b = line.find_first_not_of(" \t");
        if (b == std::string::npos || line[b] == '#' || line[b] == '-') continue;
        line = line.substr(b, line.find_last_not_of(" \t\r") + 1 - b);
        kernels::ConvDesc d = kernels::parse_conv_desc(line);
        d.mb = 1;
        if (!filter.empty() && d.name.find(filter) == std::string::npos) continue;
        out.push_back({set, d, {}});
    }
    return out;
}

using Diff = OutputDiff;
Diff compare(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) { return diff_u8(a, b); }

// --densities: the fixup's entry density (pack.hpp: units of a simd_w-lane
// vector × quad × tap that need a correction) under each candidate way of
// making the corrections sparser, on the model's own weights. Analysis only.
struct UnsafeMap {
    int64_t ocg = 0, bits = 0, words = 0;  // bits = taps × icq units per output channel
    std::vector<uint64_t> u;               // [g][ocg][words]: unit has an unsafe pair (fixed pairing)
    std::vector<uint8_t> safe3;            // [g][ocg][bits]: pairings (01|23, 02|13, 03|12) that are safe
};

UnsafeMap unsafe_map(const kernels::ConvDesc& d, const std::vector<int8_t>& w) {
    UnsafeMap m;
    const int64_t icg = d.icg(), icq = (icg + 3) / 4, taps = d.kh * d.kw;
    m.ocg = d.ocg();
    m.bits = taps * icq;
    m.words = (m.bits + 63) / 64;
    m.u.assign(size_t(d.g * m.ocg * m.words), 0);
    m.safe3.assign(size_t(d.g * m.ocg * m.bits), 0);
    for (int64_t o = 0; o < d.g * m.ocg; ++o)
        for (int64_t t = 0; t < taps; ++t)
            for (int64_t q = 0; q < icq; ++q) {
                int v[4];
                for (int b = 0; b < 4; ++b) v[b] = q * 4 + b < icg ? w[size_t((o * taps + t) * icg + q * 4 + b)] : 0;
                auto ok = [&](int a, int b, int c, int e) {
                    return kernels::u8s8_pair_safe(v[a], v[b]) && kernels::u8s8_pair_safe(v[c], v[e]);
                };
                const int64_t bit = t * icq + q;
                const uint8_t s = uint8_t(ok(0, 1, 2, 3) | ok(0, 2, 1, 3) << 1 | ok(0, 3, 1, 2) << 2);
                m.safe3[size_t(o * m.bits + bit)] = s;
                if (!(s & 1)) m.u[size_t(o * m.words + bit / 64)] |= 1ull << (bit % 64);
            }
    return m;
}

// Entries of one vector made of the channels `lanes` (indices within the whole layer).
int64_t vec_entries(const UnsafeMap& m, const std::vector<int64_t>& lanes, std::vector<uint64_t>& acc) {
    acc.assign(size_t(m.words), 0);
    for (int64_t o : lanes)
        for (int64_t k = 0; k < m.words; ++k) acc[size_t(k)] |= m.u[size_t(o * m.words + k)];
    int64_t n = 0;
    for (uint64_t v : acc) n += __builtin_popcountll(v);
    return n;
}

// Partition of `chans` into vectors of simd_w lanes (the last may be short):
// greedy clustering (seed = densest left, then the channel adding the fewest
// new units), then pairwise swaps between vectors while they lower the total.
std::vector<std::vector<int64_t>> cluster(const UnsafeMap& m, std::vector<int64_t> chans, int simd_w) {
    std::vector<std::vector<int64_t>> vecs;
    std::vector<uint64_t> acc, tmp;
    auto pc = [&](int64_t o) {
        int64_t n = 0;
        for (int64_t k = 0; k < m.words; ++k) n += __builtin_popcountll(m.u[size_t(o * m.words + k)]);
        return n;
    };
    std::sort(chans.begin(), chans.end(), [&](int64_t a, int64_t b) { return pc(a) > pc(b); });
    std::vector<bool> used(chans.size(), false);
    for (size_t s = 0; s < chans.size(); ++s) {
        if (used[s]) continue;
        std::vector<int64_t> v{chans[s]};
        used[s] = true;
        acc.assign(m.u.begin() + chans[s] * m.words, m.u.begin() + (chans[s] + 1) * m.words);
        while (int(v.size()) < simd_w) {
            int64_t best = -1, best_add = INT64_MAX;
            for (size_t c = 0; c < chans.size(); ++c) {
                if (used[c]) continue;
                int64_t add = 0;
                for (int64_t k = 0; k < m.words; ++k)
                    add += __builtin_popcountll(m.u[size_t(chans[c] * m.words + k)] & ~acc[size_t(k)]);
                if (add < best_add) best_add = add, best = int64_t(c);
                if (add == 0) break;
            }
            if (best < 0) break;
            used[size_t(best)] = true;
            v.push_back(chans[size_t(best)]);
            for (int64_t k = 0; k < m.words; ++k) acc[size_t(k)] |= m.u[size_t(chans[size_t(best)] * m.words + k)];
        }
        vecs.push_back(v);
    }
    // Swap refinement.
    for (int pass = 0; pass < 4; ++pass) {
        bool any = false;
        for (size_t a = 0; a < vecs.size(); ++a)
            for (size_t b = a + 1; b < vecs.size(); ++b) {
                int64_t cur = vec_entries(m, vecs[a], acc) + vec_entries(m, vecs[b], acc);
                for (size_t i = 0; i < vecs[a].size(); ++i)
                    for (size_t j = 0; j < vecs[b].size(); ++j) {
                        std::swap(vecs[a][i], vecs[b][j]);
                        const int64_t n = vec_entries(m, vecs[a], acc) + vec_entries(m, vecs[b], acc);
                        if (n < cur) cur = n, any = true;
                        else std::swap(vecs[a][i], vecs[b][j]);
                    }
            }
        if (!any || vecs.size() > 64) break;  // large layers: one pass (time)
    }
    return vecs;
}

void print_densities(const std::vector<Layer>& layers, int simd_w) {
    const int oc_block_max = 2 * simd_w;  // avx2 / sse42: 2 vectors per block
    std::printf("# densities, simd_w %d: base = current entries/units; a1 = oc permuted within each %d-channel "
                "block; a2 = oc permuted within the group; b = best of 3 pairings per (vector, quad); "
                "c = 4-lane half entries / 2; a2c = a2 then c; lane = unsafe (oc, quad) units / all; "
                "both = share of the entries whose block's other vector is an entry at the same unit\n",
                simd_w, oc_block_max);
    std::printf("%-44s %6s %6s %6s %6s %6s %6s %6s %6s\n", "layer", "lane", "base", "a1", "a2", "b", "c", "a2c", "both");
    double tot[7] = {0, 0, 0, 0, 0, 0, 0}, tot_units = 0;
    std::vector<uint64_t> acc;
    for (const Layer& L : layers) {
        const kernels::ConvDesc& d = L.d;
        const UnsafeMap m = unsafe_map(d, L.wei);
        const int64_t ocg = d.ocg();
        const int oc_block = int(std::min<int64_t>(2, (ocg + simd_w - 1) / simd_w)) * simd_w;
        const int64_t n_ocb = (ocg + oc_block - 1) / oc_block;
        const double units = double(d.g * n_ocb * (oc_block / simd_w) * m.bits);
        int64_t both = 0, lane = 0, base = 0, a1 = 0, a2 = 0, b = 0, c = 0, a2c = 0;
        auto half_entries = [&](const std::vector<int64_t>& v) {
            int64_t n = 0;
            for (size_t h = 0; h < v.size(); h += 4) {
                std::vector<int64_t> sub(v.begin() + h, v.begin() + std::min(v.size(), h + 4));
                n += vec_entries(m, sub, acc);
            }
            return n;
        };
        for (int64_t g = 0; g < d.g; ++g) {
            std::vector<int64_t> all;
            for (int64_t o = 0; o < ocg; ++o) {
                all.push_back(g * ocg + o);
                lane += vec_entries(m, {g * ocg + o}, acc);
            }
            for (int64_t ob = 0; ob < n_ocb; ++ob) {
                std::vector<int64_t> blk(all.begin() + ob * oc_block, all.begin() + std::min(ocg, (ob + 1) * oc_block));
                for (size_t v0 = 0; v0 < blk.size(); v0 += size_t(simd_w)) {
                    std::vector<int64_t> v(blk.begin() + v0, blk.begin() + std::min(blk.size(), v0 + simd_w));
                    base += vec_entries(m, v, acc);
                    c += half_entries(v);
                    for (int64_t bit = 0; bit < m.bits; ++bit) {
                        uint8_t s = 7;
                        for (int64_t o : v) s &= m.safe3[size_t(o * m.bits + bit)];
                        b += s == 0;
                    }
                }
                for (const auto& v : cluster(m, blk, simd_w)) a1 += vec_entries(m, v, acc);
                if (int64_t(blk.size()) > simd_w) {  // units where both vectors of the block are entries
                    std::vector<uint64_t> acc2;
                    vec_entries(m, std::vector<int64_t>(blk.begin(), blk.begin() + simd_w), acc);
                    vec_entries(m, std::vector<int64_t>(blk.begin() + simd_w, blk.end()), acc2);
                    for (int64_t k = 0; k < m.words; ++k) both += __builtin_popcountll(acc[size_t(k)] & acc2[size_t(k)]);
                }
            }
            for (const auto& v : cluster(m, all, simd_w)) {
                a2 += vec_entries(m, v, acc);
                a2c += half_entries(v);
            }
        }
        const double lane_units = double(d.g * ocg * m.bits);
        const double r[7] = {double(lane) / lane_units, base / units, a1 / units, a2 / units, b / units,
                             c / 2.0 / units, a2c / 2.0 / units};
        std::printf("%-44s %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f\n", d.name.substr(0, 44).c_str(), r[0], r[1],
                    r[2], r[3], r[4], r[5], r[6], base ? 2.0 * double(both) / double(base) : 0.0);
        // Weighted by the layer's MACs (units × pixels) for the totals.
        const double w = units * double(d.oh * d.ow);
        for (int i = 0; i < 7; ++i) tot[i] += r[i] * w;
        tot_units += w;
        std::fflush(stdout);
    }
    std::printf("%-44s %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f\n", "MAC-weighted", tot[0] / tot_units,
                tot[1] / tot_units, tot[2] / tot_units, tot[3] / tot_units, tot[4] / tot_units, tot[5] / tot_units,
                tot[6] / tot_units);
}

struct Totals {
    double ms[4] = {0, 0, 0, 0};       // octet, dnnl int8, dnnl f32, xnnpack
    double wms[4] = {0, 0, 0, 0};      // weighted by the *N repeat counts
    bool have[4] = {true, true, true, true};
    double macs = 0, wmacs = 0;
    int layers = 0, wlayers = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const std::string omp_policy = ensure_omp_wait_policy(argv);
    Options o = parse_options(argc, argv, kUsage);
    const std::string dir = o.shared + "/data/benchdnn/";
    std::vector<Layer> layers;
    if (!o.zoo.empty()) {
        layers = load_zoo(o.zoo, o.filter, o.pairing);
    } else {
        layers = load(dir + "conv_shapes_resnet_50", "resnet50", o.filter);
        for (auto& l : load(dir + "conv_shapes_mobilenet_dw", "mobilenet_dw", o.filter)) layers.push_back(l);
    }
    const bool zoo_mode = !o.zoo.empty();
    if (o.densities) {
        for (int w : {8, 4}) print_densities(layers, w);
        return 0;
    }

    std::printf("# bench_conv: %zu layers at batch 1 from %s\n", layers.size(), dir.c_str());
    std::printf("# %s\n# OMP_WAIT_POLICY=%s (oneDNN's OpenMP workers)\n", machine_summary().c_str(), omp_policy.c_str());
    const jit::Isa isa = jit::best_isa();
    std::printf("# octet isa: %s; weights %s; peers: %s\n", jit::isa_name(isa), o.wei7 ? "[-64,63]" : "[-128,127]",
                peer_versions().c_str());
    Peak peak = measure_all_peaks(o.threads);

    Csv csv({"set", "layer", "repeat", "threads", "desc", "macs", "octet_exec_type", "octet_work_units", "octet_jit_ms", "octet_ms",
             "dnnl_int8_ms", "dnnl_f32_ms", "xnnpack_qc8_ms", "octet_gops", "dnnl_int8_gops", "dnnl_f32_gops",
             "xnnpack_gops", "peak_gops", "octet_pct_peak", "dnnl_int8_pct_peak", "dnnl_f32_pct_peak",
             "xnnpack_pct_peak", "speedup_vs_dnnl_int8", "speedup_vs_dnnl_f32", "speedup_vs_xnnpack",
             "diff_vs_dnnl_n", "diff_vs_dnnl_max", "diff_vs_xnn_n", "diff_vs_xnn_max", "dnnl_int8_impl"});
    std::map<std::pair<std::string, int>, Totals> totals;
    std::map<std::string, int> exec_types;
    double jit_ms_total = 0;

    for (int t : o.threads) {
        engine::ThreadPool pool(t);
        set_peer_threads(t);
        const double pk = peak.best_gops(t);
        std::printf("\n## %d thread(s); peak %.1f GOPS (%s); speedup = peer ms / octet ms (>1: octet faster)\n", t, pk,
                    peak.best_chain(t).c_str());
        std::printf("%-13s %-28s %3s %-22s %8s %8s %8s %8s | %7s %7s %7s %7s | %5s %5s %5s %5s | %6s %6s %6s | %s\n",
                    "set", "layer", "*N", "octet exec", "octet", "dnnl8", "dnnlf32", "xnn8", "GOPS", "dnnl8", "f32",
                    "xnn8", "%pk", "dnnl8", "f32", "xnn8", "x/dn8", "x/f32", "x/xnn", "diff vs dnnl8 / xnn");
        std::fflush(stdout);
        for (size_t li = 0; li < layers.size(); ++li) {
            const auto& L = layers[li];
            const auto& d = L.d;
            std::mt19937 rng(1234 + unsigned(li));
            std::vector<uint8_t> src(size_t(d.src_elems()));
            std::vector<int8_t> wei(size_t(d.wei_elems()));
            fill_u8(src, rng);
            if (!L.wei.empty()) wei = L.wei;
            else if (o.wei7) fill_s8(wei, rng, -64, 63); else fill_s8(wei, rng, -128, 127);
            QuantParams q;
            const double sw = o.wei7 ? 37.0 : 74.0;
            const double K = double(d.icg() * d.kh * d.kw);
            std::uniform_real_distribution<float> us(0.75f, 1.25f), ub(-20.f, 40.f);
            for (int64_t oc = 0; oc < d.oc; ++oc) {
                q.scale.push_back(float(80.0 / (std::sqrt(K) * sw * 147.0)) * us(rng));
                q.bias.push_back(ub(rng));
            }
            // octet
            kernels::ConvProblem p;
            p.desc = d;
            p.src_type = ir::ElemType::u8;
            p.weights = wei;
            p.epilogue = relu_u8_epilogue(q.scale, q.bias);
            const auto c0 = std::chrono::steady_clock::now();
            auto k = kernels::create_conv_kernel(p, isa);
            const double jit_ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - c0).count();
            if (t == o.threads.front()) { jit_ms_total += jit_ms; exec_types[k->exec_type()]++; }
            std::vector<uint8_t> dst(size_t(d.dst_elems()));
            kernels::ConvArgs args;
            args.src = src.data();
            args.dst = dst.data();
            const int64_t units = k->work_units();
            // A fresh loop id per call, as the engine passes (ConvArgs::job): on several threads
            // a thread keeps what it prepared (pxfix's transposed input, wide's widened rows)
            // across its claims of one loop, and never across loops.
            auto run_octet = [&] {
                kernels::ConvArgs a1 = args;
                a1.job = engine::new_loop_id();
                pool.parallel_for(units, [&](int64_t b, int64_t e) { k->run(a1, b, e); });
            };
            const double ms_o = time_ms(run_octet, o.min_time);
            run_octet();
            if (o.paths && t == o.threads.front()) {
                // Every non-VNNI path forced on this layer (1 thread: the caller runs all units).
                // Every path built first, then timed in o.rounds interleaved rounds (minimum kept):
                // the neighbours' load moves all of them alike.
                kernels::ConvProblem ps = p;
                std::vector<int8_t> delta;
                ps.weights = kernels::conv_pack::safe_weights(d, wei.data(), delta);
                const kernels::ConvJitCosts cst = kernels::conv_jit_costs(p, isa);
                const std::pair<const kernels::ConvProblem*, kernels::ConvJitPath> want[] = {
                    {&ps, kernels::ConvJitPath::automatic}, {&p, kernels::ConvJitPath::fixup},
                    {&p, kernels::ConvJitPath::exact},      {&p, kernels::ConvJitPath::s16},
                    {&p, kernels::ConvJitPath::pxfix},      {&p, kernels::ConvJitPath::wide}};
                std::unique_ptr<kernels::ConvKernel> kk[6];
                std::pair<double, std::string> res[6];
                for (int i = 0; i < 6; ++i) {
                    std::string why;
                    kk[i] = kernels::make_conv_jit_kernel(*want[i].first, isa, why, want[i].second);
                    res[i] = {double(NAN), kk[i] ? kk[i]->exec_type() : std::string("declined")};
                }
                // A forced pxfix that fell back to the fixup is not a pxfix figure.
                if (res[4].second.find("_pxfix") == std::string::npos) kk[4].reset();
                if (res[5].second.find("_wide") == std::string::npos) kk[5].reset();
                std::vector<uint8_t> dd2(dst.size());
                kernels::ConvArgs aa = args;
                aa.dst = dd2.data();
                for (int r = 0; r < o.rounds; ++r)
                    for (int i = 0; i < 6; ++i) {
                        if (!kk[i]) continue;
                        const double m = time_ms([&] { kk[i]->run(aa, 0, kk[i]->work_units()); }, o.min_time);
                        if (!(m >= res[i].first)) res[i].first = m;
                    }
                const auto &f = res[0], &x = res[1], &e = res[2], &s16 = res[3], &px = res[4], &wd = res[5];
                std::printf("#path %-26s dens %.3f | fast %7.3f fixup %7.3f exact %7.3f s16 %7.3f pxfix %7.3f wide %7.3f ms | "
                            "x fast: %5.2f %5.2f %5.2f %5.2f %5.2f | model %5.2f %5.2f %5.2f %5.2f %5.2f | auto %s\n",
                            d.name.c_str(), cst.density, f.first, x.first, e.first, s16.first, px.first, wd.first,
                            x.first / f.first, e.first / f.first, s16.first / f.first, px.first / f.first,
                            wd.first / f.first, cst.fixup, cst.exact, cst.s16, cst.pxfix, cst.wide,
                            k->exec_type().c_str());
            }

            double ms[4] = {ms_o, NAN, NAN, NAN};
            Diff dd, dx;
            std::string dimpl = "-";
            if (!o.no_peers) {
                try {
                    auto pr = make_dnnl_conv(d, true, src, wei, q);
                    dimpl = pr->impl();
                    ms[1] = time_ms([&] { pr->run(); }, o.min_time);
                    if (o.check) { pr->run(); dd = compare(dst, pr->result_u8()); }
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "%s: oneDNN int8: %s\n", d.name.c_str(), e.what());
                }
                if (!zoo_mode) try {
                    auto pr = make_dnnl_conv(d, false, src, wei, q);
                    ms[2] = time_ms([&] { pr->run(); }, o.min_time);
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "%s: oneDNN f32: %s\n", d.name.c_str(), e.what());
                }
                if (!zoo_mode) try {
                    auto pr = make_xnn_conv(d, t, src, wei, q);
                    ms[3] = time_ms([&] { pr->run(); }, o.min_time);
                    if (o.check) { pr->run(); dx = compare(dst, pr->result_u8()); }
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "%s: XNNPACK: %s\n", d.name.c_str(), e.what());
                }
            }
            const double macs = double(d.macs());
            double gops[4], pct[4];
            for (int i = 0; i < 4; ++i) {
                gops[i] = 2 * macs / (ms[i] * 1e6);
                pct[i] = 100 * gops[i] / pk;
            }
            auto sp = [&](int i) { return ms[i] / ms[0]; };
            auto dstr = [](const Diff& x) { return x.ok ? fmt("%lld/%lld", (long long)x.n, (long long)x.max) : std::string("-"); };
            std::printf("%-13s %-28s %3lld %-22s %8.3f %8.3f %8.3f %8.3f | %7.1f %7.1f %7.1f %7.1f | %5.1f %5.1f %5.1f "
                        "%5.1f | %6.2f %6.2f %6.2f | %s %s\n",
                        L.set.c_str(), d.name.c_str(), (long long)d.repeat, k->exec_type().c_str(), ms[0], ms[1],
                        ms[2], ms[3], gops[0], gops[1], gops[2], gops[3], pct[0], pct[1], pct[2], pct[3], sp(1), sp(2),
                        sp(3), dstr(dd).c_str(), dstr(dx).c_str());
            std::fflush(stdout);
            csv.add({L.set, d.name, std::to_string(d.repeat), std::to_string(t), kernels::to_string(d),
                     fmt("%.0f", macs), k->exec_type(), std::to_string(units), fmt("%.3f", jit_ms), fmt("%.4f", ms[0]), fmt("%.4f", ms[1]),
                     fmt("%.4f", ms[2]), fmt("%.4f", ms[3]), fmt("%.2f", gops[0]), fmt("%.2f", gops[1]),
                     fmt("%.2f", gops[2]), fmt("%.2f", gops[3]), fmt("%.2f", pk), fmt("%.2f", pct[0]),
                     fmt("%.2f", pct[1]), fmt("%.2f", pct[2]), fmt("%.2f", pct[3]), fmt("%.3f", sp(1)),
                     fmt("%.3f", sp(2)), fmt("%.3f", sp(3)), dd.ok ? std::to_string(dd.n) : "",
                     dd.ok ? std::to_string(dd.max) : "", dx.ok ? std::to_string(dx.n) : "",
                     dx.ok ? std::to_string(dx.max) : "", "\"" + dimpl + "\""});
            Totals& T = totals[{L.set, t}];
            for (int i = 0; i < 4; ++i) {
                if (std::isnan(ms[i])) T.have[i] = false;
                T.ms[i] += ms[i];
                T.wms[i] += ms[i] * double(d.repeat);
            }
            T.macs += macs;
            T.wmacs += macs * double(d.repeat);
            T.layers += 1;
            T.wlayers += int(d.repeat);
        }
    }

    std::printf("\n## totals (ms; speedup = peer / octet; network = weighted by the *N repeat counts)\n");
    std::printf("%-13s %3s %-18s %9s %9s %9s %9s | %7s %7s %7s %7s | %6s %6s %6s\n", "set", "thr", "sum over", "octet",
                "dnnl8", "dnnlf32", "xnn8", "GOPS", "dnnl8", "f32", "xnn8", "x/dn8", "x/f32", "x/xnn");
    for (const auto& [key, T] : totals) {
        for (int w = 0; w < 2; ++w) {
            const double* m = w ? T.wms : T.ms;
            const double mac = w ? T.wmacs : T.macs;
            const std::string what = w ? fmt("network (%d convs)", T.wlayers) : fmt("unique (%d)", T.layers);
            std::printf("%-13s %3d %-18s %9.3f %9.3f %9.3f %9.3f | %7.1f %7.1f %7.1f %7.1f | %6.2f %6.2f %6.2f\n",
                        key.first.c_str(), key.second, what.c_str(), m[0], m[1], m[2], m[3], 2 * mac / (m[0] * 1e6),
                        2 * mac / (m[1] * 1e6), 2 * mac / (m[2] * 1e6), 2 * mac / (m[3] * 1e6), m[1] / m[0],
                        m[2] / m[0], m[3] / m[0]);
            csv.add({key.first, w ? "TOTAL_network" : "TOTAL_unique", std::to_string(w ? T.wlayers : T.layers),
                     std::to_string(key.second), "", fmt("%.0f", mac), "", "", "", fmt("%.4f", m[0]), fmt("%.4f", m[1]),
                     fmt("%.4f", m[2]), fmt("%.4f", m[3]), "", "", "", "", "", "", "", "", "", fmt("%.3f", m[1] / m[0]),
                     fmt("%.3f", m[2] / m[0]), fmt("%.3f", m[3] / m[0]), "", "", "", "", ""});
        }
    }
    if (o.threads.size() >= 2) {
        const int t0 = o.threads.front(), t1 = o.threads.back();
        for (const char* set : {"resnet50", "mobilenet_dw"}) {
            auto a = totals.find({set, t0}), b = totals.find({set, t1});
            if (a == totals.end() || b == totals.end()) continue;
            std::printf("# %s network scaling %d->%d threads: octet %.2fx, oneDNN int8 %.2fx, oneDNN f32 %.2fx, "
                        "XNNPACK %.2fx\n",
                        set, t0, t1, a->second.wms[0] / b->second.wms[0], a->second.wms[1] / b->second.wms[1],
                        a->second.wms[2] / b->second.wms[2], a->second.wms[3] / b->second.wms[3]);
        }
    }
    std::printf("# octet exec types:");
    for (const auto& [n, c] : exec_types) std::printf(" %s x%d", n.c_str(), c);
    std::printf("\n# octet kernel creation (JIT + packing) for the %zu layers: %.2f ms\n", layers.size(), jit_ms_total);
    {
        std::vector<Chain> best;
        for (const auto& r : peak.all)
            if (r.threads == 1 && peak.best_chain(1) == chain_name(r.chain)) best.push_back(r.chain);
        for (Chain c : best)
            std::printf("# peak again at the end (drift check): %s %.1f GOPS at 1 thread (start: %.1f)\n",
                        chain_name(c), measure_peak(c, 1, peak.ghz, 0.02, 15).gops, peak.best_gops(1));
    }
    std::printf("# load average at the end: %s\n", load_average().c_str());
    csv.write(o.csv);
    return 0;
}
