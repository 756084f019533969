// The accounting behind CompileOptions::memory_limit_bytes (memory_budget.hpp).
#include "engine/memory_budget.hpp"

#include <unordered_map>

#include "ir/error.hpp"
#include "jit/generator.hpp"

namespace octet::engine {

std::string MemoryNeed::describe() const {
    return "weights " + std::to_string(weights) + " + packed weights " + std::to_string(packed_weights) +
           " + activation arenas " + std::to_string(activations) + " + JIT code " + std::to_string(jit_code) +
           " = " + std::to_string(total()) + " bytes";
}

MemoryNeed memory_need(const Plan& plan) {
    MemoryNeed need;
    std::unordered_map<int, size_t> constant_bytes;  // slot -> bytes
    for (size_t i = 0; i < plan.constant_slots.size(); ++i) {
        const size_t bytes = plan.constant_values[i].nbytes();
        constant_bytes[plan.constant_slots[i]] = bytes;
        need.weights += bytes;
    }
    for (const Step& step : plan.steps) {
        if (!step.exec) continue;
        for (int slot : step.input_slots) {
            auto it = constant_bytes.find(slot);
            if (it != constant_bytes.end()) need.packed_weights += it->second;
        }
        if (step.exec_type.rfind("jit_", 0) == 0) need.jit_code += jit::Generator::kDefaultMaxCodeSize;
    }
    need.activations = plan.memory.arena_bytes * size_t(plan.streams < 1 ? 1 : plan.streams);
    return need;
}

namespace {

[[noreturn]] void over_limit(size_t limit, const std::string& need) {
    throw ArgumentError("CompileOptions::memory_limit_bytes = " + std::to_string(limit) +
                        " is below what the compiled model needs: " + need +
                        "; raise the limit or use fewer streams");
}

}  // namespace

void check_memory_limit(const Plan& plan, size_t limit) {
    if (limit == 0) return;
    const MemoryNeed need = memory_need(plan);
    if (need.total() > limit) over_limit(limit, need.describe());
}

}  // namespace octet::engine
