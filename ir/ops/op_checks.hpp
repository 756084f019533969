#pragma once
// Small checks shared by the per-op shape inference files (internal to ir/).
// Each throws ValidationError without the node prefix; Graph::infer adds it.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "ir/graph.hpp"

namespace octet::ir::opcheck {

using Inputs = std::vector<TensorDesc>;
using Outputs = std::vector<TensorDesc>;

// Largest value accepted for a size-like attribute (kernel, stride, pad, dim):
// with every operand below 2^31 no product or sum of two of them overflows int64.
constexpr int64_t kMaxAttrValue = int64_t(1) << 31;

// Non-negative dims whose non-zero ones multiply to at most 2^40. Unlike
// num_elements() alone this also bounds the dims of an empty tensor ([0, 2^62]
// would overflow sums of dims) and does not depend on the order of the dims,
// so a transposed or reshaped output of a valid input stays valid.
void check_shape(const Shape& s);

void expect_inputs(const Inputs& in, size_t count);
void expect_rank(const TensorDesc& d, size_t rank, const std::string& what);
void expect_type(const TensorDesc& d, std::initializer_list<ElemType> allowed, const std::string& what);
// Both inputs must have one element type.
void expect_same_type(const TensorDesc& a, const TensorDesc& b, const std::string& what_a,
                      const std::string& what_b);

// Maps axis in [-rank, rank) to [0, rank); `what` names the attribute.
size_t normalize_axis(int64_t axis, size_t rank, const std::string& what);

// An ints attribute (or `def` when absent) with exactly `count` values, each
// in [min_value, kMaxAttrValue].
std::vector<int64_t> get_sized_ints(const Attributes& attrs, const std::string& name, size_t count,
                                    const std::vector<int64_t>& def, int64_t min_value);

// One of `allowed`, or `def` when absent; another string is an UnsupportedError.
std::string get_choice(const Attributes& attrs, const std::string& name, const std::string& def,
                       std::initializer_list<const char*> allowed);

std::string join(const std::vector<int64_t>& v);  // "[1,2,3]"

}  // namespace octet::ir::opcheck
