#include "engine/f32/misc_executables.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "ir/ops/conv_geometry.hpp"
#include "kernels/eltwise/jit_eltwise_kernel.hpp"
#include "kernels/f32/eltwise_f32.hpp"
#include "kernels/f32/mvn_f32.hpp"
#include "kernels/f32/pool_f32.hpp"
#include "kernels/f32/softmax_f32.hpp"
#include "kernels/f32/transpose_f32.hpp"

namespace octet::engine::f32 {

namespace {

namespace kf = kernels::f32;

// Element-wise work is cut into chunks of this many elements (a multiple of
// every vector width), independent of the thread count.
constexpr int64_t kChunk = 16384;

bool verbose() {
    const char* v = std::getenv("OCTET_VERBOSE");
    return v && *v && std::strcmp(v, "0") != 0;
}

std::shared_ptr<const Executable> decline(const ir::Node& n, const std::string& why) {
    if (verbose()) spdlog::info("octet f32: {} ({}) stays on the reference: {}", n.name, n.op, why);
    return nullptr;
}

bool all_f32(const ir::Graph& g, const ir::Node& n) {
    for (const ir::PortRef& p : n.inputs)
        if (g.desc(p).type != ir::ElemType::f32) return false;
    for (const ir::TensorDesc& d : n.outputs)
        if (d.type != ir::ElemType::f32) return false;
    return !n.outputs.empty();
}

const float* fp(const ir::Tensor& t) { return static_cast<const float*>(t.raw()); }
float* fp(ir::Tensor& t) { return static_cast<float*>(t.raw()); }

// Relu, Clamp, Gelu: one flat run, chunked.
class UnaryExec : public Executable {
public:
    explicit UnaryExec(std::unique_ptr<kf::EltwiseKernel> k) : k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const int64_t n = out[0].numel();
        const float* src = fp(in[0]);
        float* dst = fp(out[0]);
        pool.parallel_for((n + kChunk - 1) / kChunk, [&](int64_t b, int64_t e) {
            const int64_t lo = b * kChunk, hi = std::min(n, e * kChunk);
            (*k_)({src + lo, nullptr, dst + lo, hi - lo});
        });
    }

private:
    std::unique_ptr<kf::EltwiseKernel> k_;
};

// GeluQuantize (engine/f32/fuse_f32.hpp): the quantize kernel of
// kernels/eltwise with the Gelu on each loaded vector, over its work units.
class GeluQuantizeExec : public Executable {
public:
    explicit GeluQuantizeExec(std::unique_ptr<kernels::EltwiseKernel> k) : k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        kernels::EltwiseArgs args;
        args.src0 = in[0].raw();
        args.dst = out[0].raw();
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
    }

private:
    std::unique_ptr<kernels::EltwiseKernel> k_;
};

std::shared_ptr<const Executable> make_gelu_quantize(const ir::Graph& g, const ir::Node& n, jit::Isa isa) {
    const ir::TensorDesc in = g.desc(n.inputs.at(0));
    const ir::TensorDesc& out = n.outputs.at(0);
    if (in.type != ir::ElemType::f32 || !ir::is_int8(out.type)) return decline(n, "not f32 -> u8/s8");
    std::string why;
    std::unique_ptr<kernels::EltwiseKernel> k = kernels::make_gelu_quantize_jit_kernel(
        kernels::quantize_problem_of(n, in.shape, out.type), n.attrs.get_string("approximation_mode", "erf") == "tanh",
        isa, why);
    if (!k) return decline(n, why);
    return std::make_shared<GeluQuantizeExec>(std::move(k));
}

// The output shape of a broadcast binary op, collapsed into outer dims and one
// inner row along which each operand is contiguous (stride 1) or one value
// (stride 0). Dims of extent 1 are dropped; neighbours merge when both
// operands continue densely (or stay broadcast) across them.
struct BroadcastRows {
    std::vector<int64_t> outer_ext, outer_st[2];  // outer dims, outermost first
    int64_t row = 1;                              // inner row length
    int64_t row_st[2] = {1, 1};                   // 0 or 1 per operand
    int64_t rows = 1;
};

