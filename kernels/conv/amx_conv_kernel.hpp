#pragma once
// Any ungrouped int8 convolution on AMX (3×3, 7×7 first layer, strided 1×1, padding,
// dilation) as im2col + the AMX matmul blocks (kernels/matmul/amx_matmul_generator.hpp).
//
// Why im2col here when the VNNI kernels are direct: a tile multiply wants 16 rows × 64
// contiguous bytes of A, and a conv window's taps are not contiguous in NHWC. Gathering the
// 32 output pixels of a block into rows of K = KH·KW·IC bytes costs K bytes per pixel against
// K·OC multiply-adds per pixel that AMX then runs at ~1000 MACs/cycle, so the copy is cheap,
// and the staged block is reused by every 32-column block of the output channels a thread
// computes. Padded taps are filled with the source zero point, so the compensation
// -zp·Σw (which assumes every tap present) stays exact: they contribute (zp - zp)·w = 0,
// as the reference's skipped taps do.
//
// Below kAmxConvMinChannels input channels (the 3-channel first layer) the per-tap copies
// dominate and the kernel declines: measured on a 16-core Sapphire Rapids, ResNet-50's conv1
// took 5.0 ms here against 0.96 ms with the VNNI direct kernel, while every 3×3 and strided
// 1×1 layer ran 1.4-2.9× faster than VNNI (bench/results/spr16).
//
// Exec type jit_amx_I8. The 1×1 stride-1 unpadded case keeps jit_amx_1x1_I8 (no gather).
#include <memory>
#include <string>

#include "jit/isa.hpp"
#include "kernels/conv/conv_kernel.hpp"

namespace octet::kernels {

constexpr int64_t kAmxConvMinChannels = 16;

// A 1x1 conv's K (its input channels) pads to the 64-byte tile rows, and the AMX epilogue
// reads the s32 tiles back from memory where the VNNI 1x1 kernel keeps them in registers:
// with much padding VNNI wins. On the lent Sapphire Rapids every MobileNetV2 1x1 whose K
// pads by more than 10 % (K = 16, 24, 32, 96, 144, 160) ran 1.1-2.9x faster on VNNI, and
// K a multiple of 64 (ResNet-50's, MobileNetV2's 192-960) as fast or faster on AMX
// (bench/results/spr16/s8_layers.txt). Windows larger than 1x1 were not measured this way.
constexpr double kAmx1x1MaxKPadding = 1.1;

// True (with the reason) where `d` is a 1x1 conv whose IC pads by more than that.
bool amx_1x1_pads_too_much(const ConvDesc& d, std::string& why);

std::unique_ptr<ConvKernel> make_conv_amx_kernel(const ConvProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
