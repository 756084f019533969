#pragma once
// State of one ONNX export: the GraphProto being filled, the ONNX value name
// of every octet node output, unique names for helper values, and typed
// helpers for nodes, attributes and initializers. Internal to ir/export/.
#include <onnx/onnx_pb.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.hpp"

namespace octet::ir::onnx_export {

int32_t onnx_type(ElemType t);  // TensorProto_DataType

class OnnxWriter {
public:
    OnnxWriter(const Graph& g, onnx::GraphProto* proto) : g_(g), proto_(proto) {}
    const Graph& graph() const { return g_; }

    // The ONNX name of octet value `p`; a Constant becomes an initializer on
    // first use.
    std::string value(PortRef p);
    void bind(int node, const std::string& onnx_name) { bound_[node] = onnx_name; }
    bool is_bound(int node) const { return bound_.count(node) != 0; }
    std::string fresh(const std::string& base);

    onnx::NodeProto* node(const std::string& op_type, const std::string& name, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs);
    std::string initializer(const std::string& name, const Tensor& t);
    std::string int64s(const std::string& name, const std::vector<int64_t>& v);
    std::string float_scalar(const std::string& name, float v);
    std::string floats(const std::string& name, const std::vector<float>& v);  // 1-D (or scalar when size 1 and scalar)
    onnx::TensorProto* raw_initializer(const std::string& name, int32_t type, const std::vector<int64_t>& dims,
                                       const void* data, size_t bytes);

private:
    const Graph& g_;
    onnx::GraphProto* proto_;
    std::map<int, std::string> bound_;
    std::set<std::string> names_;       // values and initializers
    std::set<std::string> node_names_;  // NodeProto names (a separate namespace in ONNX)
};

// A FakeQuantize of a 2-D Constant read only as MatMul B with transpose_b: its int8
// weights are exported transposed ([K][N], per-channel axis 1), as exporters write FC
// weights, so that no Transpose runs on them (and importers see plain int8 weights).
bool exports_transposed_weights(const Graph& g, int fake_quantize);

void set_attr(onnx::NodeProto* n, const std::string& name, int64_t v);
void set_attr(onnx::NodeProto* n, const std::string& name, float v);
void set_attr(onnx::NodeProto* n, const std::string& name, const std::string& v);
void set_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v);

// Exports node `index` (any op but Parameter / Constant / Result); throws
// UnsupportedError for an op without an ONNX form.
void export_op(OnnxWriter& w, int index);
// FakeQuantize -> QDQ (onnx_export_qdq.cpp).
void export_fake_quantize(OnnxWriter& w, int index);

}  // namespace octet::ir::onnx_export
