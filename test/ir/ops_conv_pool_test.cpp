#include "ir/ops/conv_geometry.hpp"
#include "ops_test_util.hpp"

using namespace octet;
using namespace octet::ir;
using namespace octet::ir::testing;

TEST_CASE("ops: Convolution output shapes", "[ir][ops]") {
    SECTION("ResNet conv1: 7x7 stride 2 pad 3 takes 224 to 112") {
        Attributes at = A().ints("strides", {2, 2}).ints("pads_begin", {3, 3}).ints("pads_end", {3, 3});
        REQUIRE(shape_of("Convolution", {f32({1, 3, 224, 224}), f32({64, 3, 7, 7})}, at) == Shape{1, 64, 112, 112});
        Window2D w = conv_window(make_node("Convolution", at), {1, 3, 224, 224}, {64, 3, 7, 7});
        REQUIRE((w.kh == 7 && w.kw == 7 && w.sh == 2 && w.pt == 3 && w.pb == 3 && w.oh == 112 && w.ow == 112));
    }
    SECTION("defaults are stride 1, no padding, dilation 1") {
        REQUIRE(shape_of("Convolution", {f32({2, 8, 10, 12}), f32({4, 8, 3, 3})}) == Shape{2, 4, 8, 10});
    }
    SECTION("dilation enlarges the window") {
        Attributes at = A().ints("dilations", {2, 3});
        // effective kernel 5 x 7: 10 -> 6, 10 -> 4
        REQUIRE(shape_of("Convolution", {f32({1, 1, 10, 10}), f32({1, 1, 3, 3})}, at) == Shape{1, 1, 6, 4});
    }
    SECTION("asymmetric explicit pads") {
        Attributes at = A().ints("pads_begin", {0, 1}).ints("pads_end", {2, 0});
        REQUIRE(shape_of("Convolution", {f32({1, 1, 5, 5}), f32({1, 1, 3, 3})}, at) == Shape{1, 1, 5, 4});
    }
    SECTION("same_upper puts the odd pad at the end, same_lower at the beginning") {
        Attributes up = A().ints("strides", {2, 2}).str("auto_pad", "same_upper").ints("pads_begin", {9, 9});
        Window2D w = conv_window(make_node("Convolution", up), {1, 3, 224, 224}, {8, 3, 3, 3});
        // out = ceil(224/2) = 112, total pad = 111*2 + 3 - 224 = 1; explicit pads are ignored
        REQUIRE((w.oh == 112 && w.pt == 0 && w.pb == 1 && w.pl == 0 && w.pr == 1));
        Attributes lo = A().ints("strides", {2, 2}).str("auto_pad", "same_lower");
        w = conv_window(make_node("Convolution", lo), {1, 3, 224, 224}, {8, 3, 3, 3});
        REQUIRE((w.oh == 112 && w.pt == 1 && w.pb == 0));
        w = conv_window(make_node("Convolution", up), {1, 3, 224, 224}, {8, 3, 7, 7});
        REQUIRE((w.pt == 2 && w.pb == 3));  // total 111*2 + 7 - 224 = 5
        REQUIRE(shape_of("Convolution", {f32({1, 3, 7, 9}), f32({8, 3, 3, 3})}, lo) == Shape{1, 8, 4, 5});
    }
    SECTION("valid ignores the pads") {
        Attributes at = A().str("auto_pad", "valid").ints("pads_begin", {5, 5}).ints("pads_end", {5, 5});
        REQUIRE(shape_of("Convolution", {f32({1, 3, 10, 10}), f32({2, 3, 3, 3})}, at) == Shape{1, 2, 8, 8});
    }
    SECTION("depthwise: group = C, weights [C, 1, KH, KW]") {
        Attributes at = A().i("group", 32).ints("pads_begin", {1, 1}).ints("pads_end", {1, 1});
        REQUIRE(shape_of("Convolution", {f32({1, 32, 112, 112}), f32({32, 1, 3, 3})}, at) == Shape{1, 32, 112, 112});
    }
    SECTION("grouped convolution with a channel multiplier") {
        REQUIRE(shape_of("Convolution", {f32({1, 4, 8, 8}), f32({6, 2, 3, 3})}, A().i("group", 2)) ==
                Shape{1, 6, 6, 6});
    }
    SECTION("int8 data with s8 weights accumulates to s32") {
        TensorDesc d = infer1("Convolution", {u8({1, 3, 8, 8}), s8({4, 3, 1, 1})});
        REQUIRE((d.type == ElemType::s32 && d.shape == Shape{1, 4, 8, 8}));
        REQUIRE(infer1("Convolution", {s8({1, 3, 8, 8}), s8({4, 3, 1, 1})}).type == ElemType::s32);
    }
}

