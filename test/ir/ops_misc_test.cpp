// Interpolate, Softmax, MVN, Parameter/Constant/Result, the op table, and
// errors surfacing through Graph::infer with the node's name.
#include "ops_test_util.hpp"

using namespace octet;
using namespace octet::ir;
using namespace octet::ir::testing;

TEST_CASE("ops: Interpolate", "[ir][ops]") {
    const TensorDesc x = f32({1, 3, 10, 7});
    REQUIRE(shape_of("Interpolate", {x}, A().str("mode", "nearest").ints("sizes", {20, 30})) == Shape{1, 3, 20, 30});
    // floor(10 * 2) = 20, floor(7 * 1.5) = 10
    REQUIRE(shape_of("Interpolate", {x}, A().str("mode", "linear").floats("scales", {2.0, 1.5})) == Shape{1, 3, 20, 10});
    REQUIRE(shape_of("Interpolate", {x}, A().str("mode", "nearest").floats("scales", {0.5, 0.5})) == Shape{1, 3, 5, 3});
    REQUIRE(infer1("Interpolate", {u8({1, 3, 2, 2})}, A().str("mode", "nearest").ints("scales", {2, 2})) ==
            u8({1, 3, 4, 4}));
    REQUIRE(shape_of("Interpolate", {x}, A().str("mode", "linear").ints("sizes", {5, 5})
                                             .str("coordinate_transformation_mode", "align_corners")
                                             .str("nearest_mode", "floor")) == Shape{1, 3, 5, 5});
    auto interp = [](const Attributes& at, TensorDesc d = f32({1, 3, 10, 7})) {
        return infer_outputs(make_node("Interpolate", at), {d});
    };
    REQUIRE_THROWS_MATCHES(interp(A().str("mode", "nearest").floats("scales", {0.05, 1.0})), ValidationError,
                           Catch::Message("scale 0.050000 gives output H = 0.000000 from 10; it must be in [1, 2^31]"));
    REQUIRE_THROWS_WITH(interp(A().str("mode", "nearest").floats("scales", {1e300, 1.0})), Catch::Contains("must be in [1, 2^31]"));
    REQUIRE_THROWS_WITH(interp(A().str("mode", "nearest").floats("scales", {-1.0, 1.0})), Catch::Contains("must be finite and positive"));
    REQUIRE_THROWS_WITH(interp(A().str("mode", "nearest").floats("scales", {2.0})), Catch::Contains("'scales' must have 2 values"));
    REQUIRE_THROWS_WITH(interp(A().str("mode", "nearest").ints("sizes", {0, 4})), Catch::Contains("'sizes' = [0,4] must be positive"));
    REQUIRE_THROWS_WITH(interp(A().str("mode", "nearest").ints("sizes", {4, 4}).floats("scales", {2.0, 2.0})),
                        Catch::Contains("give attribute 'sizes' or 'scales', not both"));
    REQUIRE_THROWS_WITH(interp(A().str("mode", "nearest")), Catch::Contains("needs attribute 'sizes' or 'scales'"));
    REQUIRE_THROWS_AS(interp(A().str("mode", "cubic").ints("sizes", {4, 4})), UnsupportedError);
    REQUIRE_THROWS_AS(interp(A().str("mode", "linear").ints("sizes", {4, 4}).str("coordinate_transformation_mode", "x")),
                      UnsupportedError);
    REQUIRE_THROWS_WITH(interp(A().ints("sizes", {4, 4})), Catch::Contains("missing attribute 'mode'"));
    REQUIRE_THROWS_WITH(interp(A().str("mode", "linear").ints("sizes", {4, 4}), u8({1, 3, 2, 2})),
                        Catch::Contains("data (linear mode) has element type u8, expected f32"));
    REQUIRE_THROWS_WITH(interp(A().str("mode", "linear").ints("sizes", {4, 4}), f32({3, 2, 2})),
                        Catch::Contains("data must have rank 4"));
}

