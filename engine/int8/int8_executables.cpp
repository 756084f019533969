#include "engine/int8/int8_executables.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

#include "engine/int8/channel_pairing.hpp"
#include "ir/ops/conv_geometry.hpp"
#include "kernels/eltwise/jit_concat_kernel.hpp"
#include "kernels/eltwise/jit_int8_clamp_kernel.hpp"
#include "kernels/eltwise/jit_nearest_kernel.hpp"
#include "kernels/eltwise/jit_permute_kernel.hpp"
#include "kernels/ref/int8_ops.hpp"
#include "kernels/matmul/ref.hpp"
#include "kernels/registry.hpp"
#include "lpt/pass_manager.hpp"

namespace octet::engine::int8 {

namespace {

constexpr const char* kLayoutAttr = "int8_layout";  // "nhwc" on a node whose output 0 is physically NHWC

bool is_4d(const ir::TensorDesc& d) { return d.shape.size() == 4; }
// NCHW and NHWC are the same bytes when C == 1 or H*W == 1 (e.g. [N,C,1,1] before the FC).
bool layout_free(const ir::Shape& s) { return s.size() == 4 && (s[1] == 1 || s[2] * s[3] == 1); }

// The node's per-channel vectors (Quantize / Dequantize / AddI8 attributes;
// absent ones have size 0), if any, are on the channel axis.
bool channel_vectors_on_axis1(const ir::Node& n) {
    if (n.attrs.get_int("axis", 1) == 1) return true;
    for (const char* v : {"scale", "shift", "zero_point", "bias", "a_zero_point", "a_scale", "a_bias", "b_zero_point",
                          "b_scale", "b_bias", "out_scale", "out_shift"})
        if (n.attrs.get_floats(v, {}).size() > 1) return false;
    return true;
}

bool int8_pool(const ir::Graph& g, const ir::Node& n) {
    if ((n.op != "MaxPool" && n.op != "AvgPool") || n.inputs.size() != 1) return false;
    const ir::TensorDesc in = g.desc(n.inputs[0]);
    return is_4d(in) && ir::is_int8(in.type);
}

// Nodes whose executable writes output 0 in NHWC when asked to.
bool nhwc_producer(const ir::Graph& g, const ir::Node& n) {
    if (n.outputs.empty() || !is_4d(n.outputs[0]) || !ir::is_int8(n.outputs[0].type)) return false;
    if (n.op == "ConvolutionI8") return g.node(n.inputs.at(1).node).op == "Constant";
    if (n.op == "Quantize") return is_4d(g.desc(n.inputs[0])) && channel_vectors_on_axis1(n);
    if (n.op == "AddI8") return channel_vectors_on_axis1(n);
    return int8_pool(g, n);
}

// Nodes whose executable reads input `k` in NHWC when its producer writes it so.
bool nhwc_consumer(const ir::Graph& g, const ir::Node& n, size_t k) {
    if (n.op == "ConvolutionI8") return (k == 0 || k == 2) && g.node(n.inputs.at(1).node).op == "Constant";
    if (n.op == "Dequantize") return k == 0 && channel_vectors_on_axis1(n);
    if (n.op == "AddI8") return is_4d(n.outputs.at(0)) && channel_vectors_on_axis1(n);
    return k == 0 && int8_pool(g, n);
}

bool nhwc(const ir::Graph& g, ir::PortRef p) {
    return p.port == 0 && g.node(p.node).attrs.get_string(kLayoutAttr, "") == "nhwc";
}

// How input / output bytes are laid out for an NHWC kernel: true when no
// reorder is needed (the tensor is NHWC, or both layouts coincide).
bool reads_nhwc(const ir::Graph& g, ir::PortRef p) { return nhwc(g, p) || layout_free(g.desc(p).shape); }
bool writes_nhwc(const ir::Graph& g, int id) {
    return nhwc(g, {id, 0}) || layout_free(g.node(id).outputs.at(0).shape);
}

// Scratch for a reorder at a kernel boundary. Not zeroed, unlike ir::Tensor:
// every byte is written before it is read, and the memset (up to 600 KB per
// step at batch 1) ran on the calling thread alone.
class Scratch {
public:
    Scratch() = default;
    Scratch(ir::ElemType t, const ir::Shape& s) {
        const size_t bytes = (size_t(ir::num_elements(s)) * ir::elem_size(t) + 63) / 64 * 64;
        p_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, bytes ? bytes : 64)));
        if (!p_) throw std::bad_alloc();
    }
    void* raw() const { return p_.get(); }

