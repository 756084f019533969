// CompileOptions::memory_limit_bytes: compile() must refuse a model that would
// hold more than the limit, say how much it needs and of what, and accept the
// same model at exactly its need.
#include <catch2/catch.hpp>

#include <string>

#include "int8_graph.hpp"
#include "engine/memory_budget.hpp"
#include "engine/plan.hpp"
#include "ir/error.hpp"
#include "octet/octet.hpp"

using namespace octet;

namespace {

CompileOptions with_limit(size_t limit, int streams = 1) {
    CompileOptions o;
    o.threads = 1;
    o.streams = streams;
    o.memory_limit_bytes = limit;
    return o;
}

std::string compile_error(const Model& model, const CompileOptions& options) {
    try {
        compile(model, options);
    } catch (const ArgumentError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("memory limit: an int8 model's need counts every part, and compile fits exactly at it",
          "[reliability][memory_limit]") {
    const Model model = Model::from_graph(test::int8_conv_graph());
    const CompiledModel unlimited = compile(model, with_limit(0));
    const engine::MemoryNeed need = engine::memory_need(engine::PlanAccess::of(unlimited));
    CHECK(need.weights > 0);
    CHECK(need.packed_weights > 0);  // the lowered conv is a prepared kernel with its own weights
    CHECK(need.activations == unlimited.peak_activation_bytes());
    CHECK(need.total() == need.weights + need.packed_weights + need.activations + need.jit_code);

    CHECK_NOTHROW(compile(model, with_limit(need.total())));
    const std::string msg = compile_error(model, with_limit(need.total() - 1));
    INFO(msg);
    CHECK(msg.find("memory_limit_bytes = " + std::to_string(need.total() - 1)) != std::string::npos);
    CHECK(msg.find(need.describe()) != std::string::npos);
    CHECK(msg.find("JIT code") != std::string::npos);
}

TEST_CASE("memory limit: each stream adds an activation arena", "[reliability][memory_limit]") {
    const Model model = Model::from_graph(test::int8_conv_graph());
    const engine::MemoryNeed one = engine::memory_need(engine::PlanAccess::of(compile(model, with_limit(0, 1))));
    const engine::MemoryNeed four = engine::memory_need(engine::PlanAccess::of(compile(model, with_limit(0, 4))));
    CHECK(four.activations == 4 * one.activations);
    CHECK_NOTHROW(compile(model, with_limit(one.total(), 1)));
    CHECK(compile_error(model, with_limit(one.total(), 4)).find("activation arenas") != std::string::npos);
}

TEST_CASE("memory limit: an int8 zoo model is judged by its int8 weights, not its f32 ones",
          "[reliability][memory_limit]") {
    // The f32 weights of the model (4 bytes each) exceed what the compiled model
    // holds for them (s8 weights + their packed copy): a limit between the two passes.
    const Model model = Model::from_zoo("mobilenetv2-int8");
    size_t f32_weights = 0;
    for (size_t i = 0; i < model.graph().size(); ++i)
        if (model.graph().node(int(i)).op == "Constant") f32_weights += model.graph().node(int(i)).value.nbytes();
    const engine::MemoryNeed need = engine::memory_need(engine::PlanAccess::of(compile(model, with_limit(0))));
    REQUIRE(need.weights + need.packed_weights < f32_weights);
    CHECK_NOTHROW(compile(model, with_limit(need.total())));
    const std::string msg = compile_error(model, with_limit(need.total() / 2));
    INFO(msg);
    CHECK(msg.find("memory_limit_bytes = " + std::to_string(need.total() / 2)) != std::string::npos);
    CHECK(msg.find(need.describe()) != std::string::npos);
    CHECK(compile_error(Model::from_graph(test::conv_graph()), with_limit(0)).empty());  // 0 = no limit
}
