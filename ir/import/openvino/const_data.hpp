#pragma once
// A Const layer's bytes from the .bin, decoded into what octet can hold: f32
// (f16 widened exactly), s32, u8, s8, plus the integer values of integer
// constants (i64 included), which the importer reads as shapes, axes and
// orders. i64 data becomes s32 only when it is used as a tensor and fits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ir/import/openvino/ir_document.hpp"
#include "ir/tensor.hpp"

namespace octet::ir::openvino {

struct ConstData {
    std::string ov_type;          // "f32", "f16", "i8", "u8", "i32", "i64"
    Shape shape;
    Tensor tensor;                // empty for i64 (see as_tensor)
    std::vector<int64_t> ints;    // integer types only
    bool is_integer() const { return ov_type != "f32" && ov_type != "f16"; }
};

// Size in bytes of one element of an OpenVINO element type octet reads;
// FormatError for an unknown name, UnsupportedError for a known one octet
// does not read (bf16, f64, boolean, u1, ...). `where` names the layer.
size_t ov_elem_size(const std::string& ov_type, const std::string& where);
// OpenVINO type name -> octet type for tensors (f32, i32, u8, i8); others throw
// UnsupportedError naming `where`.
ElemType octet_type_of(const std::string& ov_type, const std::string& where);

// Reads the Const `layer` (attributes element_type, shape, offset, size).
ConstData read_const(const LayerDesc& layer, const uint8_t* bin, size_t bin_size);

// The constant as an octet tensor (i64 narrowed to s32; values out of range
// are an UnsupportedError naming `where`).
Tensor as_tensor(const ConstData& c, const std::string& where);

}  // namespace octet::ir::openvino
