#include "ir/types.hpp"

#include "ir/error.hpp"

namespace octet::ir {

size_t elem_size(ElemType t) {
    switch (t) {
    case ElemType::f32: case ElemType::s32: return 4;
    case ElemType::u8: case ElemType::s8: return 1;
    }
    return 0;
}

const char* to_string(ElemType t) {
    switch (t) {
    case ElemType::f32: return "f32";
    case ElemType::s32: return "s32";
    case ElemType::u8: return "u8";
    case ElemType::s8: return "s8";
    }
    return "?";
}

ElemType parse_elem_type(const std::string& s) {
    if (s == "f32") return ElemType::f32;
    if (s == "s32") return ElemType::s32;
    if (s == "u8") return ElemType::u8;
    if (s == "s8") return ElemType::s8;
    throw FormatError("unknown element type '" + s + "' (expected f32, s32, u8 or s8)");
}

bool is_int8(ElemType t) { return t == ElemType::u8 || t == ElemType::s8; }

int64_t num_elements(const Shape& s) {
    // Every dim is bounded and so is the product of the non-zero ones, whatever
    // their order, so a shape with a zero dim cannot hide an absurd one.
    int64_t n = 1;
    bool zero = false;
    for (int64_t d : s) {
        if (d < 0) throw ValidationError("shape " + to_string(s) + " has a negative dimension");
        if (d == 0) { zero = true; continue; }
        if (n > kMaxElements / d)
            throw ValidationError("shape " + to_string(s) + " has more than 2^40 elements");
        n *= d;
    }
    return zero ? 0 : n;
}

std::string to_string(const Shape& s) {
    std::string r = "[";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
    return r + "]";
}

}  // namespace octet::ir
