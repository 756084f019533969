#pragma once
// Values the importer knows at import time (initializers, Constant nodes,
// folded shape arithmetic). ONNX has element types octet's IR does not
// (int64 shapes and axes), so a ConstTensor keeps integer data as int64 and
// float data as f32 and only becomes an ir::Tensor when a node reads it as data.
#include <cstdint>
#include <string>
#include <vector>

#include "ir/tensor.hpp"
#include "ir/types.hpp"

namespace onnx {
class TensorProto;
}

namespace octet::ir::onnx_import {

struct ConstTensor {
    int32_t data_type = 0;        // onnx::TensorProto::DataType
    Shape dims;
    std::vector<float> floats;    // FLOAT (and DOUBLE/FLOAT16 are rejected)
    std::vector<int64_t> ints;    // every integer type and BOOL

    bool is_float() const;
    int64_t numel() const;
    std::vector<int64_t> as_ints(const std::string& what) const;  // integers only
    std::vector<double> as_doubles() const;                        // any numeric
    // The IR element type (f32, s32, u8, s8); UnsupportedError for others.
    ElemType ir_type(const std::string& what) const;
    Tensor to_tensor(const std::string& what) const;
    static ConstTensor from_floats(Shape dims, std::vector<float> v);
};

// Name of an ONNX element type ("FLOAT", "INT64", ...), for messages.
std::string onnx_type_name(int32_t data_type);
// The IR element type of an ONNX element type, or false when there is none.
bool ir_type_of(int32_t data_type, ElemType& out);

// Limits that keep a hostile file from making the importer allocate without
// bound: constant bytes in total (raised to the sizes of the files read).
struct ByteBudget {
    uint64_t left = 0;
    void take(uint64_t bytes, const std::string& what);
};

// Reads a TensorProto (inline, raw_data or external data under base_dir).
// `what` names it in errors ("initializer 'w'", "node 'c' (Constant)").
ConstTensor read_tensor(const onnx::TensorProto& t, const std::string& base_dir, ByteBudget& budget,
                        const std::string& what);

}  // namespace octet::ir::onnx_import
