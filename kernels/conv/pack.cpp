#include "kernels/conv/pack.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace octet::kernels::conv_pack {

int64_t packed_icq(const ConvDesc& d) { return (d.icg() + 3) / 4; }

int64_t max_abs_row_sum(const int8_t* wei, int64_t rows, int64_t row_len) {
    int64_t best = 0;
    for (int64_t r = 0; r < rows; ++r) {
        int64_t s = 0;
        for (int64_t i = 0; i < row_len; ++i) s += std::abs(int64_t(wei[r * row_len + i]));
        best = std::max(best, s);
    }
    return best;
}

// Branch-free (the compiler vectorizes it): with random-looking weights the
// branchy form mispredicted on every other pair and dominated compile time.
// Same rule as u8s8_pair_safe: a pair is unsafe iff both weights are non-zero
// with one sign (w0·w1 > 0) and |w0 + w1| = |w0| + |w1| > 128. An odd icg's
// last pair has a zero partner and is always safe.
PairStats analyze_pairs(const ConvDesc& d, const int8_t* wei) {
    PairStats s;
    const int64_t icg = d.icg(), taps = d.oc * d.kh * d.kw;
    const int64_t full = icg / 2;
    s.pairs = taps * ((icg + 1) / 2);
    for (int64_t t = 0; t < taps; ++t) {
        const int8_t* w = wei + t * icg;
        int32_t unsafe = 0;
        for (int64_t pr = 0; pr < full; ++pr) {
            const int32_t w0 = w[2 * pr], w1 = w[2 * pr + 1], sum = w0 + w1;
            unsafe += int32_t(w0 * w1 > 0) & int32_t(sum > 128 || sum < -128);
        }
        s.unsafe += unsafe;
    }
    return s;
}

// Walks the plain weights in memory order (one [icg] row per oc, ky, kx) and
// scatters each quad of 4 input channels to its lane; the buffer is zero-filled,
// so padding channels need no writes.
AlignedBuffer pack_weights(const ConvDesc& d, const int8_t* wei, int oc_block, bool split) {
    const int64_t icg = d.icg(), ocg = d.ocg(), icq = packed_icq(d);
    const int64_t n_ocb = (ocg + oc_block - 1) / oc_block;
    const int halves = split ? 2 : 1;
    const int64_t q_stride = int64_t(halves) * oc_block * 4;  // bytes between quads of one lane
    const int64_t full_q = icg / 4, tail = icg % 4;
    AlignedBuffer out(size_t(d.g * n_ocb * d.kh * d.kw * icq * q_stride));
    auto* o = reinterpret_cast<int8_t*>(out.data());
    for (int64_t g = 0; g < d.g; ++g)
        for (int64_t ocl = 0; ocl < ocg; ++ocl) {
            const int64_t ob = ocl / oc_block, l = ocl % oc_block;
            for (int64_t t = 0; t < d.kh * d.kw; ++t) {
                const int8_t* src = wei + ((g * ocg + ocl) * d.kh * d.kw + t) * icg;
                int8_t* dst = o + ((g * n_ocb + ob) * d.kh * d.kw + t) * icq * q_stride + l * 4;
                if (!split) {
                    for (int64_t q = 0; q < full_q; ++q) std::memcpy(dst + q * q_stride, src + q * 4, 4);
                    if (tail) std::memcpy(dst + full_q * q_stride, src + full_q * 4, size_t(tail));
                    continue;
                }
                for (int64_t c = 0; c < icg; ++c) {
                    const int w = src[c], lo = w >> 1;  // floor(w/2)
                    int8_t* b = dst + (c / 4) * q_stride + c % 4;
                    b[0] = int8_t(lo);
                    b[oc_block * 4] = int8_t(w - lo);
                }
            }
        }
    return out;
}

namespace {

constexpr int64_t kScanPairs = 16;  // u8s8_any_unsafe16's block

}  // namespace

std::vector<int8_t> safe_weights(const ConvDesc& d, const int8_t* wei, std::vector<int8_t>& delta) {
    const int64_t icg = d.icg(), n = d.wei_elems();
    std::vector<int8_t> ws(wei, wei + n);
    delta.assign(size_t(n), 0);
    for (int64_t t = 0; t < n / icg; ++t)
        for (int64_t c = 0; c + 1 < icg; c += 2) {
            const size_t i0 = size_t(t * icg + c), i1 = i0 + 1;
            if (c % (2 * kScanPairs) == 0 && c + 2 * kScanPairs <= icg && !u8s8_any_unsafe16(wei + i0)) {
                c += 2 * kScanPairs - 2;  // a block of safe pairs
                continue;
            }
            u8s8_make_pair_safe(ws[i0], ws[i1], delta[i0], delta[i1]);
        }
    return ws;
}