TEST_CASE("ops: Softmax and MVN", "[ir][ops]") {
    REQUIRE(infer1("Softmax", {f32({1, 12, 128, 128})}, A().i("axis", -1)) == f32({1, 12, 128, 128}));
    REQUIRE(infer1("Softmax", {f32({1, 1000})}) == f32({1, 1000}));  // default axis 1
    REQUIRE_THROWS_MATCHES(infer_outputs(make_node("Softmax", A().i("axis", 3)), {f32({1, 2, 3})}), ValidationError,
                           Catch::Message("attribute 'axis' 3 is out of range for rank 3"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Softmax"), {f32({5})}), Catch::Contains("out of range for rank 1"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Softmax", A().i("axis", 0)), {u8({5})}), Catch::Contains("element type u8"));

    const Attributes ln = A().ints("axes", {-1}).b("normalize_variance", true).f("eps", 1e-12).str("eps_mode", "inside_sqrt");
    REQUIRE(infer1("MVN", {f32({1, 128, 768})}, ln) == f32({1, 128, 768}));
    REQUIRE(infer1("MVN", {f32({1, 3, 8, 8})}, A().ints("axes", {2, 3})) == f32({1, 3, 8, 8}));
    auto mvn = [](const Attributes& at) { return infer_outputs(make_node("MVN", at), {f32({1, 3, 8, 8})}); };
    REQUIRE_THROWS_WITH(mvn(A().ints("axes", {2, -2})), Catch::Contains("'axes' = [2,-2] repeats axis 2"));
    REQUIRE_THROWS_WITH(mvn(A().ints("axes", {4})), Catch::Contains("axis in 'axes' 4 is out of range for rank 4"));
    REQUIRE_THROWS_WITH(mvn(A().ints("axes", {})), Catch::Contains("attribute 'axes' is empty"));
    REQUIRE_THROWS_WITH(mvn(A().ints("axes", {1}).f("eps", -1.0)), Catch::Contains("'eps' = -1.000000 must be finite and >= 0"));
    REQUIRE_THROWS_AS(mvn(A().ints("axes", {1}).str("eps_mode", "add")), UnsupportedError);
    REQUIRE_THROWS_WITH(mvn(A().ints("axes", {1}).str("normalize_variance", "yes")),
                        Catch::Contains("'normalize_variance' is string, expected bool"));
}

