#include "layer_problem.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "ir/error.hpp"
#include "kernels/common/benchdnn_attrs.hpp"
#include "kernels/conv/ref.hpp"
#include "kernels/matmul/ref.hpp"
#include "kernels/pool/ref.hpp"
#include "kernels/registry.hpp"

namespace octet::tools {
namespace {

using ir::ElemType;

// benchdnn options that choose layouts, implementations or how benchdnn measures: they
// do not change a single output value, so they are accepted and have no effect here.
const char* const kNoEffectOptions[] = {
    "skip-impl", "impl", "stag", "wtag", "dtag", "attr-scratchpad", "runtime_dims_masks", "mode", "engine",
    "allow-enum-tags-only", "cold-cache", "inplace", "match", "perf-template", "fix-times-per-prb",
    "max-ms-per-prb", "memory-kind", "ctx-init", "ctx-exe", "summary", "start", "repeats-per-prb",
    "mode-modifier", "attr-deterministic", "check-ref-impl"};
const char* const kUsedOptions[] = {"dt", "dir", "mb", "alg", "attr-scales", "attr-post-ops", "attr-zero-points",
                                    "bia-dt", "bia_dt", "bia_mask"};

bool in(const std::string& s, const char* const* list, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (s == list[i]) return true;
    return false;
}

}  // namespace

bool is_no_effect_option(const std::string& name) {
    return in(name, kNoEffectOptions, std::size(kNoEffectOptions));
}

// --attr-fpmath=strict is the default; other modes let f32 math round through bf16/f16.
bool is_default_fpmath(const std::string& value) { return value.empty() || value.rfind("strict", 0) == 0; }

namespace {

void check_options(const LayerSpec& s) {
    for (const auto& [name, value] : s.options) {
        if (in(name, kUsedOptions, std::size(kUsedOptions)) || is_no_effect_option(name)) continue;
        if (name == "attr-fpmath" && is_default_fpmath(value)) continue;
        throw UnsupportedError("option --" + name + "=" + value + " is not supported by jitbench");
    }
}

std::string opt(const LayerSpec& s, const std::string& name, const std::string& def) {
    auto it = s.options.find(name);
    return it == s.options.end() || it->second.empty() ? def : it->second;
}

// The batch size: --mb on the command line, else a non-zero --mb= of the batch file,
// else the descriptor's own.
int64_t resolve_mb(const LayerSpec& s, int64_t desc_mb) {
    if (s.mb) return *s.mb;
    const std::string v = opt(s, "mb", "0");
    errno = 0;
    char* end = nullptr;
    const long long mb = std::strtoll(v.c_str(), &end, 10);
    if (*end != '\0' || errno == ERANGE || mb < 0 || mb > (1LL << 20))
        throw ArgumentError("--mb=" + v + ": expected a batch size from 0 to 2^20");
    return mb == 0 ? desc_mb : mb;
}

// True for a direction with bias; UnsupportedError for anything but forward inference.
bool forward_with_bias(const LayerSpec& s, const std::string& def) {
    const std::string dir = opt(s, "dir", def);
    if (dir == "FWD_B") return true;
    if (dir == "FWD_D" || dir == "FWD_I") return false;
    if (dir == "BWD_D" || dir == "BWD_W" || dir == "BWD_WB" || dir == "BWD_B" || dir == "BWD_DW")
        throw UnsupportedError("direction " + dir + " (octet runs forward inference only)");
    throw ArgumentError("unknown direction --dir=" + dir);
}

// Random int8 data: mostly small values so that outputs stay in range, one in eight an
// extreme (u8 0/255, s8 -128/127) so that saturation is exercised everywhere.
void fill_int8(ElemType t, void* p, int64_t n, std::mt19937& rng) {
    for (int64_t i = 0; i < n; ++i) {
        const uint32_t r = rng();
        const bool extreme = (r & 7) == 0, high = (r >> 3) & 1;
        const uint32_t small = (r >> 4) & 15;
        if (t == ElemType::u8) static_cast<uint8_t*>(p)[i] = uint8_t(extreme ? (high ? 255 : 0) : small);
        else static_cast<int8_t*>(p)[i] = int8_t(extreme ? (high ? 127 : -128) : int(small) - 8);
    }
}

// The residual of a sum post-op, in its own type.
void fill_residual(ElemType t, std::vector<uint8_t>& buf, int64_t n, std::mt19937& rng) {
    buf.assign(size_t(n) * ir::elem_size(t), 0);
    if (t == ElemType::u8 || t == ElemType::s8) return fill_int8(t, buf.data(), n, rng);
    for (int64_t i = 0; i < n; ++i) {
        const uint32_t r = rng();
        if (t == ElemType::s32) {
            const int32_t v = int32_t(r % 2001) - 1000;
            std::memcpy(buf.data() + size_t(i) * 4, &v, 4);
        } else {
            const float v = float(int32_t(r % 129) - 64) * 0.5f;
            std::memcpy(buf.data() + size_t(i) * 4, &v, 4);
        }
    }
}

// The largest activation: u8 255, or s8 127 (255 after the +128 shift).
uint8_t max_activation(ElemType t) { return t == ElemType::u8 ? uint8_t(255) : uint8_t(127); }

std::unique_ptr<PreparedLayer> prepare_conv(const LayerSpec& s, jit::Isa isa) {
    kernels::ConvDesc d = kernels::parse_conv_desc(s.desc);
    d.mb = resolve_mb(s, d.mb);
    const bool bias = forward_with_bias(s, "FWD_B");
    const kernels::BenchdnnDt dt = kernels::parse_benchdnn_dt(opt(s, "dt", "u8:s8:u8"));
    const kernels::BenchdnnAttrs attrs = kernels::parse_benchdnn_attrs(
        opt(s, "attr-scales", ""), opt(s, "attr-post-ops", ""), opt(s, "attr-zero-points", ""));
    const std::string alg = opt(s, "alg", "direct");
    if (alg != "direct" && alg != "auto") throw UnsupportedError("conv --alg=" + alg + " (octet convolves directly)");
    d = kernels::parse_conv_desc(kernels::to_string(d));  // re-validate sizes at the new batch

    kernels::MappedAttrs m =
        kernels::map_benchdnn_attrs(attrs, dt.dst, d.oc, bias ? kernels::made_up_bias(d.oc) : std::vector<float>{});
    kernels::ConvProblem p;
    p.desc = d;
    p.src_type = dt.src;
    p.src_zero_point = m.src_zero_point;
    p.epilogue = m.epilogue;

    auto L = std::make_unique<PreparedLayer>();
    std::mt19937 rng(kLayerSeed);
    L->src.resize(size_t(d.src_elems()));
    fill_int8(dt.src, L->src.data(), d.src_elems(), rng);
    p.weights.resize(size_t(d.wei_elems()));
    fill_int8(ElemType::s8, p.weights.data(), d.wei_elems(), rng);
    // The saturation case of pmaddubsw, always present: the first pixel's channels all at
    // the top, output channel 0's weights all -128 and channel 1's all 127.
    std::memset(L->src.data(), max_activation(dt.src), size_t(d.ic));
    const size_t taps = size_t(d.kh * d.kw * d.icg());
    std::memset(p.weights.data(), 0x80, taps);
    if (d.oc > 1) std::memset(p.weights.data() + taps, 0x7f, taps);
    if (const ir::PostOp* sum = p.epilogue.sum_op()) fill_residual(sum->sum_type, L->residual, d.dst_elems(), rng);

    L->dst_type = dt.dst;
    L->dst.assign(size_t(d.dst_elems()) * ir::elem_size(dt.dst), 0);
    L->name = d.name;
    L->work = 2.0 * double(d.macs());
    auto k = kernels::create_conv_kernel(p, isa, &L->declined);
    const kernels::ConvKernel* kp = k.get();
    const kernels::ConvArgs args{L->src.data(), L->residual.empty() ? nullptr : L->residual.data(), L->dst.data()};
    L->run = [kp, args](int64_t b, int64_t e) { kp->run(args, b, e); };
    L->reference = [p = std::move(p), args](void* want) {
        kernels::ref::conv_int8(p.desc, p.src_type, args.src, p.weights.data(), p.src_zero_point, p.epilogue,
                                args.residual, want);
    };
    L->kernel = std::move(k);
    return L;
}

// Matmul and inner product share the problem; `ip` selects the descriptor syntax, the
// batch override and the bias rule (ip: --dir; matmul: --bia-dt/--bia_mask).
std::unique_ptr<PreparedLayer> prepare_matmul(const LayerSpec& s, jit::Isa isa, bool ip) {
    kernels::MatmulDesc d = ip ? kernels::parse_ip_desc(s.desc) : kernels::parse_matmul_desc(s.desc);
    const bool dir_bias = forward_with_bias(s, ip ? "FWD_B" : "FWD_I");
    std::vector<float> bias;
    if (ip) {
        d.m = resolve_mb(s, d.m);
        d = kernels::parse_matmul_desc(kernels::to_string(d));  // re-validate sizes at the new batch
        if (dir_bias) bias = kernels::made_up_bias(d.n);
    } else {
        const std::string bdt = opt(s, "bia-dt", opt(s, "bia_dt", "undef"));
        if (bdt != "undef") {
            if (bdt != "f32" && bdt != "bf16" && bdt != "f16")
                throw UnsupportedError("bias type " + bdt + " (the made-up bias needs f32, bf16 or f16)");
            const std::string mask = opt(s, "bia_mask", "2");
            const std::string per_n = std::to_string(1 << (d.batch_dims.size() + 1));
            if (mask == per_n) bias = kernels::made_up_bias(d.n);
            else if (mask == "0") bias = {kernels::made_up_bias(1)[0]};
            else throw UnsupportedError("--bia_mask=" + mask + " (octet's bias is per output column or common)");
        }
    }
    const kernels::BenchdnnDt dt = kernels::parse_benchdnn_dt(opt(s, "dt", "u8:s8:u8"));
    const kernels::BenchdnnAttrs attrs = kernels::parse_benchdnn_attrs(
        opt(s, "attr-scales", ""), opt(s, "attr-post-ops", ""), opt(s, "attr-zero-points", ""));
    // The mapping takes per-channel biases only; a common bias (one value) is set after it.
    kernels::MappedAttrs m = kernels::map_benchdnn_attrs(attrs, dt.dst, d.n, {});
    m.epilogue.bias = bias;

    kernels::MatmulProblem p;
    p.desc = d;
    p.a_type = dt.src;
    p.a_zero_point = m.src_zero_point;
    p.epilogue = m.epilogue;

    auto L = std::make_unique<PreparedLayer>();
    std::mt19937 rng(kLayerSeed);
    L->src.resize(size_t(d.a_elems()));
    fill_int8(dt.src, L->src.data(), d.a_elems(), rng);
    p.b.resize(size_t(d.b_elems()));
    fill_int8(ElemType::s8, p.b.data(), d.b_elems(), rng);
    // The saturation case: row 0 of A at the top, column 0 of B all -128, column 1 all 127.
    std::memset(L->src.data(), max_activation(dt.src), size_t(d.k));
    for (int64_t k = 0; k < d.k; ++k) {
        p.b[size_t(k * d.n)] = -128;
        if (d.n > 1) p.b[size_t(k * d.n + 1)] = 127;
    }
    if (const ir::PostOp* sum = p.epilogue.sum_op()) fill_residual(sum->sum_type, L->residual, d.dst_elems(), rng);

    L->dst_type = dt.dst;
    L->dst.assign(size_t(d.dst_elems()) * ir::elem_size(dt.dst), 0);
    L->name = d.name;
    L->work = 2.0 * double(d.macs());
    auto k = kernels::create_matmul_kernel(p, isa, &L->declined);
    const kernels::MatmulKernel* kp = k.get();
    const kernels::MatmulArgs args{L->src.data(), L->residual.empty() ? nullptr : L->residual.data(), L->dst.data()};
    L->run = [kp, args](int64_t b, int64_t e) { kp->run(args, b, e); };
    L->reference = [p = std::move(p), args](void* want) {
        kernels::ref::matmul_int8(p.desc, p.a_type, args.a, p.a_zero_point, p.b.data(), p.epilogue, args.residual,
                                  want);
    };
    L->kernel = std::move(k);
    return L;
}

std::unique_ptr<PreparedLayer> prepare_pool(const LayerSpec& s, jit::Isa isa) {
    forward_with_bias(s, "FWD_D");  // only to reject backward directions
    for (const char* a : {"attr-scales", "attr-post-ops", "attr-zero-points"})
        if (!opt(s, a, "").empty()) throw UnsupportedError(std::string("pooling with --") + a + " (octet pools without attributes)");
    kernels::PoolDesc d = kernels::parse_pool_desc(s.desc, kernels::parse_pool_alg(opt(s, "alg", "max")));
    d.mb = resolve_mb(s, d.mb);
    d = kernels::parse_pool_desc(kernels::to_string(d), d.alg);  // re-validate at the new batch
    const std::string dts = opt(s, "dt", "u8");
    const size_t colon = dts.find(':');
    const ElemType t = kernels::parse_benchdnn_type(dts.substr(0, colon));
    if (colon != std::string::npos && kernels::parse_benchdnn_type(dts.substr(colon + 1)) != t)
        throw UnsupportedError("pooling --dt=" + dts + " (octet pools into the source type)");
    if (t != ElemType::u8 && t != ElemType::s8) throw UnsupportedError("pooling of " + dts + " (octet pools u8 and s8)");

    kernels::PoolProblem p{d, t};
    auto L = std::make_unique<PreparedLayer>();
    std::mt19937 rng(kLayerSeed);
    L->src.resize(size_t(d.src_elems()));
    // Pooling has no saturation hazard but sums: the full range, uniformly.
    for (uint8_t& b : L->src) b = uint8_t(rng());
    L->dst_type = t;
    L->dst.assign(size_t(d.dst_elems()), 0);
    L->name = d.name;
    L->work = double(d.src_elems() + d.dst_elems());
    L->work_is_bytes = true;
    auto k = kernels::create_pool_kernel(p, isa, &L->declined);
    const kernels::PoolKernel* kp = k.get();
    const kernels::PoolArgs args{L->src.data(), L->dst.data()};
    L->run = [kp, args](int64_t b, int64_t e) { kp->run(args, b, e); };
    L->reference = [p, args](void* want) { kernels::ref::pool_int8(p.desc, p.type, args.src, want); };
    L->kernel = std::move(k);
    return L;
}

}  // namespace

std::unique_ptr<PreparedLayer> prepare_layer(const LayerSpec& spec, jit::Isa isa) {
    check_options(spec);
    if (spec.family == "conv") return prepare_conv(spec, isa);
    if (spec.family == "matmul") return prepare_matmul(spec, isa, false);
    if (spec.family == "ip") return prepare_matmul(spec, isa, true);
    if (spec.family == "pool") return prepare_pool(spec, isa);
    throw ArgumentError("unknown layer family '" + spec.family + "'");
}

}  // namespace octet::tools
