// The generated f32 kernels of kernels/f32/ (eltwise, Gelu, Softmax, MVN, global
// pooling, Transpose gathers) at every ISA that has them (avx2 and avx512 bodies,
// executed where this CPU or the emulator runs them), with a PROT_NONE page
// after every source and destination and every tail length:
//   - Relu, Clamp, copy, Add / Subtract / Multiply (+Relu), global MaxPool and
//     Transpose: bit-exact (memcmp) with kernels/ref;
//   - Gelu (erf, tanh): within 8 / 5 ulp of the exact function in double, and
//     within the reference's own rounding of it;
//   - Softmax (rows and columns), MVN, global AvgPool: within explicit relative bounds of the
//     reference (which sums in double / sequentially).
// The engine side (engine/f32/misc_executables) is checked on broadcast shapes
// against kernels::ref::eval_node, with 1 and 3 threads giving the same bits.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../emu/emu_cases.hpp"
#include "engine/f32/misc_executables.hpp"
#include "engine/threads.hpp"
#include "kernel_test_util.hpp"
#include "kernels/f32/eltwise_f32.hpp"
#include "kernels/f32/mvn_f32.hpp"
#include "kernels/f32/pool_f32.hpp"
#include "kernels/f32/softmax_f32.hpp"
#include "kernels/f32/transpose_f32.hpp"
#include "kernels/ref/ref.hpp"

using namespace octet;
namespace kf = octet::kernels::f32;
using jit::Isa;
using kernel_test::GuardedBytes;

