#include "lpt/pass_manager.hpp"

#include <sstream>

#include "ir/ops/int8_ops.hpp"
#include "lpt/passes/passes.hpp"
#include "lpt/rewriter.hpp"

namespace octet::lpt {

bool has_fake_quantize(const ir::Graph& g) {
    for (const ir::Node& n : g.nodes())
        if (n.op == "FakeQuantize") return true;
    return false;
}

ir::Graph transform(const ir::Graph& g, const Options& options) {
    ir::Graph work = g;
    Rewriter rw(work);
    passes::compress_weights(rw);
    passes::move_fake_quantize_up(rw);
    passes::decompose_fake_quantize(rw);
    passes::propagate_dequantization(rw);
    passes::int8_operations(rw);
    passes::fold_into_dequantization(rw);
    passes::absorb_branch_requantization(rw);
    if (options.fuse) passes::fuse_epilogue(rw);
    return rw.finish();
}

namespace {

std::string floats(const std::vector<double>& v) {
    std::ostringstream s;
    if (v.size() > 4) {
        s << "[" << v.size() << " values]";
        return s.str();
    }
    s << "[";
    for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
    s << "]";
    return s.str();
}

}  // namespace

std::string print_graph(const ir::Graph& g) {
    std::ostringstream out;
    for (const ir::Node& n : g.nodes()) {
        if (n.op == "Constant") continue;
        out << n.name << " = " << n.op;
        if (n.attrs.has("original_op")) out << " (was " << n.attrs.get_string("original_op") << ")";
        out << " -> ";
        for (const ir::TensorDesc& d : n.outputs) out << ir::to_string(d.type) << ir::to_string(d.shape) << " ";
        out << "(";
        for (size_t i = 0; i < n.inputs.size(); ++i) out << (i ? ", " : "") << g.node(n.inputs[i].node).name;
        out << ")";
        if (n.op == "ConvolutionI8" || n.op == "MatMulI8") {
            const ir::Epilogue e = ir::epilogue_from_attrs(n.attrs);
            out << " zp=" << n.attrs.get_int(n.op == "MatMulI8" ? "a_zero_point" : "src_zero_point", 0)
                << " scale=" << floats(ir::to_doubles(e.scale)) << (e.bias.empty() ? "" : " +bias");
            for (const ir::PostOp& p : e.post_ops)
                out << (p.kind == ir::PostOp::Kind::relu    ? " relu"
                        : p.kind == ir::PostOp::Kind::clamp ? " clamp"
                                                            : " sum");
            if (!e.out_scale.empty()) out << " requantize";
        } else if (n.op == "Quantize" || n.op == "Dequantize") {
            out << " scale=" << floats(n.attrs.get_floats("scale", {}));
            if (n.op == "Dequantize") out << " zp=" << floats(n.attrs.get_floats("zero_point", {}));
        }
        if (n.attrs.has("int8_layout")) out << " layout=" << n.attrs.get_string("int8_layout");  // engine/int8
        const std::string fused = n.attrs.get_string("fused_names", "");
        if (!fused.empty()) {
            std::string s = fused;
            for (char& c : s)
                if (c == '\n') c = ',';
            out << "  fused: " << s;
        }
        out << "\n";
    }
    return out.str();
}

}  // namespace octet::lpt
