// Ops that only move or relabel elements: Concat, Reshape, Transpose,
// Squeeze, Unsqueeze. They keep the element type, whatever it is.
#include "ir/error.hpp"
#include "ir/ops/infer_fns.hpp"

namespace octet::ir::infer {

using namespace opcheck;

Outputs concat(const Node& n, const Inputs& in) {
    if (in.empty()) throw ValidationError("expects at least 1 input, got 0");
    const TensorDesc& first = in[0];
    const size_t rank = first.shape.size();
    if (rank == 0) throw ValidationError("cannot concatenate scalars (input 0 has rank 0)");
    const size_t axis = normalize_axis(n.attrs.get_int("axis"), rank, "attribute 'axis'");
    Shape out = first.shape;
    for (size_t i = 1; i < in.size(); ++i) {
        const std::string what = "input " + std::to_string(i);
        expect_same_type(first, in[i], "input 0", what);
        const Shape& s = in[i].shape;
        bool ok = s.size() == rank;
        for (size_t k = 0; ok && k < rank; ++k) ok = k == axis || s[k] == first.shape[k];
        if (!ok)
            throw ValidationError(what + " shape " + to_string(s) + " does not match input 0 shape " +
                                  to_string(first.shape) + " outside axis " + std::to_string(axis));
        out[axis] += s[axis];  // each term <= 2^40 and the count is checked below, so no overflow
        if (out[axis] > kMaxElements) break;
    }
    num_elements(out);
    return {{first.type, out}};
}

// OpenVINO opset1 Reshape: with special_zero a 0 copies the input dim at the
// same index; one -1 takes whatever count is left.
Outputs reshape(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    const Shape& src = in[0].shape;
    const int64_t count = num_elements(src);
    const std::vector<int64_t> target = n.attrs.get_ints("shape");
    const bool special_zero = n.attrs.get_bool("special_zero", true);
    Shape out(target.size());
    Shape known;  // every dim but the -1, for an overflow-safe product
    int inferred = -1;
    for (size_t i = 0; i < target.size(); ++i) {
        const int64_t v = target[i];
        if (v == -1) {
            if (inferred >= 0) throw ValidationError("attribute 'shape' = " + join(target) + " has more than one -1");
            inferred = int(i);
            continue;
        }
        if (v < -1) throw ValidationError("attribute 'shape' = " + join(target) + " has a value below -1");
        if (v > kMaxElements) throw ValidationError("attribute 'shape' = " + join(target) + " has a value above 2^40");
        if (v == 0 && special_zero) {
            if (i >= src.size())
                throw ValidationError("attribute 'shape' = " + join(target) + " has 0 at index " + std::to_string(i) +
                                      ", but the input " + to_string(src) + " has no dim there to copy");
            out[i] = src[i];
        } else {
            out[i] = v;
        }
        known.push_back(out[i]);
    }
    const int64_t known_count = num_elements(known);
    if (inferred >= 0) {
        if (known_count == 0)
            throw ValidationError("attribute 'shape' = " + join(target) +
                                  " cannot infer the -1 dim next to a zero-sized dim");
        if (count % known_count != 0)
            throw ValidationError("cannot reshape " + to_string(src) + " (" + std::to_string(count) +
                                  " elements) to " + join(target) + ": not divisible");
        out[size_t(inferred)] = count / known_count;
    }
    if (num_elements(out) != count)
        throw ValidationError("cannot reshape " + to_string(src) + " (" + std::to_string(count) + " elements) to " +
                              to_string(out) + " (" + std::to_string(num_elements(out)) + " elements)");
    return {{in[0].type, out}};
}

Outputs transpose(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    const Shape& src = in[0].shape;
    const size_t rank = src.size();
    std::vector<int64_t> order = n.attrs.get_ints("order", {});
    if (order.empty()) {  // empty order reverses the dims
        for (size_t i = 0; i < rank; ++i) order.push_back(int64_t(rank - 1 - i));
    }
    if (order.size() != rank)
        throw ValidationError("attribute 'order' = " + join(order) + " has " + std::to_string(order.size()) +
                              " values for an input of rank " + std::to_string(rank));
    std::vector<bool> seen(rank, false);
    Shape out(rank);
    for (size_t i = 0; i < rank; ++i) {
        const int64_t o = order[i];
        if (o < 0 || o >= int64_t(rank) || seen[size_t(o)])
            throw ValidationError("attribute 'order' = " + join(order) + " is not a permutation of 0.." +
                                  std::to_string(int64_t(rank) - 1));
        seen[size_t(o)] = true;
        out[i] = src[size_t(o)];
    }
    return {{in[0].type, out}};
}

Outputs squeeze(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    const Shape& src = in[0].shape;
    const std::vector<int64_t> axes = n.attrs.get_ints("axes", {});
    std::vector<bool> drop(src.size(), false);
    if (axes.empty()) {
        for (size_t i = 0; i < src.size(); ++i) drop[i] = src[i] == 1;
    } else {
        for (int64_t a : axes) {
            const size_t k = normalize_axis(a, src.size(), "axis in 'axes'");
            if (src[k] != 1)
                throw ValidationError("cannot squeeze axis " + std::to_string(a) + " of shape " + to_string(src) +
                                      ": its size is " + std::to_string(src[k]) + ", not 1");
            drop[k] = true;  // a repeated axis is harmless
        }
    }
    Shape out;
    for (size_t i = 0; i < src.size(); ++i)
        if (!drop[i]) out.push_back(src[i]);
    return {{in[0].type, out}};
}

Outputs unsqueeze(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    const Shape& src = in[0].shape;
    const std::vector<int64_t> axes = n.attrs.get_ints("axes");
    if (axes.empty()) throw ValidationError("attribute 'axes' is empty");
    if (axes.size() > 64) throw ValidationError("attribute 'axes' has more than 64 values");
    const size_t rank = src.size() + axes.size();
    std::vector<bool> insert(rank, false);
    for (int64_t a : axes) {
        const size_t k = normalize_axis(a, rank, "axis in 'axes'");
        if (insert[k]) throw ValidationError("attribute 'axes' = " + join(axes) + " repeats axis " + std::to_string(k));
        insert[k] = true;
    }
    Shape out(rank);
    size_t next = 0;
    for (size_t i = 0; i < rank; ++i) out[i] = insert[i] ? 1 : src[next++];
    return {{in[0].type, out}};
}

}  // namespace octet::ir::infer
