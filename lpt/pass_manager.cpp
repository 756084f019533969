#include "lpt/pass_manager.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <spdlog/spdlog.h>

#include "ir/ops/int8_ops.hpp"
#include "lpt/passes/passes.hpp"
#include "lpt/rewriter.hpp"

namespace octet::lpt {

bool has_fake_quantize(const ir::Graph& g) {
    for (const ir::Node& n : g.nodes())
        if (n.op == "FakeQuantize") return true;
    return false;
}

namespace {

bool verbose() {
    const char* v = std::getenv("OCTET_VERBOSE");
    return v && *v && std::strcmp(v, "0") != 0;
}

// Runs the passes in order and, with OCTET_VERBOSE=1, logs the time each took
// (compile time is a goal of its own: a pass that scans the graph per node is
// quadratic and shows up here first).
class PassTimer {
public:
    explicit PassTimer(Rewriter& rw) : rw_(rw), log_(verbose()) {}
    template <class Pass> void run(const char* name, Pass pass) {
        const auto t0 = std::chrono::steady_clock::now();
        pass(rw_);
        if (log_)
            spdlog::info("octet lpt: {} {:.2f} ms ({} nodes)", name,
                         std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
                         rw_.size());
    }

private:
    Rewriter& rw_;
    bool log_;
};

}  // namespace

ir::Graph transform(const ir::Graph& g, const Options& options) {
    ir::Graph work = g;
    Rewriter rw(work);
    PassTimer t(rw);
    t.run("compress_weights", passes::compress_weights);
    t.run("move_fake_quantize_up", passes::move_fake_quantize_up);
    t.run("decompose_fake_quantize", passes::decompose_fake_quantize);
    t.run("propagate_dequantization", passes::propagate_dequantization);
    bool concat_changed = false;
    t.run("propagate_through_concat", [&](Rewriter& r) { concat_changed = passes::propagate_through_concat(r); });
    if (options.fuse) t.run("align_concat_scales", passes::align_concat_scales);
    bool clamp_changed = false;
    t.run("clamp_in_integer_domain", [&](Rewriter& r) { clamp_changed = passes::clamp_in_integer_domain(r); });
    if (concat_changed || clamp_changed) t.run("propagate_dequantization", passes::propagate_dequantization);
    t.run("int8_operations", passes::int8_operations);
    t.run("fold_into_dequantization", passes::fold_into_dequantization);
    t.run("absorb_branch_requantization", passes::absorb_branch_requantization);
    if (options.fuse) {
        t.run("fuse_epilogue", passes::fuse_epilogue);
        t.run("int8_add", passes::int8_add);
        t.run("requantize_chains", passes::requantize_chains);
    }
    ir::Graph out;
    t.run("finish", [&](Rewriter& r) { out = r.finish(); });
    return out;
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
        } else if (n.op == "ConvolutionF32" || n.op == "MatMulF32") {  // engine/f32/fuse_f32.hpp
            const ir::Epilogue e = ir::epilogue_from_attrs(n.attrs);
            out << (e.bias.empty() ? "" : " +bias");
            for (const ir::PostOp& p : e.post_ops) {
                if (p.kind == ir::PostOp::Kind::clamp) out << " clamp(" << p.lo << "," << p.hi << ")";
                else out << (p.kind == ir::PostOp::Kind::relu ? " relu" : " sum");
            }
        } else if (n.op == "Requantize") {
            out << " scale=" << floats(n.attrs.get_floats("scale", {}))
                << " out_scale=" << floats(n.attrs.get_floats("out_scale", {}));
        } else if (n.op == "AddI8") {
            out << " a_scale=" << floats(n.attrs.get_floats("a_scale", {}))
                << " b_scale=" << floats(n.attrs.get_floats("b_scale", {})) << (n.attrs.get_bool("relu", false) ? " relu" : "")
                << (n.attrs.get_floats("out_scale", {}).empty() ? "" : " requantize");
        } else if (n.op == "Quantize" || n.op == "Dequantize" || n.op == "GeluQuantize") {
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
