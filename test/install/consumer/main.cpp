// A user's program: builds a small model in code, compiles it with octet,
// infers (sync and async), checks the result and prints the per-layer
// counters. It sees only the installed package. README.md shows this file.
#include <cstdio>

#include <octet/octet.hpp>

int main() {
    using namespace octet;
    // y = relu(x * 2): or Model::load("model.json") / Model::from_zoo("resnet50-int8").
    ir::Graph g;
    ir::PortRef x = g.parameter("x", ir::ElemType::f32, {1, 4});
    ir::Tensor two(ir::ElemType::f32, {1, 4});
    for (int i = 0; i < 4; ++i) two.data<float>()[i] = 2.0f;
    ir::PortRef y = g.add("Multiply", "scale", {x, g.constant("two", two)});
    g.result("y", g.add("Relu", "relu", {y}));

    CompileOptions options;
    options.threads = 1;  // per request; 0 = all cores
    CompiledModel compiled = compile(Model::from_graph(std::move(g)), options);
    InferRequest request = compiled.create_request();
    ir::Tensor in(ir::ElemType::f32, {1, 4});
    const float v[4] = {-1.5f, 0.f, 0.25f, 3.f};
    for (int i = 0; i < 4; ++i) in.data<float>()[i] = v[i];
    request.set_input(0, in);
    request.infer();              // or request.start_async(); ...; request.wait();
    ir::Tensor out = request.output(0);

    const float want[4] = {0.f, 0.f, 0.5f, 6.f};
    for (int i = 0; i < 4; ++i)
        if (out.data<float>()[i] != want[i]) {
            std::printf("consumer: output %d is %g, expected %g\n", i, out.data<float>()[i], want[i]);
            return 1;
        }
    request.start_async();
    request.wait();
    if (!request.output(0).equals(out)) return 1;

    for (const PerfCounter& pc : request.perf_counters())
        std::printf("%-8s %-9s %-10s %-9s %.3f ms\n", pc.layer_name.c_str(), pc.exec_status.c_str(),
                    pc.layer_type.c_str(), pc.exec_type.c_str(), pc.real_time_ms);
    std::printf("consumer: octet package OK on %s, %zu bytes of activations per request\n",
                compiled.isa().c_str(), compiled.peak_activation_bytes());
    return 0;
}
