#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include "engine/parallel_profile.hpp"
#include "engine/threads.hpp"
#include "octet/octet.hpp"

using namespace octet;
using octet::engine::LoopProfile;
using octet::engine::StepProfile;
using octet::engine::ThreadPool;

namespace {

LoopProfile loop_of(std::vector<double> ms) {
    LoopProfile l;
    l.unit_ms = std::move(ms);
    return l;
}

ir::Tensor pattern_input(const ir::Shape& shape) {
    ir::Tensor t(ir::ElemType::f32, shape);
    float* p = t.data<float>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = float((i * 7919) % 2001) / 1000.f - 1.f;
    return t;
}

ir::Tensor run(const CompiledModel& cm, const ir::Tensor& x) {
    InferRequest rq = cm.create_request();
    rq.set_input(size_t(0), x);
    rq.infer();
    return rq.output(size_t(0));
}

}  // namespace

TEST_CASE("parallel profile: the predicted critical path of a loop", "[engine][threads]") {
    using engine::predict_loop_ms;
    // 3 equal units on 2 threads: 2 units on the slower one, at best 1.5x.
    CHECK(predict_loop_ms(loop_of({1, 1, 1}), 2, 0) == Approx(2));
    CHECK(predict_loop_ms(loop_of({1, 1, 1}), 1, 0) == Approx(3));
    // One unit: one thread, no hand-over counted.
    CHECK(predict_loop_ms(loop_of({4}), 2, 0.5) == Approx(4));
    // The worker starts 0.5 late: it runs units 2, 3 (shares {1,1}, {1,1}).
    CHECK(predict_loop_ms(loop_of({1, 1, 1, 1}), 2, 0.5) == Approx(2.5));
    // A worker later than the whole loop: the caller ran everything.
    CHECK(predict_loop_ms(loop_of({1, 1}), 2, 5) == Approx(2));
    // Unequal units: the thread done first takes the other share's next block
    // (shares {3,1} and {1,1}: thread 1 runs 1, 1 and then the 1 of share 0);
    // a block is never split: shares {1,1} and {1,3} end at 1 + 3.
    CHECK(predict_loop_ms(loop_of({3, 1, 1, 1}), 2, 0) == Approx(3));
    CHECK(predict_loop_ms(loop_of({1, 1, 1, 3}), 2, 0) == Approx(4));
    // A thread with nothing of its own (threads > units) still takes blocks.
    CHECK(predict_loop_ms(loop_of({2, 2}), 4, 0) == Approx(2));
    // Guided claims: a share of 8 is taken as 4, 2, 1, 1; here thread 0's first
    // claim holds the slow block, thread 1 takes its 4 + 2 + 1 and then share 0's
    // remaining 2 + 1 + 1 (units 4..7).
    CHECK(engine::claim_size(8) == 4);
    CHECK(engine::claim_size(2) == 1);
    CHECK(predict_loop_ms(loop_of({9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}), 2, 0) == Approx(12));

    StepProfile s;
    s.serial_ms = 1;
    s.loops = {loop_of({1, 1, 1}), loop_of({2})};
    // {1,1,1} with the worker 0.25 late: it takes unit 2 (0.25..1.25), the caller 0 and 1.
    CHECK(engine::predict_step_ms(s, 2, 0.25) == Approx(1 + 2 + 2));
    CHECK(engine::predict_step_ms(s, 2, 1.5) == Approx(1 + 2.5 + 2));
    const engine::ParallelLoss loss = engine::step_loss(s, 2, 1.5);
    CHECK(loss.serial_ms == Approx(0.5));
    CHECK(loss.imbalance_ms == Approx((2 - 1.5) + (2 - 1)));
    CHECK(loss.dispatch_ms == Approx(0.5));
}

// A share whose thread is held up is taken over by the thread that is free:
// the unit that blocks here waits until every other unit has run, which with a
// fixed split (the rest of its share behind it on the same thread) never happens.
// A claim that holds the blocked unit holds nothing after it (claim_size(2) == 1).
TEST_CASE("thread pool: the blocks of a held-up share are taken over", "[engine][threads]") {
    for (int threads : {2, 3}) {
        ThreadPool pool(threads);
        const int64_t n = 2 * threads;  // shares of 2 blocks: claimed one at a time
        for (int rep = 0; rep < 20; ++rep) {
            std::atomic<int64_t> done{0};
            std::atomic<bool> timed_out{false};
            const int64_t blocker = n - 2;  // the first block of the last share
            pool.parallel_for(n, [&](int64_t b, int64_t e) {
                for (int64_t u = b; u < e; ++u) {
                    if (u == blocker) {
                        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                        while (done.load() != n - 1) {
                            if (std::chrono::steady_clock::now() > until) {
                                timed_out = true;
                                break;
                            }
                            std::this_thread::yield();
                        }
                    }
                    done++;
                }
            });
            INFO("threads " << threads << " rep " << rep);
            REQUIRE(!timed_out);
            REQUIRE(done == n);
        }
    }
}

// The recorder runs every unit of every step alone, one after the other: the
// strictest split there is, so the outputs must equal those of 1 and 3 threads,
// and the prediction must cover every step of the plan.
TEST_CASE("parallel profile: unit-by-unit runs give the same bits as any thread count", "[engine][threads]") {
    for (const char* name : {"mobilenetv2-int8", "bert-layer-int8"}) {
        INFO(name);
        const Model model = Model::from_zoo(name);
        const ir::Graph& g = model.graph();
        const ir::Tensor x = pattern_input(g.node(g.parameters()[0]).outputs[0].shape);
        CompileOptions opt;
        opt.threads = 1;
        const CompiledModel one = compile(model, opt);
        const ir::Tensor want = run(one, x);
        opt.threads = 3;
        CHECK(run(compile(model, opt), x).equals(want));

        InferRequest rq = one.create_request();
        rq.set_input(size_t(0), x);
        const engine::ParallelProfile p = engine::profile_parallelism(rq, 2);
        CHECK(rq.output(size_t(0)).equals(want));
        CHECK(!engine::unit_recorder());  // removed after the runs
        size_t executed = 0;
        for (const PerfCounter& pc : rq.perf_counters()) executed += pc.exec_status == "EXECUTED";
        CHECK(p.steps.size() >= executed / 2);
        CHECK(p.steps.size() <= rq.perf_counters().size());
        size_t loops = 0;
        for (const StepProfile& s : p.steps) {
            loops += s.loops.size();
            CHECK(s.serial_ms >= 0);
            // Batch 1 on 7x7 / 14x14: the 1x1 convs cut their pixels finer
            // than one chunk per channel block (they had 1 to 3 units).
            if (s.exec_type.find("_1x1_") != std::string::npos) {
                INFO(s.name << " " << s.exec_type);
                REQUIRE(!s.loops.empty());
                CHECK(s.loops[0].unit_ms.size() >= 8);
            }
        }
        CHECK(loops > 0);
        const double t1 = engine::predict_model_ms(p, 1, 0), t2 = engine::predict_model_ms(p, 2, 0);
        CHECK(t1 > 0);
        CHECK(t2 <= t1);
        CHECK(t2 >= t1 / 2);
        std::ostringstream os;
        engine::print_parallel_profile(os, p, 2, 0.001, 5);
        CHECK(os.str().find("predicted 2 threads") != std::string::npos);
    }
}
