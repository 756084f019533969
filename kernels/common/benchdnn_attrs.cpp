#include "kernels/common/benchdnn_attrs.hpp"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "ir/error.hpp"

namespace octet::kernels {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t p = s.find(sep, start);
        out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
        if (p == std::string::npos) return out;
        start = p + 1;
    }
}

float parse_float(const std::string& s, const std::string& what) {
    errno = 0;
    char* end = nullptr;
    const float v = std::strtof(s.c_str(), &end);
    if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
        throw ArgumentError(what + ": '" + s + "' is not a finite number");
    return v;
}

int32_t parse_int32(const std::string& s, const std::string& what) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
        throw ArgumentError(what + ": '" + s + "' is not a 32-bit integer");
    return int32_t(v);
}

// benchdnn marks runtime values with a trailing '*'; the value is the same.
std::string strip_runtime_mark(std::string s) {
    if (!s.empty() && s.back() == '*') s.pop_back();
    return s;
}

AttrPolicy parse_policy(const std::string& p, const std::string& what) {
    if (p == "common" || p == "per_tensor") return AttrPolicy::common;
    if (p == "per_oc" || p == "per_dim_1") return AttrPolicy::per_oc;
    if (p.rfind("per_", 0) == 0)
        throw UnsupportedError(what + ": policy '" + p + "' (octet has common and per-output-channel values)");
    throw ArgumentError(what + ": unknown policy '" + p + "'");
}

bool is_eltwise(const std::string& k) {
    static const char* const kinds[] = {"abs", "bounded_relu", "clip", "clip_v2", "clip_v2_use_dst_for_bwd", "elu",
                                        "elu_use_dst_for_bwd", "exp", "exp_use_dst_for_bwd", "gelu", "gelu_erf",
                                        "gelu_tanh", "hardsigmoid", "hardswish", "linear", "log", "logistic",
                                        "logistic_use_dst_for_bwd", "mish", "pow", "relu", "relu_use_dst_for_bwd",
                                        "round", "soft_relu", "sqrt", "sqrt_use_dst_for_bwd", "square", "srelu",
                                        "swish", "tanh", "tanh_use_dst_for_bwd"};
    for (const char* e : kinds)
        if (k == e) return true;
    return false;
}

bool is_binary(const std::string& k) {
    static const char* const kinds[] = {"add", "div", "eq", "ge", "gt", "le", "lt", "max", "min", "mul", "ne", "sub"};
    for (const char* b : kinds)
        if (k == b) return true;
    return false;
}

// Field i of a post-op as float, or `def` when absent.
float arg_or(const BenchdnnPostOp& p, size_t i, float def) {
    return i < p.args.size() ? parse_float(p.args[i], "post-op '" + p.kind + "'") : def;
}

// An eltwise post-op's 4th field (benchdnn's output scale of the eltwise) must be 1:
// octet's chain has no multiply after relu/clamp.
void require_unit_eltwise_scale(const BenchdnnPostOp& p) {
    const float s = arg_or(p, 2, 1.f);
    if (s != 1.f)
        throw UnsupportedError("post-op '" + p.kind + "' with scale " + p.args[2] +
                               ": octet's chain has no multiply after an eltwise");
}

}  // namespace

ir::ElemType parse_benchdnn_type(const std::string& name) {
    if (name == "u8") return ir::ElemType::u8;
    if (name == "s8") return ir::ElemType::s8;
    if (name == "s32") return ir::ElemType::s32;
    if (name == "f32") return ir::ElemType::f32;
    static const char* const other[] = {"bf16", "f16", "f64", "s4", "u4", "f8_e5m2", "f8_e4m3", "f4_e2m1", "tf32"};
    for (const char* o : other)
        if (name == o) throw UnsupportedError("data type " + name + " (octet's int8 kernels use u8, s8, s32, f32)");
    throw ArgumentError("unknown data type '" + name + "'");
}

BenchdnnDt parse_benchdnn_dt(const std::string& text) {
    const std::vector<std::string> parts = split(text, ':');
    if (parts.size() != 1 && parts.size() != 3)
        throw ArgumentError("--dt '" + text + "': expected SRC:WEI:DST or one type");
    BenchdnnDt dt;
    dt.src = parse_benchdnn_type(parts[0]);
    dt.wei = parse_benchdnn_type(parts.size() == 3 ? parts[1] : parts[0]);
    dt.dst = parse_benchdnn_type(parts.size() == 3 ? parts[2] : parts[0]);
    if (dt.src != ir::ElemType::u8 && dt.src != ir::ElemType::s8)
        throw UnsupportedError("--dt " + text + ": source " + ir::to_string(dt.src) + " (int8 kernels take u8 or s8)");
    if (dt.wei != ir::ElemType::s8)
        throw UnsupportedError("--dt " + text + ": weights " + ir::to_string(dt.wei) + " (int8 kernels take s8)");
    return dt;
}

