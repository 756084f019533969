#include "engine/layer_sqnr.hpp"

#include <cmath>
#include <limits>
#include <map>

#include "ir/error.hpp"
#include "kernels/common/ref_io.hpp"
#include "kernels/ref/ref.hpp"
#include "lpt/rewriter.hpp"

namespace octet::engine {

namespace {

bool compared_op(const std::string& op) { return op != "Parameter" && op != "Constant" && op != "Result"; }

// Evaluates `g` node by node and calls visit(id, node, outputs) for each, keeping
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
        visit(id, n, values[size_t(id)]);
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
    walk(reference, inputs, [&](int, const ir::Node& n, const std::vector<ir::Tensor>& out) {
        auto it = wanted.find(n.name);
        if (it != wanted.end() && out.size() == 1 && out[0].type() == ir::ElemType::f32) it->second = out[0];
    });
    std::vector<LayerSqnr> rows;
    walk(quantized, inputs, [&](int, const ir::Node& n, const std::vector<ir::Tensor>& out) {
        auto it = wanted.find(n.name);
        if (it == wanted.end() || it->second.empty() || out.size() != 1 || out[0].shape() != it->second.shape() ||
            out[0].type() != ir::ElemType::f32)
            return;
        rows.push_back({n.name, n.op, sqnr_db(it->second, out[0])});
        it->second = ir::Tensor();  // compared: free it
    });
    return rows;
}

namespace {

struct Grid {
    bool known = false;
    float scale = 1.f, shift = 0.f;
};

bool per_tensor_value(const ir::Node& n, const char* name, float def, float& out) {
    const std::vector<double> v = n.attrs.get_floats(name, {});
    if (v.size() > 1) return false;
    out = v.empty() ? def : float(v[0]);
    return true;
}

// The grid node n writes its (u8/s8) output 0 on.
Grid grid_of(const ir::Node& n, const std::vector<Grid>& grids) {
    Grid g;
    const bool requantizes = n.op == "ConvolutionI8" || n.op == "MatMulI8" || n.op == "AddI8";
    const bool quantizes = n.op == "Quantize" || n.op == "GeluQuantize";  // engine/f32/fuse_f32.hpp
    const char* scale = quantizes ? "scale" : requantizes ? "out_scale" : nullptr;
    const char* shift = quantizes ? "shift" : "out_shift";
    if (scale) {
        g.known = per_tensor_value(n, scale, 1.f, g.scale) && per_tensor_value(n, shift, 0.f, g.shift) && g.scale != 0.f;
        return g;
    }
    static const char* const keep[] = {"MaxPool", "AvgPool", "Concat", "Transpose", "Reshape", "Squeeze",
                                       "Unsqueeze", "Relu", "Clamp", "Interpolate"};
    for (const char* op : keep)
        if (n.op == op && !n.inputs.empty()) return grids[size_t(n.inputs[0].node)];
    return g;
}

ir::Tensor to_f32(const ir::Tensor& q, const Grid& g) {
    ir::Tensor f(ir::ElemType::f32, q.shape());
    float* out = f.data<float>();
    for (int64_t i = 0; i < q.numel(); ++i) out[i] = (kernels::ref::load_as_float(q.type(), q.raw(), i) - g.shift) / g.scale;
    return f;
}

}  // namespace

std::vector<LayerSqnr> per_layer_sqnr_int8(const ir::Graph& lowered, const ir::Graph& reference,
                                           const std::vector<ir::Tensor>& inputs) {
    // Which reference name each lowered node's output 0 stands for.
    std::map<std::string, int> ref_index;
    for (int id = 0; id < int(reference.size()); ++id) {
        const ir::Node& n = reference.node(id);
        if (compared_op(n.op) && n.outputs.size() == 1 && n.outputs[0].type == ir::ElemType::f32) ref_index[n.name] = id;
    }
    std::vector<std::string> stands_for(lowered.size());
    std::map<std::string, ir::Tensor> wanted;
    for (int id = 0; id < int(lowered.size()); ++id) {
        const ir::Node& n = lowered.node(id);
        if (!compared_op(n.op) || n.outputs.size() != 1) continue;
        std::vector<std::string> names = lpt::split_lines(n.attrs.get_string("fused_names", ""));
        names.insert(names.begin(), n.name);
        for (size_t k = names.size(); k-- > 0;) {
            auto it = ref_index.find(names[k]);
            if (it == ref_index.end() || wanted.count(names[k]) ||
                reference.node(it->second).outputs[0].shape != n.outputs[0].shape)
                continue;
            stands_for[size_t(id)] = names[k];
            wanted.emplace(names[k], ir::Tensor());
            break;
        }
    }
    walk(reference, inputs, [&](int, const ir::Node& n, const std::vector<ir::Tensor>& out) {
        auto it = wanted.find(n.name);
        if (it != wanted.end() && out.size() == 1) it->second = out[0];
    });
    std::vector<Grid> grids(lowered.size());
    std::vector<LayerSqnr> rows;
    walk(lowered, inputs, [&](int id, const ir::Node& n, const std::vector<ir::Tensor>& out) {
        if (out.size() != 1) return;
        const bool int8 = ir::is_int8(out[0].type());
        if (int8) grids[size_t(id)] = grid_of(n, grids);
        const std::string& name = stands_for[size_t(id)];
        if (name.empty()) return;
        ir::Tensor& ref = wanted.at(name);
        if (ref.empty()) return;
        ir::Tensor value;
        if (out[0].type() == ir::ElemType::f32) value = out[0];
        else if (int8 && grids[size_t(id)].known) value = to_f32(out[0], grids[size_t(id)]);
        else return;
        rows.push_back({name, reference.node(ref_index.at(name)).op, sqnr_db(ref, value), n.name + " (" + n.op + ")"});
        ref = ir::Tensor();  // compared: free it
    });
    return rows;
}

}  // namespace octet::engine
