// Interpolate over H,W of NCHW data (OpenVINO opset4 / ONNX Resize semantics).
// Each output coordinate maps to an input coordinate by
// coordinate_transformation_mode with scale = out/in (or the given `scales`):
//   half_pixel          (o + 0.5) / s - 0.5
//   pytorch_half_pixel  out_len > 1 ? (o + 0.5) / s - 0.5 : 0
//   asymmetric          o / s
//   tf_half_pixel_for_nn (o + 0.5) / s
//   align_corners       out_len == 1 ? 0 : o * (in_len - 1) / (out_len - 1)
// nearest rounds it by nearest_mode and clamps to [0, in_len); linear clamps it
// to [0, in_len - 1] and blends the two neighbours (bilinear over H and W).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/ref/common.hpp"

namespace octet::kernels::ref {

namespace {

struct AxisMap {
    std::vector<int64_t> i0, i1;  // neighbours (nearest uses i0 only)
    std::vector<float> t;         // weight of i1
};

float source_coord(const std::string& mode, int64_t o, float scale, int64_t in_len, int64_t out_len) {
    if (mode == "half_pixel") return (float(o) + 0.5f) / scale - 0.5f;
    if (mode == "pytorch_half_pixel") return out_len > 1 ? (float(o) + 0.5f) / scale - 0.5f : 0.f;
    if (mode == "asymmetric") return float(o) / scale;
    if (mode == "tf_half_pixel_for_nn") return (float(o) + 0.5f) / scale;
    // align_corners
    return out_len == 1 ? 0.f : float(o) * float(in_len - 1) / float(out_len - 1);
}

int64_t nearest_index(const std::string& mode, float x, bool downsample) {
    if (mode == "round_prefer_floor") return x == std::floor(x) + 0.5f ? int64_t(std::floor(x)) : int64_t(std::round(x));
    if (mode == "round_prefer_ceil") return int64_t(std::round(x));  // ties away from 0: up for x >= 0
    if (mode == "floor") return int64_t(std::floor(x));
    if (mode == "ceil") return int64_t(std::ceil(x));
    // simple (OpenVINO): ceil when downsampling, else truncate
    return downsample ? int64_t(std::ceil(x)) : int64_t(x);
}

AxisMap map_axis(const ir::Node& n, bool linear, int64_t in_len, int64_t out_len, float scale) {
    const std::string ctm = n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
    const std::string nm = n.attrs.get_string("nearest_mode", "round_prefer_floor");
    AxisMap m;
    for (int64_t o = 0; o < out_len; ++o) {
        float x = source_coord(ctm, o, scale, in_len, out_len);
        if (linear) {
            x = std::min(std::max(x, 0.f), float(in_len - 1));
            const int64_t a = std::min(int64_t(std::floor(x)), in_len - 1);
            m.i0.push_back(a);
            m.i1.push_back(std::min(a + 1, in_len - 1));
            m.t.push_back(x - float(a));
        } else {
            const int64_t i = nearest_index(nm, x, scale < 1.f);
            m.i0.push_back(std::min(std::max<int64_t>(i, 0), in_len - 1));
        }
    }
    return m;
}

}  // namespace

Tensors interpolate(const ir::Node& n, const Tensors& in) {
    expect_inputs(n, in, 1, false);
    expect_rank(n, in, 0, 4);
    ir::Tensor y = make_output(n);
    const ir::Shape& xs = in[0].shape();
    const ir::Shape& ys = y.shape();
    if (ys.size() != 4 || ys[0] != xs[0] || ys[1] != xs[1] || y.type() != in[0].type())
        fail(n, "output " + ir::to_string(ys) + " does not match input " + ir::to_string(xs));
    const std::string mode = n.attrs.get_string("mode");
    if (mode != "nearest" && mode != "linear") unsupported(n, "unknown mode '" + mode + "'");
    const bool linear = mode == "linear";
    if (linear) expect_type(n, in, 0, ir::ElemType::f32);
    const std::vector<std::string> ctms = {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
                                           "tf_half_pixel_for_nn"};
    const std::string ctm = n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
    if (std::find(ctms.begin(), ctms.end(), ctm) == ctms.end())
        unsupported(n, "unknown coordinate_transformation_mode '" + ctm + "'");
    const std::vector<std::string> nms = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"};
    const std::string nm = n.attrs.get_string("nearest_mode", "round_prefer_floor");
    if (std::find(nms.begin(), nms.end(), nm) == nms.end()) unsupported(n, "unknown nearest_mode '" + nm + "'");

    const int64_t H = xs[2], W = xs[3], OH = ys[2], OW = ys[3];
    if (H < 1 || W < 1) fail(n, "input " + ir::to_string(xs) + " has an empty spatial dim");
    float sh = float(OH) / float(H), sw = float(OW) / float(W);
    if (n.attrs.has("scales")) {
        const std::vector<double> s = n.attrs.get_floats("scales");
        if (s.size() != 2) fail(n, "scales must have 2 values");
        sh = float(s[0]);
        sw = float(s[1]);
    }
    const AxisMap mh = map_axis(n, linear, H, OH, sh), mw = map_axis(n, linear, W, OW, sw);
    const int64_t planes = xs[0] * xs[1];
    if (linear) {
        const float* src = in[0].data<float>();
        float* dst = y.data<float>();
        for (int64_t p = 0; p < planes; ++p)
            for (int64_t oh = 0; oh < OH; ++oh) {
                const float* r0 = src + (p * H + mh.i0[size_t(oh)]) * W;
                const float* r1 = src + (p * H + mh.i1[size_t(oh)]) * W;
                const float th = mh.t[size_t(oh)];
                float* d = dst + (p * OH + oh) * OW;
                for (int64_t ow = 0; ow < OW; ++ow) {
                    const int64_t a = mw.i0[size_t(ow)], b = mw.i1[size_t(ow)];
                    const float tw = mw.t[size_t(ow)];
                    const float top = r0[a] * (1.f - tw) + r0[b] * tw;
                    const float bot = r1[a] * (1.f - tw) + r1[b] * tw;
                    d[ow] = top * (1.f - th) + bot * th;
                }
            }
    } else {  // nearest copies elements of any type
        const size_t es = ir::elem_size(y.type());
        const auto* src = static_cast<const uint8_t*>(in[0].raw());
        auto* dst = static_cast<uint8_t*>(y.raw());
        for (int64_t p = 0; p < planes; ++p)
            for (int64_t oh = 0; oh < OH; ++oh) {
                const uint8_t* r = src + size_t((p * H + mh.i0[size_t(oh)]) * W) * es;
                uint8_t* d = dst + size_t((p * OH + oh) * OW) * es;
                for (int64_t ow = 0; ow < OW; ++ow) std::memcpy(d + size_t(ow) * es, r + size_t(mw.i0[size_t(ow)]) * es, es);
            }
    }
    return {y};
}

}  // namespace octet::kernels::ref
