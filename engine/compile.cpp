// compile(): graph -> execution plan. At this stage every executed node runs
// its reference kernel; later the LPT passes and the JIT kernel registry plug
// in here, and the plan keeps its shape.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include "engine/f32/conv_matmul_executables.hpp"
#include "engine/f32/fuse_f32.hpp"
#include "engine/f32/misc_executables.hpp"
#include "engine/int8/channel_pairing.hpp"
#include "engine/int8/int8_executables.hpp"
#include "engine/memory_budget.hpp"
#include "engine/plan.hpp"
#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "octet/compiled_model.hpp"

namespace octet {

namespace engine {

const char* precision_suffix(ir::ElemType t) {
    switch (t) {
    case ir::ElemType::f32: return "FP32";
    case ir::ElemType::s32: return "I32";
    case ir::ElemType::u8:
    case ir::ElemType::s8: return "I8";
    }
    return "undef";
}

}  // namespace engine

namespace {

bool is_not_run_op(const std::string& op) { return op == "Parameter" || op == "Constant" || op == "Result"; }

// The precision a node computes in: that of its first input computed at run
// time (weights and ranges are Constants), or of input 0 when all are constant.
ir::ElemType compute_type(const ir::Graph& g, const ir::Node& n) {
    for (const ir::PortRef& p : n.inputs)
        if (g.node(p.node).op != "Constant") return g.desc(p).type;
    if (!n.inputs.empty()) return g.desc(n.inputs[0]).type;
    return n.outputs.empty() ? ir::ElemType::f32 : n.outputs[0].type;
}

bool env_flag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}

void check_options(const CompileOptions& o) {
    if (o.threads < 0)
        throw ArgumentError("CompileOptions::threads must be >= 0 (0 = all cores), got " + std::to_string(o.threads));
    if (o.streams < 1)
        throw ArgumentError("CompileOptions::streams must be >= 1, got " + std::to_string(o.streams));
}

// Wall time of the compile phases, logged with OCTET_VERBOSE=1 (compile time
// is a goal: JIT + packing of ResNet-50 under 100 ms). Kernel creation is
// summed per op type, since one op type is one kernel family.
class PhaseClock {
public:
    using clock = std::chrono::steady_clock;
    explicit PhaseClock(bool on) : on_(on), start_(clock::now()), last_(start_) {}
    void phase(const char* name) {
        if (!on_) return;
        const clock::time_point now = clock::now();
        spdlog::info("octet compile: {} {:.2f} ms", name, ms(last_, now));
        last_ = now;
    }
    void add_kernel(const std::string& op, clock::time_point t0) {
        if (!on_) return;
        auto& e = per_op_[op];
        e.first += ms(t0, clock::now());
        ++e.second;
    }
    void kernels_done() {
        if (!on_) return;
        for (const auto& [op, e] : per_op_)
            spdlog::info("octet compile:   {} x{} {:.2f} ms", op, e.second, e.first);
        phase("executables (kernel selection, packing, JIT)");
    }
    void total() {
        if (on_) spdlog::info("octet compile: total {:.2f} ms", ms(start_, clock::now()));
    }
    bool on() const { return on_; }

private:
    static double ms(clock::time_point a, clock::time_point b) {
        return std::chrono::duration<double, std::milli>(b - a).count();
    }
    bool on_;
    clock::time_point start_, last_;
    std::map<std::string, std::pair<double, int>> per_op_;
};

}  // namespace

