// InferRequest: binds inputs, runs the plan's steps with the reference
// kernels, times each one, and hands out outputs.
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>
#include <spdlog/spdlog.h>

#include "engine/request_state.hpp"
#include "ir/error.hpp"
#include "kernels/ref/ref.hpp"

namespace octet {

namespace {

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}

size_t index_of(const std::vector<PortInfo>& ports, const std::string& name, const char* what) {
    for (size_t i = 0; i < ports.size(); ++i)
        if (ports[i].name == name) return i;
    std::string known;
    for (const PortInfo& p : ports) known += (known.empty() ? "'" : ", '") + p.name + "'";
    throw ArgumentError(std::string("the model has no ") + what + " named '" + name + "' (it has " + known + ")");
}

void check_index(size_t index, size_t count, const char* what) {
    if (index >= count)
        throw ArgumentError(std::string(what) + " index " + std::to_string(index) + " is out of range: the model has " +
                            std::to_string(count));
}

bool in_arena(const std::shared_ptr<uint8_t>& arena, const engine::MemoryPlan& mem, const void* p) {
    const uint8_t* base = arena.get();
    const auto* q = static_cast<const uint8_t*>(p);
    return base && q >= base && q < base + mem.arena_bytes;
}

// Output k of a step: its arena bytes when the memory plan placed it, else a
// fresh tensor (graph outputs). A fresh one is not zero-filled: the step
// writes all of it, as it writes arena bytes that nobody clears (the fill ran
// on the calling thread alone: 0.4 MB for BERT's output).
ir::Tensor arena_or_fresh(const std::shared_ptr<uint8_t>& arena, const engine::MemoryPlan& mem, const engine::Step& step, const ir::Node& node, size_t k) {
    const ir::TensorDesc& d = node.outputs.at(k);
    const int64_t offset = mem.slot_offset.at(size_t(step.output_slots.at(k)));
    if (offset < 0) {
        const size_t bytes = size_t(ir::num_elements(d.shape)) * ir::elem_size(d.type);
        void* p = std::aligned_alloc(64, bytes == 0 ? 64 : (bytes + 63) / 64 * 64);
        if (!p) throw std::bad_alloc();
        std::shared_ptr<uint8_t> owner(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
        return ir::Tensor::view(d.type, d.shape, owner.get(), owner);
    }
    return ir::Tensor::view(d.type, d.shape, arena.get() + offset, arena);
}

// A reference kernel returns fresh tensors: an activation is copied to its
// arena bytes so that the request holds no other activation memory.
ir::Tensor into_arena(const std::shared_ptr<uint8_t>& arena, const engine::MemoryPlan& mem, const engine::Step& step, const ir::Node& node, size_t k,
                      const ir::Tensor& value) {
    const int64_t offset = mem.slot_offset.at(size_t(step.output_slots.at(k)));
    if (offset < 0) return value;
    const ir::TensorDesc& d = node.outputs.at(k);
    if (value.type() != d.type || value.shape() != d.shape)
        throw Error(ir::node_prefix(node) + "the reference kernel returned " + ir::to_string(value.type()) + " " +
                    ir::to_string(value.shape()) + ", the plan expects " + ir::to_string(d.type) + " " +
                    ir::to_string(d.shape));
    ir::Tensor view = ir::Tensor::view(d.type, d.shape, arena.get() + offset, arena);
    if (value.nbytes() > 0) std::memcpy(view.raw(), value.raw(), value.nbytes());
    return view;
}

}  // namespace

InferRequest::InferRequest(std::shared_ptr<const engine::Plan> plan) : state_(std::make_unique<State>()) {
    state_->plan = std::move(plan);
    state_->slots.resize(state_->plan->slot_count);
    state_->inputs.resize(state_->plan->inputs.size());
    state_->times.resize(state_->plan->steps.size());
    state_->pool = std::make_unique<engine::ThreadPool>(state_->plan->threads);
    const size_t arena_bytes = state_->plan->memory.arena_bytes;
    if (arena_bytes > 0) {
        void* p = std::aligned_alloc(engine::kArenaAlignment,
                                     (arena_bytes + engine::kArenaAlignment - 1) / engine::kArenaAlignment *
                                         engine::kArenaAlignment);
        if (!p) throw std::bad_alloc();
        state_->arena = std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
    }
}

InferRequest::InferRequest(InferRequest&&) noexcept = default;
InferRequest& InferRequest::operator=(InferRequest&&) noexcept = default;
InferRequest::~InferRequest() = default;

void InferRequest::set_input(size_t index, ir::Tensor tensor) {
    const auto& ports = state_->plan->inputs;
    check_index(index, ports.size(), "input");
    const PortInfo& port = ports[index];
    if (tensor.empty()) throw ArgumentError("input '" + port.name + "': the tensor is empty");
    if (tensor.type() != port.desc.type || tensor.shape() != port.desc.shape)
        throw ArgumentError("input '" + port.name + "' expects " + ir::to_string(port.desc.type) + " " +
                            ir::to_string(port.desc.shape) + ", got " + ir::to_string(tensor.type()) + " " +
                            ir::to_string(tensor.shape()));
    state_->inputs[index] = std::move(tensor);
}

void InferRequest::set_input(const std::string& name, ir::Tensor tensor) {
    set_input(index_of(state_->plan->inputs, name, "input"), std::move(tensor));
}

void InferRequest::infer() {
    if (state_->busy) throw ArgumentError("infer() while an asynchronous run is in flight: call wait() first");
    run_plan();
}

void InferRequest::start_async() {
    State& st = *state_;
    if (st.busy) throw ArgumentError("start_async() while an asynchronous run is in flight: call wait() first");
    if (st.async_thread.joinable()) st.async_thread.join();  // a finished run nobody waited for
    st.async_error = nullptr;
    st.busy = true;
    st.async_thread = std::thread([this, &st] {
        try {
            run_plan();
        } catch (...) {
            st.async_error = std::current_exception();
        }
        if (st.callback) {
            try {
                st.callback(st.async_error);
            } catch (...) {  // nowhere to report it: the run's own result stays with wait()
            }
        }
        st.busy = false;
    });
}

void InferRequest::wait() {
    State& st = *state_;
    if (st.async_thread.joinable()) st.async_thread.join();
    if (std::exception_ptr e = std::exchange(st.async_error, nullptr)) std::rethrow_exception(e);
}

void InferRequest::set_callback(std::function<void(std::exception_ptr)> callback) {
    if (state_->busy) throw ArgumentError("set_callback() while an asynchronous run is in flight");
    state_->callback = std::move(callback);
}

void InferRequest::run_plan() {
    State& st = *state_;
    const engine::Plan& plan = *st.plan;
    for (size_t i = 0; i < st.inputs.size(); ++i) {
        if (st.inputs[i].empty()) throw ArgumentError("input '" + plan.inputs[i].name + "' is not set");
        st.slots[size_t(plan.input_slots[i])] = st.inputs[i];
    }
    for (size_t i = 0; i < plan.constant_slots.size(); ++i)
        st.slots[size_t(plan.constant_slots[i])] = plan.constant_values[i];
    st.has_run = false;
    std::vector<ir::Tensor> args;
    engine::UnitRecorder* recorder = engine::unit_recorder();  // engine/parallel_profile.hpp
    // One clock read per step and clock: a step's time runs from the previous
    // step's end, so it also holds the few instructions that pass its
    // arguments. The thread CPU clock is a system call (~0.5-2 us), read only
    // when the counters ask for CPU time or a recorder needs it.
    const bool cpu = plan.cpu_time_counters || recorder;
    double c_end = cpu ? thread_cpu_ms() : 0.0;
    auto t_end = std::chrono::steady_clock::now();
    for (size_t s = 0; s < plan.steps.size(); ++s) {
        const engine::Step& step = plan.steps[s];
        const ir::Node& node = plan.graph.node(step.node);
        args.clear();
        for (int in : step.input_slots) args.push_back(st.slots[size_t(in)]);
        const auto t0 = t_end;
        const double c0 = c_end;
        std::vector<ir::Tensor> results;
        if (step.view) {
            results.push_back(args.at(0).reshaped(node.outputs.at(0).shape));
        } else if (step.exec) {
            // Activations are views of the arena; graph outputs are fresh (they go to the caller).
            for (size_t k = 0; k < node.outputs.size(); ++k) results.push_back(arena_or_fresh(st.arena, plan.memory, step, node, k));
            step.exec->run(args, results, *st.pool);
        } else {
            results = kernels::ref::eval_node(node, args);
            if (results.size() == step.output_slots.size())
                for (size_t k = 0; k < results.size(); ++k) results[k] = into_arena(st.arena, plan.memory, step, node, k, results[k]);
        }
        const double c1 = c_end = cpu ? thread_cpu_ms() : 0.0;
        const auto t1 = t_end = std::chrono::steady_clock::now();
        if (results.size() != step.output_slots.size())
            throw Error(ir::node_prefix(node) + "the kernel returned " + std::to_string(results.size()) +
                        " outputs, the plan expects " + std::to_string(step.output_slots.size()));
        for (size_t k = 0; k < results.size(); ++k) st.slots[size_t(step.output_slots[k])] = std::move(results[k]);
        for (int dead : step.release_slots) st.slots[size_t(dead)] = ir::Tensor();
        StepTime& t = st.times[s];
        t.real_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
        t.cpu_ms = c1 - c0;
        if (recorder) {
            recorder->step(node.name, node.op, step.exec_type, t.cpu_ms);
            c_end = thread_cpu_ms();  // the recording is no step's time
            t_end = std::chrono::steady_clock::now();
        }
        if (plan.verbose) {
            spdlog::info("octet exec: {} ({}) {} {:.3f} ms", node.name, node.op, step.exec_type, t.real_ms);
            t_end = std::chrono::steady_clock::now();  // the log line is no step's time
        }
    }
    st.outputs.resize(plan.output_slots.size());
    for (size_t i = 0; i < plan.output_slots.size(); ++i) {
        ir::Tensor& v = st.slots[size_t(plan.output_slots[i])];
        // An output that is a view of a constant or an input must not let the
        // caller write into the compiled model or its own input: copy it.
        bool aliases = plan.constant_buffers.count(v.raw()) != 0 || in_arena(st.arena, plan.memory, v.raw());
        for (const ir::Tensor& in : st.inputs) aliases = aliases || in.raw() == v.raw();
        st.outputs[i] = aliases ? v.clone() : v;
    }
    // Hold no activation between runs (the outputs now belong to st.outputs).
    for (ir::Tensor& v : st.slots) v = ir::Tensor();
    st.has_run = true;
}

ir::Tensor InferRequest::output(size_t index) const {
    check_index(index, state_->plan->outputs.size(), "output");
    if (!state_->has_run) throw ArgumentError("output requested before infer() has run");
    return state_->outputs[index];
}

ir::Tensor InferRequest::output(const std::string& name) const {
    return output(index_of(state_->plan->outputs, name, "output"));
}

std::vector<PerfCounter> InferRequest::perf_counters() && {
    const InferRequest& self = *this;
    return self.perf_counters();
}

const std::vector<PerfCounter>& InferRequest::perf_counters() const& {
    State& st = *state_;
    if (st.counters.empty()) engine::build_counter_table(*st.plan, st.counters, st.counter_steps);
    for (const auto& [row, step] : st.counter_steps) {
        st.counters[row].real_time_ms = st.times[step].real_ms;
        st.counters[row].cpu_time_ms = st.times[step].cpu_ms;
    }
    return st.counters;
}

}  // namespace octet