private:
    struct Free {
        void operator()(uint8_t* p) const { std::free(p); }
    };
    std::unique_ptr<uint8_t, Free> p_;
};

// NCHW <-> NHWC at a kernel boundary, split over blocks of pixels: the
// reference's split is over images, one unit at batch 1, so the whole reorder
// ran on one thread. A block writes only its own pixels, in either direction.
constexpr int64_t kReorderUnitElems = 16384;

template <class T>
void reorder_pixels(const T* src, T* dst, int64_t c, int64_t hw, int64_t b, int64_t p0, int64_t p1, bool to_nhwc) {
    const T* in = src + b * c * hw;
    T* out = dst + b * c * hw;
    if (to_nhwc) {  // reads stream along each plane; the block's writes stay in cache
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t i = p0; i < p1; ++i) out[i * c + ch] = in[ch * hw + i];
    } else {
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t i = p0; i < p1; ++i) out[ch * hw + i] = in[i * c + ch];
    }
}

void reorder(ThreadPool& pool, const void* src, void* dst, const ir::Shape& nchw, size_t elem, bool to_nhwc) {
    const int64_t mb = nchw[0], c = nchw[1], hw = nchw[2] * nchw[3];
    if ((elem != 1 && elem != 4) || c == 0 || hw == 0) {
        pool.parallel_for(mb, [&](int64_t b, int64_t e) {
            if (to_nhwc) kernels::ref::nchw_to_nhwc(src, dst, nchw, elem, b, e);
            else kernels::ref::nhwc_to_nchw(src, dst, nchw, elem, b, e);
        });
        return;
    }
    const int64_t pix = std::max<int64_t>(1, std::min(hw, kReorderUnitElems / c));
    const int64_t blocks = (hw + pix - 1) / pix;
    pool.parallel_for(mb * blocks, [&](int64_t b, int64_t e) {
        for (int64_t u = b; u < e; ++u) {
            const int64_t n = u / blocks, p0 = (u % blocks) * pix, p1 = std::min(hw, p0 + pix);
            if (elem == 1)
                reorder_pixels(static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst), c, hw, n, p0, p1, to_nhwc);
            else
                reorder_pixels(static_cast<const uint32_t*>(src), static_cast<uint32_t*>(dst), c, hw, n, p0, p1, to_nhwc);
        }
    });
}

class ConvExec : public Executable {
public:
    ConvExec(const kernels::ConvProblem& p, jit::Isa isa, bool src_nhwc, bool res_nhwc, bool dst_nhwc)
        : d_(p.desc), k_(kernels::create_conv_kernel(p, isa)), src_nhwc_(src_nhwc), res_nhwc_(res_nhwc), dst_nhwc_(dst_nhwc) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const kernels::ConvDesc& d = d_;
        // The kernel is NHWC; tensors that are NCHW (f32 boundaries, readers
        // without an NHWC form) are reordered here.
        Scratch src, dst, res;
        if (!src_nhwc_) {
            src = Scratch(in[0].type(), {d.mb, d.ih, d.iw, d.ic});
            reorder(pool, in[0].raw(), src.raw(), in[0].shape(), ir::elem_size(in[0].type()), true);
        }
        if (in.size() == 3 && !res_nhwc_) {
            res = Scratch(in[2].type(), {d.mb, d.oh, d.ow, d.oc});
            reorder(pool, in[2].raw(), res.raw(), in[2].shape(), ir::elem_size(in[2].type()), true);
        }
        if (!dst_nhwc_) dst = Scratch(out[0].type(), {d.mb, d.oh, d.ow, d.oc});
        kernels::ConvArgs args;
        args.src = src_nhwc_ ? in[0].raw() : src.raw();
        args.residual = in.size() != 3 ? nullptr : res_nhwc_ ? in[2].raw() : res.raw();
        args.dst = dst_nhwc_ ? out[0].raw() : dst.raw();
        args.job = new_loop_id();
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
        if (!dst_nhwc_)
            reorder(pool, dst.raw(), out[0].raw(), out[0].shape(), ir::elem_size(out[0].type()), false);
    }

