#include "peers.hpp"

#include <cstdio>
#include <omp.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <oneapi/dnnl/dnnl.hpp>

namespace octet::bench {

using dnnl::memory;
using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

namespace {

dnnl::engine& eng() {
    static dnnl::engine e(dnnl::engine::kind::cpu, 0);
    return e;
}
dnnl::stream& strm() {
    static dnnl::stream s(eng());
    return s;
}

// A user-layout memory reordered into the primitive's layout (outside the timed loop).
memory to_layout(memory user, const memory::desc& want) {
    if (user.get_desc() == want) return user;
    memory m(want, eng());
    dnnl::reorder(user, m).execute(strm(), user, m);
    strm().wait();
    return m;
}

class DnnlConv : public Peer {
public:
    DnnlConv(const kernels::ConvDesc& d, bool int8, const std::vector<uint8_t>& src, const std::vector<int8_t>& wei,
             const QuantParams& q)
        : d_(d), int8_(int8) {
        const memory::dim g = d.g, mb = d.mb;
        const dt sdt = int8 ? dt::u8 : dt::f32, wdt = int8 ? dt::s8 : dt::f32, ddt = int8 ? dt::u8 : dt::f32;
        memory::dims src_dims = {mb, d.ic, d.ih, d.iw}, dst_dims = {mb, d.oc, d.oh, d.ow};
        memory::dims wei_dims = g > 1 ? memory::dims{g, d.oc / g, d.ic / g, d.kh, d.kw}
                                      : memory::dims{d.oc, d.ic, d.kh, d.kw};
        memory::desc src_any(src_dims, sdt, tag::any), wei_any(wei_dims, wdt, tag::any),
            bia_md({d.oc}, dt::f32, tag::x), dst_any(dst_dims, ddt, tag::any);
        dnnl::convolution_forward::desc cd(
            dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_any, wei_any, bia_md, dst_any,
            {d.sh, d.sw}, {d.dh, d.dw}, {d.ph, d.pw},
            {std::max<int64_t>(0, d.ph_end), std::max<int64_t>(0, d.pw_end)});
        dnnl::primitive_attr attr;
        dnnl::post_ops po;
        po.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        attr.set_post_ops(po);
        std::vector<float> bias(size_t(d.oc));
        if (int8) {
            attr.set_output_scales(1 << 1, q.scale);
            for (int64_t o = 0; o < d.oc; ++o) bias[o] = q.bias[o] / q.scale[o];  // oneDNN 2.x: (acc + b) * scale
        } else {
            bias = q.bias;
        }
        pd_ = dnnl::convolution_forward::primitive_desc(cd, attr, eng());
        prim_ = dnnl::convolution_forward(pd_);

        // User tensors: NHWC source, [G][OC/G][KH][KW][IC/G] weights as goihw after a transpose.
        memory usrc({src_dims, sdt, tag::nhwc}, eng());
        memory uwei({wei_dims, wdt, g > 1 ? tag::goihw : tag::oihw}, eng());
        const int64_t icg = d.icg(), ocg = d.ocg();
        if (int8) {
            std::copy(src.begin(), src.end(), static_cast<uint8_t*>(usrc.get_data_handle()));
        } else {
            float* p = static_cast<float*>(usrc.get_data_handle());
            for (size_t i = 0; i < src.size(); ++i) p[i] = float(src[i]);
        }
        for (int64_t gg = 0; gg < g; ++gg)
            for (int64_t o = 0; o < ocg; ++o)
                for (int64_t y = 0; y < d.kh; ++y)
                    for (int64_t x = 0; x < d.kw; ++x)
                        for (int64_t i = 0; i < icg; ++i) {
                            const int8_t w = wei[size_t((((gg * ocg + o) * d.kh + y) * d.kw + x) * icg + i)];
                            const size_t at = size_t((((gg * ocg + o) * icg + i) * d.kh + y) * d.kw + x);
                            if (int8) static_cast<int8_t*>(uwei.get_data_handle())[at] = w;
                            else static_cast<float*>(uwei.get_data_handle())[at] = float(w);
                        }
        src_ = to_layout(usrc, pd_.src_desc());
        wei_ = to_layout(uwei, pd_.weights_desc());
        bia_ = memory(bia_md, eng());
        std::copy(bias.begin(), bias.end(), static_cast<float*>(bia_.get_data_handle()));
        dst_ = memory(pd_.dst_desc(), eng());
        dst_dims_ = dst_dims;
    }
    void run() override {
        prim_.execute(strm(), {{DNNL_ARG_SRC, src_}, {DNNL_ARG_WEIGHTS, wei_}, {DNNL_ARG_BIAS, bia_},
                               {DNNL_ARG_DST, dst_}});
        strm().wait();
    }
    std::string impl() const override { return pd_.impl_info_str(); }
    std::vector<uint8_t> result_u8() override {
        if (!int8_) return {};
        memory u({dst_dims_, dt::u8, tag::nhwc}, eng());
        dnnl::reorder(dst_, u).execute(strm(), dst_, u);
        strm().wait();
        const uint8_t* p = static_cast<const uint8_t*>(u.get_data_handle());
        return std::vector<uint8_t>(p, p + d_.dst_elems());
    }

private:
    kernels::ConvDesc d_;
    bool int8_;
    dnnl::convolution_forward::primitive_desc pd_;
    dnnl::primitive prim_;
    memory src_, wei_, bia_, dst_;
    memory::dims dst_dims_;
};

void xnn_check(xnn_status s, const char* what) {
    if (s != xnn_status_success) throw std::runtime_error(std::string("XNNPACK: ") + what + " failed, status " +
                                                          std::to_string(int(s)));
}
void xnn_init_once() {
    static bool done = [] {
        xnn_check(xnn_initialize(nullptr), "xnn_initialize");
        return true;
    }();
    (void)done;
}

class XnnBase : public Peer {
public:
    explicit XnnBase(int threads) {
        xnn_init_once();
        if (threads > 1) pool_ = pthreadpool_create(size_t(threads));
    }
    ~XnnBase() override {
        if (op_) xnn_delete_operator(op_);
        if (pool_) pthreadpool_destroy(pool_);
    }
    void run() override { xnn_check(xnn_run_operator(op_, pool_), "xnn_run_operator"); }
    std::vector<uint8_t> result_u8() override {
        std::vector<uint8_t> r(out_.size());
        for (size_t i = 0; i < r.size(); ++i) r[i] = uint8_t(int(out_[i]) + 128);
        return r;
    }

protected:
    pthreadpool_t pool_ = nullptr;
    xnn_operator_t op_ = nullptr;
    std::vector<int8_t> in_, out_;
};

class XnnConv : public XnnBase {
public:
    XnnConv(const kernels::ConvDesc& d, int threads, const std::vector<uint8_t>& src, const std::vector<int8_t>& wei,
            const QuantParams& q)
        : XnnBase(threads) {
        in_.resize(src.size());
        for (size_t i = 0; i < src.size(); ++i) in_[i] = int8_t(int(src[i]) - 128);
        out_.resize(size_t(d.dst_elems()));
        const bool dw = d.g > 1 && d.icg() == 1;
        std::vector<int8_t> k = wei;
        if (dw) {  // [G][CM][KH][KW][1] -> [KH][KW][G*CM]
            const int64_t cm = d.ocg();
            for (int64_t gg = 0; gg < d.g; ++gg)
                for (int64_t m = 0; m < cm; ++m)
                    for (int64_t y = 0; y < d.kh; ++y)
                        for (int64_t x = 0; x < d.kw; ++x)
                            k[size_t((y * d.kw + x) * d.oc + gg * cm + m)] =
                                wei[size_t(((gg * cm + m) * d.kh + y) * d.kw + x)];
        }
        std::vector<int32_t> bias(size_t(d.oc));
        for (int64_t o = 0; o < d.oc; ++o) bias[o] = int32_t(std::lrint(q.bias[o] / q.scale[o]));
        xnn_check(xnn_create_convolution2d_nhwc_qc8(
                      uint32_t(d.ph), uint32_t(std::max<int64_t>(0, d.pw_end)),
                      uint32_t(std::max<int64_t>(0, d.ph_end)), uint32_t(d.pw), uint32_t(d.kh), uint32_t(d.kw),
                      uint32_t(d.sh), uint32_t(d.sw), uint32_t(d.dh + 1), uint32_t(d.dw + 1), uint32_t(d.g),
                      size_t(d.icg()), size_t(d.ocg()), size_t(d.ic), size_t(d.oc), -128, 1.f, q.scale.data(),
                      k.data(), bias.data(), -128, 1.f, -128, 127, dw ? XNN_FLAG_DEPTHWISE_CONVOLUTION : 0, &op_),
                  "xnn_create_convolution2d_nhwc_qc8");
        xnn_check(xnn_setup_convolution2d_nhwc_qc8(op_, size_t(d.mb), size_t(d.ih), size_t(d.iw), in_.data(),
                                                   out_.data(), pool_),
                  "xnn_setup_convolution2d_nhwc_qc8");
    }
    std::string impl() const override { return "xnnpack_qc8_conv"; }
};

class XnnFc : public XnnBase {
public:
    XnnFc(const kernels::MatmulDesc& d, int threads, const std::vector<uint8_t>& a, const std::vector<int8_t>& b,
          const QuantParams& q)
        : XnnBase(threads) {
        in_.resize(a.size());
        for (size_t i = 0; i < a.size(); ++i) in_[i] = int8_t(int(a[i]) - 128);
        out_.resize(size_t(d.m * d.n));
        std::vector<int8_t> k(size_t(d.k * d.n));  // [N][K]
        for (int64_t kk = 0; kk < d.k; ++kk)
            for (int64_t n = 0; n < d.n; ++n) k[size_t(n * d.k + kk)] = b[size_t(kk * d.n + n)];
        const float s = std::accumulate(q.scale.begin(), q.scale.end(), 0.f) / float(q.scale.size());
        std::vector<int32_t> bias(size_t(d.n));
        for (int64_t n = 0; n < d.n; ++n) bias[n] = int32_t(std::lrint(q.bias[n] / s));
        xnn_check(xnn_create_fully_connected_nc_qs8(size_t(d.k), size_t(d.n), size_t(d.k), size_t(d.n), -128, 1.f, s,
                                                    k.data(), bias.data(), -128, 1.f, -128, 127, 0, &op_),
                  "xnn_create_fully_connected_nc_qs8");
        xnn_check(xnn_setup_fully_connected_nc_qs8(op_, size_t(d.m), in_.data(), out_.data(), pool_),
                  "xnn_setup_fully_connected_nc_qs8");
    }
    std::string impl() const override { return "xnnpack_qs8_fc"; }
};

class DnnlMatmul : public Peer {
public:
    DnnlMatmul(const kernels::MatmulDesc& d, bool ip, const std::vector<uint8_t>& a, const std::vector<int8_t>& b,
               const QuantParams& q)
        : d_(d), ip_(ip) {
        const memory::dim M = d.m, K = d.k, N = d.n;
        dnnl::primitive_attr attr;
        dnnl::post_ops po;
        po.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        attr.set_post_ops(po);
        attr.set_output_scales(1 << 1, q.scale);
        std::vector<float> bias(static_cast<size_t>(N));
        for (int64_t n = 0; n < N; ++n) bias[n] = q.bias[n] / q.scale[n];
        memory::desc a_md({M, K}, dt::u8, tag::ab), dst_md({M, N}, dt::u8, tag::ab);
        memory ua(a_md, eng());
        std::copy(a.begin(), a.end(), static_cast<uint8_t*>(ua.get_data_handle()));
        memory::desc bia_md;
        memory ub;
        if (ip) {
            memory::desc w_any({N, K}, dt::s8, tag::any);
            bia_md = memory::desc({N}, dt::f32, tag::x);
            dnnl::inner_product_forward::desc id(dnnl::prop_kind::forward_inference, a_md, w_any, bia_md, dst_md);
            auto pd = dnnl::inner_product_forward::primitive_desc(id, attr, eng());
            impl_ = pd.impl_info_str();
            prim_ = dnnl::inner_product_forward(pd);
            ub = memory({{N, K}, dt::s8, tag::ab}, eng());  // oi = [N][K]
            int8_t* p = static_cast<int8_t*>(ub.get_data_handle());
            for (int64_t k = 0; k < K; ++k)
                for (int64_t n = 0; n < N; ++n) p[n * K + k] = b[size_t(k * N + n)];
            wei_ = to_layout(ub, pd.weights_desc());
        } else {
            memory::desc w_any({K, N}, dt::s8, tag::any);
            bia_md = memory::desc({1, N}, dt::f32, tag::ab);
            dnnl::matmul::desc md(a_md, w_any, bia_md, dst_md);
            auto pd = dnnl::matmul::primitive_desc(md, attr, eng());
            impl_ = pd.impl_info_str();
            prim_ = dnnl::matmul(pd);
            ub = memory({{K, N}, dt::s8, tag::ab}, eng());
            std::copy(b.begin(), b.end(), static_cast<int8_t*>(ub.get_data_handle()));
            wei_ = to_layout(ub, pd.weights_desc());
        }
        src_ = ua;
        bia_ = memory(bia_md, eng());
        std::copy(bias.begin(), bias.end(), static_cast<float*>(bia_.get_data_handle()));
        dst_ = memory(dst_md, eng());
    }
    void run() override {
        prim_.execute(strm(), {{DNNL_ARG_SRC, src_}, {DNNL_ARG_WEIGHTS, wei_}, {DNNL_ARG_BIAS, bia_},
                               {DNNL_ARG_DST, dst_}});
        strm().wait();
    }
    std::string impl() const override { return (ip_ ? "ip:" : "matmul:") + impl_; }
    std::vector<uint8_t> result_u8() override {
        const uint8_t* p = static_cast<const uint8_t*>(dst_.get_data_handle());
        return std::vector<uint8_t>(p, p + d_.m * d_.n);
    }

private:
    kernels::MatmulDesc d_;
    bool ip_;
    std::string impl_;
    dnnl::primitive prim_;
    memory src_, wei_, bia_, dst_;
};

class DnnlPool : public Peer {
public:
    DnnlPool(const kernels::PoolDesc& d, const std::vector<uint8_t>& src) : d_(d) {
        memory::desc s_md({d.mb, d.ic, d.ih, d.iw}, dt::u8, tag::nhwc), d_md({d.mb, d.ic, d.oh, d.ow}, dt::u8, tag::nhwc);
        const auto alg = d.alg == kernels::PoolAlg::max      ? dnnl::algorithm::pooling_max
                         : d.alg == kernels::PoolAlg::avg_np ? dnnl::algorithm::pooling_avg_exclude_padding
                                                             : dnnl::algorithm::pooling_avg_include_padding;
        dnnl::pooling_forward::desc pdsc(dnnl::prop_kind::forward_inference, alg, s_md, d_md, {d.sh, d.sw},
                                         {d.kh, d.kw}, {d.ph, d.pw},
                                         {std::max<int64_t>(0, d.ph_end), std::max<int64_t>(0, d.pw_end)});
        auto pd = dnnl::pooling_forward::primitive_desc(pdsc, eng());
        impl_ = pd.impl_info_str();
        prim_ = dnnl::pooling_forward(pd);
        src_ = memory(s_md, eng());
        std::copy(src.begin(), src.end(), static_cast<uint8_t*>(src_.get_data_handle()));
        dst_ = memory(d_md, eng());
    }
    void run() override {
        prim_.execute(strm(), {{DNNL_ARG_SRC, src_}, {DNNL_ARG_DST, dst_}});
        strm().wait();
    }
    std::string impl() const override { return impl_; }
    std::vector<uint8_t> result_u8() override {
        const uint8_t* p = static_cast<const uint8_t*>(dst_.get_data_handle());
        return std::vector<uint8_t>(p, p + d_.dst_elems());
    }

private:
    kernels::PoolDesc d_;
    std::string impl_;
    dnnl::primitive prim_;
    memory src_, dst_;
};

}  // namespace

void set_peer_threads(int n) { omp_set_num_threads(n); }

std::string ensure_omp_wait_policy(char** argv) {
    // Line-buffered even into a file or pipe: a run stopped by a timeout keeps the rows it printed.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    if (const char* p = std::getenv("OMP_WAIT_POLICY")) return p;
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv("/proc/self/exe", argv);
    return "unset (re-exec failed)";
}

std::string peer_versions() {
    const dnnl_version_t* v = dnnl_version();
    return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
           " (OpenMP, max " + std::to_string(omp_get_max_threads()) + " threads), XNNPACK (Debian 0.0~git20220216)";
}

std::unique_ptr<Peer> make_dnnl_conv(const kernels::ConvDesc& d, bool int8, const std::vector<uint8_t>& src,
                                     const std::vector<int8_t>& wei, const QuantParams& q) {
    return std::make_unique<DnnlConv>(d, int8, src, wei, q);
}
std::unique_ptr<Peer> make_xnn_conv(const kernels::ConvDesc& d, int threads, const std::vector<uint8_t>& src,
                                    const std::vector<int8_t>& wei, const QuantParams& q) {
    return std::make_unique<XnnConv>(d, threads, src, wei, q);
}
std::unique_ptr<Peer> make_dnnl_matmul(const kernels::MatmulDesc& d, bool inner_product, const std::vector<uint8_t>& a,
                                       const std::vector<int8_t>& b, const QuantParams& q) {
    return std::make_unique<DnnlMatmul>(d, inner_product, a, b, q);
}
std::unique_ptr<Peer> make_xnn_fc(const kernels::MatmulDesc& d, int threads, const std::vector<uint8_t>& a,
                                  const std::vector<int8_t>& b, const QuantParams& q) {
    return std::make_unique<XnnFc>(d, threads, a, b, q);
}
std::unique_ptr<Peer> make_dnnl_pool(const kernels::PoolDesc& d, const std::vector<uint8_t>& src) {
    return std::make_unique<DnnlPool>(d, src);
}

}  // namespace octet::bench
