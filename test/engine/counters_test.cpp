// The per-layer performance counters.
#include <catch2/catch.hpp>

#include <map>

#include "jit/cpu.hpp"
#include "octet/octet.hpp"
#include "test_graphs.hpp"

using namespace octet;

TEST_CASE("perf counters list every node with status and exec type", "[engine]") {
    ir::Graph g = test::conv_graph();
    CompiledModel compiled = compile(Model::from_graph(g));
    InferRequest request = compiled.create_request();
    request.set_input(0, test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 1));
    request.infer();
    const std::vector<PerfCounter> pcs = request.perf_counters();
    REQUIRE(pcs.size() == g.size());
    std::map<std::string, PerfCounter> by_name;
    for (const PerfCounter& pc : pcs) by_name[pc.layer_name] = pc;
    REQUIRE(by_name.size() == g.size());
    for (const char* name : {"x", "w", "bias", "y"}) {
        CHECK(by_name[name].exec_status == "NOT_RUN");
        CHECK(by_name[name].exec_type == "undef");
        CHECK(by_name[name].real_time_ms == 0);
    }
    CHECK(by_name["x"].layer_type == "Parameter");
    CHECK(by_name["w"].layer_type == "Constant");
    CHECK(by_name["y"].layer_type == "Result");
    // With the f32 JIT the Relu folds into the conv (engine/f32/fuse_f32.hpp):
    // listed NOT_RUN, as the LPT's fused nodes are.
    const bool fused = jit::isa_is_subset(jit::Isa::avx2, jit::parse_isa(compiled.isa()));
    CHECK(by_name["relu"].exec_status == (fused ? "NOT_RUN" : "EXECUTED"));
    CHECK(by_name["relu"].layer_type == "Relu");
    for (const char* name : {"conv", "relu", "add", "pool"}) {
        if (fused && std::string(name) == "relu") continue;
        CHECK(by_name[name].exec_status == "EXECUTED");
        // f32 nodes run generated code where the ISA has it (engine/f32/), else the reference.
        const std::string& type = by_name[name].exec_type;
        CHECK((type == "ref_FP32" || (type.rfind("jit_", 0) == 0 && type.size() > 9 &&
                                      type.compare(type.size() - 5, 5, "_FP32") == 0)));
        CHECK(by_name[name].real_time_ms >= 0);
        CHECK(by_name[name].cpu_time_ms >= 0);
    }
    CHECK(by_name["conv"].layer_type == "Convolution");
    CHECK(by_name["pool"].layer_type == "MaxPool");
    // Execution order: every node after its inputs.
    std::map<std::string, size_t> pos;
    for (size_t i = 0; i < pcs.size(); ++i) pos[pcs[i].layer_name] = i;
    CHECK(pos["x"] < pos["conv"]);
    CHECK(pos["conv"] < pos["relu"]);  // folded nodes are listed after the node they joined
    CHECK(pos["add"] < pos["pool"]);
    CHECK(pos["pool"] < pos["y"]);
}

TEST_CASE("perf counters: the request's table, its times refreshed after each run", "[engine]") {
    ir::Graph g = test::conv_graph();
    CompiledModel compiled = compile(Model::from_graph(g));
    InferRequest request = compiled.create_request();
    const std::vector<PerfCounter> before = request.perf_counters();  // zero times before any run
    REQUIRE(before.size() == g.size());
    for (const PerfCounter& pc : before) CHECK(pc.real_time_ms == 0);
    request.set_input(0, test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 1));
    request.infer();
    const std::vector<PerfCounter>& table = request.perf_counters();
    const std::vector<PerfCounter> first = table;
    request.infer();
    // The same table (names, statuses, types, order), read after the second run.
    REQUIRE(&request.perf_counters() == &table);
    REQUIRE(table.size() == first.size());
    double sum = 0;
    bool refreshed = false;
    for (size_t i = 0; i < table.size(); ++i) {
        refreshed = refreshed || table[i].real_time_ms != first[i].real_time_ms;
        CHECK(table[i].layer_name == before[i].layer_name);
        CHECK(table[i].exec_status == before[i].exec_status);
        CHECK(table[i].exec_type == before[i].exec_type);
        if (table[i].exec_status == "NOT_RUN") CHECK(table[i].real_time_ms == 0);
        sum += table[i].real_time_ms;
    }
    // Steps take time, and the second run's times replaced the first's (steady_clock
    // in nanoseconds: two runs timed alike to the nanosecond at every step do not happen).
    CHECK(sum > 0);
    CHECK(refreshed);
}

TEST_CASE("nodes reading int8 data report ref_I8", "[engine]") {
    ir::Graph g;
    auto x = g.parameter("x", ir::ElemType::f32, {1, 1, 4, 4});
    ir::Attributes to_u8;
    to_u8.set("destination_type", "u8");
    auto q = g.add("Convert", "to_u8", {x}, to_u8);
    ir::Attributes pool;
    pool.set("kernel", std::vector<int64_t>{2, 2});
    pool.set("strides", std::vector<int64_t>{2, 2});
    pool.set("pads_begin", std::vector<int64_t>{0, 0});
    pool.set("pads_end", std::vector<int64_t>{0, 0});
    auto p = g.add("MaxPool", "pool", {q}, pool);
    ir::Attributes to_f32;
    to_f32.set("destination_type", "f32");
    g.result("y", g.add("Convert", "to_f32", {p}, to_f32));
    CompiledModel compiled = compile(Model::from_graph(g));
    InferRequest request = compiled.create_request();
    ir::Tensor in(ir::ElemType::f32, {1, 1, 4, 4});
    for (int i = 0; i < 16; ++i) in.data<float>()[i] = float(i);
    request.set_input(0, in);
    request.infer();
    std::map<std::string, std::string> exec;
    for (const PerfCounter& pc : request.perf_counters()) exec[pc.layer_name] = pc.exec_type;
    CHECK(exec["to_u8"] == "ref_FP32");
    // int8 MaxPool runs the pooling kernel the registry picks (engine/int8/): jit_<isa>_I8 or ref_I8.
    CHECK(exec["pool"].size() > 3);
    CHECK(exec["pool"].substr(exec["pool"].size() - 3) == "_I8");
    CHECK(exec["to_f32"] == "ref_I8");
    const float* y = request.output(0).data<float>();
    CHECK(y[0] == 5.f);
    CHECK(y[3] == 15.f);
}

TEST_CASE("perf counters before any infer() are zero", "[engine]") {
    CompiledModel compiled = compile(Model::from_graph(test::conv_graph()));
    // On a temporary request: a copy (the && overload), alive for the whole loop.
    for (const PerfCounter& pc : compiled.create_request().perf_counters()) {
        CHECK(pc.real_time_ms == 0);
        CHECK(pc.cpu_time_ms == 0);
    }
}