TEST_CASE("ops: Convolution errors", "[ir][ops]") {
    const TensorDesc data = f32({1, 3, 8, 8}), w = f32({4, 3, 3, 3});
    auto conv = [&](const Attributes& at, TensorDesc d = f32({1, 3, 8, 8}), TensorDesc k = f32({4, 3, 3, 3})) {
        return infer_outputs(make_node("Convolution", at), {d, k});
    };
    REQUIRE_THROWS_MATCHES(conv({}, data, f32({4, 2, 3, 3})), ValidationError,
                           Catch::Message("weights [4,2,3,3] expect 2 input channels per group, but data "
                                          "[1,3,8,8] with group 1 has 3"));
    REQUIRE_THROWS_WITH(conv(A().i("group", 2), f32({1, 4, 8, 8}), f32({3, 2, 3, 3})),
                        Catch::Contains("output channels 3 are not divisible by group 2"));
    REQUIRE_THROWS_WITH(conv(A().i("group", 2)), Catch::Contains("input channels 3 are not divisible by group 2"));
    REQUIRE_THROWS_WITH(conv(A().i("group", 0)), Catch::Contains("'group' = 0 must be positive"));
    REQUIRE_THROWS_MATCHES(conv(A().ints("strides", {0, 1})), ValidationError,
                           Catch::Message("attribute 'strides' = [0,1] must be positive"));
    REQUIRE_THROWS_WITH(conv(A().ints("strides", {1, 1, 1})), Catch::Contains("'strides' must have 2 values, got 3"));
    REQUIRE_THROWS_WITH(conv(A().ints("dilations", {1, -1})), Catch::Contains("'dilations' = [1,-1] must be positive"));
    REQUIRE_THROWS_WITH(conv(A().ints("pads_begin", {-1, 0})), Catch::Contains("'pads_begin' = [-1,0] must be >= 0"));
    REQUIRE_THROWS_WITH(conv(A().ints("pads_end", {0})), Catch::Contains("'pads_end' must have 2 values, got 1"));
    REQUIRE_THROWS_WITH(conv(A().str("strides", "2")), Catch::Contains("attribute 'strides' is string, expected ints"));
    REQUIRE_THROWS_AS(conv(A().str("auto_pad", "same")), UnsupportedError);
    REQUIRE_THROWS_WITH(conv(A().str("auto_pad", "same")), Catch::Contains("'auto_pad' = 'same' is not supported"));
    REQUIRE_THROWS_WITH(conv({}, f32({1, 3, 2, 8})),
                        Catch::Contains("window along H (3 with dilation) is larger than the padded input"));
    REQUIRE_THROWS_WITH(conv(A().ints("dilations", {4, 1})), Catch::Contains("window along H (9 with dilation)"));
    REQUIRE_THROWS_WITH(conv({}, f32({3, 8, 8})), Catch::Contains("data must have rank 4, got shape [3,8,8]"));
    REQUIRE_THROWS_WITH(conv({}, data, f32({4, 3, 3})), Catch::Contains("weights ([OC, C/group, KH, KW]) must have rank 4"));
    REQUIRE_THROWS_WITH(conv({}, data, s8({4, 3, 3, 3})),
                        Catch::Contains("weights (with f32 data) has element type s8, expected f32"));
    REQUIRE_THROWS_WITH(conv({}, u8({1, 3, 8, 8}), u8({4, 3, 3, 3})),
                        Catch::Contains("weights (with int8 data) has element type u8, expected s8"));
    REQUIRE_THROWS_WITH(conv({}, {ElemType::s32, {1, 3, 8, 8}}, s8({4, 3, 3, 3})),
                        Catch::Contains("data has element type s32"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Convolution"), {data}), Catch::Contains("expects 2 inputs, got 1"));
}

TEST_CASE("ops: window arithmetic from hostile attributes never overflows", "[ir][ops]") {
    const int64_t huge = int64_t(1) << 62;
    auto conv = [](const Attributes& at, Shape k = {1, 1, 3, 3}) {
        return infer_outputs(make_node("Convolution", at), {f32({1, 1, 8, 8}), f32(k)});
    };
    REQUIRE_THROWS_WITH(conv(A().ints("pads_begin", {huge, 0})), Catch::Contains("has a value above 2^31"));
    REQUIRE_THROWS_WITH(conv(A().ints("strides", {huge, huge})), Catch::Contains("above 2^31"));
    REQUIRE_THROWS_WITH(conv(A().ints("dilations", {huge, 1})), Catch::Contains("above 2^31"));
    // Largest accepted values still compute exactly: (2^31-1)*2^31 fits in int64.
    const int64_t big = int64_t(1) << 31;
    REQUIRE_THROWS_WITH(conv(A().ints("dilations", {big, big})), Catch::Contains("larger than the padded input"));
    REQUIRE(shape_of("Convolution", {f32({1, 1, 8, 8}), f32({1, 1, 3, 3})},
                     A().ints("pads_begin", {big, 0}).ints("pads_end", {big, 0}).ints("strides", {big, 1})) ==
            Shape{1, 1, 3, 6});  // (8 + 2^32 - 3) / 2^31 + 1 = 3
    REQUIRE_THROWS_WITH(infer_outputs(make_node("Convolution"), {f32({1, 1, int64_t(1) << 40, 2}), f32({1, 1, 1, 1})}),
                        Catch::Contains("input 0: shape [1,1,1099511627776,2] has more than 2^40 elements"));
    REQUIRE_THROWS_WITH(infer_outputs(make_node("MaxPool", A().ints("kernel", {huge, 1})), {f32({1, 1, 8, 8})}),
                        Catch::Contains("'kernel'"));
}

TEST_CASE("ops: MaxPool and AvgPool output shapes", "[ir][ops]") {
    SECTION("ResNet max pool: 3x3 stride 2 pad 1 takes 112 to 56") {
        Attributes at = A().ints("kernel", {3, 3}).ints("strides", {2, 2}).ints("pads_begin", {1, 1}).ints("pads_end", {1, 1});
        REQUIRE(shape_of("MaxPool", {f32({1, 64, 112, 112})}, at) == Shape{1, 64, 56, 56});
    }
    SECTION("ceil rounding adds the partial last window, floor drops it") {
        Attributes fl = A().ints("kernel", {3, 3}).ints("strides", {2, 2});
        Attributes ce = A().ints("kernel", {3, 3}).ints("strides", {2, 2}).str("rounding_type", "ceil");
        REQUIRE(shape_of("MaxPool", {f32({1, 1, 112, 6})}, fl) == Shape{1, 1, 55, 2});
        REQUIRE(shape_of("MaxPool", {f32({1, 1, 112, 6})}, ce) == Shape{1, 1, 56, 3});
        REQUIRE(shape_of("AvgPool", {f32({1, 1, 112, 6})}, ce) == Shape{1, 1, 56, 3});
    }
    SECTION("ceil: a last window starting in the right padding is dropped") {
        // padded 5 + 0 + 1 = 6, k 1, s 2: ceil gives windows at 0,2,4,6; 6 starts past the input
        Attributes ce = A().ints("kernel", {1, 1}).ints("strides", {2, 2}).ints("pads_end", {1, 0})
                            .str("rounding_type", "ceil");
        Window2D w = pool_window(make_node("MaxPool", ce), {1, 1, 5, 5});
        REQUIRE((w.oh == 3 && w.ow == 3 && w.pb == 1 && w.pr == 0));
        // With left padding the last window may still start inside the input.
        Attributes ce2 = A().ints("kernel", {2, 2}).ints("strides", {2, 2}).ints("pads_begin", {1, 1})
                             .ints("pads_end", {1, 1}).str("rounding_type", "ceil");
        REQUIRE(shape_of("AvgPool", {f32({1, 1, 4, 4})}, ce2) == Shape{1, 1, 3, 3});
    }
    SECTION("auto_pad same_upper / same_lower / valid") {
        Attributes up = A().ints("kernel", {3, 3}).ints("strides", {2, 2}).str("auto_pad", "same_upper");
        Window2D w = pool_window(make_node("MaxPool", up), {1, 1, 8, 7});
        REQUIRE((w.oh == 4 && w.pt == 0 && w.pb == 1 && w.ow == 4 && w.pl == 1 && w.pr == 1));
        Attributes lo = A().ints("kernel", {3, 3}).ints("strides", {2, 2}).str("auto_pad", "same_lower");
        w = pool_window(make_node("AvgPool", lo), {1, 1, 8, 7});
        REQUIRE((w.pt == 1 && w.pb == 0));
        Attributes va = A().ints("kernel", {2, 2}).ints("pads_begin", {1, 1}).str("auto_pad", "valid");
        REQUIRE(shape_of("MaxPool", {f32({1, 2, 5, 5})}, va) == Shape{1, 2, 4, 4});
    }
    SECTION("int8 pooling keeps the element type") {
        Attributes at = A().ints("kernel", {2, 2}).ints("strides", {2, 2}).b("exclude_pad", true);
        REQUIRE(infer1("AvgPool", {u8({1, 8, 4, 4})}, at).type == ElemType::u8);
        REQUIRE(infer1("MaxPool", {s8({1, 8, 4, 4})}, at) == TensorDesc{ElemType::s8, {1, 8, 2, 2}});
    }
}

TEST_CASE("ops: pooling errors", "[ir][ops]") {
    auto pool = [](const std::string& op, const Attributes& at, TensorDesc d = f32({1, 1, 4, 4})) {
        return infer_outputs(make_node(op, at), {d});
    };
    const Attributes k2 = A().ints("kernel", {2, 2});
    REQUIRE_THROWS_MATCHES(pool("MaxPool", {}), ValidationError, Catch::Message("missing attribute 'kernel'"));
    REQUIRE_THROWS_WITH(pool("MaxPool", A().ints("kernel", {0, 2})), Catch::Contains("'kernel' = [0,2] must be positive"));
    REQUIRE_THROWS_WITH(pool("MaxPool", A().ints("kernel", {5, 2})), Catch::Contains("larger than the padded input (4 + pads 0+0 = 4)"));
    REQUIRE_THROWS_AS(pool("AvgPool", A(k2).str("rounding_type", "round")), UnsupportedError);
    REQUIRE_THROWS_WITH(pool("AvgPool", A(k2).i("exclude_pad", 1)), Catch::Contains("'exclude_pad' is int, expected bool"));
    REQUIRE_THROWS_AS(pool("MaxPool", A(k2).ints("dilations", {2, 2})), UnsupportedError);
    REQUIRE_THROWS_WITH(pool("MaxPool", k2, {ElemType::s32, {1, 1, 4, 4}}), Catch::Contains("data has element type s32"));
    REQUIRE_THROWS_WITH(pool("MaxPool", k2, f32({1, 4, 4})), Catch::Contains("data must have rank 4"));
}