TEST_CASE("ops: Parameter, Constant, Result", "[ir][ops]") {
    REQUIRE(infer1("Parameter", {}, A().str("element_type", "u8").ints("shape", {1, 3})) == u8({1, 3}));
    REQUIRE(infer1("Parameter", {}, A().str("element_type", "f32").ints("shape", {})) == f32({}));
    REQUIRE_THROWS_AS(infer_outputs(make_node("Parameter", A().str("element_type", "f16").ints("shape", {1})), {}),
                      UnsupportedError);
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Parameter", A().str("element_type", "f32").ints("shape", {2, -1})), {}),
                        Catch::Contains("shape [2,-1] has a negative dimension"));
    REQUIRE_THROWS_WITH(
        infer_outputs(make_node("Parameter", A().str("element_type", "f32").ints("shape", {int64_t(1) << 21, int64_t(1) << 20})), {}),
        Catch::Contains("more than 2^40 elements"));
    // no elements, but a dim whose sums would overflow
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Parameter", A().str("element_type", "f32").ints("shape", {0, int64_t(1) << 62})), {}),
                        Catch::Contains("has non-zero dims whose product exceeds 2^40"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Concat", A().i("axis", 1)), {f32({0, int64_t(1) << 62}), f32({0, int64_t(1) << 62})}),
                        Catch::Contains("input 0: shape [0,4611686018427387904] has non-zero dims whose product exceeds 2^40"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Reshape", A().ints("shape", {0, int64_t(1) << 62}).b("special_zero", false)), {f32({0})}),
                        Catch::Contains("has a value above 2^40"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Parameter", A().str("element_type", "f32")), {}),
                        Catch::Contains("missing attribute 'shape'"));

    Node c = make_node("Constant");
    c.value = Tensor(ElemType::s8, {4, 2});
    REQUIRE(infer_outputs(c, {}) == std::vector<TensorDesc>{s8({4, 2})});
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Constant"), {}), Catch::Contains("has no value"));
    REQUIRE_THROWS_WITH(infer_outputs(c, {f32({1})}), Catch::Contains("expects 0 inputs, got 1"));

    REQUIRE(infer_outputs(make_node("Result"), {f32({1})}).empty());
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Result"), {f32({1}), f32({1})}), Catch::Contains("expects 1 input, got 2"));
}

TEST_CASE("ops: the op table", "[ir][ops]") {
    for (const char* op : {"Parameter", "Constant", "Result", "Convolution", "MatMul", "MaxPool", "AvgPool", "Relu",
                           "Clamp", "Gelu", "Add", "Subtract", "Multiply", "Concat", "Reshape", "Transpose", "Squeeze",
                           "Unsqueeze", "Interpolate", "MVN", "Softmax", "FakeQuantize", "Convert",
                           "QuantizeLinear",  // ONNX's exact quantization (the ONNX importer)
                           // the LPT's internal int8 ops
                           "Quantize", "Dequantize", "Requantize", "AddI8", "ConvolutionI8", "MatMulI8",
                           // the engine's fused f32 ops (engine/f32/fuse_f32.hpp)
                           "ConvolutionF32", "MatMulF32", "GeluQuantize"})
        REQUIRE(is_known_op(op));
    REQUIRE(known_ops().size() == 33);
    REQUIRE_FALSE(is_known_op("relu"));
    REQUIRE_FALSE(is_known_op("GroupConvolution"));
    REQUIRE_THROWS_AS(infer_outputs(make_node("Foo"), {}), UnsupportedError);
}

TEST_CASE("ops: a small network infers through Graph, errors name the node", "[ir][ops]") {
    Graph g;
    PortRef x = g.parameter("image", ElemType::f32, {1, 3, 224, 224});
    PortRef w = g.constant("conv1.w", Tensor(ElemType::f32, {64, 3, 7, 7}));
    PortRef c = g.add("Convolution", "conv1", {x, w},
                      A().ints("strides", {2, 2}).ints("pads_begin", {3, 3}).ints("pads_end", {3, 3}));
    PortRef r = g.add("Relu", "relu1", {c});
    PortRef p = g.add("MaxPool", "pool1", {r},
                      A().ints("kernel", {3, 3}).ints("strides", {2, 2}).ints("pads_begin", {1, 1}).ints("pads_end", {1, 1}));
    PortRef f = g.add("Reshape", "flatten", {p}, A().ints("shape", {1, -1}));
    g.result("out", f);
    g.infer();
    REQUIRE(g.desc(c).shape == Shape{1, 64, 112, 112});
    REQUIRE(g.desc(p).shape == Shape{1, 64, 56, 56});
    REQUIRE(g.desc(f).shape == Shape{1, 64 * 56 * 56});

    g.node(c.node).attrs.set("strides", AttrValue(std::vector<int64_t>{0, 2}));
    REQUIRE_THROWS_MATCHES(g.infer(), ValidationError,
                           Catch::Message("node 'conv1' (Convolution): attribute 'strides' = [0,2] must be positive"));
    g.node(c.node).attrs.set("strides", AttrValue(std::vector<int64_t>{2, 2}));
    g.node(c.node).attrs.set("auto_pad", AttrValue(std::string("bogus")));
    REQUIRE_THROWS_AS(g.infer(), UnsupportedError);
    REQUIRE_THROWS_WITH(g.infer(), Catch::StartsWith("node 'conv1' (Convolution): attribute 'auto_pad'"));
}