private:
    kernels::ConvDesc d_;  // the kernel holds the packed weights: no second copy of the plain ones
    std::unique_ptr<kernels::ConvKernel> k_;
    bool src_nhwc_, res_nhwc_, dst_nhwc_;
};

// int8 MaxPool / AvgPool through the pooling kernel registry (NHWC).
class PoolExec : public Executable {
public:
    PoolExec(const kernels::PoolProblem& p, jit::Isa isa, bool src_nhwc, bool dst_nhwc)
        : p_(p), k_(kernels::create_pool_kernel(p, isa)), src_nhwc_(src_nhwc), dst_nhwc_(dst_nhwc) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const kernels::PoolDesc& d = p_.desc;
        const size_t es = ir::elem_size(p_.type);
        Scratch src, dst;
        if (!src_nhwc_) {
            src = Scratch(p_.type, {d.mb, d.ih, d.iw, d.ic});
            reorder(pool, in[0].raw(), src.raw(), in[0].shape(), es, true);
        }
        if (!dst_nhwc_) dst = Scratch(p_.type, {d.mb, d.oh, d.ow, d.ic});
        kernels::PoolArgs args;
        args.src = src_nhwc_ ? in[0].raw() : src.raw();
        args.dst = dst_nhwc_ ? out[0].raw() : dst.raw();
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
        if (!dst_nhwc_)
            reorder(pool, dst.raw(), out[0].raw(), out[0].shape(), es, false);
    }

private:
    kernels::PoolProblem p_;
    std::unique_ptr<kernels::PoolKernel> k_;
    bool src_nhwc_, dst_nhwc_;
};

kernels::PoolProblem pool_problem_of(const ir::Graph& g, const ir::Node& n) {
    const ir::TensorDesc in = g.desc(n.inputs[0]);
    const ir::Window2D w = ir::pool_window(n, in.shape);
    kernels::PoolProblem p;
    p.type = in.type;
    kernels::PoolDesc& d = p.desc;
    d.mb = in.shape[0];
    d.ic = in.shape[1];
    d.ih = in.shape[2];
    d.iw = in.shape[3];
    d.oh = w.oh;
    d.ow = w.ow;
    d.kh = w.kh;
    d.kw = w.kw;
    d.sh = w.sh;
    d.sw = w.sw;
    d.ph = w.pt;
    d.pw = w.pl;
    d.ph_end = w.pb;
    d.pw_end = w.pr;
    // max: padded taps never win, an empty window gives the lowest value; avg:
    // exclude_pad divides by the taps inside the input, otherwise by the window
    // clipped to the padded input; both as kernels/ref/pool.cpp.
    d.alg = n.op == "MaxPool"                          ? kernels::PoolAlg::max
            : n.attrs.get_bool("exclude_pad", false) ? kernels::PoolAlg::avg_np
                                                     : kernels::PoolAlg::avg_p;
    d.name = n.name;
    return p;
}

// MatMulI8 through the matmul kernel registry; a run-time B (attention: both
// operands are activations) is handed to the kernel with each run, in the
// node's layout (transpose_b: [batch][N][K]), and packed there.
class MatmulExec : public Executable {
public:
    MatmulExec(const kernels::MatmulProblem& p, jit::Isa isa)
        : k_(kernels::create_matmul_kernel(p, isa)), b_runtime_(p.b_runtime) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        kernels::MatmulArgs args;
        args.a = in[0].raw();
        if (b_runtime_) args.b = static_cast<const int8_t*>(in[1].raw());
        args.residual = in.size() == 3 ? in[2].raw() : nullptr;
        args.dst = out[0].raw();
        args.job = new_loop_id();
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
    }

