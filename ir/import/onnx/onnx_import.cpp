// import_onnx_*: checks the ModelProto's structure (opsets, value names,
// dangling inputs, cycles), declares graph inputs and initializers, maps each
// node in topological order through the op table, and adds the Results.
#include "ir/import/onnx_import.hpp"

#include <deque>
#include <filesystem>

#include "ir/error.hpp"
#include "ir/import/onnx/op_table.hpp"
#include "ir/import/onnx/proto_reader.hpp"

namespace octet::ir {

namespace onnx_import {

const OpTable& op_table() {
    static const OpTable table = [] {
        OpTable t;
        register_nn_ops(t);
        register_eltwise_ops(t);
        register_shape_ops(t);
        register_quant_ops(t);
        register_qoperator_ops(t);
        register_gelu_ops(t);
        return t;
    }();
    return table;
}

namespace {

// Opsets below 10 are read too: the op versions they may hold differ from
// opset 10's by attributes (broadcast, consumed_inputs, Reshape's shape, ...)
// that the mappers reject by name, so what is accepted means the same.
constexpr int kMinOpset = 1, kMaxOpset = 17;

bool default_domain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

int default_opset(const onnx::ModelProto& m) {
    int opset = -1;
    for (const auto& o : m.opset_import())
        if (default_domain(o.domain())) opset = int(std::min<int64_t>(o.version(), INT32_MAX));
    if (opset < 0) throw FormatError("ONNX model imports no version of the default (ai.onnx) opset");
    if (opset < kMinOpset || opset > kMaxOpset)
        throw UnsupportedError("ONNX opset " + std::to_string(opset) + " is not supported (octet reads opsets " +
                               std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) + ")");
    return opset;
}

// A graph input's static type and shape.
TensorDesc input_desc(const onnx::ValueInfoProto& v) {
    const std::string what = "graph input '" + v.name() + "'";
    if (!v.has_type() || !v.type().has_tensor_type()) throw UnsupportedError(what + " is not a tensor");
    const auto& tt = v.type().tensor_type();
    TensorDesc d;
    if (!ir_type_of(tt.elem_type(), d.type))
        throw UnsupportedError(what + " has element type " + onnx_type_name(tt.elem_type()) +
                               "; octet inputs are FLOAT, INT32, UINT8 or INT8");
    if (!tt.has_shape()) throw UnsupportedError(what + " has no shape (octet needs static shapes)");
    if (tt.shape().dim_size() > 64) throw FormatError(what + " has more than 64 dims");
    for (const auto& dim : tt.shape().dim()) {
        if (!dim.has_dim_value())
            throw UnsupportedError(what + " has a dynamic dimension '" + dim.dim_param() + "' (octet needs static shapes)");
        if (dim.dim_value() < 0) throw FormatError(what + " has a negative dimension " + std::to_string(dim.dim_value()));
        d.shape.push_back(dim.dim_value());
    }
    try {
        num_elements(d.shape);
    } catch (const ValidationError&) {
        throw FormatError(what + ": shape " + to_string(d.shape) + " has more than 2^40 elements");
    }
    return d;
}

// Node indices in an order where every node follows the producers of its
// inputs; ValidationError for undefined inputs, redefined values and cycles.
std::vector<int> topo_nodes(const onnx::GraphProto& g, const std::set<std::string>& defined_outside) {
    std::map<std::string, int> producer;
    for (int i = 0; i < g.node_size(); ++i)
        for (const std::string& out : g.node(i).output()) {
            if (out.empty()) continue;
            if (defined_outside.count(out) || !producer.emplace(out, i).second)
                throw ValidationError("node '" + g.node(i).name() + "' (" + g.node(i).op_type() + "): output '" + out +
                                      "' is defined more than once");
        }
    std::vector<int> pending(size_t(g.node_size()), 0);
    std::vector<std::vector<int>> readers(size_t(g.node_size()));
    for (int i = 0; i < g.node_size(); ++i)
        for (const std::string& in : g.node(i).input()) {
            if (in.empty() || defined_outside.count(in)) continue;
            auto it = producer.find(in);
            if (it == producer.end())
                throw ValidationError("node '" + g.node(i).name() + "' (" + g.node(i).op_type() + "): input '" + in +
                                      "' is not a graph input, an initializer or any node's output");
            ++pending[size_t(i)];
            readers[size_t(it->second)].push_back(i);
        }
    std::deque<int> ready;
    for (int i = 0; i < g.node_size(); ++i)
        if (pending[size_t(i)] == 0) ready.push_back(i);
    std::vector<int> order;
    while (!ready.empty()) {
        const int i = ready.front();
        ready.pop_front();
        order.push_back(i);
        for (int r : readers[size_t(i)])
            if (--pending[size_t(r)] == 0) ready.push_back(r);
    }
    if (order.size() != size_t(g.node_size()))
        for (int i = 0; i < g.node_size(); ++i)
            if (pending[size_t(i)] > 0)
                throw ValidationError("node '" + g.node(i).name() + "' (" + g.node(i).op_type() + ") is part of a cycle");
    return order;
}

Graph build(const onnx::ModelProto& m, const std::string& base_dir, uint64_t model_bytes) {
    if (!m.has_graph()) throw FormatError("ONNX model has no graph");
    const onnx::GraphProto& g = m.graph();
    const int opset = default_opset(m);
    if (g.sparse_initializer_size() > 0) throw UnsupportedError("ONNX sparse initializers are not supported");

    Graph graph;
    Context ctx(graph, opset);
    // Constant data never exceeds 8x the model (int64 values from 1-byte
    // varints) plus what external files hold (checked per tensor).
    ByteBudget budget{model_bytes * 8 + 64 + (uint64_t(1) << 36)};
    std::set<std::string> outside;
    for (const auto& t : g.initializer()) {
        const std::string what = "initializer '" + t.name() + "'";
        if (t.name().empty()) throw FormatError("an initializer has no name");
        if (!outside.insert(t.name()).second) throw ValidationError(what + " is defined more than once");
        ctx.values[t.name()].konst = read_tensor(t, base_dir, budget, what);
    }
    for (const auto& o : g.output()) {
        if (o.name().empty()) throw FormatError("a graph output has no name");
        if (!ctx.graph_outputs.insert(o.name()).second) throw ValidationError("graph output '" + o.name() + "' is listed twice");
    }
    // Parameters and Results keep their ONNX names.
    for (const auto& o : g.output()) ctx.node_names.insert(o.name());
    for (const auto& in : g.input()) {
        if (outside.count(in.name())) continue;  // an initializer with a declared input: a constant
        if (in.name().empty()) throw FormatError("a graph input has no name");
        if (ctx.node_names.count(in.name()) && !ctx.graph_outputs.count(in.name()))
            throw ValidationError("graph input '" + in.name() + "' is listed twice");
        outside.insert(in.name());
        const TensorDesc d = input_desc(in);
        Node p;
        p.op = "Parameter";
        p.name = in.name();
        ctx.node_names.insert(p.name);
        p.attrs.set("element_type", to_string(d.type));
        p.attrs.set("shape", d.shape);
        ctx.values[in.name()].port = ctx.add_node(std::move(p));
    }
    if (graph.parameters().empty())
        throw UnsupportedError("ONNX graph has no inputs; octet models need at least one (a Parameter)");
    const std::vector<int> order = topo_nodes(g, outside);
    for (const auto& n : g.node())
        for (const std::string& in : n.input())
            if (!in.empty()) ++ctx.readers[in];

    const OpTable& table = op_table();
    for (int i : order) {
        const onnx::NodeProto& np = g.node(i);
        const std::string base = np.name().empty() ? np.op_type() + "_" + std::to_string(i) : np.name();
        OnnxNode n(ctx, np, base);  // its main IR node takes this name (made unique when added)
        if (!default_domain(np.domain())) n.unsupported("domain '" + np.domain() + "' is not supported");
        auto it = table.find(np.op_type());
        if (it == table.end()) n.unsupported("op type '" + np.op_type() + "' is not supported");
        it->second(n);
        for (size_t k = 0; k < n.output_count(); ++k)
            if (n.output_used(k) && !ctx.values.count(np.output(int(k))))
                n.unsupported("output " + std::to_string(k) + " is not supported");
    }
    for (const auto& o : g.output()) {
        if (!ctx.values.count(o.name())) throw ValidationError("graph output '" + o.name() + "' is not defined by any node");
        Node r;
        r.op = "Result";
        // A graph input passed straight through keeps its name on the Parameter.
        r.name = graph.find(o.name()) >= 0 ? ctx.unique_name(o.name() + "/result") : o.name();
        r.inputs = {ctx.port_of(o.name(), "graph output '" + o.name() + "': ")};
        ctx.add_node(std::move(r));
    }
    if (g.output_size() == 0) throw ValidationError("ONNX graph has no outputs");
    graph.infer();
    return graph;
}

}  // namespace

}  // namespace onnx_import

Graph import_onnx_bytes(const void* data, size_t size, const std::string& base_dir) {
    onnx::ModelProto m;
    onnx_import::parse_model(data, size, m, "ONNX model");
    return onnx_import::build(m, base_dir, size);
}

Graph import_onnx_file(const std::string& path) {
    const std::string bytes = onnx_import::read_model_file(path);
    onnx::ModelProto m;
    onnx_import::parse_model(bytes.data(), bytes.size(), m, "ONNX model '" + path + "'");
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    return onnx_import::build(m, dir, bytes.size());
}

}  // namespace octet::ir
