// Liveness over the plan's schedule and greedy best-fit offsets.
#include "engine/memory_plan.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "engine/plan.hpp"

namespace octet::engine {

namespace {

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

bool lives_overlap(const Buffer& a, const Buffer& b) {
    return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

}  // namespace

bool is_view_op(const char* op) {
    return std::strcmp(op, "Reshape") == 0 || std::strcmp(op, "Squeeze") == 0 || std::strcmp(op, "Unsqueeze") == 0;
}

size_t assign_offsets(std::vector<Buffer>& buffers, size_t alignment) {
    std::vector<size_t> order(buffers.size());
    std::iota(order.begin(), order.end(), size_t(0));
    // Largest first; ties by schedule so the result does not depend on sort stability.
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (buffers[a].bytes != buffers[b].bytes) return buffers[a].bytes > buffers[b].bytes;
        if (buffers[a].first_step != buffers[b].first_step) return buffers[a].first_step < buffers[b].first_step;
        return buffers[a].slot < buffers[b].slot;
    });
    std::vector<size_t> placed;
    size_t arena = 0;
    for (size_t i : order) {
        Buffer& b = buffers[i];
        const size_t need = align_up(std::max<size_t>(b.bytes, 1), alignment);
        std::vector<const Buffer*> live;
        for (size_t j : placed)
            if (lives_overlap(b, buffers[j])) live.push_back(&buffers[j]);
        std::sort(live.begin(), live.end(), [](const Buffer* x, const Buffer* y) { return x->offset < y->offset; });
        size_t cursor = 0, best = SIZE_MAX, best_gap = SIZE_MAX;
        for (const Buffer* o : live) {
            if (o->offset > cursor) {
                const size_t gap = o->offset - cursor;
                if (gap >= need && gap < best_gap) best = cursor, best_gap = gap;
            }
            cursor = std::max(cursor, align_up(o->offset + std::max<size_t>(o->bytes, 1), alignment));
        }
        b.offset = best != SIZE_MAX ? best : cursor;
        arena = std::max(arena, b.offset + need);
        placed.push_back(i);
    }
    return arena;
}

bool offsets_disjoint(const std::vector<Buffer>& buffers) {
    for (size_t i = 0; i < buffers.size(); ++i)
        for (size_t j = i + 1; j < buffers.size(); ++j) {
            const Buffer& a = buffers[i];
            const Buffer& b = buffers[j];
            if (!lives_overlap(a, b) || a.bytes == 0 || b.bytes == 0) continue;
            if (a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes) return false;
        }
    return true;
}

MemoryPlan plan_memory(const Plan& plan) {
    const ir::Graph& g = plan.graph;
    const int n_steps = int(plan.steps.size());
    MemoryPlan mp;
    mp.slot_offset.assign(plan.slot_count, -1);

    std::vector<char> outside(plan.slot_count, 0);  // not activations: inputs, constants, graph outputs
    for (int s : plan.input_slots) outside[size_t(s)] = 1;
    for (int s : plan.constant_slots) outside[size_t(s)] = 1;
    for (int s : plan.output_slots) outside[size_t(s)] = 1;

    std::vector<int> root(plan.slot_count);
    std::iota(root.begin(), root.end(), 0);
    std::vector<int> first(plan.slot_count, -1), last(plan.slot_count, -1);
    std::vector<size_t> bytes(plan.slot_count, 0);
    for (int s = 0; s < n_steps; ++s) {
        const Step& step = plan.steps[size_t(s)];
        const ir::Node& node = g.node(step.node);
        for (int in : step.input_slots) last[size_t(root[size_t(in)])] = s;
        if (step.view) {
            root[size_t(step.output_slots.at(0))] = root[size_t(step.input_slots.at(0))];
            continue;
        }
        for (size_t k = 0; k < step.output_slots.size(); ++k) {
            const size_t o = size_t(step.output_slots[k]);
            const ir::TensorDesc& d = node.outputs.at(k);
            bytes[o] = size_t(ir::num_elements(d.shape)) * ir::elem_size(d.type);
            first[o] = s;
            last[o] = std::max(last[o], s);
        }
    }
    // A graph output that views an activation is copied out after the last step.
    for (int s : plan.output_slots) last[size_t(root[size_t(s)])] = n_steps;

    for (size_t s = 0; s < plan.slot_count; ++s) {
        if (outside[s] || root[s] != int(s) || first[s] < 0) continue;
        mp.buffers.push_back({int(s), bytes[s], first[s], last[s], 0});
        mp.total_bytes += align_up(std::max<size_t>(bytes[s], 1), kArenaAlignment);
    }
    mp.arena_bytes = assign_offsets(mp.buffers);
    for (const Buffer& b : mp.buffers) mp.slot_offset[size_t(b.slot)] = int64_t(b.offset);

    // The floor to compare with: the largest working set of one step.
    std::vector<char> is_constant(plan.slot_count, 0);
    for (int s : plan.constant_slots) is_constant[size_t(s)] = 1;
    for (const Step& step : plan.steps) {
        if (step.view) continue;
        const ir::Node& node = g.node(step.node);
        size_t sum = 0;
        for (size_t k = 0; k < step.input_slots.size(); ++k)
            if (!is_constant[size_t(step.input_slots[k])]) {
                const ir::TensorDesc& d = g.desc(node.inputs.at(k));
                sum += size_t(ir::num_elements(d.shape)) * ir::elem_size(d.type);
            }
        for (const ir::TensorDesc& d : node.outputs) sum += size_t(ir::num_elements(d.shape)) * ir::elem_size(d.type);
        mp.largest_step_bytes = std::max(mp.largest_step_bytes, sum);
    }
    return mp;
}

}  // namespace octet::engine

namespace octet::engine {

void finalize_memory(Plan& plan) {
    for (Step& step : plan.steps) {
        const ir::Node& node = plan.graph.node(step.node);
        step.view = !step.exec && is_view_op(node.op.c_str()) && !step.input_slots.empty() &&
                    step.output_slots.size() == 1 && node.outputs.size() == 1 &&
                    plan.graph.desc(node.inputs.at(0)).type == node.outputs[0].type &&
                    ir::num_elements(plan.graph.desc(node.inputs.at(0)).shape) ==
                        ir::num_elements(node.outputs[0].shape);
    }
    plan.memory = plan_memory(plan);
}

}  // namespace octet::engine