private:
    std::unique_ptr<kernels::MatmulKernel> k_;
    bool b_runtime_;
};

// An int8 Transpose as the generated permute (kernels/eltwise/jit_permute_kernel.hpp)
// on the logical (NCHW, row-major) bytes: its reader and writer are never NHWC.
class PermuteExec : public Executable {
public:
    explicit PermuteExec(std::unique_ptr<kernels::PermuteKernel> k) : k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const kernels::PermuteArgs args{in[0].raw(), out[0].raw()};
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
    }

private:
    std::unique_ptr<kernels::PermuteKernel> k_;
};

std::shared_ptr<const Executable> make_permute(const ir::Graph& g, const ir::Node& n, jit::Isa isa) {
    const ir::TensorDesc in = g.desc(n.inputs.at(0));
    kernels::PermuteProblem p{in.shape, n.attrs.get_ints("order", {}), in.type, n.name};
    if (p.order.empty())  // OpenVINO: an empty order reverses the axes
        for (size_t d = in.shape.size(); d-- > 0;) p.order.push_back(int64_t(d));
    std::string why;
    std::unique_ptr<kernels::PermuteKernel> k = kernels::make_permute_jit_kernel(p, isa, why);
    if (!k) return nullptr;  // the reference executor runs it
    return std::make_shared<PermuteExec>(std::move(k));
}

// An int8 Concat (the LPT leaves one where every input has the same
// dequantization) as the generated concat (kernels/eltwise/jit_concat_kernel.hpp)
// on logical row-major bytes.
class ConcatExec : public Executable {
public:
    explicit ConcatExec(std::unique_ptr<kernels::ConcatKernel> k) : k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        std::vector<const void*> srcs;
        for (const ir::Tensor& t : in) srcs.push_back(t.raw());
        const kernels::ConcatArgs args{srcs.data(), out[0].raw()};
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
    }

private:
    std::unique_ptr<kernels::ConcatKernel> k_;
};

std::shared_ptr<const Executable> make_concat(const ir::Graph& g, const ir::Node& n, jit::Isa isa) {
    kernels::ConcatProblem p;
    p.type = n.outputs.at(0).type;
    p.axis = n.attrs.get_int("axis", 0);
    p.name = n.name;
    for (const ir::PortRef& in : n.inputs) {
        const ir::TensorDesc d = g.desc(in);
        if (d.type != p.type || nhwc(g, in)) return nullptr;
        p.shapes.push_back(d.shape);
    }
    std::string why;
    std::unique_ptr<kernels::ConcatKernel> k = kernels::make_concat_jit_kernel(p, isa, why);
    if (!k) return nullptr;  // the reference executor runs it
    return std::make_shared<ConcatExec>(std::move(k));
}

// Relu / Clamp on u8/s8 (the LPT's integer Clamp) as the generated integer
// clamp (kernels/eltwise/jit_int8_clamp_kernel.hpp) on the logical bytes.
class Int8ClampExec : public Executable {
public:
    explicit Int8ClampExec(std::unique_ptr<kernels::Int8ClampKernel> k) : k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const kernels::Int8ClampArgs args{in[0].raw(), out[0].raw()};
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
    }

private:
    std::unique_ptr<kernels::Int8ClampKernel> k_;
};

std::shared_ptr<const Executable> make_int8_clamp(const ir::Graph& g, const ir::Node& n, jit::Isa isa) {
    const ir::TensorDesc in = g.desc(n.inputs.at(0));
    kernels::Int8ClampProblem p;
    p.elements = ir::num_elements(in.shape);
    p.type = in.type;
    p.name = n.name;
    if (n.op == "Relu")
        kernels::int8_clamp_bounds(in.type, 0.0, 255.0, p.lo, p.hi);
    else
        kernels::int8_clamp_bounds(in.type, n.attrs.get_float("min"), n.attrs.get_float("max"), p.lo, p.hi);
    std::string why;
    std::unique_ptr<kernels::Int8ClampKernel> k = kernels::make_int8_clamp_jit_kernel(p, isa, why);
    if (!k) return nullptr;  // the reference executor runs it
    return std::make_shared<Int8ClampExec>(std::move(k));
}