namespace {

// The ISAs to run: one per f32 body (avx2, avx512), the highest executed ISA
// that maps onto it, so the emu lane counts the cases at the ISA it emulates.
std::vector<Isa> f32_isas() {
    std::map<Isa, Isa> by_body;
    for (Isa i : kernel_test::executed_isas()) {
        Isa f;
        if (kf::f32_jit_isa(i, f) && (!by_body.count(f) || jit::isa_is_subset(by_body[f], i))) by_body[f] = i;
    }
    std::vector<Isa> v;
    for (const auto& kv : by_body) v.push_back(kv.second);
    return v;
}

// A float vector copied into a guarded buffer (its last element touches the guard page).
struct Guarded {
    explicit Guarded(size_t n) : mem(std::max<size_t>(n, 1) * sizeof(float)), n(n) {}
    explicit Guarded(const std::vector<float>& v) : Guarded(v.size()) {
        std::memcpy(data(), v.data(), v.size() * sizeof(float));
    }
    float* data() { return reinterpret_cast<float*>(mem.data() + mem.size() - n * sizeof(float)); }
    std::vector<float> vec() { return std::vector<float>(data(), data() + n); }
    GuardedBytes mem;
    size_t n;
};

std::vector<float> random_floats(size_t n, float lo, float hi, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Units in the last place of |t| (f32), at least the smallest normal's.
double ulp_of(double t) {
    const float f = float(std::fabs(t));
    const float next = std::nextafter(std::max(f, std::numeric_limits<float>::min()), INFINITY);
    return double(next) - double(std::max(f, std::numeric_limits<float>::min()));
}

// Runs the reference for one node built from `op`, inputs and attributes.
std::vector<ir::Tensor> ref_eval(const std::string& op, const std::vector<ir::Tensor>& ins, ir::Attributes attrs,
                                 ir::Graph* out_graph = nullptr, int* out_id = nullptr) {
    ir::Graph g;
    std::vector<ir::PortRef> ports;
    for (size_t i = 0; i < ins.size(); ++i)
        ports.push_back(g.parameter("in" + std::to_string(i), ins[i].type(), ins[i].shape()));
    const ir::PortRef y = g.add(op, "node", ports, std::move(attrs));
    g.result("y", y);
    g.infer();
    std::vector<ir::Tensor> r = kernels::ref::eval_node(g.node(y.node), ins);
    if (out_graph) {
        *out_graph = g;
        *out_id = y.node;
    }
    return r;
}

ir::Tensor tensor_of(const ir::Shape& s, const std::vector<float>& v) {
    ir::Tensor t(ir::ElemType::f32, s);
    REQUIRE(size_t(t.numel()) == v.size());
    std::memcpy(t.raw(), v.data(), v.size() * sizeof(float));
    return t;
}

std::vector<float> values(const ir::Tensor& t) {
    const float* p = static_cast<const float*>(t.raw());
    return std::vector<float>(p, p + t.numel());
}

// Special values every exact op must treat as the reference does.
void add_specials(std::vector<float>& v) {
    const float s[] = {0.f, -0.f, NAN, INFINITY, -INFINITY, 1e-40f, -1e-40f, 3.f, -3.f};
    for (size_t i = 0; i < v.size() && i < 2 * sizeof s / sizeof s[0]; i += 2) v[i] = s[i / 2];
}

}  // namespace

TEST_CASE("f32 eltwise: unary ops bit-exact, every tail", "[f32ops][emu]") {
    const auto isas = f32_isas();
    if (isas.empty()) WARN("no f32 JIT ISA executes here");
    for (Isa isa : isas)
        for (const char* op : {"Relu", "Clamp"})
            for (size_t n : {size_t(1), size_t(3), size_t(7), size_t(8), size_t(9), size_t(15), size_t(16),
                             size_t(17), size_t(31), size_t(33), size_t(64), size_t(67), size_t(130)}) {
                std::vector<float> x = random_floats(n, -4.f, 4.f, uint32_t(n * 7 + 1));
                add_specials(x);
                ir::Attributes a;
                kf::EltwiseDesc d;
                d.op = std::string(op) == "Relu" ? kf::EltOp::relu : kf::EltOp::clamp;
                if (d.op == kf::EltOp::clamp) {
                    a.set("min", -1.5f);
                    a.set("max", 2.25f);
                    d.lo = -1.5f;
                    d.hi = 2.25f;
                }
                const std::vector<float> want = values(ref_eval(op, {tensor_of({int64_t(n)}, x)}, a)[0]);
                auto k = kf::create_eltwise_kernel(d, isa);
                REQUIRE(k);
                Guarded src(x), dst(n);
                (*k)({src.data(), nullptr, dst.data(), int64_t(n)});
                INFO(k->name() << " n=" << n);
                CHECK(same_bits(dst.vec(), want));
                emu::note_case(isa, k->exec_type());
            }
}

TEST_CASE("f32 eltwise: binary ops with broadcast operands bit-exact", "[f32ops][emu]") {
    for (Isa isa : f32_isas())
        for (kf::EltOp op : {kf::EltOp::add, kf::EltOp::sub, kf::EltOp::mul})
            for (int mode = 0; mode < 3; ++mode)  // vv, vs, sv
                for (bool relu : {false, true})
                    for (size_t n : {size_t(1), size_t(5), size_t(8), size_t(13), size_t(16), size_t(29), size_t(40),
                                     size_t(71)}) {
                        kf::EltwiseDesc d;
                        d.op = op;
                        d.src0_scalar = mode == 2;
                        d.src1_scalar = mode == 1;
                        d.post_relu = relu;
                        std::vector<float> a = random_floats(d.src0_scalar ? 1 : n, -3.f, 3.f, uint32_t(n + 11));
                        std::vector<float> b = random_floats(d.src1_scalar ? 1 : n, -3.f, 3.f, uint32_t(n + 23));
                        if (!d.src0_scalar) add_specials(a);
                        std::vector<float> want(n);
                        for (size_t i = 0; i < n; ++i) {
                            const float x = a[d.src0_scalar ? 0 : i], y = b[d.src1_scalar ? 0 : i];
                            float r = op == kf::EltOp::add ? x + y : op == kf::EltOp::sub ? x - y : x * y;
                            if (relu) r = r > 0.f ? r : 0.f;  // the reference's Relu
                            want[i] = r;
                        }
                        auto k = kf::create_eltwise_kernel(d, isa);
                        REQUIRE(k);
                        Guarded s0(a), s1(b), dst(n);
                        (*k)({s0.data(), s1.data(), dst.data(), int64_t(n)});
                        INFO(k->name() << " n=" << n);
                        CHECK(same_bits(dst.vec(), want));
                        emu::note_case(isa, k->exec_type());
                    }
}

TEST_CASE("f32 Gelu erf/tanh: within 8/5 ulp of the exact function, and of the reference", "[f32ops][emu]") {
    for (Isa isa : f32_isas())
        for (bool erf_mode : {true, false}) {
            // A dense sweep of [-12, 12] (both tails of erf, the |z| = 1 branch switch) plus tails.
            std::vector<float> x;
            for (int i = -12000; i <= 12000; ++i) x.push_back(float(i) * 1e-3f);
            for (float v : {1e-30f, -1e-30f, 0.f, -0.f, 20.f, -20.f, 1e5f, -13.5f, 1.41421354f, -1.41421354f})
                x.push_back(v);
            const size_t n = x.size();
            kf::EltwiseDesc d;
            d.op = erf_mode ? kf::EltOp::gelu_erf : kf::EltOp::gelu_tanh;
            auto k = kf::create_eltwise_kernel(d, isa);
            REQUIRE(k);
            Guarded src(x), dst(n);
            (*k)({src.data(), nullptr, dst.data(), int64_t(n)});
            ir::Attributes a;
            a.set("approximation_mode", erf_mode ? "erf" : "tanh");
            const std::vector<float> ref = values(ref_eval("Gelu", {tensor_of({int64_t(n)}, x)}, a)[0]);
            const std::vector<float> got = dst.vec();
            double worst_ulp = 0;
            for (size_t i = 0; i < n; ++i) {
                const double xd = x[i];
                double truth;
                if (erf_mode) {
                    const double z = double(x[i] * 0.70710678118654752f);  // the f32 argument both use
                    truth = 0.5 * xd * std::erfc(-z);
                } else {
                    // −2u in f32 as the kernel (and, in its own order, the reference) forms it;
                    // the bound is on what follows: e^(−2u), 1 + ·, x / ·.
                    float m2u = x[i] * x[i];
                    m2u *= x[i];
                    m2u *= 0.044715f;
                    m2u += x[i];
                    m2u *= -2.0f * 0.79788456080286536f;
                    truth = xd / (1.0 + std::exp(double(m2u)));
                }
                const double err = std::fabs(double(got[i]) - truth);
                if (std::fabs(truth) > 1e-35) worst_ulp = std::max(worst_ulp, err / ulp_of(truth));
                INFO(k->name() << " x=" << x[i] << " got " << got[i] << " exact " << truth << " ref " << ref[i]);
                const double bound = (erf_mode ? 8.0 : 5.0) * ulp_of(truth) + 1e-35;  // math_injector.hpp's bounds
                CHECK(err <= bound);
                // The reference's rounding of 1 + erf / 1 + tanh near -1 costs it ~6e-8·|x|.
                CHECK(std::fabs(double(got[i]) - double(ref[i])) <= 1e-6 * std::fabs(double(ref[i])) + 1.2e-7 * std::fabs(xd) + 1e-35);
            }
            std::printf("f32 gelu_%s at %s: max %.2f ulp from the exact function over %zu points\n",
                        erf_mode ? "erf" : "tanh", jit::isa_name(isa), worst_ulp, n);
            emu::note_case(isa, k->exec_type());
        }
}

TEST_CASE("f32 Softmax rows: every tail, within 4e-6 relative of the reference", "[f32ops][emu]") {
    for (Isa isa : f32_isas())
        for (int64_t len : {1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 47, 128, 1000}) {
            const int64_t rows = 3;
            std::vector<float> x = random_floats(size_t(rows * len), -8.f, 8.f, uint32_t(len));
            for (int64_t j = 0; j < len; ++j) x[size_t(2 * len + j)] *= 20.f;  // row 2: e^(x-max) underflows
            ir::Attributes a;
            a.set("axis", 1);
            const std::vector<float> ref = values(ref_eval("Softmax", {tensor_of({rows, len}, x)}, a)[0]);
            auto k = kf::create_softmax_kernel(isa);
            REQUIRE(k);
            for (int64_t r = 0; r < rows; ++r) {
                Guarded src(std::vector<float>(x.begin() + r * len, x.begin() + (r + 1) * len)), dst{size_t(len)};
                (*k)({src.data(), dst.data(), len});
                const std::vector<float> got = dst.vec();
                for (int64_t j = 0; j < len; ++j) {
                    const float w = ref[size_t(r * len + j)];
                    INFO(k->name() << " len " << len << " row " << r << " col " << j << " got " << got[size_t(j)]
                                   << " ref " << w);
                    CHECK(std::fabs(got[size_t(j)] - w) <= 4e-6f * std::fabs(w) + 1.2e-38f);
                }
            }
            emu::note_case(isa, k->exec_type());
        }
}

TEST_CASE("f32 Softmax columns (axis followed by inner elements): every tail, within 4e-6", "[f32ops][emu]") {
    for (Isa isa : f32_isas())
        for (int64_t len : {1, 3, 17})
            for (int64_t inner : {1, 5, 8, 13, 16, 21, 33}) {
                std::vector<float> x = random_floats(size_t(len * inner), -8.f, 8.f, uint32_t(len * 100 + inner));
                ir::Attributes a;
                a.set("axis", 0);
                const std::vector<float> ref = values(ref_eval("Softmax", {tensor_of({len, inner}, x)}, a)[0]);
                auto k = kf::create_softmax_strided_kernel(isa);
                REQUIRE(k);
                Guarded src(x), dst{size_t(len * inner)};
                (*k)({src.data(), dst.data(), len, inner});
                const std::vector<float> got = dst.vec();
                for (size_t j = 0; j < got.size(); ++j) {
                    INFO(k->name() << " len " << len << " inner " << inner << " at " << j);
                    CHECK(std::fabs(got[j] - ref[j]) <= 4e-6f * std::fabs(ref[j]) + 1.2e-38f);
                }
                emu::note_case(isa, k->exec_type());
            }
}

TEST_CASE("f32 MVN groups: every tail, both eps modes, within 1e-5 of the reference", "[f32ops][emu]") {
    for (Isa isa : f32_isas())
        for (int mode = 0; mode < 3; ++mode)  // inside, outside, mean only
            for (int64_t len : {1, 3, 8, 9, 16, 23, 33, 100, 768}) {
                kf::MvnDesc d;
                d.normalize_variance = mode != 2;
                d.eps_inside_sqrt = mode == 0;
                const float eps = mode == 0 ? 1e-12f : 1e-3f;
                const int64_t rows = 2;
                std::vector<float> x = random_floats(size_t(rows * len), 1.f, 7.f, uint32_t(len * 3 + mode));
                ir::Attributes a;
                a.set("axes", std::vector<int64_t>{1});
                a.set("normalize_variance", d.normalize_variance);
                a.set("eps", eps);
                a.set("eps_mode", d.eps_inside_sqrt ? "inside_sqrt" : "outside_sqrt");
                const std::vector<float> ref = values(ref_eval("MVN", {tensor_of({rows, len}, x)}, a)[0]);
                auto k = kf::create_mvn_kernel(d, isa);
                REQUIRE(k);
                for (int64_t r = 0; r < rows; ++r) {
                    Guarded src(std::vector<float>(x.begin() + r * len, x.begin() + (r + 1) * len)), dst{size_t(len)};
                    (*k)({src.data(), dst.data(), len, float(len), eps});
                    const std::vector<float> got = dst.vec();
                    float scale = 0;
                    for (int64_t j = 0; j < len; ++j) scale = std::max(scale, std::fabs(ref[size_t(r * len + j)]));
                    for (int64_t j = 0; j < len; ++j) {
                        INFO(k->name() << " len " << len << " got " << got[size_t(j)] << " ref "
                                       << ref[size_t(r * len + j)]);
                        CHECK(std::fabs(got[size_t(j)] - ref[size_t(r * len + j)]) <= 1e-5f * std::max(scale, 1e-3f));
                    }
                }
                emu::note_case(isa, k->exec_type());
            }
}

TEST_CASE("f32 global pooling: max bit-exact, average within 2e-6", "[f32ops][emu]") {
    for (Isa isa : f32_isas())
        for (bool is_max : {true, false})
            for (int64_t hw : {1, 5, 8, 9, 17, 49, 50, 196}) {
                const int64_t planes = 5;
                std::vector<float> x = random_floats(size_t(planes * hw), -2.f, 5.f, uint32_t(hw + is_max));
                if (is_max) x[0] = NAN;  // never wins, as in the reference
                ir::Attributes a;
                a.set("kernel", std::vector<int64_t>{1, hw});
                a.set("strides", std::vector<int64_t>{1, 1});
                a.set("pads_begin", std::vector<int64_t>{0, 0});
                a.set("pads_end", std::vector<int64_t>{0, 0});
                const std::vector<float> ref =
                    values(ref_eval(is_max ? "MaxPool" : "AvgPool", {tensor_of({1, planes, 1, hw}, x)}, a)[0]);
                auto k = kf::create_global_pool_kernel(is_max ? kf::PoolF32Alg::max : kf::PoolF32Alg::avg, isa);
                REQUIRE(k);
                Guarded src(x), dst{size_t(planes)};
                (*k)({src.data(), dst.data(), hw, planes, float(hw)});
                INFO(k->name() << " hw " << hw);
                if (is_max) {
                    CHECK(same_bits(dst.vec(), ref));
                } else {
                    const std::vector<float> got = dst.vec();
                    for (int64_t p = 0; p < planes; ++p) CHECK(std::fabs(got[size_t(p)] - ref[size_t(p)]) <= 2e-6f * 5.f);
                }
                emu::note_case(isa, k->exec_type());
            }
}

TEST_CASE("f32 Transpose gather rows: bit-exact, every tail, never past the last source", "[f32ops][emu]") {
    for (Isa isa : f32_isas())
        for (int64_t stride : {1, 3, 17})
            for (int64_t n : {1, 2, 7, 8, 9, 16, 17, 31, 40}) {
                // The row's last source is the buffer's last element (a guard page follows it).
                const std::vector<float> x = random_floats(size_t((n - 1) * stride + 1), -5.f, 5.f, uint32_t(n + stride));
                std::vector<float> want(static_cast<size_t>(n));
                for (int64_t j = 0; j < n; ++j) want[size_t(j)] = x[size_t(j * stride)];
                auto k = kf::create_gather_kernel(isa);
                REQUIRE(k);
                Guarded src(x), dst{size_t(n)};
                (*k)({src.data(), dst.data(), n, stride});
                INFO(k->name() << " n " << n << " stride " << stride);
                CHECK(same_bits(dst.vec(), want));
                emu::note_case(isa, k->exec_type());
            }
}

// ---- the engine side: node -> Executable, against the reference executor ----

namespace {

// Builds the node, runs its Executable with 1 and 3 threads (same bits) and
// returns the output; `exact` compares with the reference bit for bit,
// otherwise within `tol` relative to max|ref|.
void check_exec(const std::string& op, const std::vector<ir::Tensor>& ins, const ir::Attributes& attrs, Isa isa,
                bool exact, float tol = 0) {
    ir::Graph g;
    int id = -1;
    const ir::Tensor ref = ref_eval(op, ins, attrs, &g, &id)[0];
    auto exec = engine::f32::make_misc_executable(g, id, isa);
    INFO(op << " " << ir::to_string(ins[0].shape()) << " at " << jit::isa_name(isa));
    REQUIRE(exec);
    Isa body;
    REQUIRE(kf::f32_jit_isa(isa, body));
    CHECK(exec->exec_type() == std::string("jit_") + jit::exec_isa_tag(body) + "_FP32");
    std::vector<ir::Tensor> got[2];
    int t = 0;
    for (int threads : {1, 3}) {
        engine::ThreadPool pool(threads);
        got[t].push_back(ir::Tensor(ref.type(), ref.shape()));
        exec->run(ins, got[t], pool);
        ++t;
    }
    const std::vector<float> a = values(got[0][0]), b = values(got[1][0]), r = values(ref);
    CHECK(same_bits(a, b));
    emu::note_case(isa, exec->exec_type());
    if (exact) {
        CHECK(same_bits(a, r));
    } else {
        float scale = 0;
        for (float v : r) scale = std::max(scale, std::fabs(v));
        for (size_t i = 0; i < r.size(); ++i) {
            INFO("element " << i << " got " << a[i] << " ref " << r[i]);
            CHECK(std::fabs(a[i] - r[i]) <= tol * std::max(scale, 1e-3f));
        }
    }
}

ir::Tensor rand_tensor(const ir::Shape& s, uint32_t seed) {
    return tensor_of(s, random_floats(size_t(ir::num_elements(s)), -3.f, 3.f, seed));
}

}  // namespace

TEST_CASE("f32 executables: broadcast binary ops match the reference bit for bit", "[f32ops]") {
    const std::vector<std::pair<ir::Shape, ir::Shape>> shapes = {
        {{2, 3, 5, 7}, {2, 3, 5, 7}},   // same shape
        {{2, 3, 5, 7}, {1, 3, 1, 1}},   // per channel
        {{2, 3, 5, 7}, {}},             // scalar
        {{2, 3, 5, 7}, {7}},            // last-dim vector (LayerNorm gamma)
        {{1, 3, 1, 1}, {2, 3, 5, 7}},   // first operand broadcast
        {{4, 1}, {1, 37}},              // outer product
        {{2, 1, 5, 9}, {2, 3, 5, 9}},   // broadcast in the middle
        {{1, 64, 40000}, {1, 64, 1}},   // rows longer than a chunk
    };
    for (Isa isa : f32_isas())
        for (const char* op : {"Add", "Subtract", "Multiply"})
            for (size_t s = 0; s < shapes.size(); ++s)
                check_exec(op, {rand_tensor(shapes[s].first, uint32_t(s)), rand_tensor(shapes[s].second, uint32_t(s + 99))},
                           {}, isa, true);
}

TEST_CASE("f32 executables: unary, Softmax, MVN, pooling, Transpose against the reference", "[f32ops]") {
    for (Isa isa : f32_isas()) {
        check_exec("Relu", {rand_tensor({3, 50000}, 1)}, {}, isa, true);
        ir::Attributes clamp;
        clamp.set("min", 0.f);
        clamp.set("max", 6.f);
        check_exec("Clamp", {rand_tensor({2, 3, 11, 13}, 2)}, clamp, isa, true);
        ir::Attributes gelu;
        check_exec("Gelu", {rand_tensor({2, 3, 999}, 3)}, gelu, isa, false, 1e-6f);
        ir::Attributes sm;
        sm.set("axis", -1);
        check_exec("Softmax", {rand_tensor({1, 4, 9, 33}, 4)}, sm, isa, false, 4e-6f);
        sm.set("axis", 1);
        check_exec("Softmax", {rand_tensor({2, 1000, 1, 1}, 5)}, sm, isa, false, 4e-6f);
        // Strided: the axis is followed by inner = 1..35 elements (every column tail).
        for (int64_t inner : {3, 8, 17, 35}) check_exec("Softmax", {rand_tensor({2, 7, inner}, 10)}, sm, isa, false, 4e-6f);
        sm.set("axis", 0);
        check_exec("Softmax", {rand_tensor({129, 20}, 11)}, sm, isa, false, 4e-6f);
        ir::Attributes mvn;
        mvn.set("axes", std::vector<int64_t>{2, 3});
        mvn.set("eps", 1e-9f);
        check_exec("MVN", {rand_tensor({2, 3, 5, 7}, 6)}, mvn, isa, false, 1e-5f);
        ir::Attributes pool;
        pool.set("kernel", std::vector<int64_t>{7, 7});
        pool.set("strides", std::vector<int64_t>{1, 1});
        pool.set("pads_begin", std::vector<int64_t>{0, 0});
        pool.set("pads_end", std::vector<int64_t>{0, 0});
        check_exec("AvgPool", {rand_tensor({2, 37, 7, 7}, 7)}, pool, isa, false, 2e-6f);
        check_exec("MaxPool", {rand_tensor({2, 37, 7, 7}, 8)}, pool, isa, true);
        for (std::vector<int64_t> order : {std::vector<int64_t>{0, 2, 1, 3}, {2, 1, 0, 3}, {1, 2, 0, 3}, {0, 1, 3, 2},
                                           {0, 2, 3, 1}, {3, 2, 1, 0}, {0, 3, 1, 2}}) {
            ir::Attributes tr;
            tr.set("order", order);
            check_exec("Transpose", {rand_tensor({2, 3, 5, 19}, 9)}, tr, isa, true);
        }
    }
}

TEST_CASE("f32 executables: windowed MaxPool / AvgPool bit-exact (pads, ceil mode, strides 1 and 2)", "[f32ops][emu]") {
    struct P { int64_t k, s, pb, pe; const char* rounding; bool exclude; ir::Shape shape; };
    const P cases[] = {
        {3, 2, 1, 1, "floor", false, {1, 2, 56, 56}},   // ResNet-50 pool1's geometry
        {3, 2, 1, 1, "floor", true, {2, 2, 13, 13}},
        {3, 1, 1, 1, "floor", false, {1, 3, 9, 37}},
        {3, 1, 1, 1, "floor", true, {1, 3, 9, 37}},
        {2, 2, 0, 0, "ceil", false, {1, 2, 7, 19}},     // the last window runs past the input
        {2, 2, 0, 0, "ceil", true, {1, 2, 7, 19}},
        {5, 2, 2, 1, "floor", false, {1, 2, 11, 41}},
        {1, 1, 0, 0, "floor", false, {1, 2, 5, 3}},
    };
    for (Isa isa : f32_isas())
        for (const P& c : cases)
            for (const char* op : {"MaxPool", "AvgPool"}) {
                ir::Attributes a;
                a.set("kernel", std::vector<int64_t>{c.k, c.k});
                a.set("strides", std::vector<int64_t>{c.s, c.s});
                a.set("pads_begin", std::vector<int64_t>{c.pb, c.pb});
                a.set("pads_end", std::vector<int64_t>{c.pe, c.pe});
                a.set("rounding_type", c.rounding);
                if (std::string(op) == "AvgPool") a.set("exclude_pad", c.exclude);
                INFO(op << " k" << c.k << " s" << c.s << " pads " << c.pb << "/" << c.pe << " " << c.rounding);
                check_exec(op, {rand_tensor(c.shape, uint32_t(c.k * 10 + c.s))}, a, isa, true);
            }
}

TEST_CASE("f32 executables: what is not generated stays on the reference", "[f32ops]") {
    auto make = [](const std::string& op, const std::vector<ir::Shape>& shapes, ir::Attributes a, Isa isa) {
        ir::Graph g;
        std::vector<ir::PortRef> ports;
        for (size_t i = 0; i < shapes.size(); ++i)
            ports.push_back(g.parameter("in" + std::to_string(i), ir::ElemType::f32, shapes[i]));
        const ir::PortRef y = g.add(op, "node", ports, std::move(a));
        g.result("y", y);
        g.infer();
        return engine::f32::make_misc_executable(g, y.node, isa);
    };
    CHECK_FALSE(make("Relu", {{2, 5}}, {}, Isa::sse42));          // no SSE4.2 f32 body
    CHECK(make("Relu", {{2, 5}}, {}, Isa::avx2));
}
