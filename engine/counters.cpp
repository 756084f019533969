// The per-layer performance-counter table, as OpenVINO's CPU plugin reports it.
#include "engine/request_state.hpp"

namespace octet::engine {

std::vector<PerfCounter> make_perf_counters(const Plan& plan, const std::vector<StepTime>& times) {
    std::vector<PerfCounter> table;
    table.reserve(plan.layers.size());
    for (const Layer& layer : plan.layers) {
        const ir::Node& n = plan.graph.node(layer.node);
        PerfCounter pc;
        pc.layer_name = n.name;
        pc.layer_type = n.op;
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
    }
    return table;
}

}  // namespace octet::engine