// Nearest Interpolate on u8/s8 NCHW as the generated plane gather
// (kernels/eltwise/jit_nearest_kernel.hpp), its offset map taken from the reference.
class NearestExec : public Executable {
public:
    explicit NearestExec(std::unique_ptr<kernels::NearestKernel> k) : k_(std::move(k)) {}
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        const kernels::NearestArgs args{in[0].raw(), out[0].raw()};
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
    }

private:
    std::unique_ptr<kernels::NearestKernel> k_;
};

std::shared_ptr<const Executable> make_nearest(const ir::Graph& g, const ir::Node& n, jit::Isa isa) {
    const ir::TensorDesc in = g.desc(n.inputs.at(0));
    std::string why;
    std::unique_ptr<kernels::NearestKernel> k =
        kernels::make_nearest_jit_kernel(kernels::nearest_problem_of(n, in.shape, in.type), isa, why);
    if (!k) return nullptr;  // the reference executor runs it
    return std::make_shared<NearestExec>(std::move(k));
}

// Quantize / Dequantize through the element-wise kernel registry
// (kernels/eltwise: JIT, bit-exact with kernels::ref::quantize_range /
// dequantize_range). The kernel always runs on the logical NCHW view (the
// f32 side's layout; per-channel vectors stay on their axis); with the int8
// side NHWC, the int8 tensor is what gets reordered: one byte per element
// instead of four (the network input's Quantize moved 4x less), by the
// generated permute (a 3-channel image: its interleave form, 16 pixels per
// step) where it takes the shape, else by reorder().
class ConvertExec : public Executable {
public:
    ConvertExec(const ir::Graph& g, const ir::Node& n, bool nhwc, jit::Isa isa) : nhwc_(nhwc) {
        const ir::TensorDesc in = g.desc(n.inputs.at(0));
        shape_ = in.shape;
        if (n.op == "Quantize") {
            int8_type_ = n.outputs.at(0).type;
            k_ = kernels::create_quantize_kernel(kernels::quantize_problem_of(n, shape_, int8_type_), isa);
            quantize_ = true;
            if (nhwc_ && shape_.size() == 4) {
                std::string why;
                to_nhwc_ = kernels::make_permute_jit_kernel(
                    kernels::PermuteProblem{std::vector<int64_t>(shape_.begin(), shape_.end()), {0, 2, 3, 1},
                                            int8_type_, n.name + "_to_nhwc"},
                    isa, why);
            }
        } else {
            int8_type_ = in.type;
            k_ = kernels::create_dequantize_kernel(kernels::dequantize_problem_of(n, shape_, in.type), isa);
        }
    }
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        Scratch tmp;
        kernels::EltwiseArgs args;
        args.src0 = in[0].raw();
        args.dst = out[0].raw();
        const size_t es = ir::elem_size(int8_type_);
        if (nhwc_) {
            tmp = Scratch(int8_type_, shape_);
            if (quantize_) {
                args.dst = tmp.raw();
            } else {
                reorder(pool, in[0].raw(), tmp.raw(), shape_, es, false);
                args.src0 = tmp.raw();
            }
        }
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
        if (nhwc_ && quantize_) {
            if (to_nhwc_) {
                const kernels::PermuteArgs pa{tmp.raw(), out[0].raw()};
                pool.parallel_for(to_nhwc_->work_units(), [&](int64_t b, int64_t e) { to_nhwc_->run(pa, b, e); });
            } else {
                reorder(pool, tmp.raw(), out[0].raw(), shape_, es, true);
            }
        }
    }

private:
    std::unique_ptr<kernels::EltwiseKernel> k_;
    std::unique_ptr<kernels::PermuteKernel> to_nhwc_;  // null: reorder()
    ir::Shape shape_;  // logical NCHW
    ir::ElemType int8_type_ = ir::ElemType::u8;
    bool nhwc_, quantize_ = false;
};

