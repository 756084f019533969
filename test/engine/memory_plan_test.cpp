// The activation arena: offsets by liveness, views, and results unchanged by reuse.
#include <catch2/catch.hpp>

#include "engine/memory_plan.hpp"
#include "engine/plan.hpp"
#include "kernels/ref/ref.hpp"
#include "octet/octet.hpp"
#include "test_graphs.hpp"

using namespace octet;
using engine::Buffer;

namespace {

bool inside_arena(const engine::MemoryPlan& mp) {
    for (const Buffer& b : mp.buffers)
        if (b.offset % engine::kArenaAlignment != 0 || b.offset + b.bytes > mp.arena_bytes) return false;
    return true;
}

}  // namespace

TEST_CASE("assign_offsets reuses bytes of dead buffers and never overlaps live ones", "[engine][memory]") {
    // A chain a -> b -> c -> d: a and c never live together, nor b and d.
    std::vector<Buffer> chain = {{0, 1000, 0, 1, 0}, {1, 1000, 1, 2, 0}, {2, 1000, 2, 3, 0}, {3, 1000, 3, 4, 0}};
    const size_t arena = engine::assign_offsets(chain);
    CHECK(engine::offsets_disjoint(chain));
    CHECK(arena == 2 * 1024);  // two 64-aligned 1000-byte buffers
    CHECK(chain[0].offset == chain[2].offset);

    // Everything alive at once: no reuse possible.
    std::vector<Buffer> all = {{0, 64, 0, 9, 0}, {1, 640, 0, 9, 0}, {2, 128, 0, 9, 0}};
    CHECK(engine::assign_offsets(all) == 64 + 640 + 128);
    CHECK(engine::offsets_disjoint(all));

    // Best fit: a small buffer goes into the small hole, not the big one.
    // Buffers 0 and 2 die at step 1, leaving a 512-byte and a 64-byte hole for buffer 5.
    std::vector<Buffer> holes = {{0, 512, 0, 1, 0}, {1, 256, 0, 5, 0}, {2, 64, 0, 1, 0},
                                 {3, 256, 0, 5, 0}, {4, 64, 0, 5, 0}, {5, 64, 3, 5, 0}};
    CHECK(engine::assign_offsets(holes) == 512 + 256 + 256 + 64 + 64);
    CHECK(engine::offsets_disjoint(holes));
    CHECK(holes[5].offset == holes[2].offset);

    // The checker itself catches an overlap.
    std::vector<Buffer> bad = {{0, 100, 0, 2, 0}, {1, 100, 1, 3, 64}};
    CHECK_FALSE(engine::offsets_disjoint(bad));
}

TEST_CASE("zoo resnet50: the arena is far below the sum of all activations", "[engine][memory]") {
    for (const char* name : {"resnet50", "resnet50-int8"}) {
        INFO(name);
        const CompiledModel compiled = compile(Model::from_zoo(name));
        const engine::MemoryPlan& mp = engine::PlanAccess::of(compiled).memory;
        REQUIRE(mp.buffers.size() > 50);
        CHECK(engine::offsets_disjoint(mp.buffers));
        CHECK(inside_arena(mp));
        CHECK(compiled.peak_activation_bytes() == mp.arena_bytes);
        CHECK(compiled.total_activation_bytes() == mp.total_bytes);
        CHECK(compiled.peak_activation_bytes() * 4 < compiled.total_activation_bytes());
        // The 112x112x64 stem output is about 3.2 MB in f32 (0.8 MB in int8): the largest step
        // needs at least that, and the whole plan is within a few such steps.
        CHECK(compiled.largest_step_bytes() >= size_t(112 * 112 * 64));
        CHECK(compiled.peak_activation_bytes() < 4 * compiled.largest_step_bytes());
    }
}

TEST_CASE("Reshape is a view: no arena bytes, same results", "[engine][memory]") {
    ir::Graph g;
    auto x = g.parameter("x", ir::ElemType::f32, {1, 2, 6, 6});
    auto r1 = g.add("Relu", "relu1", {x});
    ir::Attributes shape;
    shape.set("shape", std::vector<int64_t>{1, 72});
    auto rs = g.add("Reshape", "flat", {r1}, shape);
    ir::Tensor two(ir::ElemType::f32, {1, 72});
    for (int i = 0; i < 72; ++i) two.data<float>()[i] = float(i % 5) - 2.f;
    auto m = g.add("Multiply", "scale", {rs, g.constant("two", two)});
    auto r2 = g.add("Relu", "relu2", {m});
    g.result("y", r2);
    const Model model = Model::from_graph(std::move(g));
    const CompiledModel compiled = compile(model);
    const engine::Plan& plan = engine::PlanAccess::of(compiled);

    int views = 0;
    for (const engine::Step& s : plan.steps)
        if (s.view) {
            ++views;
            CHECK(plan.memory.slot_offset[size_t(s.output_slots[0])] == -1);
        }
    CHECK(views == 1);
    // relu1 (288 B), its view and scale (288 B) live together; relu2 is the graph output.
    CHECK(plan.memory.buffers.size() == 2);
    CHECK(compiled.peak_activation_bytes() == 2 * 320);

    InferRequest request = compiled.create_request();
    for (uint32_t seed : {1u, 2u}) {
        const ir::Tensor in = test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, seed);
        request.set_input(0, in);
        request.infer();
        CHECK(request.output(0).equals(kernels::ref::run_graph(model.graph(), {in}).at(0)));
    }
}

TEST_CASE("an output that views an activation is copied out of the arena", "[engine][memory]") {
    ir::Graph g;
    auto x = g.parameter("x", ir::ElemType::f32, {1, 4});
    auto r = g.add("Relu", "relu", {x});
    ir::Attributes shape;
    shape.set("shape", std::vector<int64_t>{4});
    auto rs = g.add("Reshape", "flat", {r}, shape);
    ir::Tensor two(ir::ElemType::f32, {1, 4});
    for (int i = 0; i < 4; ++i) two.data<float>()[i] = 2.f;
    auto e = g.add("Multiply", "twice", {r, g.constant("two", two)});
    g.result("flat_out", rs);
    g.result("twice_out", e);
    const CompiledModel compiled = compile(Model::from_graph(std::move(g)));
    InferRequest request = compiled.create_request();
    ir::Tensor in(ir::ElemType::f32, {1, 4});
    for (int i = 0; i < 4; ++i) in.data<float>()[i] = float(i) - 1.5f;
    request.set_input(0, in);
    request.infer();
    const ir::Tensor first = request.output(0);
    CHECK(first.shape() == ir::Shape{4});
    CHECK(first.data<float>()[3] == 1.5f);
    for (int i = 0; i < 4; ++i) in.data<float>()[i] = 100.f;
    request.infer();
    CHECK(first.data<float>()[3] == 1.5f);  // the earlier output is not the arena
    CHECK(request.output(0).data<float>()[3] == 100.f);
}