bool broadcast_rows(const ir::Shape& out, const ir::Shape (&in)[2], BroadcastRows& r, std::string& why) {
    const size_t rank = out.size();
    std::vector<int64_t> ext, st[2];
    std::vector<int64_t> dense[2];
    for (int k = 0; k < 2; ++k) {
        if (in[k].size() > rank) {
            why = "input rank above the output's";
            return false;
        }
        dense[k].assign(in[k].size(), 1);
        for (size_t j = in[k].size(); j-- > 1;) dense[k][j - 1] = dense[k][j] * in[k][j];
    }
    for (size_t i = 0; i < rank; ++i) {
        if (out[i] == 1) continue;
        ext.push_back(out[i]);
        for (int k = 0; k < 2; ++k) {
            const int64_t j = int64_t(i) - int64_t(rank - in[k].size());
            st[k].push_back(j < 0 || in[k][size_t(j)] == 1 ? 0 : dense[k][size_t(j)]);
        }
    }
    if (ext.empty()) {  // one element
        ext.push_back(1);
        st[0].push_back(1);
        st[1].push_back(1);
    }
    // Merge dim d into d+1 from the inside out.
    std::vector<int64_t> mext = {ext.back()}, mst[2] = {{st[0].back()}, {st[1].back()}};
    for (size_t d = ext.size() - 1; d-- > 0;) {
        bool merge = true;
        for (int k = 0; k < 2; ++k) merge = merge && st[k][d] == mst[k].front() * mext.front();
        if (merge) {
            mext.front() *= ext[d];
        } else {
            mext.insert(mext.begin(), ext[d]);
            for (int k = 0; k < 2; ++k) mst[k].insert(mst[k].begin(), st[k][d]);
        }
    }
    r.row = mext.back();
    for (int k = 0; k < 2; ++k) {
        r.row_st[k] = mst[k].back();
        if (r.row_st[k] != 0 && r.row_st[k] != 1) {
            why = "operand " + std::to_string(k) + " is strided along the innermost dims";
            return false;
        }
        r.outer_st[k].assign(mst[k].begin(), mst[k].end() - 1);
    }
    if (r.row_st[0] == 0 && r.row_st[1] == 0 && r.row > 1) {
        why = "both operands broadcast along the innermost dims";
        return false;
    }
    r.outer_ext.assign(mext.begin(), mext.end() - 1);
    for (int64_t e : r.outer_ext) r.rows *= e;
    return true;
}

class BinaryExec : public Executable {
public:
    BinaryExec(const BroadcastRows& r, std::unique_ptr<kf::EltwiseKernel> k) : r_(r), k_(std::move(k)) {
        chunks_ = (r_.row + kChunk - 1) / kChunk;
    }
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const float* a = fp(in[0]);
        const float* b = fp(in[1]);
        float* dst = fp(out[0]);
        pool.parallel_for(r_.rows * chunks_, [&](int64_t lo, int64_t hi) {
            for (int64_t u = lo; u < hi; ++u) {
                const int64_t row = u / chunks_, c0 = (u % chunks_) * kChunk, len = std::min(kChunk, r_.row - c0);
                int64_t oa = 0, ob = 0, rest = row;
                for (size_t d = r_.outer_ext.size(); d-- > 0;) {
                    const int64_t i = rest % r_.outer_ext[d];
                    rest /= r_.outer_ext[d];
                    oa += i * r_.outer_st[0][d];
                    ob += i * r_.outer_st[1][d];
                }
                (*k_)({a + oa + c0 * r_.row_st[0], b + ob + c0 * r_.row_st[1], dst + row * r_.row + c0, len});
            }
        });
    }

private:
    BroadcastRows r_;
    std::unique_ptr<kf::EltwiseKernel> k_;
    int64_t chunks_ = 1;
};

class SoftmaxExec : public Executable {
public:
    SoftmaxExec(int64_t len, std::unique_ptr<kf::SoftmaxKernel> k) : len_(len), k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const float* src = fp(in[0]);
        float* dst = fp(out[0]);
        pool.parallel_for(out[0].numel() / len_, [&](int64_t b, int64_t e) {
            for (int64_t r = b; r < e; ++r) (*k_)({src + r * len_, dst + r * len_, len_});
        });
    }

private:
    int64_t len_;
    std::unique_ptr<kf::SoftmaxKernel> k_;
};

class SoftmaxStridedExec : public Executable {
public:
    SoftmaxStridedExec(int64_t len, int64_t inner, std::unique_ptr<kf::SoftmaxStridedKernel> k)
        : len_(len), inner_(inner), k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const float* src = fp(in[0]);
        float* dst = fp(out[0]);
        const int64_t slice = len_ * inner_;
        pool.parallel_for(out[0].numel() / slice, [&](int64_t b, int64_t e) {
            for (int64_t o = b; o < e; ++o) (*k_)({src + o * slice, dst + o * slice, len_, inner_});
        });
    }