BenchdnnScales parse_benchdnn_scales(const std::string& text) {
    BenchdnnScales s;
    if (text.empty()) return s;
    for (const std::string& item : split(text, '+')) {
        const std::vector<std::string> f = split(item, ':');
        const std::string what = "--attr-scales '" + item + "'";
        if (f.size() < 2 || f.size() > 3) throw ArgumentError(what + ": expected ARG:POLICY[:VALUE]");
        BenchdnnScale sc;
        sc.policy = parse_policy(f[1], what);
        if (f.size() == 3) sc.value = parse_float(strip_runtime_mark(f[2]), what);
        if (sc.value == 0.f) throw ArgumentError(what + ": a scale of 0");
        if (f[0] == "src") {
            if (sc.policy == AttrPolicy::per_oc)
                throw UnsupportedError(what + ": per-channel source scales (octet scales the accumulator per output channel)");
            s.src = sc;
        } else if (f[0] == "wei") {
            s.wei = sc;
        } else if (f[0] == "dst") {
            s.dst = sc;
        } else {
            throw UnsupportedError(what + ": scales of argument '" + f[0] + "'");
        }
    }
    return s;
}

BenchdnnZeroPoints parse_benchdnn_zero_points(const std::string& text) {
    BenchdnnZeroPoints z;
    if (text.empty()) return z;
    for (const std::string& item : split(text, '+')) {
        const std::vector<std::string> f = split(item, ':');
        const std::string what = "--attr-zero-points '" + item + "'";
        if (f.size() < 2 || f.size() > 4) throw ArgumentError(what + ": expected ARG:POLICY[:VALUE[:DT]]");
        BenchdnnZeroPoint zp;
        zp.policy = parse_policy(f[1], what);
        if (f.size() >= 3) zp.value = parse_int32(strip_runtime_mark(f[2]), what);
        if (f.size() == 4 && f[3] != "s32" && f[3] != "s8" && f[3] != "u8")
            throw UnsupportedError(what + ": zero points of type " + f[3]);
        if (f[0] == "src") z.src = zp;
        else if (f[0] == "wei") z.wei = zp;
        else if (f[0] == "dst") z.dst = zp;
        else throw UnsupportedError(what + ": zero points of argument '" + f[0] + "'");
    }
    return z;
}

std::vector<BenchdnnPostOp> parse_benchdnn_post_ops(const std::string& text) {
    std::vector<BenchdnnPostOp> ops;
    if (text.empty()) return ops;
    for (const std::string& item : split(text, '+')) {
        std::vector<std::string> f = split(item, ':');
        if (f[0].empty()) throw ArgumentError("--attr-post-ops '" + text + "': an empty post-op");
        BenchdnnPostOp p;
        p.kind = f[0];
        p.args.assign(f.begin() + 1, f.end());
        ops.push_back(std::move(p));
    }
    return ops;
}

BenchdnnAttrs parse_benchdnn_attrs(const std::string& scales, const std::string& post_ops,
                                   const std::string& zero_points) {
    BenchdnnAttrs a;
    a.scales = parse_benchdnn_scales(scales);
    a.post_ops = parse_benchdnn_post_ops(post_ops);
    a.zero_points = parse_benchdnn_zero_points(zero_points);
    return a;
}

float per_oc_factor(int64_t oc) { return std::ldexp(1.f, int(oc % 5) - 2); }

int32_t per_oc_zero_point(int32_t base, int64_t oc) { return base + int32_t(oc % 4); }

std::vector<float> made_up_bias(int64_t channels) {
    std::vector<float> b(size_t(channels > 0 ? channels : 0));
    for (int64_t oc = 0; oc < channels; ++oc) b[size_t(oc)] = float((oc * 7) % 17 - 8) * 0.5f;
    return b;
}