// AddI8 through the element-wise registry (kernels/eltwise: the generated Add
// chain). Element-wise, so any layout serves as long as the three tensors
// share it: the kernel runs on the NHWC view ([N,H,W,C], channel axis 3) when
// the int8 output is NHWC, or for an f32 output (always NCHW) when an input
// is; an input in the other layout is reordered first, and an f32 result
// computed on the NHWC view is reordered into the NCHW output.
class AddExec : public Executable {
public:
    AddExec(const ir::Graph& g, const ir::Node& n, int id, jit::Isa isa) : shape_(n.outputs.at(0).shape) {
        const bool int8_out = ir::is_int8(n.outputs[0].type);
        const bool free = !is_4d(n.outputs[0]) || layout_free(shape_);
        in_nhwc_[0] = !free && nhwc(g, n.inputs.at(0));
        in_nhwc_[1] = !free && nhwc(g, n.inputs.at(1));
        view_nhwc_ = !free && (int8_out ? nhwc(g, {id, 0}) : in_nhwc_[0] || in_nhwc_[1]);
        types_[0] = g.desc(n.inputs[0]).type;
        types_[1] = g.desc(n.inputs[1]).type;
        out_type_ = n.outputs[0].type;
        const ir::Shape view = view_nhwc_ ? nhwc_shape() : shape_;
        kernels::AddProblem p = kernels::add_problem_of(n, view, types_[0], types_[1]);
        if (view_nhwc_) p.axis = 3;  // the vectors are on axis 1 (channel_vectors_on_axis1)
        k_ = kernels::create_add_kernel(p, isa);
    }
    std::string exec_type() const override { return k_->exec_type(); }
    void run(const std::vector<ir::Tensor>& in, std::vector<ir::Tensor>& out, ThreadPool& pool) const override {
        Scratch tmp[2], dst;
        kernels::EltwiseArgs args;
        const void* src[2] = {in[0].raw(), in[1].raw()};
        for (int k = 0; k < 2; ++k) {
            if (in_nhwc_[k] == view_nhwc_) continue;
            tmp[k] = Scratch(types_[k], view_nhwc_ ? nhwc_shape() : shape_);
            reorder(pool, in[size_t(k)].raw(), tmp[k].raw(), shape_, ir::elem_size(types_[k]), view_nhwc_);
            src[k] = tmp[k].raw();
        }
        const bool reorder_out = view_nhwc_ && !ir::is_int8(out_type_);
        if (reorder_out) dst = Scratch(out_type_, nhwc_shape());
        args.src0 = src[0];
        args.src1 = src[1];
        args.dst = reorder_out ? dst.raw() : out[0].raw();
        pool.parallel_for(k_->work_units(), [&](int64_t b, int64_t e) { k_->run(args, b, e); });
        if (reorder_out) reorder(pool, dst.raw(), out[0].raw(), shape_, ir::elem_size(out_type_), false);
    }

private:
    ir::Shape nhwc_shape() const { return {shape_[0], shape_[2], shape_[3], shape_[1]}; }

    ir::Shape shape_;  // logical NCHW (or any rank when not 4D)
    bool in_nhwc_[2] = {false, false}, view_nhwc_ = false;
    ir::ElemType types_[2] = {ir::ElemType::u8, ir::ElemType::u8}, out_type_ = ir::ElemType::f32;
    std::unique_ptr<kernels::EltwiseKernel> k_;
};

// Requantize (the LPT's input alignment of a Concat) as the generated
// requantize chain (kernels/eltwise) on the logical NCHW bytes: it is neither
// an NHWC reader nor writer, its producer writes NCHW for it.
class RequantizeExec : public Executable {
public:
    RequantizeExec(const ir::Graph& g, const ir::Node& n, jit::Isa isa) {
        const ir::TensorDesc in = g.desc(n.inputs.at(0));
        k_ = kernels::create_requantize_kernel(kernels::requantize_problem_of(n, in.shape, in.type), isa);
    }
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

// Marks the int8 4D tensors that stay NHWC between int8 kernels: produced by a
// ConvolutionI8 / int8 MaxPool / Quantize and read only by such kernels or a
// Dequantize. The graph keeps NCHW shapes (the reference is unchanged); only
// the bytes differ, and only the executables below read them.
void assign_layouts(ir::Graph& g) {
    for (int id = 0; id < int(g.size()); ++id) {
        if (!nhwc_producer(g, g.node(id)) || layout_free(g.node(id).outputs[0].shape)) continue;
        bool any = false, all = true;
        for (int c : g.consumers(id)) {
            const ir::Node& r = g.node(c);
            for (size_t k = 0; k < r.inputs.size(); ++k)
                if (r.inputs[k] == ir::PortRef{id, 0}) {
                    any = true;
                    all = all && nhwc_consumer(g, r, k);
                }
        }
        if (any && all) g.node(id).attrs.set(kLayoutAttr, "nhwc");
    }
}

}  // namespace

