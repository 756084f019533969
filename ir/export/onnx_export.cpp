// The export driver and the OnnxWriter: graph inputs from Parameters,
// initializers from Constants (only those some exported node reads), nodes in
// topological order, graph outputs named after the Result nodes.
#include "ir/export/onnx_export.hpp"

#include <cstring>
#include <fstream>

#include "ir/error.hpp"
#include "ir/export/onnx_writer.hpp"

namespace octet::ir {

namespace onnx_export {

int32_t onnx_type(ElemType t) {
    switch (t) {
    case ElemType::f32: return onnx::TensorProto_DataType_FLOAT;
    case ElemType::s32: return onnx::TensorProto_DataType_INT32;
    case ElemType::u8: return onnx::TensorProto_DataType_UINT8;
    case ElemType::s8: return onnx::TensorProto_DataType_INT8;
    }
    return onnx::TensorProto_DataType_UNDEFINED;
}

std::string OnnxWriter::fresh(const std::string& base) {
    std::string name = base;
    for (int k = 1; names_.count(name); ++k) name = base + "_" + std::to_string(k);
    names_.insert(name);
    return name;
}

std::string OnnxWriter::value(PortRef p) {
    auto it = bound_.find(p.node);
    if (it != bound_.end()) return it->second;
    const Node& n = g_.node(p.node);
    if (n.op != "Constant")
        throw ValidationError(node_prefix(n) + "is read before it was exported (graph not in topological order?)");
    raw_initializer(n.name, onnx_type(n.value.type()), n.value.shape(), n.value.raw(), n.value.nbytes());
    bound_[p.node] = n.name;  // the export reserved every node's name for its value
    return n.name;
}

onnx::NodeProto* OnnxWriter::node(const std::string& op_type, const std::string& name,
                                  const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
    onnx::NodeProto* n = proto_->add_node();
    n->set_op_type(op_type);
    std::string unique = name;
    for (int k = 1; node_names_.count(unique); ++k) unique = name + "_" + std::to_string(k);
    node_names_.insert(unique);
    n->set_name(unique);
    for (const std::string& i : inputs) n->add_input(i);
    for (const std::string& o : outputs) n->add_output(o);
    return n;
}

onnx::TensorProto* OnnxWriter::raw_initializer(const std::string& name, int32_t type,
                                               const std::vector<int64_t>& dims, const void* data, size_t bytes) {
    onnx::TensorProto* t = proto_->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (int64_t d : dims) t->add_dims(d);
    t->set_raw_data(std::string(static_cast<const char*>(data), bytes));
    return t;
}

std::string OnnxWriter::initializer(const std::string& name, const Tensor& t) {
    const std::string n = fresh(name);
    raw_initializer(n, onnx_type(t.type()), t.shape(), t.raw(), t.nbytes());
    return n;
}

std::string OnnxWriter::int64s(const std::string& name, const std::vector<int64_t>& v) {
    const std::string n = fresh(name);
    raw_initializer(n, onnx::TensorProto_DataType_INT64, {int64_t(v.size())}, v.data(), v.size() * 8);
    return n;
}

std::string OnnxWriter::float_scalar(const std::string& name, float v) {
    const std::string n = fresh(name);
    raw_initializer(n, onnx::TensorProto_DataType_FLOAT, {}, &v, 4);
    return n;
}

std::string OnnxWriter::floats(const std::string& name, const std::vector<float>& v) {
    const std::string n = fresh(name);
    raw_initializer(n, onnx::TensorProto_DataType_FLOAT, {int64_t(v.size())}, v.data(), v.size() * 4);
    return n;
}

void set_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INT);
    a->set_i(v);
}

void set_attr(onnx::NodeProto* n, const std::string& name, float v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
    a->set_f(v);
}

void set_attr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_STRING);
    a->set_s(v);
}

void set_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INTS);
    for (int64_t x : v) a->add_ints(x);
}

}  // namespace onnx_export

namespace {

using namespace onnx_export;

void set_value_info(onnx::ValueInfoProto* vi, const std::string& name, const TensorDesc& d) {
    vi->set_name(name);
    onnx::TypeProto_Tensor* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx_type(d.type));
    onnx::TensorShapeProto* shape = tt->mutable_shape();
    for (int64_t dim : d.shape) shape->add_dim()->set_dim_value(dim);
}

}  // namespace

std::string export_onnx_bytes(const Graph& graph) {
    onnx::ModelProto model;
    model.set_ir_version(8);  // the IR version of opset 17
    model.set_producer_name("octet");
    model.set_producer_version("0.1");
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(17);
    onnx::GraphProto* gp = model.mutable_graph();
    gp->set_name("octet");

    OnnxWriter w(graph, gp);
    for (size_t i = 0; i < graph.size(); ++i) w.fresh(graph.node(int(i)).name);  // reserve every node name
    for (int index : graph.topo_order()) {
        const Node& n = graph.node(index);
        if (n.outputs.empty() && n.op != "Result")
            throw ValidationError(node_prefix(n) + "has no inferred outputs; run Graph::infer() before export");
        if (n.op == "Parameter") {
            set_value_info(gp->add_input(), n.name, n.outputs[0]);
            w.bind(index, n.name);
        } else if (n.op == "Constant") {
            continue;  // an initializer when (and if) something reads it
        } else if (n.op == "Result") {
            const std::string src = w.value(n.inputs.at(0));
            w.node("Identity", n.name, {src}, {n.name});
            set_value_info(gp->add_output(), n.name, graph.desc(n.inputs[0]));
        } else {
            export_op(w, index);
        }
    }
    std::string bytes;
    if (!model.SerializeToString(&bytes)) throw ValidationError("ONNX export: the model could not be serialized");
    return bytes;
}

void export_onnx(const Graph& graph, const std::string& path) {
    const std::string bytes = export_onnx_bytes(graph);
    std::ofstream out(path, std::ios::binary);
    if (!out) throw ArgumentError("ONNX export: cannot open '" + path + "' for writing");
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) throw ArgumentError("ONNX export: cannot write '" + path + "'");
}

}  // namespace octet::ir
