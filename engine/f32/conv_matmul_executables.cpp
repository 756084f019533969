#include "engine/f32/conv_matmul_executables.hpp"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "ir/error.hpp"
#include "ir/ops/conv_geometry.hpp"
#include "ir/ops/f32_fused_ops.hpp"
#include "kernels/f32/conv_f32_kernel.hpp"
#include "kernels/f32/matmul_f32_kernel.hpp"

namespace octet::engine::f32 {

namespace {

namespace kf = kernels::f32;

bool env_flag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}

std::shared_ptr<const Executable> decline(const ir::Node& n, const std::string& why) {
    if (env_flag("OCTET_VERBOSE")) spdlog::info("octet f32: {} ({}) stays on the reference: {}", n.name, n.op, why);
    return nullptr;
}

// Scratch of the calling (request) thread, grown on demand and kept: the
// pool's workers write through the pointer; steps of one request run one at a
// time, so one buffer per role suffices.
float* scratch(int role, size_t floats) {
    thread_local std::vector<float> buf[3];
    std::vector<float>& b = buf[role];
    if (b.size() < floats) b.resize(floats);
    return b.data();
}

class ConvF32Exec : public Executable {
public:
    ConvF32Exec(const kf::ConvF32Desc& d, const float* w, jit::Isa isa) : k_(d, w, isa) {}
    std::string exec_type() const override { return k_.exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        kf::ConvF32Args a;
        a.src = in[0].data<float>();
        a.dst = out[0].data<float>();
        a.residual = in.size() == 3 ? in[2].data<float>() : nullptr;
        a.src_scratch = scratch(0, k_.src_scratch_floats());
        a.dst_scratch = k_.dst_scratch_floats() ? scratch(1, k_.dst_scratch_floats()) : nullptr;
        pool.parallel_for(k_.prepare_units(), [&](int64_t b, int64_t e) { k_.prepare(a, b, e); });
        pool.parallel_for(k_.work_units(), [&](int64_t b, int64_t e) { k_.run(a, b, e); });
        if (k_.finish_units())
            pool.parallel_for(k_.finish_units(), [&](int64_t b, int64_t e) { k_.finish(a, b, e); });
    }

private:
    kf::ConvF32Kernel k_;
};

class MatmulF32Exec : public Executable {
public:
    MatmulF32Exec(kf::MatmulF32Desc d, const float* b, jit::Isa isa) : k_(std::move(d), b, isa) {}
    std::string exec_type() const override { return k_.exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        kf::MatmulF32Args a;
        a.a = in[0].data<float>();
        a.b = in[1].data<float>();
        a.residual = in.size() == 3 ? in[2].data<float>() : nullptr;
        a.c = out[0].data<float>();
        if (k_.pack_units()) {
            a.b_packed = scratch(2, k_.packed_b_floats());
            pool.parallel_for(k_.pack_units(), [&](int64_t b, int64_t e) { k_.pack(a, b, e); });
        }
        pool.parallel_for(k_.work_units(), [&](int64_t b, int64_t e) { k_.run(a, b, e); });
    }

private:
    kf::MatmulF32Kernel k_;
};

bool is_constant(const ir::Graph& g, ir::PortRef p) { return g.node(p.node).op == "Constant"; }

bool fused(const ir::Node& n) { return n.op == "ConvolutionF32" || n.op == "MatMulF32"; }

// The folded epilogue of a ConvolutionF32 / MatMulF32 (ir/ops/f32_fused_ops.hpp)
// as the kernels take it: bias per channel (a single value repeated), post-ops.
void epilogue_of(const ir::Node& n, int64_t channels, std::vector<float>& bias, std::vector<kf::GemmPostOp>& post) {
    if (!fused(n)) return;
    const ir::Epilogue e = ir::f32_epilogue_from_attrs(n.attrs);
    if (!e.bias.empty()) {
        bias.resize(size_t(channels));
        for (int64_t c = 0; c < channels; ++c) bias[size_t(c)] = ir::epilogue_at(e.bias, int(c), 0.f);
    }
    for (const ir::PostOp& p : e.post_ops) {
        switch (p.kind) {
        case ir::PostOp::Kind::relu: post.push_back(kf::GemmPost::relu); break;
        case ir::PostOp::Kind::clamp: post.push_back(kf::GemmPostOp::clamp(p.lo, p.hi)); break;
        case ir::PostOp::Kind::sum: post.push_back(kf::GemmPost::sum); break;
        }
    }
}

std::shared_ptr<const Executable> make_conv(const ir::Graph& g, const ir::Node& n, jit::Isa isa) {
    if (n.inputs.size() != 2 && !(fused(n) && n.inputs.size() == 3)) return decline(n, "not two inputs (+ a residual)");
    if (!is_constant(g, n.inputs[1])) return decline(n, "weights computed at run time");
    const ir::TensorDesc x = g.desc(n.inputs[0]);
    const ir::Tensor& w = g.node(n.inputs[1].node).value;
    if (x.type != ir::ElemType::f32 || w.type() != ir::ElemType::f32) return decline(n, "not f32");
    if (x.shape.size() != 4 || w.shape().size() != 4) return decline(n, "not 2D spatial");
    ir::Window2D win;
    try {
        win = ir::conv_window(n, x.shape, w.shape());
    } catch (const Error& e) {
        return decline(n, e.what());
    }
    kf::ConvF32Desc d;
    d.mb = x.shape[0];
    d.ic = x.shape[1];
    d.ih = x.shape[2];
    d.iw = x.shape[3];
    d.oc = w.shape()[0];
    d.oh = win.oh;
    d.ow = win.ow;
    d.kh = win.kh;
    d.kw = win.kw;
    d.sh = win.sh;
    d.sw = win.sw;
    d.dh = win.dh;
    d.dw = win.dw;
    d.pt = win.pt;
    d.pl = win.pl;
    d.group = n.attrs.get_int("group", 1);
    if (d.group < 1 || d.ic % d.group || d.oc % d.group || w.shape()[1] * d.group != d.ic)
        return decline(n, "group does not fit the shapes");
    try {
        epilogue_of(n, d.oc, d.bias, d.post);
        return std::make_shared<ConvF32Exec>(d, w.data<float>(), isa);
    } catch (const Error& e) {
        return decline(n, e.what());
    }
}

int64_t product(const ir::Shape& s, size_t from, size_t to) {
    int64_t p = 1;
    for (size_t i = from; i < to; ++i) p *= s[i];
    return p;
}

std::shared_ptr<const Executable> make_matmul(const ir::Graph& g, const ir::Node& n, jit::Isa isa) {
    if (n.inputs.size() != 2 && !(fused(n) && n.inputs.size() == 3)) return decline(n, "not two inputs (+ a residual)");
    const ir::TensorDesc a = g.desc(n.inputs[0]), b = g.desc(n.inputs[1]);
    if (a.type != ir::ElemType::f32 || b.type != ir::ElemType::f32) return decline(n, "not f32");
    if (a.shape.size() < 2 || b.shape.size() < 2) return decline(n, "rank-1 operand");
    if (n.attrs.get_bool("transpose_a", false)) return decline(n, "transpose_a");
    const bool tb = n.attrs.get_bool("transpose_b", false);
    const size_t ra = a.shape.size(), rb = b.shape.size();
    kf::MatmulF32Desc d;
    d.m = a.shape[ra - 2];
    d.k = a.shape[ra - 1];
    d.n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
    d.transpose_b = tb;
    const int64_t b_batch = product(b.shape, 0, rb - 2);
    const bool b_const = is_constant(g, n.inputs[1]);
    if (b_const) {
        if (b_batch != 1) return decline(n, "constant B with batch dims");
        // Every output batch element uses the same B: fold A's batch into M.
        d.m *= product(a.shape, 0, ra - 2);
    } else {
        // Output batch dims by numpy broadcasting; offsets of A and B per element.
        const ir::Shape& o = n.outputs.at(0).shape;
        const size_t rank = o.size() - 2;
        const int64_t count = product(o, 0, rank);
        d.b_count = b_batch;
        for (int64_t i = 0; i < count; ++i) {
            int64_t rem = i, ai = 0, bi = 0, as = 1, bs = 1;
            for (size_t dim = rank; dim-- > 0;) {
                const int64_t idx = rem % o[dim];
                rem /= o[dim];
                const int64_t ad = dim + (ra - 2) >= rank ? a.shape[dim + (ra - 2) - rank] : 1;
                const int64_t bd = dim + (rb - 2) >= rank ? b.shape[dim + (rb - 2) - rank] : 1;
                if (ad != 1) ai += idx * as;
                if (bd != 1) bi += idx * bs;
                as *= ad;
                bs *= bd;
            }
            d.a_offsets.push_back(ai * d.m * d.k);
            d.b_index.push_back(bi);
        }
    }
    try {
        epilogue_of(n, d.n, d.bias, d.post);
        return std::make_shared<MatmulF32Exec>(std::move(d), b_const ? g.node(n.inputs[1].node).value.data<float>() : nullptr,
                                               isa);
    } catch (const Error& e) {
        return decline(n, e.what());
    }
}

}  // namespace

std::shared_ptr<const Executable> make_conv_matmul_executable(const ir::Graph& g, int id, jit::Isa isa) {
    const ir::Node& n = g.node(id);
    if (n.op != "Convolution" && n.op != "MatMul" && !fused(n)) return nullptr;
    if (env_flag("OCTET_F32_REF_CONV_MATMUL")) return decline(n, "OCTET_F32_REF_CONV_MATMUL is set");
    jit::Isa kisa;
    if (jit::isa_is_subset(jit::Isa::avx512_core, isa))
        kisa = jit::Isa::avx512_core;
    else if (jit::isa_is_subset(jit::Isa::avx2, isa))
        kisa = jit::Isa::avx2;
    else
        return decline(n, std::string("no f32 JIT at ") + jit::isa_name(isa));
    return n.op == "Convolution" || n.op == "ConvolutionF32" ? make_conv(g, n, kisa) : make_matmul(g, n, kisa);
}

}  // namespace octet::engine::f32
