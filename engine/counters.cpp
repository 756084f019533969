// The per-layer performance-counter table, as OpenVINO's CPU plugin reports it.
#include "engine/request_state.hpp"
#include "lpt/rewriter.hpp"

namespace octet::engine {

void build_counter_table(const Plan& plan, std::vector<PerfCounter>& table,
                         std::vector<std::pair<size_t, size_t>>& timed) {
    table.clear();
    timed.clear();
    table.reserve(plan.layers.size());
    for (const Layer& layer : plan.layers) {
        const ir::Node& n = plan.graph.node(layer.node);
        PerfCounter pc;
        pc.layer_name = n.name;
        pc.layer_type = n.attrs.get_string("original_op", n.op);  // LPT: the op the model had
        if (layer.step >= 0) {
            pc.exec_status = "EXECUTED";
            pc.exec_type = plan.steps[size_t(layer.step)].exec_type;
            timed.emplace_back(table.size(), size_t(layer.step));
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
}

}  // namespace octet::engine