double fixup_density(const ConvDesc& d, const int8_t* wei, int oc_block, int simd_w) {
    const int64_t icg = d.icg(), ocg = d.ocg(), icq = packed_icq(d), taps = d.kh * d.kw;
    const int64_t n_ocb = (ocg + oc_block - 1) / oc_block, nb = oc_block / simd_w;
    const int64_t units = d.g * n_ocb * nb * taps * icq;
    if (units == 0) return 0.0;
    std::vector<uint8_t> entry(size_t(units), 0);  // [g][ob][j][tap][q]
    for (int64_t g = 0; g < d.g; ++g)
        for (int64_t ocl = 0; ocl < ocg; ++ocl) {
            const int64_t vec = (g * n_ocb + ocl / oc_block) * nb + (ocl % oc_block) / simd_w;
            for (int64_t t = 0; t < taps; ++t) {
                const int8_t* w = wei + ((g * ocg + ocl) * taps + t) * icg;
                uint8_t* e = entry.data() + (vec * taps + t) * icq;
                for (int64_t q = 0; q < icg / 4; ++q)
                    e[q] |= uint8_t(!pair_safe(w[4 * q], w[4 * q + 1]) | !pair_safe(w[4 * q + 2], w[4 * q + 3]));
                for (int64_t c = icg / 4 * 4; c + 1 < icg; c += 2) e[c / 4] |= uint8_t(!pair_safe(w[c], w[c + 1]));
            }
        }
    int64_t n = 0;
    for (uint8_t v : entry) n += v;
    return double(n) / double(units);
}

Fixup make_fixup(const ConvDesc& d, const int8_t* delta, int oc_block, int simd_w, int64_t ky_step,
                 int64_t kx_step, int max_group) {
    const int64_t icg = d.icg(), ocg = d.ocg(), icq = packed_icq(d);
    const int64_t n_ocb = (ocg + oc_block - 1) / oc_block;
    const int nb = oc_block / simd_w;
    const bool has_tail = icg % 4 != 0;
    const size_t vbytes = size_t(simd_w * 4);
    max_group = std::max(1, std::min(max_group, kFixupMaxGroup));
    Fixup f;
    f.nb = nb;
    f.simd_w = simd_w;
    f.kh = d.kh;
    f.kw = d.kw;
    std::vector<int8_t> dv[kFixupMaxGroup];
    for (FixupList& L : f.list) {
        L.used.assign(size_t(nb * d.kw * 2), 0);
        L.idx.assign(size_t(d.g * n_ocb * f.idx_block_stride()), 0);
    }
    struct Entry {
        int64_t src;
        std::vector<int8_t> vec;
    };
    struct Group {
        std::vector<const Entry*> e;
        std::vector<int> budget;  // per s16 lane (oc lane, pair): Σ |d| so far
    };
    std::vector<int8_t> vec(vbytes);
    for (int64_t g = 0; g < d.g; ++g)
        for (int64_t ob = 0; ob < n_ocb; ++ob)
            for (int j = 0; j < nb; ++j)
                for (int64_t kx = 0; kx < d.kw; ++kx)
                    for (int t = 0; t < 2; ++t) {
                        const int64_t iofs = (g * n_ocb + ob) * f.idx_block_stride() + ((j * d.kw + kx) * 2 + t) * (d.kh + 1);
                        const int64_t q0 = has_tail ? icq - 1 : icq;
                        const int64_t qa = t ? q0 : 0, qb = t ? icq : q0;
                        const int gmax = t ? 1 : max_group;
                        for (int64_t ky = 0; ky < d.kh; ++ky) {
                            std::vector<Entry> es;
                            for (int64_t q = qa; q < qb; ++q) {
                                bool any = false;
                                std::fill(vec.begin(), vec.end(), int8_t(0));
                                for (int l = 0; l < simd_w; ++l) {
                                    const int64_t ocl = ob * oc_block + j * simd_w + l;
                                    if (ocl >= ocg) break;
                                    for (int b = 0; b < 4; ++b) {
                                        const int64_t c = q * 4 + b;
                                        if (c >= icg) break;
                                        const int8_t v = delta[(((g * ocg + ocl) * d.kh + ky) * d.kw + kx) * icg + c];
                                        vec[size_t(l * 4 + b)] = v;
                                        any |= v != 0;
                                    }
                                }
                                if (any) es.push_back({ky * ky_step + kx * kx_step + q * 4, vec});
                            }
                            f.entries += int64_t(es.size());
                            // First fit into the open groups.
                            std::vector<Group> groups;
                            for (const Entry& e : es) {
                                Group* home = nullptr;
                                for (Group& gr : groups) {
                                    if (int(gr.e.size()) >= gmax) continue;
                                    bool fits = true;
                                    for (int s = 0; s < 2 * simd_w && fits; ++s)
                                        fits = gr.budget[size_t(s)] + std::abs(int(e.vec[size_t(2 * s)])) +
                                                   std::abs(int(e.vec[size_t(2 * s + 1)])) <= 128;
                                    if (fits) {
                                        home = &gr;
                                        break;
                                    }
                                }
                                if (!home) {
                                    groups.push_back({{}, std::vector<int>(size_t(2 * simd_w), 0)});
                                    home = &groups.back();
                                }
                                home->e.push_back(&e);
                                for (int s = 0; s < 2 * simd_w; ++s)
                                    home->budget[size_t(s)] +=
                                        std::abs(int(e.vec[size_t(2 * s)])) + std::abs(int(e.vec[size_t(2 * s + 1)]));
                            }
                            for (int k = 0; k < kFixupMaxGroup; ++k) {
                                FixupList& L = f.list[k];
                                L.idx[size_t(iofs + ky)] = L.groups;
                                for (const Group& gr : groups) {
                                    if (int(gr.e.size()) != k + 1) continue;
                                    for (const Entry* e : gr.e) {
                                        L.src_off.push_back(e->src);
                                        dv[k].insert(dv[k].end(), e->vec.begin(), e->vec.end());
                                    }
                                    L.used[size_t((j * d.kw + kx) * 2 + t)] = 1;
                                    ++L.groups;
                                }
                            }
                        }
                        for (FixupList& L : f.list) L.idx[size_t(iofs + d.kh)] = L.groups;
                    }
    f.units = d.g * n_ocb * nb * d.kh * d.kw * icq;
    for (int k = 0; k < kFixupMaxGroup; ++k) {
        f.list[k].dvec = AlignedBuffer(dv[k].size() + 64);
        if (!dv[k].empty()) std::memcpy(f.list[k].dvec.data(), dv[k].data(), dv[k].size());
    }
    return f;
}

