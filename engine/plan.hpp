#pragma once
// The execution plan compile() builds and every InferRequest of a compiled
// model shares read-only: which nodes run, in which order, with which kernel,
// and where each value lives. Values are numbered "slots", one per node
// output; a request keeps one tensor per slot.
#include <string>
#include <unordered_set>
#include <vector>

#include <memory>

#include "engine/executable.hpp"
#include "engine/memory_plan.hpp"
#include "ir/graph.hpp"
#include "octet/compiled_model.hpp"
#include "octet/model.hpp"

namespace octet::engine {

struct Step {
    int node = -1;                    // index into Plan::graph
    std::string exec_type;            // "ref_FP32", "ref_I8", ...
    std::vector<int> input_slots;
    std::vector<int> output_slots;
    std::vector<int> release_slots;   // activations whose last reader is this step
    // A prepared kernel; null: the node is evaluated by the reference (kernels/ref).
    std::shared_ptr<const Executable> exec;
    // Output 0 is input 0's bytes with the node's shape (Reshape, Squeeze, ...):
    // nothing runs, the memory planner lets the two share storage.
    bool view = false;
};

// One row of the counter table: a node of the graph in execution order.
struct Layer {
    int node = -1;
    int step = -1;  // index into Plan::steps, or -1 when the node is not run
};

struct Plan {
    ir::Graph graph;                 // inferred; the plan refers to it by node index
    std::vector<Step> steps;         // executed nodes, topological order
    std::vector<Layer> layers;       // every node, topological order
    size_t slot_count = 0;

    std::vector<int> constant_slots;             // slots preset from Constant values...
    std::vector<ir::Tensor> constant_values;     // ...with these tensors (shared, read-only)
    std::unordered_set<const void*> constant_buffers;  // to keep outputs from aliasing them

    std::vector<PortInfo> inputs, outputs;
    std::vector<int> input_slots;    // Parameter i's output slot
    std::vector<int> output_slots;   // the slot Result i reads

    std::string isa;
    int threads = 0;
    int streams = 1;
    bool verbose = false;            // OCTET_VERBOSE: log one line per executed step
    bool cpu_time_counters = true;   // CompileOptions::cpu_time_counters

    MemoryPlan memory;               // arena offsets of the activations (finalize_memory)
};

// Marks view steps and plans the activation arena; compile() calls it last,
// after every pass that changes the steps.
void finalize_memory(Plan& plan);

// The plan behind a compiled model, for engine internals and tests.
struct PlanAccess {
    static const Plan& of(const CompiledModel& m);
};

// "FP32", "I8" (u8/s8) or "I32": the precision suffix of an exec type.
const char* precision_suffix(ir::ElemType t);

}  // namespace octet::engine
