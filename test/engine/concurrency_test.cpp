// Many requests on one compiled model, thread counts, and async against sync:
// all must give the same bits as one request run sequentially.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "octet/octet.hpp"
#include "test_graphs.hpp"

using namespace octet;

namespace {

// A model that goes through the LPT (FakeQuantize) and one that stays f32.
std::vector<Model> models() {
    return {Model::from_graph(test::conv_graph_with_fq()), Model::from_graph(test::conv_graph())};
}

std::vector<ir::Tensor> make_inputs(const CompiledModel& c, int n, uint32_t seed) {
    std::vector<ir::Tensor> in;
    for (int i = 0; i < n; ++i)
        in.push_back(test::random_tensor(c.inputs()[0].desc.type, c.inputs()[0].desc.shape, seed + uint32_t(i)));
    return in;
}

std::vector<ir::Tensor> sequential(const CompiledModel& c, const std::vector<ir::Tensor>& inputs) {
    InferRequest request = c.create_request();
    std::vector<ir::Tensor> out;
    for (const ir::Tensor& t : inputs) {
        request.set_input(0, t);
        request.infer();
        out.push_back(request.output(0));
    }
    return out;
}

}  // namespace

TEST_CASE("N requests from T threads on one compiled model match sequential runs", "[engine][concurrency]") {
    for (const Model& model : models()) {
        const CompiledModel compiled = compile(model, {2, "", 4});
        const std::vector<ir::Tensor> inputs = make_inputs(compiled, 24, 500);
        const std::vector<ir::Tensor> expected = sequential(compiled, inputs);
        constexpr int kThreads = 4, kRequestsPerThread = 2;
        std::vector<ir::Tensor> got(inputs.size());
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                std::vector<InferRequest> requests;
                for (int r = 0; r < kRequestsPerThread; ++r) requests.push_back(compiled.create_request());
                for (size_t i = size_t(t); i < inputs.size(); i += kThreads) {
                    InferRequest& request = requests[(i / kThreads) % kRequestsPerThread];
                    request.set_input(0, inputs[i]);
                    request.infer();
                    got[i] = request.output(0);
                }
            });
        for (std::thread& th : threads) th.join();
        for (size_t i = 0; i < inputs.size(); ++i) CHECK(got[i].equals(expected[i]));
    }
}

TEST_CASE("results do not depend on the thread count", "[engine][concurrency]") {
    for (const char* name : {"conv-fq", "bert-layer-int8"}) {
        INFO(name);
        const Model model = std::string(name) == "conv-fq" ? Model::from_graph(test::conv_graph_with_fq())
                                                          : Model::from_zoo(name);
        std::vector<ir::Tensor> reference;
        for (int threads : {1, 2, 4}) {
            INFO("threads " << threads);
            const CompiledModel compiled = compile(model, {threads, "", 1});
            const std::vector<ir::Tensor> out = sequential(compiled, make_inputs(compiled, 2, 900));
            if (reference.empty()) reference = out;
            for (size_t i = 0; i < out.size(); ++i) CHECK(out[i].equals(reference[i]));
        }
    }
}

TEST_CASE("start_async + wait gives the results of infer()", "[engine][async]") {
    for (const Model& model : models()) {
        const CompiledModel compiled = compile(model, {1, "", 3});
        const std::vector<ir::Tensor> inputs = make_inputs(compiled, 9, 77);
        const std::vector<ir::Tensor> expected = sequential(compiled, inputs);
        // Three requests in flight at once, each restarted as soon as it is waited for.
        std::vector<InferRequest> requests;
        std::atomic<int> callbacks{0};
        for (int r = 0; r < 3; ++r) {
            requests.push_back(compiled.create_request());
            requests.back().set_callback([&](std::exception_ptr e) {
                if (!e) ++callbacks;
            });
        }
        std::vector<ir::Tensor> got(inputs.size());
        for (size_t i = 0; i < inputs.size(); i += requests.size()) {
            for (size_t r = 0; r < requests.size(); ++r) {
                requests[r].set_input(0, inputs[i + r]);
                requests[r].start_async();
            }
            for (size_t r = 0; r < requests.size(); ++r) {
                requests[r].wait();
                got[i + r] = requests[r].output(0);
            }
        }
        for (size_t i = 0; i < inputs.size(); ++i) CHECK(got[i].equals(expected[i]));
        CHECK(callbacks == int(inputs.size()));
    }
}

TEST_CASE("an asynchronous run's error comes out of wait()", "[engine][async]") {
    const CompiledModel compiled = compile(Model::from_graph(test::conv_graph()));
    InferRequest request = compiled.create_request();
    std::exception_ptr seen;
    request.set_callback([&](std::exception_ptr e) { seen = e; });
    request.start_async();  // no input bound
    CHECK_THROWS_AS(request.wait(), ArgumentError);
    CHECK(seen != nullptr);
    request.wait();  // the error is reported once
    // The request stays usable.
    request.set_input(0, test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 3));
    request.start_async();
    request.wait();
    CHECK(request.output(0).shape() == ir::Shape{1, 3, 3, 3});
    // Destroying a request with a run in flight waits for it.
    request.start_async();
}