void valid_taps(int64_t o, int64_t stride, int64_t pad, int64_t dil, int64_t k, int64_t in, int64_t& lo,
                int64_t& hi) {
    const int64_t step = dil + 1, start = o * stride - pad;
    lo = 0;
    while (lo < k && start + lo * step < 0) ++lo;
    hi = k;
    while (hi > lo && start + (hi - 1) * step >= in) --hi;
    if (hi < lo) hi = lo;
}

TapClasses tap_classes(int64_t out, int64_t stride, int64_t pad, int64_t dil, int64_t k, int64_t in) {
    TapClasses t;
    t.cls.resize(size_t(out));
    for (int64_t o = 0; o < out; ++o) {
        int64_t lo, hi;
        valid_taps(o, stride, pad, dil, k, in, lo, hi);
        size_t c = 0;
        while (c < t.lo.size() && !(t.lo[c] == lo && t.hi[c] == hi)) ++c;
        if (c == t.lo.size()) {
            t.lo.push_back(lo);
            t.hi.push_back(hi);
        }
        t.cls[size_t(o)] = int(c);
    }
    return t;
}

AlignedBuffer compensation(const ConvDesc& d, const int8_t* wei, int oc_block, int64_t zp_eff,
                           const TapClasses& ycls, const TapClasses& xcls) {
    const int64_t icg = d.icg(), ocg = d.ocg();
    const int64_t n_ocb = (ocg + oc_block - 1) / oc_block, oc_pad = d.g * n_ocb * oc_block;
    const size_t ny = ycls.lo.size(), nx = xcls.lo.size();
    AlignedBuffer out(ny * nx * size_t(oc_pad) * 4);
    auto* comp = reinterpret_cast<int32_t*>(out.data());
    std::vector<int64_t> tap_sum(size_t(d.kh * d.kw));
    for (int64_t g = 0; g < d.g; ++g)
        for (int64_t ocl = 0; ocl < ocg; ++ocl) {
            const int64_t oc = g * ocg + ocl;
            for (int64_t t = 0; t < d.kh * d.kw; ++t) {
                int64_t s = 0;
                for (int64_t c = 0; c < icg; ++c) s += wei[(oc * d.kh * d.kw + t) * icg + c];
                tap_sum[size_t(t)] = s;
            }
            const int64_t idx = (g * n_ocb + ocl / oc_block) * oc_block + ocl % oc_block;
            for (size_t y = 0; y < ny; ++y)
                for (size_t x = 0; x < nx; ++x) {
                    int64_t s = 0;
                    for (int64_t ky = ycls.lo[y]; ky < ycls.hi[y]; ++ky)
                        for (int64_t kx = xcls.lo[x]; kx < xcls.hi[x]; ++kx) s += tap_sum[size_t(ky * d.kw + kx)];
                    // wrap modulo 2^32 (well defined through uint32_t)
                    comp[(y * nx + x) * size_t(oc_pad) + size_t(idx)] = int32_t(uint32_t(uint64_t(s) * uint64_t(zp_eff)));
                }
        }
    return out;
}

}  // namespace octet::kernels::conv_pack