private:
    int64_t len_, inner_;
    std::unique_ptr<kf::SoftmaxStridedKernel> k_;
};

class MvnExec : public Executable {
public:
    MvnExec(int64_t len, float eps, std::unique_ptr<kf::MvnKernel> k) : len_(len), eps_(eps), k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const float* src = fp(in[0]);
        float* dst = fp(out[0]);
        pool.parallel_for(out[0].numel() / len_, [&](int64_t b, int64_t e) {
            for (int64_t r = b; r < e; ++r) (*k_)({src + r * len_, dst + r * len_, len_, float(len_), eps_});
        });
    }

private:
    int64_t len_;
    float eps_;
    std::unique_ptr<kf::MvnKernel> k_;
};

class GlobalPoolExec : public Executable {
public:
    GlobalPoolExec(int64_t len, std::unique_ptr<kf::GlobalPoolKernel> k) : len_(len), k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const float* src = fp(in[0]);
        float* dst = fp(out[0]);
        pool.parallel_for(out[0].numel(), [&](int64_t b, int64_t e) {
            (*k_)({src + b * len_, dst + b, len_, e - b, float(len_)});
        });
    }

private:
    int64_t len_;
    std::unique_ptr<kf::GlobalPoolKernel> k_;
};

// Windowed MaxPool / AvgPool on NCHW: each plane is copied into a padded
// scratch plane (lowest() / 0 around it, kRowSlack floats of slack per row),
// then one kernel call per output row. Per-window divisors are precomputed
// exactly as the reference counts them (exclude_pad or the padded extent).
class WindowPoolExec : public Executable {
public:
    WindowPoolExec(const ir::Shape& in, const ir::Window2D& w, bool max, bool exclude_pad, jit::Isa isa)
        : in_(in), w_(w), max_(max) {
        const int64_t H = in[2], Wd = in[3];
        hp_ = std::max(H + w.pt, (w.oh - 1) * w.sh + w.kh);
        wp_ = std::max(Wd + w.pl, (w.ow - 1) * w.sw + w.kw) + kf::kRowSlack;
        kf::WindowPoolDesc d;
        d.alg = max ? kf::PoolF32Alg::max : kf::PoolF32Alg::avg;
        d.kh = int(w.kh);
        d.kw = int(w.kw);
        d.sw = int(w.sw);
        d.row_stride = wp_;
        k_ = kf::create_window_pool_kernel(d, isa);
        if (!max) {
            count_.resize(size_t(w.oh * w.ow));
            for (int64_t oh = 0; oh < w.oh; ++oh)
                for (int64_t ow = 0; ow < w.ow; ++ow) {
                    const int64_t hs = oh * w.sh - w.pt, ws = ow * w.sw - w.pl;
                    int64_t n;
                    if (exclude_pad) {
                        n = std::max<int64_t>(std::min(hs + w.kh, H) - std::max<int64_t>(hs, 0), 0) *
                            std::max<int64_t>(std::min(ws + w.kw, Wd) - std::max<int64_t>(ws, 0), 0);
                    } else {
                        n = std::max<int64_t>(std::min(hs + w.kh, H + w.pb) - std::max(hs, -w.pt), 0) *
                            std::max<int64_t>(std::min(ws + w.kw, Wd + w.pr) - std::max(ws, -w.pl), 0);
                    }
                    count_[size_t(oh * w.ow + ow)] = float(n);
                }
        }
    }
    bool ok() const { return k_ != nullptr && std::find(count_.begin(), count_.end(), 0.f) == count_.end(); }
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const int64_t H = in_[2], Wd = in_[3];
        const float* src = fp(in[0]);
        float* dst = fp(out[0]);
        const float pad = max_ ? std::numeric_limits<float>::lowest() : 0.f;
        pool.parallel_for(in_[0] * in_[1], [&](int64_t b, int64_t e) {
            std::vector<float> plane(size_t(hp_ * wp_), pad);
            for (int64_t p = b; p < e; ++p) {
                for (int64_t h = 0; h < H; ++h)
                    std::memcpy(&plane[size_t((h + w_.pt) * wp_ + w_.pl)], src + (p * H + h) * Wd, size_t(Wd) * sizeof(float));
                float* o = dst + p * w_.oh * w_.ow;
                for (int64_t oh = 0; oh < w_.oh; ++oh)
                    (*k_)({&plane[size_t(oh * w_.sh * wp_)], o + oh * w_.ow,
                           max_ ? nullptr : &count_[size_t(oh * w_.ow)], w_.ow});
            }
        });
    }

