#include "engine/layer_sqnr.hpp"

#include <cmath>
#include <limits>
#include <map>

#include "ir/error.hpp"
#include "kernels/ref/ref.hpp"

namespace octet::engine {

namespace {

bool compared_op(const std::string& op) { return op != "Parameter" && op != "Constant" && op != "Result"; }

// Evaluates `g` node by node and calls visit(node, outputs) for each, keeping
// a value only until its last reader has run.
template <class Visit>
void walk(const ir::Graph& g, const std::vector<ir::Tensor>& inputs, Visit visit) {
    const std::vector<int> params = g.parameters();
    if (inputs.size() != params.size())
        throw ArgumentError("per_layer_sqnr: the graph has " + std::to_string(params.size()) + " input(s), got " +
                            std::to_string(inputs.size()));
    std::map<int, size_t> param_index;
    for (size_t i = 0; i < params.size(); ++i) param_index[params[i]] = i;
    std::vector<int> readers(g.size(), 0);
    for (const ir::Node& n : g.nodes())
        for (const ir::PortRef& p : n.inputs) ++readers[size_t(p.node)];
    std::vector<std::vector<ir::Tensor>> values(g.size());
    for (int id : g.topo_order()) {
        const ir::Node& n = g.node(id);
        std::vector<ir::Tensor> in;
        if (n.op == "Parameter") in.push_back(inputs[param_index.at(id)]);
        for (const ir::PortRef& p : n.inputs) in.push_back(values[size_t(p.node)].at(size_t(p.port)));
        values[size_t(id)] = kernels::ref::eval_node(n, in);
        visit(n, values[size_t(id)]);
        for (const ir::PortRef& p : n.inputs)
            if (--readers[size_t(p.node)] == 0) values[size_t(p.node)].clear();
    }
}

}  // namespace

double sqnr_db(const ir::Tensor& ref, const ir::Tensor& x) {
    if (ref.type() != ir::ElemType::f32 || x.type() != ir::ElemType::f32 || ref.shape() != x.shape())
        throw ArgumentError(std::string("sqnr_db needs two f32 tensors of one shape, got ") + ir::to_string(ref.type()) + " " +
                            ir::to_string(ref.shape()) + " and " + ir::to_string(x.type()) + " " + ir::to_string(x.shape()));
    const float* r = ref.data<float>();
    const float* q = x.data<float>();
    double signal = 0, noise = 0;
    for (int64_t i = 0; i < ref.numel(); ++i) {
        const double d = double(r[i]) - double(q[i]);
        signal += double(r[i]) * double(r[i]);
        noise += d * d;
    }
    if (std::isnan(noise) || std::isnan(signal)) return std::numeric_limits<double>::quiet_NaN();
    if (noise == 0) return std::numeric_limits<double>::infinity();
    if (signal == 0) return -std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(signal / noise);
}

std::vector<LayerSqnr> per_layer_sqnr(const ir::Graph& quantized, const ir::Graph& reference,
                                      const std::vector<ir::Tensor>& inputs) {
    // The f32 values by node name (only those the quantized graph can match).
    std::map<std::string, ir::Tensor> wanted;
    for (const ir::Node& n : quantized.nodes())
        if (compared_op(n.op) && n.outputs.size() == 1 && n.outputs[0].type == ir::ElemType::f32)
            wanted.emplace(n.name, ir::Tensor());
    walk(reference, inputs, [&](const ir::Node& n, const std::vector<ir::Tensor>& out) {
        auto it = wanted.find(n.name);
        if (it != wanted.end() && out.size() == 1 && out[0].type() == ir::ElemType::f32) it->second = out[0];
    });
    std::vector<LayerSqnr> rows;
    walk(quantized, inputs, [&](const ir::Node& n, const std::vector<ir::Tensor>& out) {
        auto it = wanted.find(n.name);
        if (it == wanted.end() || it->second.empty() || out.size() != 1 || out[0].shape() != it->second.shape() ||
            out[0].type() != ir::ElemType::f32)
            return;
        rows.push_back({n.name, n.op, sqnr_db(it->second, out[0])});
        it->second = ir::Tensor();  // compared: free it
    });
    return rows;
}

}  // namespace octet::engine