MappedAttrs map_benchdnn_attrs(const BenchdnnAttrs& a, ir::ElemType dst_type, int64_t channels,
                               const std::vector<float>& bias) {
    if (!bias.empty() && int64_t(bias.size()) != channels)
        throw ArgumentError("bias has " + std::to_string(bias.size()) + " values for " + std::to_string(channels) +
                            " channels");
    MappedAttrs m;
    ir::Epilogue& e = m.epilogue;
    e.dst_type = dst_type;
    e.bias = bias;

    const BenchdnnZeroPoints& zp = a.zero_points;
    if (zp.wei.policy != AttrPolicy::none && zp.wei.value != 0)
        throw UnsupportedError("weight zero point " + std::to_string(zp.wei.value) +
                               " (octet keeps weight zero points 0)");
    if (zp.src.policy == AttrPolicy::per_oc)
        throw UnsupportedError("per-channel source zero points (octet has one source zero point)");
    if (zp.src.policy == AttrPolicy::common) m.src_zero_point = zp.src.value;

    // scale[oc] = s * w[oc]: one f32 multiply, nothing when neither is given.
    const BenchdnnScales& sc = a.scales;
    const bool src_s = sc.src.policy != AttrPolicy::none, wei_s = sc.wei.policy != AttrPolicy::none;
    if (sc.wei.policy == AttrPolicy::per_oc) {
        e.scale.resize(size_t(channels));
        for (int64_t oc = 0; oc < channels; ++oc) {
            const float w = sc.wei.value * per_oc_factor(oc);
            e.scale[size_t(oc)] = src_s ? sc.src.value * w : w;
        }
    } else if (src_s || wei_s) {
        e.scale = {src_s && wei_s ? sc.src.value * sc.wei.value : src_s ? sc.src.value : sc.wei.value};
    }

    // out_scale[oc] = 1 / d[oc]: oneDNN divides by the destination scale.
    if (sc.dst.policy == AttrPolicy::per_oc) {
        e.out_scale.resize(size_t(channels));
        for (int64_t oc = 0; oc < channels; ++oc) e.out_scale[size_t(oc)] = 1.f / (sc.dst.value * per_oc_factor(oc));
    } else if (sc.dst.policy == AttrPolicy::common) {
        e.out_scale = {1.f / sc.dst.value};
    }
    if (zp.dst.policy == AttrPolicy::per_oc) {
        e.out_shift.resize(size_t(channels));
        for (int64_t oc = 0; oc < channels; ++oc) e.out_shift[size_t(oc)] = float(per_oc_zero_point(zp.dst.value, oc));
    } else if (zp.dst.policy == AttrPolicy::common) {
        e.out_shift = {float(zp.dst.value)};
    }

    for (size_t i = 0; i < a.post_ops.size(); ++i) {
        const BenchdnnPostOp& p = a.post_ops[i];
        const std::string& k = p.kind;
        if (k == "relu") {
            if (p.args.size() > 3) throw ArgumentError("post-op 'relu': more than 3 fields");
            if (arg_or(p, 0, 0.f) != 0.f)
                throw UnsupportedError("post-op 'relu' with alpha " + p.args[0] + " (leaky relu is not in octet's chain)");
            require_unit_eltwise_scale(p);
            e.post_ops.push_back(ir::PostOp::relu());
        } else if (k == "clip" || k == "clip_v2" || k == "bounded_relu") {
            if (p.args.size() > 3) throw ArgumentError("post-op '" + k + "': more than 3 fields");
            const bool bounded = k == "bounded_relu";
            const float lo = bounded ? 0.f : arg_or(p, 0, 0.f);
            const float hi = bounded ? arg_or(p, 0, 0.f) : arg_or(p, 1, 0.f);
            if (!bounded) require_unit_eltwise_scale(p);
            else if (arg_or(p, 2, 1.f) != 1.f)
                throw UnsupportedError("post-op 'bounded_relu' with a scale: octet's chain has no multiply after an eltwise");
            if (lo > hi) throw UnsupportedError("post-op '" + k + "' with lower bound above the upper bound");
            e.post_ops.push_back(ir::PostOp::clamp(lo, hi));
        } else if (k == "sum") {
            if (p.args.size() > 3) throw ArgumentError("post-op 'sum': expected sum[:SCALE[:ZERO_POINT[:DT]]]");
            if (e.has_sum()) throw UnsupportedError("a second sum post-op (octet's chain has one residual)");
            const float scale = arg_or(p, 0, 1.f);
            const float zero = p.args.size() > 1 ? float(parse_int32(p.args[1], "post-op 'sum'")) : 0.f;
            const ir::ElemType t = p.args.size() > 2 ? parse_benchdnn_type(p.args[2]) : dst_type;
            e.post_ops.push_back(ir::PostOp::sum(t, scale, zero));
        } else if (k == "linear") {
            if (p.args.size() > 3) throw ArgumentError("post-op 'linear': more than 3 fields");
            if (i + 1 != a.post_ops.size())
                throw UnsupportedError("post-op 'linear' followed by other post-ops (octet applies a*x+b only at "
                                       "the end of its chain)");
            if (!e.out_scale.empty() || !e.out_shift.empty())
                throw UnsupportedError("post-op 'linear' with a dst scale or zero point (a*x+b would not be "
                                       "one multiply and one add)");
            require_unit_eltwise_scale(p);
            e.out_scale = {arg_or(p, 0, 1.f)};
            e.out_shift = {arg_or(p, 1, 0.f)};
        } else if (is_eltwise(k)) {
            throw UnsupportedError("eltwise post-op '" + k + "' (octet's chain has relu, clip, sum, linear)");
        } else if (is_binary(k)) {
            throw UnsupportedError("binary post-op '" + k + "' (octet's chain has no second input but sum)");
        } else if (k == "prelu" || k == "dw") {
            throw UnsupportedError("post-op '" + k + "' (octet's chain has relu, clip, sum, linear)");
        } else {
            throw ArgumentError("unknown post-op '" + k + "'");
        }
    }
    return m;
}

}  // namespace octet::kernels
