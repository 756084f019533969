// Const decoding. Sizes are checked before any allocation: the shape's element
// count is bounded (num_elements), the declared size must equal count×element
// size, and [offset, offset+size) must lie inside the .bin (compared without
// computing offset+size, which could wrap).
#include "ir/import/openvino/const_data.hpp"

#include <climits>
#include <cstring>

#include "ir/error.hpp"
#include "ir/import/openvino/text_values.hpp"

namespace octet::ir::openvino {

namespace {

float half_to_float(uint16_t h) {
    const uint32_t sign = uint32_t(h >> 15) << 31;
    const uint32_t exp = (h >> 10) & 0x1f;
    uint32_t mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);  // inf / nan
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant == 0) {
        bits = sign;
    } else {  // subnormal half: normalize
        int e = -1;
        do {
            ++e;
            mant <<= 1;
        } while ((mant & 0x400) == 0);
        bits = sign | uint32_t(112 - e) << 23 | ((mant & 0x3ff) << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

template <class T> T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

}  // namespace

size_t ov_elem_size(const std::string& t, const std::string& where) {
    if (t == "f32" || t == "i32") return 4;
    if (t == "f16") return 2;
    if (t == "i8" || t == "u8") return 1;
    if (t == "i64") return 8;
    static const char* known_unread[] = {"bf16", "f64", "f8e4m3", "f8e5m2", "boolean", "u1", "u2", "u3", "u4",
                                         "u6", "i4", "i16", "u16", "u32", "u64", "nf4", "string", "dynamic"};
    for (const char* k : known_unread)
        if (t == k)
            throw UnsupportedError(where + ": element type '" + t +
                                   "' is not supported (f32, f16, i8, u8, i32, i64)");
    throw FormatError(where + ": unknown element type '" + t + "'");
}

ElemType octet_type_of(const std::string& t, const std::string& where) {
    if (t == "f32") return ElemType::f32;
    if (t == "i32") return ElemType::s32;
    if (t == "u8") return ElemType::u8;
    if (t == "i8") return ElemType::s8;
    try {
        ov_elem_size(t, where);  // an unknown name is a FormatError
    } catch (const UnsupportedError&) {
    }
    throw UnsupportedError(where + ": element type '" + t + "' is not supported here (f32, i32, u8, i8)");
}

ConstData read_const(const LayerDesc& layer, const uint8_t* bin, size_t bin_size) {
    ConstData c;
    const std::string where = layer.describe();
    c.ov_type = layer.attr("element_type");
    const size_t esize = ov_elem_size(c.ov_type, where);
    c.shape = parse_ints(layer.attr("shape"), layer.attr_where("shape"));
    int64_t numel;
    try {
        numel = num_elements(c.shape);
    } catch (const ValidationError& e) {
        throw ValidationError(where + ": " + e.what());
    }
    const int64_t offset = parse_int(layer.attr("offset"), layer.attr_where("offset"));
    const int64_t size = parse_int(layer.attr("size"), layer.attr_where("size"));
    if (offset < 0 || size < 0)
        throw FormatError(where + ": offset " + std::to_string(offset) + " and size " + std::to_string(size) +
                          " must not be negative");
    const uint64_t expected = uint64_t(numel) * esize;  // numel <= 2^40: no overflow
    if (uint64_t(size) != expected)
        throw FormatError(where + ": size " + std::to_string(size) + " does not match shape " + to_string(c.shape) +
                          " of " + c.ov_type + " (" + std::to_string(expected) + " bytes)");
    if (uint64_t(offset) > bin_size || uint64_t(size) > bin_size - uint64_t(offset))
        throw FormatError(where + ": bytes [" + std::to_string(offset) + ", " + std::to_string(offset) + "+" +
                          std::to_string(size) + ") lie past the end of the .bin (" + std::to_string(bin_size) +
                          " bytes)");
    const uint8_t* src = bin ? bin + offset : nullptr;
    if (c.ov_type == "f32" || c.ov_type == "f16") {
        c.tensor = Tensor(ElemType::f32, c.shape);
        float* dst = c.tensor.data<float>();
        for (int64_t i = 0; i < numel; ++i)
            dst[i] = c.ov_type == "f32" ? load<float>(src + 4 * i) : half_to_float(load<uint16_t>(src + 2 * i));
        return c;
    }
    c.ints.resize(size_t(numel));
    for (int64_t i = 0; i < numel; ++i) {
        if (c.ov_type == "i8") c.ints[size_t(i)] = int8_t(src[i]);
        else if (c.ov_type == "u8") c.ints[size_t(i)] = src[i];
        else if (c.ov_type == "i32") c.ints[size_t(i)] = load<int32_t>(src + 4 * i);
        else c.ints[size_t(i)] = load<int64_t>(src + 8 * i);
    }
    if (c.ov_type != "i64") {
        c.tensor = Tensor(octet_type_of(c.ov_type, where), c.shape);
        if (numel) std::memcpy(c.tensor.raw(), src, size_t(size));
    }
    return c;
}

Tensor as_tensor(const ConstData& c, const std::string& where) {
    if (!c.tensor.empty()) return c.tensor;
    Tensor t(ElemType::s32, c.shape);
    int32_t* dst = t.data<int32_t>();
    for (size_t i = 0; i < c.ints.size(); ++i) {
        if (c.ints[i] < INT32_MIN || c.ints[i] > INT32_MAX)
            throw UnsupportedError(where + ": i64 value " + std::to_string(c.ints[i]) +
                                   " does not fit the s32 tensors octet computes with");
        dst[i] = int32_t(c.ints[i]);
    }
    return t;
}

}  // namespace octet::ir::openvino