private:
    ir::Shape in_;
    ir::Window2D w_;
    bool max_;
    int64_t hp_ = 0, wp_ = 0;
    std::vector<float> count_;
    std::unique_ptr<kf::WindowPoolKernel> k_;
};

// Transpose, one output row per kernel call: a row copy (eltwise copy) when
// the order keeps the last axis, else a strided gather (transpose_f32).
class TransposeExec : public Executable {
public:
    TransposeExec(const ir::Shape& in, const std::vector<int64_t>& order, jit::Isa isa) {
        std::vector<int64_t> st(in.size(), 1);
        for (size_t j = in.size(); j-- > 1;) st[j - 1] = st[j] * in[j];
        for (size_t i = 0; i + 1 < order.size(); ++i) {
            out_ext_.push_back(in[size_t(order[i])]);
            in_st_.push_back(st[size_t(order[i])]);
        }
        row_ = in[size_t(order.back())];
        stride_ = st[size_t(order.back())];
        if (stride_ == 1) {
            kf::EltwiseDesc d;
            d.op = kf::EltOp::copy;
            copy_ = kf::create_eltwise_kernel(d, isa);
        } else {
            gather_ = kf::create_gather_kernel(isa);
        }
    }
    std::string exec_type() const override { return copy_ ? copy_->exec_type() : gather_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const float* src = fp(in[0]);
        float* dst = fp(out[0]);
        pool.parallel_for(row_ == 0 ? 0 : out[0].numel() / row_, [&](int64_t b, int64_t e) {
            for (int64_t r = b; r < e; ++r) {
                int64_t off = 0, rest = r;
                for (size_t d = out_ext_.size(); d-- > 0;) {
                    off += (rest % out_ext_[d]) * in_st_[d];
                    rest /= out_ext_[d];
                }
                if (copy_) (*copy_)({src + off, nullptr, dst + r * row_, row_});
                else (*gather_)({src + off, dst + r * row_, row_, stride_});
            }
        });
    }

private:
    std::vector<int64_t> out_ext_, in_st_;
    int64_t row_ = 1, stride_ = 1;
    std::unique_ptr<kf::EltwiseKernel> copy_;
    std::unique_ptr<kf::GatherKernel> gather_;
};

int64_t norm_axis(int64_t a, int64_t rank) { return a < 0 ? a + rank : a; }

}  // namespace

