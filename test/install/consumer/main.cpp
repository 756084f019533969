// A user's program: builds a small model in code, compiles it with octet and
// checks the result. It sees only the installed package.
#include <cmath>
#include <cstdio>

#include <octet/octet.hpp>

int main() {
    using namespace octet;
    ir::Graph g;
    ir::PortRef x = g.parameter("x", ir::ElemType::f32, {1, 4});
    ir::Tensor two(ir::ElemType::f32, {1, 4});
    for (int i = 0; i < 4; ++i) two.data<float>()[i] = 2.0f;
    ir::PortRef c = g.constant("two", two);
    ir::PortRef y = g.add("Multiply", "scale", {x, c});
    ir::PortRef r = g.add("Relu", "relu", {y});
    g.result("y", r);

    CompiledModel compiled = compile(Model::from_graph(std::move(g)));
    InferRequest req = compiled.create_request();
    ir::Tensor in(ir::ElemType::f32, {1, 4});
    const float v[4] = {-1.5f, 0.f, 0.25f, 3.f};
    for (int i = 0; i < 4; ++i) in.data<float>()[i] = v[i];
    req.set_input(0, in);
    req.infer();
    ir::Tensor out = req.output(0);
    const float want[4] = {0.f, 0.f, 0.5f, 6.f};
    for (int i = 0; i < 4; ++i) {
        if (out.data<float>()[i] != want[i]) {
            std::printf("consumer: output %d is %g, expected %g\n", i, out.data<float>()[i], want[i]);
            return 1;
        }
    }
    std::printf("consumer: octet %s OK on %s\n", "package", compiled.isa().c_str());
    return 0;
}
