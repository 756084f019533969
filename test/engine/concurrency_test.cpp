// Many requests on one compiled model, thread counts, and async against sync:
// all must give the same bits as one request run sequentially. The [stress]
// cases hammer one compiled model from many threads for a bounded time
// (OCTET_STRESS_SECONDS, default 2); the TSan lane runs them too.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
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
    // Declared before the request: the request's destructor below waits for a run
    // whose callback writes here (found by the ASan lane: stack-use-after-scope).
    std::exception_ptr seen;
    InferRequest request = compiled.create_request();
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

namespace {

double stress_seconds() {
    const char* v = std::getenv("OCTET_STRESS_SECONDS");
    const double s = v && *v ? std::atof(v) : 2.0;
    return s > 0 ? s : 2.0;
}

}  // namespace

TEST_CASE("stress: many threads, sync and async, requests created and dropped, for a bounded time",
          "[engine][concurrency][stress]") {
    // Each worker picks inputs in its own order, alternates infer() and
    // start_async()+wait(), and now and then throws its request away for a new
    // one; every output must equal the sequential one bit for bit.
    const CompiledModel compiled = compile(Model::from_graph(test::conv_graph_with_fq()), {2, "", 8});
    const std::vector<ir::Tensor> inputs = make_inputs(compiled, 16, 4242);
    const std::vector<ir::Tensor> expected = sequential(compiled, inputs);
    constexpr int kThreads = 8;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(stress_seconds());
    std::atomic<long> runs{0}, mismatches{0}, errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            try {
                InferRequest request = compiled.create_request();
                for (size_t k = 0; std::chrono::steady_clock::now() < deadline; ++k) {
                    const size_t i = (k * size_t(2 * t + 1) + size_t(t)) % inputs.size();
                    request.set_input(0, inputs[i]);
                    if ((k + size_t(t)) % 2) {
                        request.infer();
                    } else {
                        request.start_async();
                        request.wait();
                    }
                    if (!request.output(0).equals(expected[i])) ++mismatches;
                    ++runs;
                    if (k % 7 == 6) request = compiled.create_request();
                }
            } catch (...) {
                ++errors;
            }
        });
    for (std::thread& th : threads) th.join();
    INFO(runs << " runs from " << kThreads << " threads in " << stress_seconds() << " s");
    CHECK(errors == 0);
    CHECK(mismatches == 0);
    CHECK(runs >= kThreads);  // every worker got through at least one run
}

TEST_CASE("stress: several models compile at once and run as they do when compiled alone",
          "[engine][concurrency][stress]") {
    std::vector<Model> all = models();
    all.push_back(Model::from_zoo("bert-layer-int8"));
    std::vector<std::vector<ir::Tensor>> inputs, expected;
    for (const Model& m : all) {
        const CompiledModel c = compile(m, {1, "", 1});
        inputs.push_back(make_inputs(c, 2, 31));
        expected.push_back(sequential(c, inputs.back()));
    }
    // Two threads per model, all compiling at the same moment.
    std::atomic<int> ready{0}, mismatches{0}, errors{0};
    std::vector<std::thread> threads;
    for (size_t t = 0; t < 2 * all.size(); ++t)
        threads.emplace_back([&, t] {
            const size_t m = t % all.size();
            ++ready;
            while (ready < int(2 * all.size())) std::this_thread::yield();
            try {
                const CompiledModel c = compile(all[m], {1, "", 1});
                const std::vector<ir::Tensor> got = sequential(c, inputs[m]);
                for (size_t i = 0; i < got.size(); ++i)
                    if (!got[i].equals(expected[m][i])) ++mismatches;
            } catch (...) {
                ++errors;
            }
        });
    for (std::thread& th : threads) th.join();
    CHECK(errors == 0);
    CHECK(mismatches == 0);
}

TEST_CASE("destruction while idle: requests outlive their CompiledModel handle, idle ones die cleanly",
          "[engine][concurrency][stress]") {
    const std::vector<ir::Tensor> inputs = [] {
        const CompiledModel c = compile(Model::from_graph(test::conv_graph_with_fq()), {2, "", 1});
        return make_inputs(c, 3, 808);
    }();
    std::vector<ir::Tensor> expected;
    std::vector<InferRequest> requests;
    {
        const CompiledModel compiled = compile(Model::from_graph(test::conv_graph_with_fq()), {2, "", 4});
        expected = sequential(compiled, inputs);
        for (int r = 0; r < 4; ++r) requests.push_back(compiled.create_request());
        // Requests that never ran, and one that ran async and was waited for, die
        // with the handle still alive; their worker threads must stop at once.
        std::vector<InferRequest> idle;
        for (int r = 0; r < 6; ++r) idle.push_back(compiled.create_request());
        idle[0].set_input(0, inputs[0]);
        idle[0].start_async();
        idle[0].wait();
    }  // the CompiledModel handle is gone; the plan lives on in the requests
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (size_t r = 0; r < requests.size(); ++r)
        threads.emplace_back([&, r] {
            for (size_t i = 0; i < inputs.size(); ++i) {
                requests[r].set_input(0, inputs[i]);
                requests[r].infer();
                if (!requests[r].output(0).equals(expected[i])) ++mismatches;
            }
        });
    for (std::thread& th : threads) th.join();
    CHECK(mismatches == 0);
    // The last owners go away on other threads than the ones that created them.
    std::vector<std::thread> reapers;
    for (InferRequest& r : requests) reapers.emplace_back([req = std::move(r)]() mutable { InferRequest gone = std::move(req); });
    for (std::thread& th : reapers) th.join();
}
