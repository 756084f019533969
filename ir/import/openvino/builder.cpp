// The Builder's bookkeeping: values per layer output, node creation with
// immediate shape inference, dead-node removal and the final Graph::infer().
#include "ir/import/openvino/builder.hpp"

#include "ir/error.hpp"
#include "ir/ops.hpp"

namespace octet::ir::openvino {

namespace {

// Prefixes `where` unless the message already names it (errors raised by the
// converters usually do).
std::string with_where(const std::string& where, const char* what) {
    const std::string msg = what;
    return msg.find(where) != std::string::npos ? msg : where + ": " + msg;
}

// The graph restricted to the nodes that a Result or Parameter needs, in the
// same relative order (unused Consts, helper nodes replaced by folding).
Graph live_subgraph(const Graph& g) {
    std::vector<char> live(g.size(), 0);
    std::vector<int> stack;
    for (size_t i = 0; i < g.size(); ++i)
        if (g.node(int(i)).op == "Result" || g.node(int(i)).op == "Parameter") {
            live[i] = 1;
            stack.push_back(int(i));
        }
    while (!stack.empty()) {
        const int n = stack.back();
        stack.pop_back();
        for (const PortRef& in : g.node(n).inputs)
            if (!live[size_t(in.node)]) {
                live[size_t(in.node)] = 1;
                stack.push_back(in.node);
            }
    }
    std::vector<int> remap(g.size(), -1);
    Graph out;
    for (size_t i = 0; i < g.size(); ++i) {
        if (!live[i]) continue;
        Node n = g.node(int(i));
        for (PortRef& in : n.inputs) in.node = remap[size_t(in.node)];
        remap[i] = out.add_node(std::move(n));
    }
    return out;
}

}  // namespace

Builder::Builder(const IrDocument& doc, const uint8_t* bin, size_t bin_size)
    : doc_(doc), bin_(bin), bin_size_(bin_size), values_(doc.layers.size()) {
    for (size_t l = 0; l < doc.layers.size(); ++l) values_[l].resize(doc.layers[l].output_ports.size());
}

Graph Builder::build() {
    for (size_t l : doc_.order) {
        current_ = l;
        const std::string where = layer().describe();
        try {
            openvino::convert_layer(*this);
        } catch (const FormatError& e) {
            throw FormatError(with_where(where, e.what()));
        } catch (const ValidationError& e) {
            throw ValidationError(with_where(where, e.what()));
        } catch (const UnsupportedError& e) {
            throw UnsupportedError(with_where(where, e.what()));
        } catch (const ArgumentError& e) {
            throw ValidationError(with_where(where, e.what()));
        }
        for (size_t p = 0; p < values_[l].size(); ++p)
            if (!values_[l][p].set)
                throw ValidationError(where + ": output port " + std::to_string(layer().output_ports[p]) +
                                      " is not produced by this layer type");
    }
    Graph g = live_subgraph(graph_);
    if (g.results().empty()) throw ValidationError("OpenVINO IR: the model has no Result layer");
    g.infer();
    return g;
}

void Builder::expect_ports(size_t min_in, size_t max_in, size_t outputs) const {
    const size_t in = num_inputs(), out = layer().output_ports.size();
    if (in < min_in || in > max_in) {
        const std::string want = min_in == max_in ? std::to_string(min_in)
                                                  : std::to_string(min_in) + " to " + std::to_string(max_in);
        throw ValidationError(layer().describe() + ": has " + std::to_string(in) + " input ports, expected " + want);
    }
    if (out != outputs)
        throw ValidationError(layer().describe() + ": has " + std::to_string(out) + " output ports, expected " +
                              std::to_string(outputs));
}

const Builder::Value& Builder::source_value(size_t i) const {
    const Source& s = doc_.sources[current_].at(i);
    const Value& v = values_[s.layer][s.output];
    if (!v.unusable.empty())
        throw UnsupportedError(layer().describe() + " reads output " + std::to_string(s.output) + " of " +
                               doc_.layers[s.layer].describe() + ", " + v.unusable);
    return v;
}

PortRef Builder::input(size_t i) {
    const Source& s = doc_.sources[current_].at(i);
    Value& v = values_[s.layer][s.output];
    source_value(i);  // throws for an unusable output
    if (v.ref.node < 0 && v.constant) {
        const LayerDesc& producer = doc_.layers[s.layer];
        v.ref = emit_constant(producer.name, as_tensor(*v.constant, producer.describe()));
    }
    return v.ref;
}

const ConstData* Builder::input_const(size_t i) const { return source_value(i).constant.get(); }

std::vector<int64_t> Builder::input_ints(size_t i, const std::string& what) const {
    const ConstData* c = input_const(i);
    if (!c)
        throw UnsupportedError(layer().describe() + ": " + what +
                               " (input " + std::to_string(i) + ") must be a Const layer; computed values are not supported");
    if (!c->is_integer())
        throw ValidationError(layer().describe() + ": " + what + " (input " + std::to_string(i) +
                              ") must be an integer Const, not " + c->ov_type);
    return c->ints;
}

std::vector<double> Builder::input_floats(size_t i, const std::string& what) const {
    const ConstData* c = input_const(i);
    if (!c)
        throw UnsupportedError(layer().describe() + ": " + what +
                               " (input " + std::to_string(i) + ") must be a Const layer; computed values are not supported");
    if (c->is_integer()) return std::vector<double>(c->ints.begin(), c->ints.end());
    const float* p = c->tensor.data<float>();
    return std::vector<double>(p, p + c->tensor.numel());
}

const TensorDesc& Builder::desc(PortRef p) const { return graph_.node(p.node).outputs.at(size_t(p.port)); }

PortRef Builder::emit(const std::string& op, const std::string& name, std::vector<PortRef> inputs, Attributes attrs) {
    Node n;
    n.name = unique_name(name);
    n.op = op;
    n.attrs = std::move(attrs);
    std::vector<TensorDesc> in;
    for (const PortRef& p : inputs) in.push_back(desc(p));
    n.inputs = std::move(inputs);
    n.outputs = infer_outputs(n, in);  // ValidationError / UnsupportedError; build() adds the layer
    return {graph_.add_node(std::move(n)), 0};
}

PortRef Builder::emit_constant(const std::string& name, Tensor value) {
    Node n;
    n.name = unique_name(name);
    n.op = "Constant";
    n.outputs = {{value.type(), value.shape()}};
    n.value = std::move(value);
    return {graph_.add_node(std::move(n)), 0};
}

std::string Builder::unique_name(const std::string& wanted) {
    std::string name = wanted.empty() ? "node" : wanted;
    for (int k = 1; names_.count(name); ++k) name = wanted + "#" + std::to_string(k);
    names_.insert(name);
    return name;
}

void Builder::set_output(size_t port, PortRef value) {
    Value& v = values_[current_].at(port);
    v.set = true;
    v.ref = value;
}

void Builder::set_output_const(size_t port, ConstData value) {
    Value& v = values_[current_].at(port);
    v.set = true;
    v.constant = std::make_shared<const ConstData>(std::move(value));
}

void Builder::forbid_output(size_t port, const std::string& why) {
    Value& v = values_[current_].at(port);
    v.set = true;
    v.unusable = why;
}

}  // namespace octet::ir::openvino
