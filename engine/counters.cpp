// The per-layer performance-counter table, as OpenVINO's CPU plugin reports it.
#include "engine/request_state.hpp"
#include "lpt/rewriter.hpp"

namespace octet::engine {

std::vector<PerfCounter> make_perf_counters(const Plan& plan, const std::vector<StepTime>& times) {
    std::vector<PerfCounter> table;
    table.reserve(plan.layers.size());
    for (const Layer& layer : plan.layers) {
        const ir::Node& n = plan.graph.node(layer.node);
        PerfCounter pc;
        pc.layer_name = n.name;
        pc.layer_type = n.attrs.get_string("original_op", n.op);  // LPT: the op the model had
        if (layer.step >= 0) {
            pc.exec_status = "EXECUTED";
            pc.exec_type = plan.steps[size_t(layer.step)].exec_type;
            pc.real_time_ms = times[size_t(layer.step)].real_ms;
            pc.cpu_time_ms = times[size_t(layer.step)].cpu_ms;
        } else {
            pc.exec_status = "NOT_RUN";
            pc.exec_type = "undef";
        }
        table.push_back(std::move(pc));
        // Original nodes the LPT fused or folded into this one (lpt/rewriter.hpp).
        const std::vector<std::string> fused = lpt::split_lines(n.attrs.get_string("fused_names", ""));
        const std::vector<std::string> fused_ops = lpt::split_lines(n.attrs.get_string("fused_ops", ""));
        for (size_t k = 0; k < fused.size() && k < fused_ops.size(); ++k) {
            PerfCounter f;
            f.layer_name = fused[k];
            f.layer_type = fused_ops[k];
            f.exec_status = "NOT_RUN";
            f.exec_type = "undef";
            table.push_back(std::move(f));
        }
    }
    return table;
}

}  // namespace octet::engine
