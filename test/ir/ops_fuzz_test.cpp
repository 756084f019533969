// Hostile inputs: random shapes and attributes (from a model file nobody
// checked) must give a result or an octet::Error, never a crash, another
// exception type, or an output shape that is out of bounds.
#include <random>

#include "ops_test_util.hpp"

using namespace octet;
using namespace octet::ir;
using namespace octet::ir::testing;

namespace {

const int64_t kDims[] = {0, 1, 1, 2, 3, 4, 7, 64, -1, int64_t(1) << 31, int64_t(1) << 40, int64_t(1) << 62,
                         INT64_MAX, INT64_MIN};

int64_t pick_dim(std::mt19937_64& rng) { return kDims[rng() % (sizeof(kDims) / sizeof(kDims[0]))]; }

Shape random_shape(std::mt19937_64& rng) {
    Shape s(rng() % 6);
    for (int64_t& d : s) d = rng() % 3 == 0 ? pick_dim(rng) : int64_t(1 + rng() % 8);
    return s;
}

AttrValue random_value(std::mt19937_64& rng) {
    switch (rng() % 8) {
    case 0: return AttrValue(bool(rng() % 2));
    case 1: return AttrValue(pick_dim(rng));
    case 2: return AttrValue(double(pick_dim(rng)) * 0.37);
    case 3: {
        static const char* strs[] = {"explicit", "valid", "same_upper", "same_lower", "ceil", "floor", "nearest",
                                     "linear", "erf", "tanh", "f32", "u8", "bogus", ""};
        return AttrValue(std::string(strs[rng() % 14]));
    }
    case 4: return AttrValue(std::vector<double>{double(rng() % 5) * 0.5, std::nan(""), 1e300});
    default: {
        std::vector<int64_t> v(rng() % 5);
        for (int64_t& x : v) x = rng() % 2 ? pick_dim(rng) : int64_t(rng() % 5) - 2;
        return AttrValue(v);
    }
    }
}

const char* kAttrNames[] = {"strides", "dilations", "pads_begin", "pads_end", "auto_pad", "group", "kernel",
                            "rounding_type", "exclude_pad", "transpose_a", "transpose_b", "min", "max", "axis",
                            "shape", "special_zero", "order", "axes", "mode", "sizes", "scales", "levels",
                            "destination_type", "approximation_mode", "eps", "element_type"};

}  // namespace

TEST_CASE("ops: random hostile shapes and attributes never crash", "[ir][ops]") {
    std::mt19937_64 rng(12345);
    const ElemType types[] = {ElemType::f32, ElemType::s32, ElemType::u8, ElemType::s8};
    size_t accepted = 0;
    for (const std::string& op : known_ops()) {
        for (int iter = 0; iter < 3000; ++iter) {
            Node n = make_node(op);
            for (int k = int(rng() % 6); k > 0; --k) n.attrs.set(kAttrNames[rng() % 26], random_value(rng));
            std::vector<TensorDesc> in(rng() % 6);
            for (TensorDesc& d : in) d = {types[rng() % 4], random_shape(rng)};
            // Often give a plausible arity and rank-4 data so that deeper checks are reached.
            if (rng() % 2 && !in.empty()) in[0].shape = {1 + int64_t(rng() % 2), 4, 1 + int64_t(rng() % 9), 1 + int64_t(rng() % 9)};
            try {
                for (const TensorDesc& d : infer_outputs(n, in)) {
                    for (int64_t dim : d.shape) REQUIRE((dim >= 0 && dim <= kMaxElements));
                    REQUIRE(num_elements(d.shape) <= kMaxElements);
                }
                ++accepted;
            } catch (const Error&) {
                // expected for most draws
            }
        }
    }
    REQUIRE(accepted > 100);  // the generator does reach valid nodes
}
