#pragma once
// Channel orders chosen for the pmaddubsw pairs (non-VNNI ISAs).
//
// Why: without VNNI the fast chain adds the products of input channels 2k and
// 2k+1 in s16 (pmaddubsw), which saturates when the two weights of an output
// channel have one sign and |w0 + w1| > 128; those pairs cost a correction
// (pxfix, fixup) or the exact path (kernels/conv). Which channels form a pair
// is only the order the input's channels are stored in. Where a
// ConvolutionI8's input is written by another ConvolutionI8 for it alone
// (directly, or through depthwise ConvolutionI8s, which keep channels apart),
// the producer can store its output channels in any order at no cost: its
// weight rows and per-channel epilogue are permuted, the depthwise steps
// between permute their channels the same way, and the consumer reads its
// weights' input channels in that order. The order pairs channels whose
// weights are rarely unsafe together (a greedy matching on the count of
// unsafe (output channel, tap) rows per channel pair, then pair swaps). It is
// done where the consumer has no more weight rows (oc·taps) than input
// channels: there nearly all unsafe pairs go (MobileNetV2's project layers),
// where rows outnumber channels far fewer do (channel_pairing.cpp).
//
// The graph keeps its logical meaning: the orders are node attributes that
// only the engine's executables apply (like the int8_layout attribute), so the
// reference executor and the per-layer SQNR tools see the original graph.
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.hpp"
#include "kernels/conv/conv_kernel.hpp"

namespace octet::engine::int8 {

// On a producer: stored output channel j holds logical channel order[j].
constexpr const char* kStoredOutOrderAttr = "stored_out_order";
// On a consumer: its input's stored channel j is logical channel order[j].
constexpr const char* kStoredInOrderAttr = "stored_in_order";

struct PairingChoice {
    std::string consumer;
    int64_t unsafe_before = 0, unsafe_after = 0;  // unsafe (output channel, tap, pair) rows
};
// Sets the orders on every chain that lowers the consumer's unsafe pairs;
// returns one entry per consumer that got one.
std::vector<PairingChoice> choose_channel_pairing(ir::Graph& g);

// Applies node n's stored orders to its problem (weights [oc][kh][kw][icg] and
// the per-channel epilogue vectors).
void apply_stored_orders(const ir::Node& n, kernels::ConvProblem& p);

// The order of `ic` channels for weights rows[r][ic] (rows = output channels ×
// taps) that pairs (order[2k], order[2k+1]) with the fewest unsafe rows; an odd
// last channel pairs with the zero padding. `unsafe_before` / `unsafe_after`:
// the unsafe (row, pair) count in the identity order and in the one returned.
std::vector<int64_t> pairing_order(const std::vector<int8_t>& rows, int64_t ic, int64_t& unsafe_before,
                                   int64_t& unsafe_after);

}  // namespace octet::engine::int8