CompiledModel compile(const Model& model, const CompileOptions& options) {
    check_options(options);
    auto plan = std::make_shared<engine::Plan>();
    // An empty cap falls back to OCTET_MAX_ISA; an invalid name throws ArgumentError.
    plan->isa = jit::isa_name(jit::best_isa(options.max_isa));
    plan->threads = options.threads;
    plan->streams = options.streams;
    plan->verbose = env_flag("OCTET_VERBOSE");
    plan->cpu_time_counters = options.cpu_time_counters;

    PhaseClock clock(plan->verbose);
    plan->graph = model.graph();
    ir::Graph& g = plan->graph;
    g.infer();  // cheap, and makes the plan independent of how the Model was made
    clock.phase("copy + infer");
    const bool lowered = engine::int8::lower(g);  // FakeQuantize graph -> int8 graph (lpt/, engine/int8/)
    clock.phase("lower (LPT, layouts)");
    // Without VNNI: store conv outputs in the channel order that makes their
    // consumer's pmaddubsw pairs safe (engine/int8/channel_pairing.hpp).
    if (lowered && !jit::isa_has_vnni(jit::parse_isa(plan->isa)) && !env_flag("OCTET_NO_CHANNEL_PAIRING")) {
        const auto chosen = engine::int8::choose_channel_pairing(g);
        if (plan->verbose)
            for (const auto& c : chosen)
                spdlog::info("octet: channel pairing: {} reads its input reordered: unsafe pairs {} -> {}", c.consumer,
                             c.unsafe_before, c.unsafe_after);
        clock.phase("channel pairing");
    }
    // What stays f32: Add(bias) / Relu / Clamp / Add(residual) into the f32
    // Convolution / MatMul before them (engine/f32/fuse_f32.hpp).
    if (engine::f32::fusion_enabled(jit::parse_isa(plan->isa))) {
        engine::f32::fuse_followers(g);
        clock.phase("f32 fusion");
    }
    // The Quantize after an f32 Gelu into the Gelu (the same header).
    if (engine::f32::gelu_quantize_fusion_enabled(jit::parse_isa(plan->isa))) {
        engine::f32::fuse_gelu_quantize(g);
        clock.phase("gelu + quantize fusion");
    }

    // One slot per node output.
    std::vector<std::vector<int>> slot_of(g.size());
    size_t slots = 0;
    for (size_t i = 0; i < g.size(); ++i)
        for (size_t p = 0; p < g.node(int(i)).outputs.size(); ++p) slot_of[i].push_back(int(slots++));
    plan->slot_count = slots;
    auto slot = [&](ir::PortRef p) { return slot_of[size_t(p.node)][size_t(p.port)]; };

    for (int i : g.parameters()) {
        plan->inputs.push_back({g.node(i).name, g.node(i).outputs.at(0)});
        plan->input_slots.push_back(slot_of[size_t(i)].at(0));
    }
    for (int i : g.results()) {
        const ir::Node& r = g.node(i);
        plan->outputs.push_back({r.name, g.desc(r.inputs.at(0))});
        plan->output_slots.push_back(slot(r.inputs.at(0)));
    }

    // Steps in topological order.
    std::vector<int> pinned(slots, 0);  // slots never released: inputs, constants, outputs
    for (int s : plan->input_slots) pinned[size_t(s)] = 1;
    for (int s : plan->output_slots) pinned[size_t(s)] = 1;
    for (int i : g.topo_order()) {
        const ir::Node& n = g.node(i);
        engine::Layer layer;
        layer.node = i;
        if (n.op == "Constant") {
            plan->constant_slots.push_back(slot_of[size_t(i)].at(0));
            plan->constant_values.push_back(n.value);
            plan->constant_buffers.insert(n.value.raw());
            pinned[size_t(slot_of[size_t(i)].at(0))] = 1;
        } else if (!is_not_run_op(n.op)) {
            engine::Step step;
            step.node = i;
            step.exec_type = std::string("ref_") + engine::precision_suffix(compute_type(g, n));
            // int8 kernels of the lowered graph (engine/int8/): exec type from the kernel.
            const PhaseClock::clock::time_point t0 = PhaseClock::clock::now();
            step.exec = engine::int8::make_executable(g, i, jit::parse_isa(plan->isa));
            if (!step.exec) step.exec = engine::f32::make_conv_matmul_executable(g, i, jit::parse_isa(plan->isa));
            if (!step.exec) step.exec = engine::f32::make_misc_executable(g, i, jit::parse_isa(plan->isa));
            clock.add_kernel(n.op, t0);
            if (step.exec) step.exec_type = step.exec->exec_type();
            for (const ir::PortRef& p : n.inputs) step.input_slots.push_back(slot(p));
            step.output_slots = slot_of[size_t(i)];
            layer.step = int(plan->steps.size());
            plan->steps.push_back(std::move(step));
        }
        plan->layers.push_back(layer);
    }

    clock.kernels_done();

    // Liveness: release each activation after the last step that reads it.
    std::vector<int> last_reader(slots, -1);
    for (size_t s = 0; s < plan->steps.size(); ++s)
        for (int in : plan->steps[s].input_slots) last_reader[size_t(in)] = int(s);
    for (size_t s = 0; s < slots; ++s)
        if (!pinned[s] && last_reader[s] >= 0) plan->steps[size_t(last_reader[s])].release_slots.push_back(int(s));

    engine::finalize_memory(*plan);  // views and arena offsets (memory_plan.cpp)
    // A view runs no kernel (its output is the input's bytes): reported the way
    // OpenVINO's CPU plugin reports in-place nodes, unknown_<precision>, not ref_.
    for (engine::Step& s : plan->steps)
        if (s.view) s.exec_type = std::string("unknown_") + engine::precision_suffix(g.node(s.node).outputs.at(0).type);
    engine::check_memory_limit(*plan, options.memory_limit_bytes);
    clock.phase("liveness + memory plan");
    clock.total();
    return CompiledModel(std::move(plan));
}

}  // namespace octet
