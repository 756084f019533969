#pragma once
// The peers, each prepared for one problem outside the timed loop (weights
// reordered, sources in the primitive's layout), then run() is what is timed.
//   oneDNN (Debian libdnnl-dev 2.6, OpenMP): int8 conv (u8 src, s8 wei, u8 dst, per-channel
//     output scales, bias, ReLU, format_tag::any), f32 conv, int8 matmul and inner product,
//     int8 pooling.
//   XNNPACK (Debian libxnnpack-dev, 2022-02): qc8 conv (per-channel scales), qs8 fully connected.
// Numerics are set up so that the u8 results are comparable with octet's
// (acc*scale[oc] + bias[oc], ReLU, round to u8): oneDNN 2.x applies the bias before
// the output scale, so it is given bias/scale; XNNPACK runs on s8 = u8 - 128 with
// input zero point -128 and output zero point -128.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/conv/desc.hpp"
#include "kernels/matmul/desc.hpp"
#include "kernels/pool/desc.hpp"

namespace octet::bench {

// Thread count of the peers' runtimes: OpenMP for oneDNN (omp_set_num_threads; call it
// before creating the oneDNN primitives, which size their work split at creation);
// XNNPACK gets a pthreadpool of that size at creation.
void set_peer_threads(int n);
// On a shared machine a spinning OpenMP worker waits a whole scheduler slice for its core
// (measured here: oneDNN at 2 threads 20-40x slower than at 1); sleeping workers are woken
// at once. libgomp reads OMP_WAIT_POLICY when it is loaded, so when it is unset this sets it
// to passive and re-executes the program (first thing in main). Returns the policy in use. Also makes
// stdout line-buffered.
std::string ensure_omp_wait_policy(char** argv);
std::string peer_versions();

struct QuantParams {               // shared by octet and the peers for one layer
    std::vector<float> scale;      // per output channel
    std::vector<float> bias;       // per output channel, in the output domain
};

class Peer {
public:
    virtual ~Peer() = default;
    virtual void run() = 0;
    virtual std::string impl() const = 0;       // the peer's own implementation name
    // u8 NHWC / [M][N] result of the last run (reordered out of the peer's layout);
    // empty when the peer's output is not u8 (f32 conv).
    virtual std::vector<uint8_t> result_u8() { return {}; }
};

// oneDNN convolution; int8: u8/s8/u8 + scales, bias, ReLU. f32: the same layer in f32.
std::unique_ptr<Peer> make_dnnl_conv(const kernels::ConvDesc& d, bool int8, const std::vector<uint8_t>& src,
                                     const std::vector<int8_t>& wei, const QuantParams& q);
// XNNPACK qc8 convolution (groups == ic with one channel per group: the depthwise path).
std::unique_ptr<Peer> make_xnn_conv(const kernels::ConvDesc& d, int threads, const std::vector<uint8_t>& src,
                                    const std::vector<int8_t>& wei, const QuantParams& q);
// oneDNN int8 matmul (inner_product = false) or inner product; B given [K][N].
std::unique_ptr<Peer> make_dnnl_matmul(const kernels::MatmulDesc& d, bool inner_product, const std::vector<uint8_t>& a,
                                       const std::vector<int8_t>& b, const QuantParams& q);
// XNNPACK qs8 fully connected (one weight scale: the mean of q.scale; results not compared).
std::unique_ptr<Peer> make_xnn_fc(const kernels::MatmulDesc& d, int threads, const std::vector<uint8_t>& a,
                                  const std::vector<int8_t>& b, const QuantParams& q);
// oneDNN int8 pooling on NHWC u8.
std::unique_ptr<Peer> make_dnnl_pool(const kernels::PoolDesc& d, const std::vector<uint8_t>& src);

}  // namespace octet::bench
