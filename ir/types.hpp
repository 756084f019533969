#pragma once
// Element types and static shapes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace octet::ir {

enum class ElemType : uint8_t { f32, s32, u8, s8 };

size_t elem_size(ElemType t);
const char* to_string(ElemType t);      // "f32", "s32", "u8", "s8"
ElemType parse_elem_type(const std::string& s);  // throws FormatError on unknown names
bool is_int8(ElemType t);               // u8 or s8

using Shape = std::vector<int64_t>;

// Largest element count octet accepts for one tensor (2^40); larger shapes are
// treated as malformed rather than attempted.
constexpr int64_t kMaxElements = int64_t(1) << 40;

// Product of dims; throws ValidationError on a negative dim or when the count
// exceeds kMaxElements (so it never overflows).
int64_t num_elements(const Shape& s);
std::string to_string(const Shape& s);  // "[1,3,224,224]"

}  // namespace octet::ir
