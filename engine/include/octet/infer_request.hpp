#pragma once
// One inference context. It owns its activations and counters, so requests
// created from one CompiledModel can run at the same time on different
// threads; a single request must not be used from two threads at once.
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ir/tensor.hpp"
#include "octet/perf_counter.hpp"

namespace octet {

namespace engine { struct Plan; }

class InferRequest {
public:
    InferRequest(InferRequest&&) noexcept;
    InferRequest& operator=(InferRequest&&) noexcept;
    ~InferRequest();

    // Binds an input (the buffer is shared, not copied; it is read during
    // infer()). Throws ArgumentError for an unknown index/name or a tensor
    // whose type or shape differs from the model input.
    void set_input(size_t index, ir::Tensor tensor);
    void set_input(const std::string& name, ir::Tensor tensor);

    // Runs the plan on the bound inputs (ArgumentError if one is missing, or
    // while an asynchronous run is in flight).
    void infer();

    // OpenVINO's asynchronous pair: start_async() runs infer() on a thread of
    // its own and returns at once; wait() blocks until that run is done and
    // rethrows what it threw. Results are those of infer(). Between the two,
    // do not touch the request (ArgumentError for another start or infer).
    void start_async();
    void wait();
    // Called on the request's thread when an asynchronous run ends, with the
    // exception it threw or nullptr. It must not start the same request again
    // (call wait() first); an exception it throws is dropped.
    void set_callback(std::function<void(std::exception_ptr)> callback);

    // Outputs of the last infer(); each is a fresh tensor that later calls do
    // not overwrite. ArgumentError before the first infer() or for a bad index/name.
    ir::Tensor output(size_t index) const;
    ir::Tensor output(const std::string& name) const;

    // Every node of the compiled graph in execution order, with the times of
    // the last infer() (zero before the first). The table belongs to the
    // request: the next call (after another run) refreshes its times. On a
    // request about to go (an rvalue: create_request().perf_counters()) a copy,
    // so that nothing refers into a destroyed request.
    const std::vector<PerfCounter>& perf_counters() const&;
    std::vector<PerfCounter> perf_counters() &&;

private:
    friend class CompiledModel;
    struct State;
    explicit InferRequest(std::shared_ptr<const engine::Plan> plan);
    void run_plan();  // infer() without the busy check
    std::unique_ptr<State> state_;
};

}  // namespace octet