std::shared_ptr<const Executable> make_misc_executable(const ir::Graph& g, int id, jit::Isa isa) {
    const ir::Node& n = g.node(id);
    if (n.op == "GeluQuantize") return make_gelu_quantize(g, n, isa);
    static const char* const kOps[] = {"Relu", "Clamp", "Gelu", "Add", "Subtract", "Multiply",
                                       "Softmax", "MVN", "AvgPool", "MaxPool", "Transpose"};
    if (std::none_of(std::begin(kOps), std::end(kOps), [&](const char* o) { return n.op == o; })) return nullptr;
    if (!all_f32(g, n)) return nullptr;  // not an f32 node: nothing to say
    jit::Isa f;
    if (!kf::f32_jit_isa(isa, f)) return decline(n, std::string("no f32 JIT at ") + jit::isa_name(isa));
    const ir::Shape& out = n.outputs[0].shape;
    if (ir::num_elements(out) == 0) return decline(n, "empty output");

    kf::EltwiseDesc d;
    if (n.op == "Relu" || n.op == "Clamp" || n.op == "Gelu") {
        if (n.op == "Relu") {
            d.op = kf::EltOp::relu;
        } else if (n.op == "Clamp") {
            d.op = kf::EltOp::clamp;
            d.lo = float(n.attrs.get_float("min"));
            d.hi = float(n.attrs.get_float("max"));
        } else {
            const std::string mode = n.attrs.get_string("approximation_mode", "erf");
            if (mode != "erf" && mode != "tanh") return decline(n, "approximation_mode " + mode);
            d.op = mode == "erf" ? kf::EltOp::gelu_erf : kf::EltOp::gelu_tanh;
        }
        return std::make_shared<UnaryExec>(kf::create_eltwise_kernel(d, f));
    }
    if (n.op == "Add" || n.op == "Subtract" || n.op == "Multiply") {
        if (n.inputs.size() != 2) return decline(n, "not two inputs");
        BroadcastRows r;
        std::string why;
        const ir::Shape in[2] = {g.desc(n.inputs[0]).shape, g.desc(n.inputs[1]).shape};
        if (!broadcast_rows(out, in, r, why)) return decline(n, why);
        d.op = n.op == "Add" ? kf::EltOp::add : n.op == "Subtract" ? kf::EltOp::sub : kf::EltOp::mul;
        d.src0_scalar = r.row_st[0] == 0;
        d.src1_scalar = r.row_st[1] == 0;
        return std::make_shared<BinaryExec>(r, kf::create_eltwise_kernel(d, f));
    }
    if (n.op == "Softmax") {
        const int64_t rank = int64_t(out.size());
        if (rank == 0) return decline(n, "rank 0");
        const int64_t axis = norm_axis(n.attrs.get_int("axis", 1), rank);
        if (axis < 0 || axis >= rank) return decline(n, "axis out of range");
        int64_t inner = 1;
        for (int64_t a = axis + 1; a < rank; ++a) inner *= out[size_t(a)];
        if (inner > 1)
            return std::make_shared<SoftmaxStridedExec>(out[size_t(axis)], inner, kf::create_softmax_strided_kernel(f));
        return std::make_shared<SoftmaxExec>(out[size_t(axis)], kf::create_softmax_kernel(f));
    }
    if (n.op == "MVN") {
        if (n.inputs.size() != 1) return decline(n, "axes given as an input");
        const int64_t rank = int64_t(out.size());
        std::vector<bool> reduced(size_t(rank), false);
        for (int64_t a : n.attrs.get_ints("axes")) {
            const int64_t ax = norm_axis(a, rank);
            if (ax < 0 || ax >= rank || reduced[size_t(ax)]) return decline(n, "invalid axes");
            reduced[size_t(ax)] = true;
        }
        // The reduced axes must be the trailing ones (ignoring extent-1 dims).
        int64_t len = 1;
        bool inner = true;
        for (int64_t a = rank; a-- > 0;) {
            if (reduced[size_t(a)]) {
                if (!inner && out[size_t(a)] != 1) return decline(n, "normalized axes are not the trailing ones");
                len *= out[size_t(a)];
            } else if (out[size_t(a)] != 1) {
                inner = false;
            }
        }
        const std::string mode = n.attrs.get_string("eps_mode", "inside_sqrt");
        if (mode != "inside_sqrt" && mode != "outside_sqrt") return decline(n, "eps_mode " + mode);
        kf::MvnDesc md;
        md.normalize_variance = n.attrs.get_bool("normalize_variance", true);
        md.eps_inside_sqrt = mode == "inside_sqrt";
        return std::make_shared<MvnExec>(len, float(n.attrs.get_float("eps", 1e-9)), kf::create_mvn_kernel(md, f));
    }
    if (n.op == "AvgPool" || n.op == "MaxPool") {
        if (n.inputs.size() != 1) return decline(n, "not one input");
        const ir::Shape& in = g.desc(n.inputs[0]).shape;
        if (in.size() != 4) return decline(n, "not 4-D");
        const ir::Window2D w = ir::pool_window(n, in);
        const bool global = w.kh == in[2] && w.kw == in[3] && w.oh == 1 && w.ow == 1 && w.pt == 0 && w.pl == 0 &&
                            w.pb == 0 && w.pr == 0;
        if (!global) {
            if (w.dh != 1 || w.dw != 1) return decline(n, "dilated pooling");
            if (w.sw != 1 && w.sw != 2) return decline(n, "width stride " + std::to_string(w.sw) + " (generated: 1, 2)");
            auto e = std::make_shared<WindowPoolExec>(in, w, n.op == "MaxPool", n.attrs.get_bool("exclude_pad", false), f);
            if (!e->ok()) return decline(n, "a window holds no input element");
            return e;
        }
        return std::make_shared<GlobalPoolExec>(
            in[2] * in[3], kf::create_global_pool_kernel(n.op == "MaxPool" ? kf::PoolF32Alg::max : kf::PoolF32Alg::avg, f));
    }
    // Transpose
    const std::vector<int64_t> order = n.attrs.get_ints("order");
    const ir::Shape& in = g.desc(n.inputs.at(0)).shape;
    if (order.size() != in.size() || in.empty()) return decline(n, "order does not match the rank");
    std::vector<bool> seen(order.size(), false);
    for (int64_t a : order) {
        if (a < 0 || a >= int64_t(order.size()) || seen[size_t(a)]) return decline(n, "order is not a permutation");
        seen[size_t(a)] = true;
    }
    if (ir::num_elements(in) >= (int64_t(1) << 31)) return decline(n, "2^31 elements or more (32-bit gather offsets)");
    return std::make_shared<TransposeExec>(in, order, f);
}

}  // namespace octet::engine::f32