bool lower(ir::Graph& g) {
    if (!lpt::has_fake_quantize(g)) return false;
    g = lpt::transform(g);
    assign_layouts(g);
    return true;
}

std::shared_ptr<const Executable> make_executable(const ir::Graph& g, int id, jit::Isa isa) {
    const ir::Node& n = g.node(id);
    if (n.op == "Quantize") return std::make_shared<ConvertExec>(g, n, nhwc(g, {id, 0}), isa);
    if (n.op == "Dequantize") return std::make_shared<ConvertExec>(g, n, nhwc(g, n.inputs.at(0)), isa);
    if (n.op == "AddI8") return std::make_shared<AddExec>(g, n, id, isa);
    if (n.op == "Requantize") return std::make_shared<RequantizeExec>(g, n, isa);
    if (n.op == "ConvolutionI8") {
        const ir::Node& w = g.node(n.inputs.at(1).node);
        if (w.op != "Constant") return nullptr;
        const bool res_nhwc = n.inputs.size() == 3 && reads_nhwc(g, n.inputs[2]);
        kernels::ConvProblem p = kernels::ref::conv_problem_of(n, g.desc(n.inputs[0]), w.value);
        apply_stored_orders(n, p);  // channel_pairing.hpp
        return std::make_shared<ConvExec>(p, isa, reads_nhwc(g, n.inputs[0]), res_nhwc, writes_nhwc(g, id));
    }
    if (n.op == "Transpose" && n.inputs.size() == 1 && ir::is_int8(g.desc(n.inputs[0]).type) && !nhwc(g, n.inputs[0]))
        return make_permute(g, n, isa);
    if (n.op == "Concat" && ir::is_int8(n.outputs.at(0).type)) return make_concat(g, n, isa);
    if ((n.op == "Relu" || n.op == "Clamp") && n.inputs.size() == 1 && ir::is_int8(g.desc(n.inputs[0]).type) &&
        n.outputs.at(0).type == g.desc(n.inputs[0]).type && !nhwc(g, n.inputs[0]))
        return make_int8_clamp(g, n, isa);
    if (n.op == "Interpolate" && n.attrs.get_string("mode", "") == "nearest" && n.inputs.size() == 1 &&
        ir::is_int8(g.desc(n.inputs[0]).type) && is_4d(g.desc(n.inputs[0])) && !nhwc(g, n.inputs[0]))
        return make_nearest(g, n, isa);
    if (int8_pool(g, n))
        return std::make_shared<PoolExec>(pool_problem_of(g, n), isa, reads_nhwc(g, n.inputs[0]), writes_nhwc(g, id));
    if (n.op == "MatMulI8") {
        const ir::Node& b = g.node(n.inputs.at(1).node);
        const ir::TensorDesc a = g.desc(n.inputs[0]);
        if (b.op == "Constant")
            return std::make_shared<MatmulExec>(kernels::ref::matmul_problem_of(n, a, b.value.shape(), &b.value), isa);
        kernels::MatmulProblem p = kernels::ref::matmul_problem_of(n, a, g.desc(n.inputs[1]).shape, nullptr);
        p.b_runtime = true;
        p.b_transposed = n.attrs.get_bool("transpose_b", false);
        return std::make_shared<MatmulExec>(p, isa);
    }
    return nullptr;
}

}  // namespace octet::engine::int8
